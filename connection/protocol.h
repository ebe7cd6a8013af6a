// Constants of the connection protocol (RFC 4254) and Wharf's limits for it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "connection/packet_sink.h"

namespace wharf::connection {

// SSH_MSG_CHANNEL_OPEN_FAILURE reason codes (RFC 4254 section 5.1).
inline constexpr uint32_t kOpenAdministrativelyProhibited = 1;
inline constexpr uint32_t kOpenConnectFailed = 2;
inline constexpr uint32_t kOpenUnknownChannelType = 3;
inline constexpr uint32_t kOpenResourceShortage = 4;

// SSH_MSG_CHANNEL_EXTENDED_DATA data type for stderr (RFC 4254 section 5.2).
inline constexpr uint32_t kExtendedDataStderr = 1;

// Our receive window per channel: at least 2 MiB (OpenSSH's session default) so one channel can
// fill a fast link; topped up only as the application takes the data (backpressure), so it
// costs memory only while an application is backed up. The default lets OpenSSH's sftp client
// keep its whole upload queue in flight (64 requests of up to 255 KiB, the write length our
// limits@openssh.com answer allows): on a 50 ms path 16 MiB allows about 300 MiB/s, where
// sshd's 2 MiB allows at most 40. Only one channel of a connection at a time gets more than
// kMinWindow (ConnectionService::window_for_new_channel), which bounds what a client can make
// the connection hold to 16 + 9 * 2 MiB with MaxSessions 10.
inline constexpr uint32_t kMinWindow = 2u << 20;
inline constexpr uint32_t kDefaultWindow = 16u << 20;
inline constexpr uint32_t kMaxWindow = 64u << 20;

// The maximum packet we advertise (the largest CHANNEL_DATA data we accept): a client packet
// carrying that much, with its 9-byte header, padding and zlib's worst case, still fits the
// transport's 256 KiB packet limit (wire::kMaxPacket).
inline constexpr uint32_t kMinLocalMaxPacket = 32u << 10;
inline constexpr uint32_t kMaxLocalMaxPacket = (256u << 10) - 2048;

// Headers in front of the data in what we send: type, recipient, [data type,] string length.
inline constexpr size_t kDataHeader = 1 + 4 + 4;
inline constexpr size_t kExtendedDataHeader = 1 + 4 + 4 + 4;

// Bounds on names we parse (requests and channel types are short ASCII names).
inline constexpr size_t kMaxRequestName = 1024;

// The refusal every shell and non-scp exec gets, on the channel's stderr.
inline constexpr const char* kRefusalMessage = "This service allows sftp and scp only.\r\n";
// sshd's words when a forced internal-sftp meets a shell or exec request.
inline constexpr const char* kSftpOnlyMessage = "This service allows sftp connections only.\r\n";

}  // namespace wharf::connection
