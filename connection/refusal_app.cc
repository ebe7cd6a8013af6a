#include "connection/refusal_app.h"

#include <algorithm>

namespace wharf::connection {

wire::ByteView RefusalApp::error_output() const { return wire::as_bytes(message_).subspan(sent_); }

void RefusalApp::consume_error(size_t n) { sent_ += std::min(n, message_.size() - sent_); }

}  // namespace wharf::connection
