// An SSH public key: parsed from its wire blob (RFC 4253 section 6.6, RFC 5656 section 3.1,
// RFC 8709 section 4) or from the one-line `type base64 comment` form, able to verify signatures
// and to print fingerprints exactly as `ssh-keygen -l` does. Used for host keys (KEX) and for
// user keys (authorized_keys, publickey authentication).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "transport/keys/key_types.h"
#include "transport/wire.h"

namespace Botan {
class Public_Key;
}

namespace wharf::keys {

using wire::Bytes;
using wire::ByteView;

// Most bytes a public key blob or a signature blob may have (a 16384-bit RSA key is ~2 KiB).
inline constexpr size_t kMaxKeyBlob = 8192;

class PublicKey {
 public:
  // Parses a public key blob; throws KeyError if it is malformed, has trailing bytes, names an
  // unknown type, holds a point not on its curve, or is an RSA key under kMinRsaBits.
  static PublicKey parse(ByteView blob);
  // Parses "type base64 [comment]" (the .pub and authorized_keys key form, without options).
  static PublicKey parse_line(std::string_view line);

  KeyType key_type() const { return type_; }
  std::string_view type() const { return key_info(type_).name; }
  size_t bits() const { return bits_; }
  const Bytes& blob() const { return blob_; }
  const std::string& comment() const { return comment_; }
  void set_comment(std::string comment) { comment_ = std::move(comment); }

  // True iff `signature_blob` (string algorithm, string signature) is a valid signature by this
  // key over `data` made with `algorithm`, which must be one this key type makes and must match
  // the name inside the blob. Malformed signatures are false, never an exception. SHA-1 "ssh-rsa"
  // is verified when asked for: whether to accept it is the caller's policy.
  bool verify(std::string_view algorithm, ByteView data, ByteView signature_blob) const;

  // "SHA256:" + unpadded base64 of SHA-256(blob).
  std::string fingerprint() const;
  // As `ssh-keygen -l` prints it: "256 SHA256:... comment (ED25519)"; "no comment" if empty.
  std::string fingerprint_line() const;
  // "type base64 comment" (comment omitted when empty).
  std::string to_line() const;

  bool operator==(const PublicKey& other) const { return blob_ == other.blob_; }

 private:
  PublicKey() = default;

  KeyType type_ = KeyType::kEd25519;
  size_t bits_ = 0;
  Bytes blob_;
  std::string comment_;
  std::shared_ptr<const Botan::Public_Key> key_;
};

}  // namespace wharf::keys
