// wharf::sftp::Server — the SFTP v3 server core, with no I/O of its own.
//
// The caller pushes bytes in with feed() (stdio today, SSH channel data later) and drains replies
// from output() / consume() in pieces of any size. Requests are handled as they arrive and
// answered in order; WRITE data goes from the caller's buffer straight to pwrite(2), piece by piece
// as a large WRITE arrives over several feed() calls, and READ data from pread(2) straight into
// the output buffer. A caller with a bounded window stops feeding while output_backed_up() and
// resumes after draining.
//
// Dispatch is table-driven (OpenSSH sftp-server.c handlers[] style): each request type and each
// extension has a name (for the policy's allow/deny lists) and a does-write flag (read-only
// policy). Decoding is bounded through wire::Reader; a malformed request is answered with
// SSH_FX_BAD_MESSAGE and the session goes on.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fs/root.h"
#include "log/log.h"
#include "sftp/handles.h"
#include "sftp/names.h"
#include "sftp/protocol.h"
#include "transport/output_queue.h"
#include "transport/wire.h"

namespace wharf::sftp {

struct FileAttrs;

struct ServerOptions {
  size_t max_handles = kMaxHandles;
  // Requests wait (and callers should stop feeding) while this much output is queued.
  size_t output_high_water = kOutputHighWater;
  // SYMLINK's arguments come in the draft's order (link path, then target; draft-02 section
  // 6.10) instead of OpenSSH's reversed one. asyncssh sends that order to every server whose
  // identification names neither OpenSSH nor paramiko, Wharf among them.
  bool symlink_draft_order = false;
  uint64_t check_file_budget = kCheckFileBudget;
};

class Server {
 public:
  explicit Server(fs::Root& root, ServerOptions options = {});

  // Consumes all of `in`. Complete messages are handled at once; a partial one is kept.
  void feed(wire::ByteView in);
  // The same without a copy for a caller that reads into the server's own buffer: read at most
  // input_space().size() bytes into it, then commit_input() the count read.
  std::span<uint8_t> input_space();
  void commit_input(size_t n);
  // Handles requests held back while the output was backed up; call after draining output.
  void pump();

  // Replies not yet taken, oldest first, and how many bytes the caller has taken.
  wire::ByteView output() const { return out_.view(); }
  void consume(size_t n) { out_.consume(n); }
  size_t output_size() const { return out_.size(); }
  bool output_backed_up() const { return output_size() >= output_high_water_; }

  bool initialized() const { return initialized_; }
  size_t open_handles() const { return handles_.size(); }

  // A request or extension: its policy name, whether it changes anything, and its handler.
  using Handler = void (Server::*)(uint32_t id, wire::Reader& r);
  struct Request {
    uint8_t type;
    const char* name;
    bool does_write;
    Handler handler;
  };
  struct Extension {
    const char* wire_name;  // as sent in SSH_FXP_EXTENDED and advertised in VERSION
    const char* version_data;
    const char* name;  // policy name
    bool does_write;
    Handler handler;
  };

 private:
  void handle_message(wire::ByteView msg);
  void handle_init(wire::Reader& r);
  void dispatch(uint8_t type, uint32_t id, wire::Reader& r);
  void run(const char* name, bool does_write, Handler handler, uint32_t id, wire::Reader& r);
  size_t process(wire::ByteView data);
  bool permitted(const char* name, bool does_write) const;
  static const Request* request_for(uint8_t type);  // nullptr for an unknown type

  // A WRITE written as its data arrives (write_stream.cc).
  struct WriteStream {
    uint32_t id;
    fs::File* file;  // stays valid: no other request runs until the stream ends
    uint64_t offset;
    uint32_t left;      // data bytes still to come
    fs::Status status;  // the first failure; data after it is discarded
  };
  size_t start_write_stream(wire::ByteView data);
  size_t continue_write_stream(wire::ByteView data);
  void stream_buffered_write();

  // Replies are encoded in reply_: begin() starts one (length placeholder, type, id) and
  // finish() patches the length and queues it. Starting another reply discards an unfinished one.
  size_t begin(uint8_t type, uint32_t id);
  void finish(size_t start);
  void send_status(uint32_t id, uint32_t code, std::string_view message = {});
  void send_status(uint32_t id, fs::Status status);
  void send_handle(uint32_t id, fs::Result<std::string> handle);
  void send_attrs(uint32_t id, fs::Result<struct stat> st);
  void send_name(uint32_t id, std::string_view name);  // one name, empty attrs (REALPATH)

  // sftp-server -l INFO's operation log: one INFO line per open, close and change, written
  // before the operation as sftp-server does (its wording, so existing log parsers work).
  template <typename... Args>
  void note(fmt::format_string<Args...> f, Args&&... args) {
    if (log_operations_) log::info(f, std::forward<Args>(args)...);
  }

  void note_setstat(const std::string& path, const FileAttrs& attrs);

  // Path and handle arguments. A relative path starts at the policy's start directory
  // (sftp-server -d), as it would after sftp-server's chdir(2).
  std::string path_arg(wire::Reader& r, const char* what);
  std::string from_start(std::string_view path) const;
  fs::File* file_arg(wire::Reader& r);

  // Core requests (requests.cc).
  void do_open(uint32_t id, wire::Reader& r);
  void do_close(uint32_t id, wire::Reader& r);
  void do_read(uint32_t id, wire::Reader& r);
  void do_write(uint32_t id, wire::Reader& r);
  void do_lstat(uint32_t id, wire::Reader& r);
  void do_fstat(uint32_t id, wire::Reader& r);
  void do_setstat(uint32_t id, wire::Reader& r);
  void do_fsetstat(uint32_t id, wire::Reader& r);
  void do_opendir(uint32_t id, wire::Reader& r);
  void do_readdir(uint32_t id, wire::Reader& r);
  void do_remove(uint32_t id, wire::Reader& r);
  void do_mkdir(uint32_t id, wire::Reader& r);
  void do_rmdir(uint32_t id, wire::Reader& r);
  void do_realpath(uint32_t id, wire::Reader& r);
  void do_stat(uint32_t id, wire::Reader& r);
  void do_rename(uint32_t id, wire::Reader& r);
  void do_readlink(uint32_t id, wire::Reader& r);
  void do_symlink(uint32_t id, wire::Reader& r);
  void do_extended(uint32_t id, wire::Reader& r);

  // Extensions (extensions.cc).
  void ext_posix_rename(uint32_t id, wire::Reader& r);
  void ext_statvfs(uint32_t id, wire::Reader& r);
  void ext_fstatvfs(uint32_t id, wire::Reader& r);
  void ext_hardlink(uint32_t id, wire::Reader& r);
  void ext_fsync(uint32_t id, wire::Reader& r);
  void ext_lsetstat(uint32_t id, wire::Reader& r);
  void ext_limits(uint32_t id, wire::Reader& r);
  void ext_expand_path(uint32_t id, wire::Reader& r);
  void ext_copy_data(uint32_t id, wire::Reader& r);
  void ext_home_directory(uint32_t id, wire::Reader& r);
  void ext_users_groups(uint32_t id, wire::Reader& r);
  void ext_check_file_handle(uint32_t id, wire::Reader& r);
  void ext_check_file_name(uint32_t id, wire::Reader& r);
  void ext_copy_file(uint32_t id, wire::Reader& r);
  void ext_space_available(uint32_t id, wire::Reader& r);
  void send_statvfs(uint32_t id, fs::Result<struct statvfs> vfs);
  void check_file(uint32_t id, fs::File& file, wire::Reader& r);

  static const Request kRequests[];
  static const Extension kExtensions[];

  fs::Root& root_;
  const bool log_operations_;
  const bool symlink_draft_order_;
  uint64_t check_file_left_;  // of the session's check-file budget
  HandleTable handles_;
  NameCache names_;
  bool initialized_ = false;

  wire::Bytes in_;  // input not yet handled: in_[in_begin_, in_end_)
  size_t output_high_water_ = kOutputHighWater;
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  uint64_t skip_ = 0;  // bytes left of an oversized message being discarded
  std::optional<WriteStream> stream_;
  wire::OutputQueue out_;  // finished replies not yet taken by the caller
  wire::Bytes reply_;      // the reply being encoded
  wire::Writer w_{reply_};
};

}  // namespace wharf::sftp
