#include "scp/command.h"

namespace wharf::scp {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Accumulates one word and tracks whether it starts with a tilde prefix a shell would expand:
// an unquoted '~' followed by the end of the word or an unquoted '/'.
class WordBuilder {
 public:
  void add(char c, bool quoted) {
    if (text_.empty() && !started_)
      tilde_ = (!quoted && c == '~') ? kPending : kNo;
    else if (tilde_ == kPending && text_.size() == 1)
      tilde_ = (!quoted && c == '/') ? kYes : kNo;
    started_ = true;
    text_ += c;
  }
  void start() {  // an empty quoted string still makes a word ('')
    if (!started_) tilde_ = kNo;
    started_ = true;
  }
  bool started() const { return started_; }
  bool tilde() const { return tilde_ == kYes || (tilde_ == kPending && text_ == "~"); }
  std::string take() {
    started_ = false;
    tilde_ = kNo;
    return std::move(text_);
  }

 private:
  enum Tilde { kNo, kPending, kYes };
  std::string text_;
  bool started_ = false;
  Tilde tilde_ = kNo;
};

// Double-quoted text: backslash escapes only $ ` " \ and newline (POSIX 2.2.3). `i` is just past
// the opening quote; returns the index just past the closing one, or npos.
size_t double_quoted(std::string_view s, size_t i, WordBuilder& w) {
  w.start();
  while (i < s.size()) {
    char c = s[i];
    if (c == '"') return i + 1;
    if (c == '\\' && i + 1 < s.size()) {
      char n = s[i + 1];
      if (n == '\n') {
        i += 2;
        continue;
      }
      if (n == '$' || n == '`' || n == '"' || n == '\\') {
        w.add(n, true);
        i += 2;
        continue;
      }
    }
    w.add(c, true);
    ++i;
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<std::vector<std::string>> split_words(std::string_view line, std::string* error,
                                                    std::vector<bool>* tilde) {
  if (line.size() > kMaxCommandLine) {
    *error = "command line too long";
    return std::nullopt;
  }
  if (line.find('\0') != std::string_view::npos) {
    *error = "NUL byte in command line";
    return std::nullopt;
  }
  std::vector<std::string> words;
  WordBuilder w;
  auto end_word = [&] {
    if (!w.started()) return;
    if (tilde) tilde->push_back(w.tilde());
    words.push_back(w.take());
  };
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (is_blank(c)) {
      end_word();
      ++i;
    } else if (c == '\\') {
      if (i + 1 == line.size()) {
        w.add('\\', false);  // a trailing backslash stays literal
        ++i;
      } else if (line[i + 1] == '\n') {
        i += 2;  // line continuation
      } else {
        w.add(line[i + 1], true);
        i += 2;
      }
    } else if (c == '\'') {
      size_t close = line.find('\'', i + 1);
      if (close == std::string_view::npos) {
        *error = "unterminated single quote";
        return std::nullopt;
      }
      w.start();
      for (size_t k = i + 1; k < close; ++k) w.add(line[k], true);
      i = close + 1;
    } else if (c == '"') {
      i = double_quoted(line, i + 1, w);
      if (i == std::string_view::npos) {
        *error = "unterminated double quote";
        return std::nullopt;
      }
    } else {
      w.add(c, false);
      ++i;
    }
  }
  end_word();
  return words;
}

namespace {

bool is_scp_program(std::string_view word) {
  size_t slash = word.rfind('/');
  return (slash == std::string_view::npos ? word : word.substr(slash + 1)) == "scp";
}

// Options as OpenSSH's scp server side receives them; getopt style, so "-rpt" is also accepted,
// and option parsing stops at "--" or at the first operand (no permutation).
bool apply_flags(std::string_view word, Command& cmd, bool& saw_t, bool& saw_f,
                 std::string* reason) {
  for (char c : word.substr(1)) {
    switch (c) {
      case 't':
        saw_t = true;
        break;
      case 'f':
        saw_f = true;
        break;
      case 'r':
        cmd.recursive = true;
        break;
      case 'p':
        cmd.preserve = true;
        break;
      case 'd':
        cmd.target_is_dir = true;
        break;
      case 'v':
        cmd.verbose = true;
        break;
      default:
        *reason = std::string("unsupported scp option -") + c;
        return false;
    }
  }
  return true;
}

// An unquoted "~" or "~/rest" means the home directory, where relative paths start.
std::string home_relative(std::string word, bool tilde) {
  if (!tilde) return word;
  if (word == "~") return ".";
  word.erase(0, 2);
  return word.empty() ? "." : word;
}

}  // namespace

CommandParse parse_command(std::string_view line) {
  CommandParse out;
  std::vector<bool> tilde;
  auto words = split_words(line, &out.reason, &tilde);
  if (!words) {
    // Only call it an scp command if its first word clearly is.
    std::string_view first = line.substr(0, line.find_first_of(" \t\n"));
    out.is_scp = is_scp_program(first);
    return out;
  }
  if (words->empty() || !is_scp_program((*words)[0])) {
    out.reason = "not an scp command";
    return out;
  }
  out.is_scp = true;
  Command cmd;
  bool saw_t = false, saw_f = false;
  size_t i = 1;
  for (; i < words->size(); ++i) {
    const std::string& w = (*words)[i];
    if (w == "--") {
      ++i;
      break;
    }
    if (w.size() < 2 || w[0] != '-') break;
    if (!apply_flags(w, cmd, saw_t, saw_f, &out.reason)) return out;
  }
  if (saw_t == saw_f) {
    out.reason = saw_t ? "both -t and -f given" : "neither -t nor -f given";
    return out;
  }
  cmd.mode = saw_t ? Mode::kSink : Mode::kSource;
  if (words->size() - i > kMaxPathArgs) {
    out.reason = "too many paths";
    return out;
  }
  for (; i < words->size(); ++i) {
    std::string& w = (*words)[i];
    if (w.empty()) {
      out.reason = "empty path";
      return out;
    }
    if (w.size() > kMaxPathArg) {
      out.reason = "path too long";
      return out;
    }
    cmd.paths.push_back(home_relative(std::move(w), tilde[i]));
  }
  if (cmd.paths.empty()) {
    out.reason = "no path given";
    return out;
  }
  if (cmd.mode == Mode::kSink && cmd.paths.size() != 1) {
    out.reason = "ambiguous target";  // as OpenSSH's scp reports it
    return out;
  }
  out.command = std::move(cmd);
  return out;
}

}  // namespace wharf::scp
