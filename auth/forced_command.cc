#include "auth/forced_command.h"

#include <string_view>

namespace wharf::auth {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

// sftp-server(8) flags Wharf honours: those taking an argument and those that do not. -h and -Q
// (print and exit) make no sense as a forced command and are refused.
constexpr std::string_view kSftpFlagsWithArg = "dflPpu";
constexpr std::string_view kSftpFlagsNoArg = "eR";
// Server-side scp flags (scp.c, remote mode): -t sink, -f source, -d target must be a
// directory, -r recursive, -p preserve times, -v verbose, -q quiet.
constexpr std::string_view kScpFlags = "tfdrpvq";

bool valid_sftp_flags(const std::vector<std::string>& argv) {
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& w = argv[i];
    if (w.size() < 2 || w[0] != '-') return false;  // sftp-server takes no operands
    for (size_t j = 1; j < w.size(); ++j) {
      if (kSftpFlagsNoArg.find(w[j]) != std::string_view::npos) continue;
      if (kSftpFlagsWithArg.find(w[j]) == std::string_view::npos) return false;
      if (j + 1 == w.size() && ++i == argv.size()) return false;  // missing argument
      break;  // the rest of this word, or the next word, is the argument
    }
  }
  return true;
}

bool valid_scp_command(const std::vector<std::string>& argv) {
  bool sink = false, source = false;
  size_t i = 1;
  for (; i < argv.size(); ++i) {
    const std::string& w = argv[i];
    if (w == "--") {
      ++i;
      break;
    }
    if (w.size() < 2 || w[0] != '-') break;
    for (size_t j = 1; j < w.size(); ++j) {
      if (kScpFlags.find(w[j]) == std::string_view::npos) return false;
      sink |= w[j] == 't';
      source |= w[j] == 'f';
    }
  }
  const size_t operands = argv.size() - i;
  if (sink == source) return false;  // exactly one direction
  return sink ? operands == 1 : operands >= 1;
}

}  // namespace

bool split_command(std::string_view line, std::vector<std::string>& out) {
  out.clear();
  size_t i = 0;
  while (true) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size()) return true;
    if (out.size() == kMaxCommandArgs) return false;
    std::string word;
    char quote = 0;
    for (; i < line.size(); ++i) {
      const char c = line[i];
      if (quote == 0 && is_space(c)) break;
      if (c == '\\' && quote != '\'') {
        if (++i == line.size()) return false;
        word.push_back(line[i]);
      } else if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (quote != 0 && c == quote) {
        quote = 0;
      } else {
        word.push_back(c);
      }
    }
    if (quote != 0) return false;
    out.push_back(std::move(word));
  }
}

ForcedCommand classify_forced_command(std::string_view command) {
  ForcedCommand fc;
  fc.text = std::string(command.substr(0, kMaxCommandLength));
  std::vector<std::string> argv;
  const bool split_ok = command.size() <= kMaxCommandLength && split_command(command, argv);
  if (split_ok && !argv.empty() && argv[0] == "internal-sftp" && valid_sftp_flags(argv)) {
    fc.kind = ForcedCommand::Kind::kInternalSftp;
    fc.argv = std::move(argv);
  } else if (split_ok && !argv.empty() && argv[0] == "scp" && valid_scp_command(argv)) {
    fc.kind = ForcedCommand::Kind::kScp;
    fc.argv = std::move(argv);
  } else {
    fc.kind = ForcedCommand::Kind::kUnsupported;
    fc.message =
        "This key is restricted to a command this server cannot run; "
        "this service allows sftp and scp only.";
  }
  return fc;
}

}  // namespace wharf::auth
