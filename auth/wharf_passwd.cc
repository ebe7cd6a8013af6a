// wharf-passwd: prints an Argon2id hash of a password read from standard input, for the
// password field of the virtual users file (auth/virtual_users.h).
//
//   wharf-passwd              prompts twice without echo on a terminal; otherwise reads the
//                             first line of standard input
//   echo -n secret | wharf-passwd
#include <botan/auto_rng.h>
#include <botan/secmem.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string_view>

#include "auth/passwords.h"

namespace {

using Secret = Botan::secure_vector<char>;

// Reads one line (without its newline) from fd 0 into a wiped buffer. False on error/too long.
bool read_line(Secret& out) {
  out.clear();
  char c;
  while (true) {
    const ssize_t n = ::read(0, &c, 1);
    if (n == 0 || (n == 1 && c == '\n')) return true;
    if (n < 0) return false;
    if (out.size() == wharf::auth::kMaxPasswordLength) return false;
    out.push_back(c);
  }
}

bool prompt(const char* text, Secret& out) {
  termios old{};
  const bool tty = ::tcgetattr(0, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(0, TCSAFLUSH, &quiet);
    std::fputs(text, stderr);
  }
  const bool ok = read_line(out);
  if (tty) {
    ::tcsetattr(0, TCSAFLUSH, &old);
    std::fputs("\n", stderr);
  }
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    std::fprintf(stderr, "usage: %s < password\nPrints an Argon2id hash for the users file.\n",
                 argv[0]);
    return 2;
  }
  Secret password, again;
  if (!prompt("Password: ", password)) {
    std::fprintf(stderr, "wharf-passwd: cannot read the password (at most %zu bytes)\n",
                 wharf::auth::kMaxPasswordLength);
    return 1;
  }
  if (::isatty(0) && (!prompt("Again: ", again) || again != password)) {
    std::fprintf(stderr, "wharf-passwd: the passwords differ\n");
    return 1;
  }
  if (password.empty() || std::memchr(password.data(), '\0', password.size()) != nullptr) {
    std::fprintf(stderr, "wharf-passwd: the password must be non-empty and contain no NUL\n");
    return 1;
  }
  Botan::AutoSeeded_RNG rng;
  const std::string hash =
      wharf::auth::hash_password(std::string_view(password.data(), password.size()), rng);
  std::printf("%s\n", hash.c_str());
  return 0;
}
