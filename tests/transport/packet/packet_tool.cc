// Test tool for interop checks against independent implementations (paramiko, OpenSSL through
// python3-cryptography): frames payloads with PacketEncoder or opens a byte stream with
// PacketDecoder, using keys given on the command line.
//
//   packet_tool encode|decode CIPHER MAC IV_HEX KEY_HEX MACKEY_HEX [zlib]
//   encode: stdin = one hex payload per line; stdout = the wire bytes
//   decode: stdin = wire bytes; stdout = one hex payload per line
// Exit status 2 and the ProtocolError's reason code on stderr when decoding fails.
#include <botan/hex.h>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "transport/crypto/algorithms.h"
#include "transport/errors.h"
#include "transport/packet/decoder.h"
#include "transport/packet/encoder.h"

namespace {

using namespace wharf::transport;

Botan::secure_vector<uint8_t> secure_hex(const std::string& h) {
  return h == "-" ? Botan::secure_vector<uint8_t>() : Botan::hex_decode_locked(h);
}

int encode(std::unique_ptr<crypto::PacketSealer> sealer, bool zlib) {
  packet::PacketEncoder enc;
  enc.set_keys(std::move(sealer));
  if (zlib) enc.enable_compression();
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    enc.encode(Botan::hex_decode(line));
    std::fwrite(enc.pending().data(), 1, enc.pending().size(), stdout);
    enc.consume(enc.pending().size());
  }
  return 0;
}

int decode(std::unique_ptr<crypto::PacketOpener> opener, bool zlib) {
  packet::PacketDecoder dec;
  dec.set_keys(std::move(opener));
  if (zlib) dec.enable_compression();
  const std::string in((std::istreambuf_iterator<char>(std::cin)), {});
  try {
    dec.feed(wharf::wire::as_bytes(in));
    while (auto p = dec.next()) std::cout << Botan::hex_encode(p->data(), p->size()) << "\n";
  } catch (const ProtocolError& e) {
    std::cerr << static_cast<uint32_t>(e.reason()) << " " << e.what() << "\n";
    return 2;
  }
  if (dec.buffered() != 0) {
    std::cerr << "trailing bytes: " << dec.buffered() << "\n";
    return 3;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::cerr << "usage: packet_tool encode|decode CIPHER MAC IV KEY MACKEY [zlib]\n";
    return 64;
  }
  const std::string mode = argv[1];
  const crypto::KeyMaterial keys{secure_hex(argv[4]), secure_hex(argv[5]), secure_hex(argv[6])};
  const bool zlib = argc > 7 && std::string(argv[7]) == "zlib";
  if (mode == "encode") return encode(crypto::make_sealer(argv[2], argv[3], keys), zlib);
  return decode(crypto::make_opener(argv[2], argv[3], keys), zlib);
}
