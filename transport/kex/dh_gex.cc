#include "transport/kex/dh_gex.h"

#include <botan/dl_group.h>

#include <algorithm>

#include "transport/kex/agreement.h"
#include "transport/kex/kex_common.h"
#include "transport/keys/public_key.h"
#include "transport/messages.h"

namespace wharf::kex {

namespace {

using transport::DisconnectReason;
namespace msg = transport::msg;

constexpr char kHash[] = "SHA-256";
constexpr size_t kMaxValueBytes = Moduli::kMaxBits / 8;

// What the client asked for, as it enters H.
struct Request {
  uint32_t min = 0, n = 0, max = 0;
  bool old_form = false;
};

Bytes exchange_hash(const KexContext& ctx, ByteView host_key, const Request& req,
                    const Botan::BigInt& p, const Botan::BigInt& g, ByteView e, ByteView f,
                    const Botan::secure_vector<uint8_t>& k) {
  ExchangeHash h(kHash);
  h.prefix(ctx, host_key);
  if (req.old_form) {
    h.u32(req.n);
  } else {
    h.u32(req.min).u32(req.n).u32(req.max);
  }
  h.mpint(p).mpint(g).mpint(e).mpint(f).raw(ByteView(k.data(), k.size()));
  return h.final();
}

class Server final : public ServerKex {
 public:
  Server(const KexContext& ctx, SignFn sign, const Moduli& moduli)
      : ctx_(ctx), sign_(std::move(sign)), moduli_(moduli) {}

  std::vector<Bytes> on_message(ByteView payload) override {
    const uint8_t type = payload.empty() ? 0 : payload[0];
    if (state_ == State::kRequest && (type == msg::kKexDhGexRequest || type == msg::kKexdhInit)) {
      return on_request(payload);
    }
    if (state_ == State::kInit && type == msg::kKexDhGexInit) return on_init(payload);
    unexpected_message(payload);
  }

  bool done() const override { return state_ == State::kDone; }
  KexOutput take_output() override { return std::move(out_); }

 private:
  enum class State { kRequest, kInit, kDone, kFailed };

  std::vector<Bytes> on_request(ByteView payload) {
    state_ = State::kFailed;
    req_ = decode_message("group exchange request", [&] {
      wire::Reader r(payload);
      Request req;
      req.old_form = r.u8("message type") == msg::kKexdhInit;
      if (req.old_form) {
        req.n = r.u32("n");
      } else {
        req.min = r.u32("min");
        req.n = r.u32("n");
        req.max = r.u32("max");
      }
      r.expect_end("group exchange request");
      return req;
    });
    if (!req_.old_form && (req_.min > req_.n || req_.n > req_.max)) {
      fail(DisconnectReason::kKeyExchangeFailed, "group exchange request with min > n or n > max");
    }
    // Never below our floor, whatever the client accepts (as OpenSSH clamps to DH_GRP_MIN).
    const uint32_t lo = std::max<uint32_t>(req_.old_form ? 0 : req_.min, Moduli::kMinBits);
    const uint32_t hi = req_.old_form ? Moduli::kMaxBits : req_.max;
    const uint32_t want = std::clamp<uint32_t>(req_.n, lo, std::max(lo, hi));
    const ModuliGroup* group = moduli_.choose(lo, want, hi);
    if (group == nullptr) fail(DisconnectReason::kKeyExchangeFailed, "no suitable DH group");
    p_ = group->p;
    g_ = group->g;
    agreement_ = make_dh(Botan::DL_Group(p_, g_));
    wire::Writer w;
    w.u8(msg::kKexdhReply);  // KEX_DH_GEX_GROUP shares number 31
    w.mpint_unsigned(ByteView(Botan::BigInt::encode(p_)));
    w.mpint_unsigned(ByteView(Botan::BigInt::encode(g_)));
    state_ = State::kInit;
    return {w.take()};
  }

  std::vector<Bytes> on_init(ByteView payload) {
    state_ = State::kFailed;
    ByteView e = decode_message("group exchange init", [&] {
      wire::Reader r(payload);
      r.u8("message type");
      ByteView v = r.mpint_unsigned("e", kMaxValueBytes);
      r.expect_end("group exchange init");
      return v;
    });
    Bytes f = agreement_->public_value();
    out_.shared_secret = encode_shared_secret(agreement_->agree(e));
    agreement_.reset();
    out_.exchange_hash =
        exchange_hash(ctx_, ctx_.host_key_blob, req_, p_, g_, e, f, out_.shared_secret);
    out_.hash = kHash;
    out_.host_key_blob = ctx_.host_key_blob;
    wire::Writer w;
    w.u8(msg::kKexDhGexReply).string(ByteView(ctx_.host_key_blob));
    w.mpint_unsigned(f).string(ByteView(sign_(out_.exchange_hash)));
    state_ = State::kDone;
    return {w.take()};
  }

  KexContext ctx_;
  SignFn sign_;
  const Moduli& moduli_;
  State state_ = State::kRequest;
  Request req_;
  Botan::BigInt p_, g_;
  std::unique_ptr<Agreement> agreement_;
  KexOutput out_;
};

class Client final : public ClientKex {
 public:
  Client(const KexContext& ctx, std::string host_key_algorithm, GexRequest request)
      : ctx_(ctx), host_key_algorithm_(std::move(host_key_algorithm)) {
    req_ = {request.min, request.n, request.max, request.old_form};
  }

  std::vector<Bytes> first_message() override {
    wire::Writer w;
    if (req_.old_form) {
      w.u8(msg::kKexdhInit).u32(req_.n);
    } else {
      w.u8(msg::kKexDhGexRequest).u32(req_.min).u32(req_.n).u32(req_.max);
    }
    state_ = State::kGroup;
    return {w.take()};
  }

  std::vector<Bytes> on_message(ByteView payload) override {
    const uint8_t type = payload.empty() ? 0 : payload[0];
    if (state_ == State::kGroup && type == msg::kKexdhReply) return on_group(payload);
    if (state_ == State::kReply && type == msg::kKexDhGexReply) return on_reply(payload);
    unexpected_message(payload);
  }

  bool done() const override { return state_ == State::kDone; }
  KexOutput take_output() override { return std::move(out_); }

 private:
  enum class State { kStart, kGroup, kReply, kDone, kFailed };

  std::vector<Bytes> on_group(ByteView payload) {
    state_ = State::kFailed;
    decode_message("group exchange group", [&] {
      wire::Reader r(payload);
      r.u8("message type");
      ByteView p = r.mpint_unsigned("p", kMaxValueBytes);
      ByteView g = r.mpint_unsigned("g", kMaxValueBytes);
      r.expect_end("group exchange group");
      p_ = Botan::BigInt(p.data(), p.size());
      g_ = Botan::BigInt(g.data(), g.size());
    });
    const size_t lo =
        req_.old_form ? Moduli::kMinBits : std::max<size_t>(req_.min, Moduli::kMinBits);
    const size_t hi = req_.old_form ? Moduli::kMaxBits : req_.max;
    if (p_.bits() < lo || p_.bits() > hi || p_.is_even() || g_ < 2 || g_ >= p_ - 1) {
      fail(DisconnectReason::kKeyExchangeFailed, "server sent an unacceptable DH group");
    }
    agreement_ = make_dh(Botan::DL_Group(p_, g_));
    e_ = agreement_->public_value();
    wire::Writer w;
    w.u8(msg::kKexDhGexInit).mpint_unsigned(ByteView(e_));
    state_ = State::kReply;
    return {w.take()};
  }

  std::vector<Bytes> on_reply(ByteView payload) {
    state_ = State::kFailed;
    ByteView host_key, f, signature;
    decode_message("group exchange reply", [&] {
      wire::Reader r(payload);
      r.u8("message type");
      host_key = r.string("server host key", keys::kMaxKeyBlob);
      f = r.mpint_unsigned("f", kMaxValueBytes);
      signature = r.string("signature", keys::kMaxKeyBlob);
      r.expect_end("group exchange reply");
    });
    out_.shared_secret = encode_shared_secret(agreement_->agree(f));
    agreement_.reset();
    out_.exchange_hash = exchange_hash(ctx_, host_key, req_, p_, g_, e_, f, out_.shared_secret);
    verify_server_signature(ctx_, host_key_algorithm_, host_key, out_.exchange_hash, signature);
    out_.hash = kHash;
    out_.host_key_blob.assign(host_key.begin(), host_key.end());
    state_ = State::kDone;
    return {};
  }

  KexContext ctx_;
  std::string host_key_algorithm_;
  Request req_;
  State state_ = State::kStart;
  Botan::BigInt p_, g_;
  Bytes e_;
  std::unique_ptr<Agreement> agreement_;
  KexOutput out_;
};

}  // namespace

std::unique_ptr<ServerKex> make_gex_server(const KexContext& ctx, SignFn sign,
                                           const Moduli& moduli) {
  return std::make_unique<Server>(ctx, std::move(sign), moduli);
}

std::unique_ptr<ClientKex> make_gex_client(const KexContext& ctx, std::string host_key_algorithm,
                                           GexRequest request) {
  return std::make_unique<Client>(ctx, std::move(host_key_algorithm), request);
}

}  // namespace wharf::kex
