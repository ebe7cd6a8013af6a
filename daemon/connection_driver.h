// The per-connection event loop of a connection child: one asio io_context, one thread,
// three coroutines (reader, writer, watchdog) around a ConnectionCore.
#pragma once

#include "daemon/connection_core.h"

namespace wharf::daemon {

// Runs until the core is finished and its output flushed, or the peer goes away.
// `read_fd` and `write_fd` may be the same socket; they are closed on return.
void run_connection(int read_fd, int write_fd, ConnectionCore& core);

}  // namespace wharf::daemon
