#include "transport/kex/single_round.h"

#include "transport/kex/kex_common.h"
#include "transport/keys/public_key.h"
#include "transport/messages.h"

namespace wharf::kex {

namespace {

ByteView read_value(wire::Reader& r, const SingleRoundMethod& m, const char* what) {
  return m.mpint_values ? r.mpint_unsigned(what, m.max_value) : r.string(what, m.max_value);
}

void write_value(wire::Writer& w, const SingleRoundMethod& m, ByteView v) {
  if (m.mpint_values) {
    w.mpint_unsigned(v);
  } else {
    w.string(v);
  }
}

// H over both public values (client's first) and K.
Bytes exchange_hash(const SingleRoundMethod& m, const KexContext& ctx, ByteView host_key,
                    ByteView client_value, ByteView server_value,
                    const Botan::secure_vector<uint8_t>& k_encoded) {
  ExchangeHash h(m.hash);
  h.prefix(ctx, host_key);
  if (m.mpint_values) {
    h.mpint(client_value).mpint(server_value);
  } else {
    h.string(client_value).string(server_value);
  }
  h.raw(ByteView(k_encoded.data(), k_encoded.size()));
  return h.final();
}

class Server final : public ServerKex {
 public:
  Server(SingleRoundMethod m, const KexContext& ctx, SignFn sign)
      : m_(std::move(m)), ctx_(ctx), sign_(std::move(sign)) {}

  std::vector<Bytes> on_message(ByteView payload) override {
    if (used_ || payload.empty() || payload[0] != transport::msg::kKexdhInit) {
      unexpected_message(payload);
    }
    used_ = true;  // one INIT only, even if this one fails
    ByteView client_value = decode_message("key exchange init", [&] {
      wire::Reader r(payload);
      r.u8("message type");
      ByteView v = read_value(r, m_, "client public value");
      r.expect_end("key exchange init");
      return v;
    });
    auto agreement = m_.make_agreement();
    Bytes server_value = agreement->public_value();
    out_.shared_secret = encode_shared_secret(agreement->agree(client_value));
    out_.exchange_hash =
        exchange_hash(m_, ctx_, ctx_.host_key_blob, client_value, server_value, out_.shared_secret);
    out_.hash = m_.hash;
    out_.host_key_blob = ctx_.host_key_blob;
    wire::Writer w;
    w.u8(transport::msg::kKexdhReply).string(ByteView(ctx_.host_key_blob));
    write_value(w, m_, server_value);
    w.string(ByteView(sign_(out_.exchange_hash)));
    done_ = true;
    return {w.take()};
  }

  bool done() const override { return done_; }
  KexOutput take_output() override { return std::move(out_); }

 private:
  SingleRoundMethod m_;
  KexContext ctx_;
  SignFn sign_;
  KexOutput out_;
  bool used_ = false;
  bool done_ = false;
};

class Client final : public ClientKex {
 public:
  Client(SingleRoundMethod m, const KexContext& ctx, std::string host_key_algorithm)
      : m_(std::move(m)), ctx_(ctx), host_key_algorithm_(std::move(host_key_algorithm)) {}

  std::vector<Bytes> first_message() override {
    agreement_ = m_.make_agreement();
    client_value_ = agreement_->public_value();
    wire::Writer w;
    w.u8(transport::msg::kKexdhInit);
    write_value(w, m_, client_value_);
    return {w.take()};
  }

  std::vector<Bytes> on_message(ByteView payload) override {
    if (done_ || !agreement_ || payload.empty() || payload[0] != transport::msg::kKexdhReply) {
      unexpected_message(payload);
    }
    std::unique_ptr<Agreement> agreement = std::move(agreement_);  // one REPLY only
    ByteView host_key, server_value, signature;
    decode_message("key exchange reply", [&] {
      wire::Reader r(payload);
      r.u8("message type");
      host_key = r.string("server host key", keys::kMaxKeyBlob);
      server_value = read_value(r, m_, "server public value");
      signature = r.string("signature", keys::kMaxKeyBlob);
      r.expect_end("key exchange reply");
    });
    out_.shared_secret = encode_shared_secret(agreement->agree(server_value));
    out_.exchange_hash =
        exchange_hash(m_, ctx_, host_key, client_value_, server_value, out_.shared_secret);
    verify_server_signature(ctx_, host_key_algorithm_, host_key, out_.exchange_hash, signature);
    out_.hash = m_.hash;
    out_.host_key_blob.assign(host_key.begin(), host_key.end());
    done_ = true;
    return {};
  }

  bool done() const override { return done_; }
  KexOutput take_output() override { return std::move(out_); }

 private:
  SingleRoundMethod m_;
  KexContext ctx_;
  std::string host_key_algorithm_;
  std::unique_ptr<Agreement> agreement_;
  Bytes client_value_;
  KexOutput out_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ServerKex> make_single_round_server(SingleRoundMethod method, const KexContext& ctx,
                                                    SignFn sign) {
  return std::make_unique<Server>(std::move(method), ctx, std::move(sign));
}

std::unique_ptr<ClientKex> make_single_round_client(SingleRoundMethod method, const KexContext& ctx,
                                                    std::string host_key_algorithm) {
  return std::make_unique<Client>(std::move(method), ctx, std::move(host_key_algorithm));
}

}  // namespace wharf::kex
