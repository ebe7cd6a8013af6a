// Loading sshd_config-style files; see config.h. Follows OpenSSH servconf.c
// (process_server_config_line_depth, parse_server_config_depth) where Wharf does not say else.
#include "conf/config.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "conf/applier.h"
#include "conf/ignored_keywords.h"
#include "conf/keywords.h"
#include "conf/values.h"

namespace wharf::conf {
namespace {

[[noreturn]] void fail(const std::string& where, const std::string& msg) {
  throw ConfigError(where + ": " + msg);
}

// Runs fn; a ConfigError without location gets `where` in front.
template <typename Fn>
auto at(const std::string& where, Fn fn) {
  try {
    return fn();
  } catch (const ConfigError& e) {
    fail(where, e.what());
  }
}

std::string directory_of(std::string_view name) {
  size_t slash = name.rfind('/');
  if (slash == std::string_view::npos) return ".";
  return slash == 0 ? "/" : std::string(name.substr(0, slash));
}

// Reads at most `max` bytes of a regular file; throws ConfigError("PATH: ...").
std::string read_file(const std::string& path, size_t max) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  std::string out;
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  while (ok) {
    char buf[8192];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max) {
      ::close(fd);
      fail(path, "file too large (limit " + std::to_string(max) + " bytes)");
    }
  }
  int saved = errno;
  ::close(fd);
  if (!ok)
    fail(path, S_ISREG(st.st_mode) ? std::string("read error: ") + std::strerror(saved)
                                   : "not a regular file");
  return out;
}

}  // namespace

class Loader {
 public:
  explicit Loader(Config& c) : c_(c), global_(c.global_) {}

  void overrides(const std::vector<std::string>& options) {
    for (const auto& o : options) {
      auto line = at("command line", [&] { return split_config_line(o); });
      if (!line) fail("command line", "empty option \"" + o + "\"");
      if (skipped(*line, "command line")) continue;
      const Keyword* k = lookup(*line, "command line");
      if (!k) fail("command line", line->keyword + " is not allowed in -o");
      at("command line", [&] { global_.apply(*k, *line, Applier::Origin::kCommandLine); });
      c_.overrides_.push_back({k, std::move(*line)});
    }
  }

  void text(std::string_view text, const std::string& name, int depth,
            const std::vector<MatchCriteria>& inherited) {
    if (text.size() > kMaxFileSize) fail(name, "file too large");
    total_ += text.size();
    if (total_ > kMaxTotalSize) fail(name, "configuration too large in total (Include loop?)");
    File f{name, directory_of(name), depth, inherited, inherited, -1};
    size_t start = 0, number = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      size_t end = nl == std::string_view::npos ? text.size() : nl;
      std::string where = name + ":" + std::to_string(++number);
      if (end - start > kMaxLineLength) fail(where, "line too long");
      line(f, text.substr(start, end - start), where);
      start = end + 1;
    }
  }

 private:
  struct File {
    std::string name, dir;
    int depth;
    const std::vector<MatchCriteria>& inherited;  // criteria of the enclosing Match, if any
    std::vector<MatchCriteria> current;           // criteria of the lines read now
    int block;                                    // index in blocks_ receiving lines, or -1
  };

  // An sshd keyword for something Wharf never offers: noted, not applied.
  bool skipped(const ConfigLine& l, const std::string& where) {
    auto reason = ignored_keyword_reason(l.keyword);
    if (!reason) return false;
    c_.notices_.push_back(where + ": " + l.keyword + " is ignored: " + std::string(*reason));
    return true;
  }

  // Match and Include are handled here; returns nullptr for them.
  const Keyword* lookup(const ConfigLine& l, const std::string& where) {
    if (iequals(l.keyword, "Match") || iequals(l.keyword, "Include")) return nullptr;
    const Keyword* k = find_keyword(l.keyword);
    if (!k) fail(where, "unknown keyword \"" + l.keyword + "\"");
    return k;
  }

  void line(File& f, std::string_view text, const std::string& where) {
    auto parsed = at(where, [&] { return split_config_line(text); });
    if (!parsed) return;
    ConfigLine& l = *parsed;
    if (skipped(l, where)) return;
    const Keyword* k = lookup(l, where);
    if (!k && iequals(l.keyword, "Match")) {
      f.current = f.inherited;
      f.current.push_back(at(where, [&] { return parse_match(l.args); }));
      f.block = -1;
    } else if (!k) {
      for (const auto& pattern : l.args) include(f, pattern, where);
      f.block = -1;  // later lines continue the block after the included ones, in order
    } else if (f.current.empty()) {
      l.keyword = k->name;
      at(where, [&] { global_.apply(*k, l, Applier::Origin::kFile); });
    } else {
      if (!k->in_match) fail(where, std::string(k->name) + " is not allowed inside Match");
      l.keyword = k->name;
      at(where, [&] {
        Settings scratch;
        Applier(scratch).apply(*k, l, Applier::Origin::kFile);  // validate now
      });
      if (f.block < 0) {
        c_.blocks_.push_back({f.current, {}});
        f.block = static_cast<int>(c_.blocks_.size() - 1);
      }
      c_.blocks_[f.block].lines.push_back({k, std::move(l)});
    }
  }

  void include(File& f, const std::string& pattern, const std::string& where) {
    if (f.depth + 1 > kMaxIncludeDepth) {
      fail(where, "Include nested too deeply (limit " + std::to_string(kMaxIncludeDepth) + ")");
    }
    if (pattern.empty()) fail(where, "Include: empty pattern");
    std::string full = pattern[0] == '/' ? pattern : f.dir + "/" + pattern;
    glob_t g{};
    int r = ::glob(full.c_str(), 0, nullptr, &g);  // sorted, as sshd
    std::vector<std::string> paths;
    for (size_t i = 0; r == 0 && i < g.gl_pathc; ++i) paths.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
    if (r != 0 && r != GLOB_NOMATCH) fail(where, "Include \"" + pattern + "\": glob failed");
    for (const auto& path : paths) {
      if (++files_ > kMaxFiles) fail(where, "Include: too many files");
      std::string content = at(where, [&] { return read_file(path, kMaxFileSize); });
      text(content, path, f.depth + 1, f.current);
    }
  }

  Config& c_;
  Applier global_;
  size_t files_ = 1;
  size_t total_ = 0;
};

Config Config::parse_text(std::string_view text, std::string_view name,
                          const std::vector<std::string>& overrides) {
  Config c;
  Loader loader(c);
  loader.overrides(overrides);
  loader.text(text, std::string(name), 0, {});
  return c;
}

Config Config::load(const std::string& path, const std::vector<std::string>& overrides) {
  if (path.empty()) return parse_text(embedded_default_config(), "<embedded default>", overrides);
  std::string text = read_file(path, kMaxFileSize);
  return parse_text(text, path, overrides);
}

Settings Config::for_connection(const ConnectionInfo& info) const {
  Settings s = global_;
  Applier applier(s);
  for (const auto& o : overrides_) applier.mark(*o.keyword, Applier::Origin::kCommandLine);
  for (const auto& block : blocks_) {
    bool all = true;
    for (const auto& m : block.criteria) all = all && matches(m, info);
    if (!all) continue;
    for (const auto& l : block.lines) applier.apply(*l.keyword, l.line, Applier::Origin::kFile);
  }
  return s;
}

std::string Config::dump(const Settings& s) const {
  std::string out;
  for (const auto& k : keyword_table()) {
    for (const auto& v : k.dump(s)) out += to_lower(k.name) + " " + v + "\n";
  }
  return out;
}

}  // namespace wharf::conf
