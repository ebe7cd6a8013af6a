// The publickey and password methods of UserAuth (RFC 4252 sections 7 and 8).
#include <unistd.h>

#include <algorithm>
#include <ctime>

#include "auth/authorized_keys.h"
#include "auth/passwords.h"
#include "auth/strict_modes.h"
#include "auth/tokens.h"
#include "auth/userauth/userauth.h"
#include "log/log.h"
#include "transport/keys/public_key.h"
#include "transport/messages.h"

namespace wharf::auth {

namespace {

namespace msg = transport::msg;

// The key's authorizing line in the user's AuthorizedKeysFile(s), if any.
KeyMatch find_authorized(const User& user, const conf::Settings& settings,
                         const keys::PublicKey& key, const std::string& client_address) {
  FileOwner owner{user.uid, user.gid, user.groups, user.home};
  if (!user.has_ids && ::geteuid() != 0) {
    // A user without ids of its own (virtual) is served with the daemon's ids when the daemon
    // is not root: its files belong to the daemon's account, as the session's do.
    owner = FileOwner{::geteuid(), ::getegid(), {::getegid()}, user.home};
  }
  for (const auto& templ : settings.authorized_keys_files) {
    if (templ == "none") continue;
    Expansion path = authorized_keys_path(templ, user);
    if (!path.value) {
      log::error("AuthorizedKeysFile {}: {}", templ, path.error);
      continue;
    }
    KeyFileRead file =
        read_key_file(*path.value, owner, settings.strict_modes, kMaxAuthorizedKeysFile);
    if (file.status == KeyFileRead::Status::kRefused) {
      log::error("Authentication refused: {}", file.reason);
      continue;
    }
    if (file.status != KeyFileRead::Status::kOk) continue;
    AuthorizedKeys keys = parse_authorized_keys(file.content);
    for (const auto& d : keys.diagnostics) {
      log::verbose("{}:{}: {}", *path.value, d.line_number, d.message);
    }
    KeyMatch m = match_key(keys, key.type(), key.blob(), client_address, std::time(nullptr));
    if (m.entry != nullptr && m.decision.allowed) {
      log::debug("{}:{}: key matches", *path.value, m.entry->line_number);
      return m;
    }
    // match_key sets `entry` only for a line that allows the login; a refusing line leaves
    // its reason ("line N: why") for the log.
    if (!m.decision.reason.empty()) log::info("{}: {}", *path.value, m.decision.reason);
  }
  return {};
}

// What an unknown or refused account checks the key against instead of a file: one line, as
// most authorized_keys files hold, with a key no client has (its private half was never kept).
// Parsing and matching it costs what a known user's one-line file does, so the reply time does
// not tell the two apart (issue 8, tests/hostile:enumeration_*).
constexpr std::string_view kDecoyAuthorizedKeys =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm8tJhRSnVjJ7gq3ssh5FbnmRnBZQnOXo2EkYQhl8Tt decoy\n";

void decoy_key_check(const keys::PublicKey& key, const std::string& client_address) {
  AuthorizedKeys keys = parse_authorized_keys(kDecoyAuthorizedKeys);
  (void)match_key(keys, key.type(), key.blob(), client_address, std::time(nullptr));
}

}  // namespace

UserAuth::Outcome UserAuth::try_publickey(wire::Reader& r, bool& replied) {
  bool has_signature = r.boolean("publickey has signature");
  std::string algorithm(r.text("public key algorithm", 64));
  wire::ByteView blob = r.string("public key blob", keys::kMaxKeyBlob);
  wire::ByteView signature;
  if (has_signature) signature = r.string("signature", 16 * 1024);
  r.expect_end("publickey request");
  key_description_.clear();
  if (std::find(settings_.pubkey_accepted_algorithms.begin(),
                settings_.pubkey_accepted_algorithms.end(),
                algorithm) == settings_.pubkey_accepted_algorithms.end()) {
    log::verbose("public key algorithm {} not accepted", log::sanitize(algorithm));
    return Outcome::kFailure;
  }
  std::optional<keys::PublicKey> key;
  try {
    key = keys::PublicKey::parse(blob);
  } catch (const keys::KeyError& e) {
    log::verbose("bad public key: {}", e.what());
    return Outcome::kFailure;
  }
  key_description_ = std::string(keys::key_info(key->key_type()).label) + " " + key->fingerprint();
  // A key that already counted for a step of AuthenticationMethods does not count again (sshd:
  // "refusing previously-used key"); only a user who has passed a step can get here with one.
  if (std::find_if(used_keys_.begin(), used_keys_.end(), [&](const std::vector<uint8_t>& k) {
        return std::equal(k.begin(), k.end(), blob.begin(), blob.end());
      }) != used_keys_.end()) {
    log::verbose("refusing previously-used key {}", key_description_);
    return Outcome::kFailure;
  }
  // Verify every signature, known user or not, so that all failures cost the same work.
  // The signed data is rebuilt from the parsed fields (RFC 4252 section 7).
  bool signature_ok = false;
  if (has_signature) {
    wire::Writer w;
    w.string(transport_.session_id()).u8(msg::kUserauthRequest).string(user_name_);
    w.string(std::string_view("ssh-connection")).string(std::string_view("publickey"));
    w.boolean(true).string(algorithm).string(blob);
    signature_ok = key->verify(algorithm, w.bytes(), signature);
  }
  KeyMatch match;
  if (account_allowed_) {
    match = find_authorized(*user_, settings_, *key, config_.client_address);
  } else {
    decoy_key_check(*key, config_.client_address);
  }
  bool authorized =
      match.entry != nullptr &&
      account_usable("publickey", match.decision.command.kind != ForcedCommand::Kind::kNone);
  if (!has_signature) {
    if (!authorized) return Outcome::kFailure;
    wire::Writer w;  // RFC 4252 section 7: SSH_MSG_USERAUTH_PK_OK
    w.u8(msg::kUserauthPkOk).string(algorithm).string(blob);
    transport_.send(w.bytes());
    replied = true;
    return Outcome::kPkOk;
  }
  if (!authorized || !signature_ok) return Outcome::kFailure;
  used_keys_.emplace_back(blob.begin(), blob.end());
  // The options of the key that signed. With two keys, a forced command of the first stays
  // (as sshd merges key options, the first command wins); the second's applies if it has none.
  if (key_decision_.command.kind == ForcedCommand::Kind::kNone) key_decision_ = match.decision;
  return Outcome::kSuccess;
}

UserAuth::Outcome UserAuth::try_password(wire::Reader& r) {
  bool change = r.boolean("password change");
  std::string_view password = wire::as_text(r.string("password", kMaxPasswordLength));
  if (change) r.string("new password", kMaxPasswordLength);
  r.expect_end("password request");
  key_description_.clear();
  if (change) return Outcome::kFailure;  // password changes are not offered
  // With a VirtualUsersFile, names may be virtual or system accounts: failures cost both.
  bool both_kinds = (user_ && user_->is_virtual) || !settings_.virtual_users_file.empty();
  PasswordResult result = check_password(account_allowed_ ? &*user_ : nullptr, password,
                                         both_kinds ? DummyShape::kBoth : DummyShape::kSystemCrypt);
  if (!result.ok && account_allowed_) log::verbose("password: {}", result.reason);
  return result.ok && account_usable("password", false) ? Outcome::kSuccess : Outcome::kFailure;
}

}  // namespace wharf::auth
