// Channel requests (RFC 4254 section 6): SFTP and SCP start, everything else is refused; forced
// commands; global requests and ClientAlive keepalives (section 4).
#include "tests/connection/fixture.h"

namespace wharf::connection::testing {
namespace {

using transport::ProtocolError;

// Checks the refusal sequence: our reply (if asked), the message on stderr, exit-status 1,
// EOF, CLOSE.
void ExpectRefusal(const std::vector<Bytes>& out, bool want_reply, std::string_view message) {
  std::vector<uint8_t> types = {msg::kChannelExtendedData, msg::kChannelRequest, msg::kChannelEof,
                                msg::kChannelClose};
  if (want_reply) types.insert(types.begin(), msg::kChannelSuccess);
  ASSERT_EQ(Types(out), types);
  size_t i = want_reply ? 1 : 0;
  DataMsg d = ParseData(out[i]);
  EXPECT_EQ(d.ext_type, std::optional<uint32_t>(1));
  EXPECT_EQ(std::string(d.data.begin(), d.data.end()), message);
  wire::Reader r(out[i + 1]);
  r.u8("type");
  r.u32("recipient");
  EXPECT_EQ(r.text("name"), "exit-status");
  EXPECT_FALSE(r.boolean("want reply"));
  EXPECT_EQ(r.u32("status"), 1u);
}

TEST_F(ServiceTest, ShellIsRefusedWithAMessageAndExitStatus) {
  id_ = OpenSession();
  Send(Request(id_, "shell", true));
  ExpectRefusal(sink_.take(), true, "This service allows sftp and scp only.\r\n");
  EXPECT_TRUE(factories_.sftp_calls.empty());
}

TEST_F(ServiceTest, NonScpExecIsRefusedTheSameWay) {
  for (std::string_view command : {"ls -la", "sftp-server", "", "scp", "rm -rf /"}) {
    Make();
    id_ = OpenSession();
    Send(Request(id_, "exec", false, command));
    ExpectRefusal(sink_.take(), false, "This service allows sftp and scp only.\r\n");
  }
}

TEST_F(ServiceTest, RefusalWaitsForWindowSpace) {
  id_ = OpenSession(7, /*window=*/0);
  Send(Request(id_, "shell", true));
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelSuccess});
  Send(Adjust(id_, 1000));
  ExpectRefusal(sink_.take(), false, kRefusalMessage);
}

TEST_F(ServiceTest, ScpExecStartsScpThroughTheFactory) {
  id_ = OpenSession();
  Send(Request(id_, "exec", true, "scp -t -- /drop"));
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelSuccess});
  ASSERT_EQ(factories_.scp_calls, std::vector<std::string>{"scp -t -- /drop"});
  FakeApp* app = factories_.apps.back();
  Send(Data(id_, "C0644 3 a\n"));
  EXPECT_EQ(std::string(app->fed.begin(), app->fed.end()), "C0644 3 a\n");
  app->status = 0;
  service_->pump();
  auto out = sink_.take();
  EXPECT_EQ(Types(out),
            (std::vector<uint8_t>{msg::kChannelRequest, msg::kChannelEof, msg::kChannelClose}));
}

TEST_F(ServiceTest, ScpParserErrorIsShownOnStderr) {
  factories_.scp_error = "scp: unsupported option -z";
  id_ = OpenSession();
  Send(Request(id_, "exec", true, "scp -z -t x"));
  ExpectRefusal(sink_.take(), true, "scp: unsupported option -z\r\n");
}

TEST_F(ServiceTest, ScpExitStatusIsReported) {
  id_ = OpenSession();
  Send(Request(id_, "exec", false, "scp -f file"));
  FakeApp* app = factories_.apps.back();
  app->err.assign({'n', 'o', '\n'});
  app->status = 1;
  service_->pump();
  auto out = sink_.take();
  ASSERT_EQ(Types(out), (std::vector<uint8_t>{msg::kChannelExtendedData, msg::kChannelRequest,
                                              msg::kChannelEof, msg::kChannelClose}));
  wire::Reader r(out[1]);
  r.u8("t");
  r.u32("c");
  r.text("n");
  r.boolean("w");
  EXPECT_EQ(r.u32("status"), 1u);
}

TEST_F(ServiceTest, TerminalForwardingAndEnvRequestsFail) {
  id_ = OpenSession(5);
  for (std::string_view type :
       {"pty-req", "x11-req", "auth-agent-req@openssh.com", "env", "window-change", "signal",
        "break", "xon-xoff", "keepalive@openssh.com", "exit-status", "unknown@example.com"}) {
    wire::Writer w;
    w.u8(msg::kChannelRequest).u32(id_).string(type).boolean(true).string("payload").u32(80);
    Send(w.take());
    auto out = sink_.take();
    ASSERT_EQ(Types(out), std::vector<uint8_t>{msg::kChannelFailure}) << type;
    wire::Reader r(out[0]);
    r.u8("type");
    EXPECT_EQ(r.u32("recipient"), 5u);
    // Without want_reply: silence.
    Send(Request(id_, type, false, "x"));
    EXPECT_TRUE(sink_.take().empty()) << type;
  }
  // The channel is still usable afterwards.
  Send(Request(id_, "subsystem", true, "sftp"));
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelSuccess});
}

TEST_F(ServiceTest, OtherSubsystemsFailAndLeaveTheChannelOpen) {
  id_ = OpenSession();
  Send(Request(id_, "subsystem", true, "netconf"));
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelFailure});
  Send(Request(id_, "subsystem", true, "SFTP"));
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelFailure});
  EXPECT_TRUE(factories_.sftp_calls.empty());
  Send(Request(id_, "subsystem", true, "sftp"));
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelSuccess});
}

TEST_F(ServiceTest, OnlyOneProgramPerChannel) {
  StartSftp();
  Send(Request(id_, "exec", true, "scp -t x"));
  Send(Request(id_, "shell", true));
  Send(Request(id_, "subsystem", true, "sftp"));
  EXPECT_EQ(Types(sink_.take()), (std::vector<uint8_t>{msg::kChannelFailure, msg::kChannelFailure,
                                                       msg::kChannelFailure}));
  EXPECT_EQ(factories_.sftp_calls.size(), 1u);
  EXPECT_TRUE(factories_.scp_calls.empty());
}

TEST_F(ServiceTest, RequestWithTrailingBytesIsADecodeError) {
  id_ = OpenSession();
  Bytes m = Request(id_, "exec", true, "scp -t x");
  m.push_back(1);
  EXPECT_THROW(Send(m), wire::DecodeError);
  Bytes shell = Request(id_, "shell", true, "extra");
  EXPECT_THROW(Send(shell), wire::DecodeError);
}

ConnectionConfig Forced(std::string_view force_command,
                        const auth::ForcedCommand& key = auth::ForcedCommand{}) {
  ConnectionConfig config;
  config.policy = make_session_policy(force_command, key);
  return config;
}

TEST_F(ServiceTest, ForceCommandInternalSftpRunsSftpForEverySubsystem) {
  Make(Forced("internal-sftp -R -d /pub"));
  for (const char* name : {"sftp", "netconf"}) {
    id_ = OpenSession();
    ASSERT_EQ(id_, 0u);
    Send(Request(0, "subsystem", true, name));
    EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelSuccess});
    Send(Close(id_));
    sink_.take();
  }
  ASSERT_EQ(factories_.sftp_calls.size(), 2u);
  EXPECT_EQ(factories_.sftp_calls[0], (std::vector<std::string>{"-R", "-d", "/pub"}));
  EXPECT_TRUE(factories_.scp_calls.empty());
}

// sshd's SUBSYSTEM_INT_SFTP_ERROR: scp -O or ssh gets told, instead of an SFTP server that
// waits for packets they never send.
TEST_F(ServiceTest, ForceCommandInternalSftpRefusesShellAndExec) {
  Make(Forced("internal-sftp -R"));
  for (const Bytes& req : {Request(0, "shell", true), Request(0, "exec", true, "scp -t x")}) {
    id_ = OpenSession();
    Send(req);
    ExpectRefusal(sink_.take(), true, "This service allows sftp connections only.\r\n");
    Send(Close(id_));
    sink_.take();
  }
  EXPECT_TRUE(factories_.sftp_calls.empty());
  EXPECT_TRUE(factories_.scp_calls.empty());
}

TEST_F(ServiceTest, KeyForcedScpRunsTheForcedCommand) {
  Make(Forced("", auth::classify_forced_command("scp -t /drop")));
  id_ = OpenSession();
  Send(Request(id_, "subsystem", true, "sftp"));
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelSuccess});
  EXPECT_EQ(factories_.scp_calls, std::vector<std::string>{"scp -t /drop"});
  EXPECT_TRUE(factories_.sftp_calls.empty());
}

TEST_F(ServiceTest, ConfigForceCommandOverridesTheKeysCommand) {
  Make(Forced("internal-sftp", auth::classify_forced_command("/bin/date")));
  id_ = OpenSession();
  Send(Request(id_, "subsystem", true, "sftp"));
  EXPECT_EQ(factories_.sftp_calls.size(), 1u);
  EXPECT_TRUE(factories_.scp_calls.empty());
}

TEST_F(ServiceTest, UnsupportedForcedCommandRefusesEveryRequestWithItsMessage) {
  auth::ForcedCommand key = auth::classify_forced_command("/usr/bin/rsync --server");
  ASSERT_EQ(key.kind, auth::ForcedCommand::Kind::kUnsupported);
  Make(Forced("none", key));
  for (const Bytes& req : {Request(0, "shell", true), Request(0, "exec", true, "scp -t x"),
                           Request(0, "subsystem", true, "sftp")}) {
    id_ = OpenSession();
    Send(req);
    ExpectRefusal(sink_.take(), true, key.message + "\r\n");
    Send(Close(id_));
    sink_.take();
  }
  EXPECT_TRUE(factories_.sftp_calls.empty());
  EXPECT_TRUE(factories_.scp_calls.empty());
}

TEST_F(ServiceTest, GlobalRequestsAreRefused) {
  for (std::string_view name :
       {"keepalive@openssh.com", "tcpip-forward", "cancel-tcpip-forward",
        "streamlocal-forward@openssh.com", "hostkeys-prove-00@openssh.com", "whatever"}) {
    wire::Writer w;
    w.u8(msg::kGlobalRequest).string(name).boolean(true).string("0.0.0.0").u32(8080);
    Send(w.take());
    EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kRequestFailure}) << name;
    Send(Global(name, false));
    EXPECT_TRUE(sink_.take().empty()) << name;
  }
}

TEST_F(ServiceTest, NoMoreSessionsIsHonoured) {
  id_ = OpenSession();
  Send(Global("no-more-sessions@openssh.com", true));
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kRequestSuccess});
  // The open session goes on...
  Send(Request(id_, "subsystem", true, "sftp"));
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelSuccess});
  // ...but another session is an attack (sshd disconnects).
  EXPECT_THROW(Send(Open(8)), ProtocolError);
}

TEST_F(ServiceTest, NoMoreSessionsStillRefusesOtherChannelTypesPolitely) {
  Send(Global("no-more-sessions@openssh.com", false));
  EXPECT_TRUE(sink_.take().empty());
  Send(Open(1, 100, 100, "direct-tcpip"));
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelOpenFailure});
}

ConnectionConfig Alive(int interval, int count) {
  ConnectionConfig config;
  config.client_alive_interval = interval;
  config.client_alive_count_max = count;
  return config;
}

TEST_F(ServiceTest, NoKeepalivesWhenTheIntervalIsZero) {
  EXPECT_EQ(service_->next_deadline(), Clock::time_point::max());
  service_->on_timer(t0_ + std::chrono::hours(100));
  EXPECT_TRUE(sink_.take().empty());
  EXPECT_FALSE(service_->end_requested());
}

TEST_F(ServiceTest, UnansweredKeepalivesEndTheConnection) {
  Make(Alive(10, 3));
  auto t = t0_;
  EXPECT_EQ(service_->next_deadline(), t + std::chrono::seconds(10));
  service_->on_timer(t + std::chrono::seconds(9));  // early: nothing
  EXPECT_TRUE(sink_.take().empty());
  for (int i = 1; i <= 3; ++i) {
    t = service_->next_deadline();
    service_->on_timer(t);
    auto out = sink_.take();
    ASSERT_EQ(Types(out), std::vector<uint8_t>{msg::kGlobalRequest});
    wire::Reader r(out[0]);
    r.u8("type");
    EXPECT_EQ(r.text("name"), "keepalive@openssh.com");
    EXPECT_TRUE(r.boolean("want reply"));
    r.expect_end("keepalive");
    EXPECT_FALSE(service_->end_requested());
  }
  service_->on_timer(service_->next_deadline());
  EXPECT_TRUE(sink_.take().empty());
  ASSERT_TRUE(service_->end_requested());
  EXPECT_EQ(service_->end_requested()->reason, transport::DisconnectReason::kByApplication);
  EXPECT_EQ(service_->next_deadline(), Clock::time_point::max());
}

TEST_F(ServiceTest, AnyReplyCountsAsAnAnswer) {
  Make(Alive(5, 2));
  for (int round = 0; round < 10; ++round) {
    service_->on_timer(service_->next_deadline());
    service_->on_timer(service_->next_deadline());
    EXPECT_EQ(sink_.take().size(), 2u);
    Send(Bytes{msg::kRequestSuccess});
    Send(Bytes{msg::kRequestFailure});
    EXPECT_FALSE(service_->end_requested()) << round;
  }
  // A reply nobody asked for is a violation.
  EXPECT_THROW(Send(Bytes{msg::kRequestFailure}), ProtocolError);
}

TEST_F(ServiceTest, ClientActivityPostponesKeepalives) {
  Make(Alive(10, 1));
  auto t = t0_;
  for (int i = 0; i < 20; ++i) {
    t += std::chrono::seconds(9);
    service_->note_activity(t);
    service_->on_timer(t + std::chrono::seconds(1));
  }
  EXPECT_TRUE(sink_.take().empty());
  EXPECT_FALSE(service_->end_requested());
  service_->on_timer(t + std::chrono::seconds(10));
  EXPECT_EQ(sink_.take().size(), 1u);
  service_->on_timer(t + std::chrono::seconds(20));
  EXPECT_TRUE(service_->end_requested());
}

TEST_F(ServiceTest, CountMaxZeroKeepsProbingForever) {
  Make(Alive(1, 0));
  for (int i = 0; i < 100; ++i) service_->on_timer(service_->next_deadline());
  EXPECT_EQ(sink_.take().size(), 100u);
  EXPECT_FALSE(service_->end_requested());
}

TEST(SessionPolicy, ForceCommandNoneAndEmptyMeanNone) {
  auth::ForcedCommand key = auth::classify_forced_command("internal-sftp");
  EXPECT_EQ(make_session_policy("", key).forced, key);
  EXPECT_EQ(make_session_policy("none", key).forced, key);
  EXPECT_EQ(make_session_policy("scp -f /x", key).forced.kind, auth::ForcedCommand::Kind::kScp);
  EXPECT_EQ(make_session_policy("", auth::ForcedCommand{}).forced.kind,
            auth::ForcedCommand::Kind::kNone);
}

}  // namespace
}  // namespace wharf::connection::testing
