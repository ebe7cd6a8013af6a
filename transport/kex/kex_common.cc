#include "transport/kex/kex_common.h"

#include "transport/keys/public_key.h"

namespace wharf::kex {

using transport::DisconnectReason;

ExchangeHash::ExchangeHash(const std::string& hash_name)
    : hash_(Botan::HashFunction::create_or_throw(hash_name)) {}

ExchangeHash& ExchangeHash::u32(uint32_t v) {
  const uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
  hash_->update(b, 4);
  return *this;
}

ExchangeHash& ExchangeHash::string(ByteView v) {
  u32(static_cast<uint32_t>(v.size()));
  hash_->update(v.data(), v.size());
  return *this;
}

ExchangeHash& ExchangeHash::mpint(ByteView magnitude) {
  size_t skip = 0;
  while (skip < magnitude.size() && magnitude[skip] == 0) ++skip;
  ByteView mag = magnitude.subspan(skip);
  const bool pad = !mag.empty() && (mag[0] & 0x80);
  u32(static_cast<uint32_t>(mag.size() + (pad ? 1 : 0)));
  if (pad) hash_->update(uint8_t{0});
  hash_->update(mag.data(), mag.size());
  return *this;
}

ExchangeHash& ExchangeHash::mpint(const Botan::BigInt& v) {
  std::vector<uint8_t> bytes = Botan::BigInt::encode(v);
  return mpint(ByteView(bytes));
}

ExchangeHash& ExchangeHash::raw(ByteView v) {
  hash_->update(v.data(), v.size());
  return *this;
}

ExchangeHash& ExchangeHash::prefix(const KexContext& ctx, ByteView host_key_blob) {
  string(ctx.client_version).string(ctx.server_version);
  string(ByteView(ctx.client_kexinit)).string(ByteView(ctx.server_kexinit));
  return string(host_key_blob);
}

Bytes ExchangeHash::final() {
  Botan::secure_vector<uint8_t> h = hash_->final();
  return Bytes(h.begin(), h.end());
}

Botan::secure_vector<uint8_t> encode_shared_secret(const Botan::secure_vector<uint8_t>& k) {
  size_t skip = 0;
  while (skip < k.size() && k[skip] == 0) ++skip;
  const size_t len = k.size() - skip;
  const bool pad = len > 0 && (k[skip] & 0x80);
  const size_t total = len + (pad ? 1 : 0);
  Botan::secure_vector<uint8_t> out;
  out.reserve(4 + total);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(total >> shift));
  if (pad) out.push_back(0);
  out.insert(out.end(), k.begin() + static_cast<std::ptrdiff_t>(skip), k.end());
  return out;
}

void verify_server_signature(const KexContext& ctx, const std::string& host_key_algorithm,
                             ByteView host_key_blob, ByteView exchange_hash, ByteView signature) {
  if (!ctx.host_key_blob.empty() &&
      !std::equal(host_key_blob.begin(), host_key_blob.end(), ctx.host_key_blob.begin(),
                  ctx.host_key_blob.end())) {
    fail(DisconnectReason::kHostKeyNotVerifiable, "server host key is not the expected one");
  }
  try {
    keys::PublicKey key = keys::PublicKey::parse(host_key_blob);
    if (!key.verify(host_key_algorithm, exchange_hash, signature)) {
      fail(DisconnectReason::kKeyExchangeFailed, "server host key signature does not verify");
    }
  } catch (const keys::KeyError& e) {
    fail(DisconnectReason::kKeyExchangeFailed, std::string("server host key: ") + e.what());
  }
}

void fail(DisconnectReason reason, const std::string& message) {
  throw transport::ProtocolError(reason, "key exchange: " + message);
}

void unexpected_message(ByteView payload) {
  const int type = payload.empty() ? -1 : payload[0];
  fail(DisconnectReason::kProtocolError,
       "unexpected message " + std::to_string(type) + " during key exchange");
}

}  // namespace wharf::kex
