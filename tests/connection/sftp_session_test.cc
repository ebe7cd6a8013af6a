// The real sftp::Server behind a session channel, over a temporary directory: a simulated
// client that respects both windows uploads and downloads a file larger than the windows.
#include <filesystem>
#include <fstream>

#include "connection/sftp_app.h"
#include "sftp/protocol.h"
#include "tests/connection/harness.h"

namespace wharf::connection::testing {
namespace {

namespace stdfs = std::filesystem;

class SftpSession : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = stdfs::path(tmp ? tmp : "/tmp") / "conn_sftp_session";
    stdfs::remove_all(dir_);
    stdfs::create_directories(dir_);
    auto root = fs::Root::open(dir_.string(), fs::Policy{});
    ASSERT_TRUE(root.ok());
    root_ = std::move(*root);
    SessionFactories f;
    f.sftp = [this](const std::vector<std::string>&) -> std::unique_ptr<SessionApp> {
      return std::make_unique<SftpApp>(*root_);
    };
    service_ = std::make_unique<ConnectionService>(sink_, std::move(f), ConnectionConfig{});

    service_->on_message(Open(5, kClientWindow, 32768));
    auto out = sink_.take();
    wire::Reader r(out.at(0));
    ASSERT_EQ(r.u8("type"), msg::kChannelOpenConfirmation);
    r.u32("recipient");
    id_ = r.u32("sender");
    send_window_ = r.u32("window");
    service_->on_message(Request(id_, "subsystem", true, "sftp"));
    ASSERT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelSuccess});
  }
  void TearDown() override { stdfs::remove_all(dir_); }

  // Sends SFTP bytes as CHANNEL_DATA within the server's window, processing what comes back.
  void Write(const Bytes& bytes) {
    size_t pos = 0;
    while (pos < bytes.size()) {
      size_t n = std::min<size_t>({bytes.size() - pos, 32768, send_window_});
      ASSERT_GT(n, 0u) << "the server's window stayed closed";
      send_window_ -= n;
      service_->on_message(Data(id_, wire::ByteView(bytes).subspan(pos, n)));
      pos += n;
      Collect();
    }
  }
  // Takes the server's messages: data into in_, adjusts into send_window_; gives the server
  // window back as the "client" consumes what it got.
  void Collect() {
    for (const Bytes& m : sink_.take()) {
      if (m[0] == msg::kChannelData) {
        DataMsg d = ParseData(m);
        EXPECT_EQ(d.recipient, 5u);
        EXPECT_LE(d.data.size(), 32768u);
        in_.insert(in_.end(), d.data.begin(), d.data.end());
        unacked_ += d.data.size();
      } else if (m[0] == msg::kChannelWindowAdjust) {
        wire::Reader r(m);
        r.u8("type");
        r.u32("recipient");
        send_window_ += r.u32("bytes");
      } else {
        other_.push_back(m[0]);
      }
    }
    if (unacked_ >= kClientWindow / 2) {
      uint32_t n = static_cast<uint32_t>(unacked_);
      unacked_ = 0;
      service_->on_message(Adjust(id_, n));
      Collect();
    }
  }
  // One SFTP reply from in_, or nullopt if not complete.
  std::optional<Bytes> Reply() {
    if (in_.size() < 4) return std::nullopt;
    wire::Reader r(in_);
    uint32_t len = r.u32("length");
    if (in_.size() < 4 + len) return std::nullopt;
    Bytes reply(in_.begin() + 4, in_.begin() + 4 + len);
    in_.erase(in_.begin(), in_.begin() + 4 + len);
    return reply;
  }
  static Bytes Frame(const Bytes& body) {
    wire::Writer w;
    w.u32(static_cast<uint32_t>(body.size())).raw(wire::ByteView(body));
    return w.take();
  }

  static constexpr uint32_t kClientWindow = 128 * 1024;
  stdfs::path dir_;
  std::unique_ptr<fs::Root> root_;
  FakeSink sink_;
  std::unique_ptr<ConnectionService> service_;
  uint32_t id_ = 0;
  uint64_t send_window_ = 0;
  uint64_t unacked_ = 0;
  Bytes in_;
  std::vector<uint8_t> other_;
};

TEST_F(SftpSession, UploadAndDownloadThroughTheWindows) {
  using namespace sftp;
  Write(Frame({SSH_FXP_INIT, 0, 0, 0, 3}));
  auto version = Reply();
  ASSERT_TRUE(version);
  EXPECT_EQ((*version)[0], SSH_FXP_VERSION);

  // OPEN for writing.
  wire::Writer open;
  open.u8(SSH_FXP_OPEN).u32(1).string("big.bin").u32(SSH_FXF_WRITE | SSH_FXF_CREAT);
  open.u32(0);
  Write(Frame(open.take()));
  auto handle_reply = Reply();
  ASSERT_TRUE(handle_reply);
  wire::Reader hr(*handle_reply);
  ASSERT_EQ(hr.u8("type"), SSH_FXP_HANDLE);
  hr.u32("id");
  wire::ByteView hv = hr.string("handle");
  Bytes handle(hv.begin(), hv.end());

  // 6 MiB in pipelined 32 KiB WRITEs: more than the server's window, so it must be topped up.
  constexpr size_t kChunk = 32768, kChunks = 192;
  Bytes content(kChunk * kChunks);
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<uint8_t>(i * 7 + i / 4096);
  for (size_t c = 0; c < kChunks; ++c) {
    wire::Writer w;
    w.u8(SSH_FXP_WRITE).u32(static_cast<uint32_t>(100 + c)).string(handle).u64(c * kChunk);
    w.string(wire::ByteView(content).subspan(c * kChunk, kChunk));
    Write(Frame(w.take()));
  }
  for (size_t c = 0; c < kChunks; ++c) {
    auto status = Reply();
    ASSERT_TRUE(status) << c;
    wire::Reader r(*status);
    ASSERT_EQ(r.u8("type"), SSH_FXP_STATUS);
    EXPECT_EQ(r.u32("id"), 100 + c);
    EXPECT_EQ(r.u32("code"), SSH_FX_OK);
  }
  wire::Writer close;
  close.u8(SSH_FXP_CLOSE).u32(2).string(handle);
  Write(Frame(close.take()));
  ASSERT_TRUE(Reply());
  std::ifstream f(dir_ / "big.bin", std::ios::binary);
  Bytes on_disk((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(on_disk == content);

  // Download it again: pipelined READs whose replies outgrow the client's 128 KiB window.
  wire::Writer ropen;
  ropen.u8(SSH_FXP_OPEN).u32(3).string("big.bin").u32(SSH_FXF_READ).u32(0);
  Write(Frame(ropen.take()));
  auto rh = Reply();
  ASSERT_TRUE(rh);
  wire::Reader rhr(*rh);
  ASSERT_EQ(rhr.u8("type"), SSH_FXP_HANDLE);
  rhr.u32("id");
  wire::ByteView rhv = rhr.string("handle");
  Bytes rhandle(rhv.begin(), rhv.end());
  Bytes got;
  // All READs at once, many per CHANNEL_DATA, as OpenSSH's sftp pipelines them: the server
  // holds some back while its output is backed up and must be pumped as it drains.
  Bytes reads;
  for (size_t c = 0; c < kChunks; ++c) {
    wire::Writer w;
    w.u8(SSH_FXP_READ).u32(static_cast<uint32_t>(1000 + c)).string(rhandle).u64(c * kChunk);
    w.u32(kChunk);
    Bytes frame = Frame(w.take());
    reads.insert(reads.end(), frame.begin(), frame.end());
  }
  Write(reads);
  for (int spins = 0; got.size() < content.size() && spins < 100000; ++spins) {
    while (auto reply = Reply()) {
      wire::Reader r(*reply);
      ASSERT_EQ(r.u8("type"), SSH_FXP_DATA);
      r.u32("id");
      wire::ByteView data = r.string("data");
      got.insert(got.end(), data.begin(), data.end());
    }
    // The client has consumed everything it got: give the window back.
    if (unacked_ > 0) {
      service_->on_message(Adjust(id_, static_cast<uint32_t>(unacked_)));
      unacked_ = 0;
    }
    Collect();
  }
  EXPECT_TRUE(got == content);

  // EOF: sftp-server ends, exit-status 0, EOF, CLOSE.
  service_->on_message(Eof(id_));
  Collect();
  EXPECT_EQ(other_,
            (std::vector<uint8_t>{msg::kChannelRequest, msg::kChannelEof, msg::kChannelClose}));
  service_->on_message(Close(id_));
  EXPECT_EQ(service_->open_channels(), 0u);
}

}  // namespace
}  // namespace wharf::connection::testing
