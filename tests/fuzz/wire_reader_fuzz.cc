// Fuzzes wire::Reader: the input is a short program of reads applied to the rest of the input.
// Checks the Reader's contract (wire.h): a failed read consumes nothing, a successful one stays
// within bounds and respects its maximum, and what was read re-encodes to the bytes consumed.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "transport/wire.h"

namespace {

using wharf::wire::Bytes;
using wharf::wire::ByteView;
using wharf::wire::DecodeError;
using wharf::wire::Reader;
using wharf::wire::Writer;

void check(bool ok) {
  if (!ok) std::abort();
}

// The bytes the last read consumed must equal `expected` (a re-encoding of what it returned).
void check_consumed(ByteView input, size_t before, size_t after, const Bytes& expected) {
  check(after - before == expected.size());
  if (expected.empty()) return;
  check(std::memcmp(input.data() + before, expected.data(), expected.size()) == 0);
}

// One read selected by `op`; throws DecodeError when the input does not decode.
void one_read(uint8_t op, Reader& r, ByteView input) {
  const size_t max = 1 + (op >> 4) * 37;  // small maxima exercise the limit checks
  const size_t before = r.position();
  Writer w;
  switch (op % 12) {
    case 0:
      w.u8(r.u8("u8"));
      break;
    case 1:
      w.boolean(r.boolean("boolean"));
      return;  // any non-zero byte is true
    case 2:
      w.u32(r.u32("u32"));
      break;
    case 3:
      w.u64(r.u64("u64"));
      break;
    case 4: {
      ByteView s = r.string("string", max);
      check(s.size() <= max);
      w.string(s);
      break;
    }
    case 5: {
      std::string_view t = r.text("text", max);
      check(t.size() <= max && t.find('\0') == std::string_view::npos);
      w.string(t);
      break;
    }
    case 6: {
      auto names = r.name_list("name-list", max);
      for (const auto& n : names) {
        check(!n.empty() && n.find(',') == std::string::npos);
        for (char c : n) check(c > ' ' && c < 127);
      }
      // Empty names are dropped (wire.h), so the names are the string's non-empty pieces.
      w.name_list(names);
      Writer pieces;
      check(r.position() - before >= 4);
      const uint8_t* length = input.data() + before;
      check(((size_t{length[0]} << 24) | (size_t{length[1]} << 16) | (size_t{length[2]} << 8) |
             length[3]) == r.position() - before - 4);
      std::string_view text(reinterpret_cast<const char*>(input.data()) + before + 4,
                            r.position() - before - 4);
      std::string kept;
      for (size_t start = 0; start <= text.size();) {
        size_t comma = std::min(text.find(',', start), text.size());
        if (comma > start) kept.append(kept.empty() ? "" : ",").append(text, start, comma - start);
        start = comma + 1;
      }
      pieces.string(std::string_view(kept));
      check(pieces.bytes() == w.bytes());
      return;
    }
    case 7:
      w.mpint(r.mpint("mpint", max));
      break;
    case 8: {
      ByteView m = r.mpint_unsigned("mpint_unsigned", max);
      check(m.size() <= max + 1);
      w.mpint_unsigned(m);
      break;
    }
    case 9:
      w.raw(r.raw(op >> 4, "raw"));
      break;
    case 10: {
      Reader sub = r.sub(op >> 4, "sub");
      check(sub.remaining() == static_cast<size_t>(op >> 4));
      w.raw(sub.rest());
      break;
    }
    default: {
      Reader sub = r.sub_string("sub_string", max);
      w.string(sub.rest());
      break;
    }
  }
  check_consumed(input, before, r.position(), w.bytes());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t ops = std::min<size_t>(data[0] % 16, size - 1);
  const uint8_t* program = data + 1;
  ByteView input(data + 1 + ops, size - 1 - ops);
  Reader r(input);
  for (size_t i = 0; i < ops; ++i) {
    const size_t before = r.position();
    try {
      one_read(program[i], r, input);
    } catch (const DecodeError&) {
      check(r.position() == before);  // a failed read consumes nothing
    }
    check(r.position() + r.remaining() == input.size());
  }
  try {
    r.expect_end("end");
    check(r.empty());
  } catch (const DecodeError&) {
    check(!r.empty());
  }
  return 0;
}
