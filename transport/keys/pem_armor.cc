#include "transport/keys/pem_armor.h"

#include <botan/base64.h>
#include <botan/exceptn.h>

#include <string>

#include "transport/keys/key_types.h"

namespace wharf::keys {

namespace {

constexpr std::string_view kDashes = "-----";

std::string begin_line(std::string_view label) {
  return "-----BEGIN " + std::string(label) + "-----";
}
std::string end_line(std::string_view label) { return "-----END " + std::string(label) + "-----"; }

void append(Botan::secure_vector<uint8_t>& out, std::string_view s) {
  out.insert(out.end(), s.begin(), s.end());
}

}  // namespace

std::string_view pem_label(std::string_view text) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  size_t start = text.find(kBegin);
  if (start == std::string_view::npos) return {};
  start += kBegin.size();
  size_t stop = text.find(kDashes, start);
  if (stop == std::string_view::npos) return {};
  std::string_view label = text.substr(start, stop - start);
  return label.find('\n') == std::string_view::npos ? label : std::string_view();
}

bool pem_is_encrypted(std::string_view text) {
  return text.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos ||
         text.find("DEK-Info:") != std::string_view::npos;
}

Botan::secure_vector<uint8_t> pem_dearmor(std::string_view text, std::string_view label) {
  const std::string begin = begin_line(label);
  const std::string end = end_line(label);
  size_t start = text.find(begin);
  if (start == std::string_view::npos) throw KeyError("missing " + begin);
  start += begin.size();
  size_t stop = text.find(end, start);
  if (stop == std::string_view::npos) throw KeyError("missing " + end);
  std::string_view body = text.substr(start, stop - start);
  Botan::secure_vector<uint8_t> out(Botan::base64_decode_max_output(body.size()));
  try {
    out.resize(Botan::base64_decode(out.data(), body.data(), body.size(), true));
  } catch (const Botan::Exception&) {
    throw KeyError("private key file is not valid base64");
  }
  return out;
}

Botan::secure_vector<uint8_t> pem_armor(wire::ByteView data, std::string_view label, size_t width) {
  Botan::secure_vector<char> b64(Botan::base64_encode_max_output(data.size()));
  size_t consumed = 0;
  b64.resize(Botan::base64_encode(b64.data(), data.data(), data.size(), consumed, true));
  Botan::secure_vector<uint8_t> out;
  append(out, begin_line(label));
  out.push_back('\n');
  for (size_t i = 0; i < b64.size(); i += width) {
    append(out, std::string_view(b64.data() + i, std::min(width, b64.size() - i)));
    out.push_back('\n');
  }
  append(out, end_line(label));
  out.push_back('\n');
  return out;
}

}  // namespace wharf::keys
