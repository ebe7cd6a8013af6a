// sshd_config line splitting; see lexer.h.
#include "conf/lexer.h"

#include "conf/errors.h"

namespace wharf::conf {
namespace {

// OpenSSH's argument splitting (misc.c WHITESPACE) also separates on \r, so a CR in mid-line
// separates arguments instead of becoming one.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Reads one argument starting at s[i] (not whitespace); advances i past it.
std::string read_argument(std::string_view s, size_t& i) {
  std::string arg;
  char quote = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (c == '\\' && (next == '\'' || next == '"' || next == '\\' || (!quote && next == ' '))) {
      arg += next;
      ++i;
    } else if (!quote && is_space(c)) {
      break;
    } else if (!quote && (c == '"' || c == '\'')) {
      quote = c;
    } else if (quote && c == quote) {
      quote = 0;
    } else {
      arg += c;
    }
  }
  if (quote) throw ConfigError("unterminated quote");
  return arg;
}

}  // namespace

std::optional<ConfigLine> split_config_line(std::string_view s) {
  for (char c : s) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\f' && c != '\r') ||
        c == 0x7f) {
      throw ConfigError("control character in line");
    }
  }
  // Trailing whitespace, including \r of CRLF files and a form feed (sshd allows \f at EOL).
  while (!s.empty() && (is_space(s.back()) || s.back() == '\f')) {
    s.remove_suffix(1);
  }
  size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  if (i == s.size() || s[i] == '#') return std::nullopt;
  ConfigLine line;
  while (i < s.size() && !is_space(s[i]) && s[i] != '=') line.keyword += s[i++];
  while (i < s.size() && is_space(s[i])) ++i;
  if (i < s.size() && s[i] == '=') ++i;
  while (i < s.size() && is_space(s[i])) ++i;
  size_t raw_start = i, raw_end = i;
  while (i < s.size()) {
    if (is_space(s[i])) {
      ++i;
      continue;
    }
    if (s[i] == '#') break;
    line.args.push_back(read_argument(s, i));
    raw_end = i;
  }
  if (line.args.empty()) throw ConfigError("no argument after keyword \"" + line.keyword + "\"");
  line.raw = std::string(s.substr(raw_start, raw_end - raw_start));
  return line;
}

std::string quote_argument(std::string_view s) {
  // A leading '=' would be taken as the keyword's separator (Keyword=value) when read back.
  bool plain = !s.empty() && s[0] != '#' && s[0] != '=';
  for (char c : s) {
    // \f would be stripped as trailing whitespace from an unquoted value at the end of a line.
    if (is_space(c) || c == '\f' || c == '"' || c == '\'' || c == '\\') plain = false;
  }
  if (plain) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace wharf::conf
