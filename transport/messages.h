// SSH message numbers (RFC 4250 section 4.1 and the RFCs it lists).
#pragma once

#include <cstdint>

namespace wharf::transport::msg {

// Transport layer generic (RFC 4253).
inline constexpr uint8_t kDisconnect = 1;
inline constexpr uint8_t kIgnore = 2;
inline constexpr uint8_t kUnimplemented = 3;
inline constexpr uint8_t kDebug = 4;
inline constexpr uint8_t kServiceRequest = 5;
inline constexpr uint8_t kServiceAccept = 6;
inline constexpr uint8_t kExtInfo = 7;  // RFC 8308
inline constexpr uint8_t kNewCompress = 8;
// Algorithm negotiation.
inline constexpr uint8_t kKexInit = 20;
inline constexpr uint8_t kNewKeys = 21;
// Key-exchange-method specific, 30..49 (meaning depends on the method).
inline constexpr uint8_t kKexFirst = 30;
inline constexpr uint8_t kKexLast = 49;
inline constexpr uint8_t kKexdhInit = 30;   // also KEX_ECDH_INIT (RFC 5656), GEX_REQUEST_OLD
inline constexpr uint8_t kKexdhReply = 31;  // also KEX_ECDH_REPLY, KEX_DH_GEX_GROUP (RFC 4419)
inline constexpr uint8_t kKexDhGexInit = 32;
inline constexpr uint8_t kKexDhGexReply = 33;
inline constexpr uint8_t kKexDhGexRequest = 34;
// User authentication (RFC 4252).
inline constexpr uint8_t kUserauthRequest = 50;
inline constexpr uint8_t kUserauthFailure = 51;
inline constexpr uint8_t kUserauthSuccess = 52;
inline constexpr uint8_t kUserauthBanner = 53;
inline constexpr uint8_t kUserauthPkOk = 60;  // method specific, 60..79
// Connection protocol (RFC 4254).
inline constexpr uint8_t kGlobalRequest = 80;
inline constexpr uint8_t kRequestSuccess = 81;
inline constexpr uint8_t kRequestFailure = 82;
inline constexpr uint8_t kChannelOpen = 90;
inline constexpr uint8_t kChannelOpenConfirmation = 91;
inline constexpr uint8_t kChannelOpenFailure = 92;
inline constexpr uint8_t kChannelWindowAdjust = 93;
inline constexpr uint8_t kChannelData = 94;
inline constexpr uint8_t kChannelExtendedData = 95;
inline constexpr uint8_t kChannelEof = 96;
inline constexpr uint8_t kChannelClose = 97;
inline constexpr uint8_t kChannelRequest = 98;
inline constexpr uint8_t kChannelSuccess = 99;
inline constexpr uint8_t kChannelFailure = 100;

}  // namespace wharf::transport::msg
