// Helpers of atomic uploads (fs::Root::open_atomic, fs::File::close): the hidden temporary file's
// name and lock, the removal of temporary files whose owner died, and seeding a temporary file
// with the current contents of the file it will replace.
#pragma once

#include <string>
#include <string_view>

#include "fs/result.h"

namespace wharf::fs::atomic {

// The marker between ".<final name>" and the random hex suffix of a temporary name.
inline constexpr const char* kTempMarker = ".wharf-";

// ".<name>.wharf-<16 hex digits>", or ".upload.wharf-<hex>" when that would be too long.
std::string temp_name(const std::string& name, uint64_t nonce);

// True when `entry` has the shape of a temporary name: ".<anything>.wharf-<16 hex digits>".
// fs::Root refuses to let clients create such names, so a sweep never removes a client's file.
bool is_temp_name(std::string_view entry);

// Takes the exclusive lock that marks `fd` as a live temporary file (flock, released by the
// kernel when the owning process dies, however it dies).
Status lock(int fd);

// Removes the temporary files in `dir` whose owner is gone: a connection child killed (SIGKILL,
// SIGSEGV) in the middle of an upload cannot remove its own. A file is stale when its lock can
// be taken; a still empty one younger than a second is left alone (its owner may not have locked
// it yet). Reads the whole directory, so fs::Root does it once per directory and session.
void remove_stale(int dir);

// Copies all of `from` into `to` (from offset 0); for writes into an existing file without
// O_TRUNC, whose unwritten ranges keep their old bytes.
Status copy_all(int from, int to);

}  // namespace wharf::fs::atomic
