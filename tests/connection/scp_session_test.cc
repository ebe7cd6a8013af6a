// The real SCP core behind exec requests, over a temporary directory: an upload with `scp -t`
// and a download with `scp -f`, speaking the legacy protocol as OpenSSH's scp -O does.
#include <filesystem>
#include <fstream>

#include "connection/scp_app.h"
#include "tests/connection/fixture.h"

namespace wharf::connection::testing {
namespace {

namespace stdfs = std::filesystem;

class ScpSession : public ServiceTest {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = stdfs::path(tmp ? tmp : "/tmp") / "conn_scp_session";
    stdfs::remove_all(dir_);
    stdfs::create_directories(dir_);
    auto root = fs::Root::open(dir_.string(), fs::Policy{});
    ASSERT_TRUE(root.ok());
    root_ = std::move(*root);
    SessionFactories f;
    f.scp = [this](std::string_view command, std::string& error) {
      return ScpApp::start(*root_, command, error);
    };
    service_ = std::make_unique<ConnectionService>(sink_, std::move(f), ConnectionConfig{});
  }
  void TearDown() override { stdfs::remove_all(dir_); }

  uint32_t Exec(std::string_view command) {
    uint32_t id = OpenSession(3, 1 << 20, 32768);
    Send(Request(id, "exec", true, command));
    return id;
  }

  stdfs::path dir_;
  std::unique_ptr<fs::Root> root_;
};

TEST_F(ScpSession, UploadThenDownload) {
  std::string content(100000, 'x');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>('a' + i % 26);

  uint32_t id = Exec("scp -t /");
  auto out = sink_.take();
  ASSERT_EQ(out.at(0)[0], msg::kChannelSuccess);
  EXPECT_EQ(AllData(out), Bytes{0});  // the sink is ready
  Send(Data(id, "C0640 " + std::to_string(content.size()) + " up.txt\n"));
  EXPECT_EQ(AllData(sink_.take()), Bytes{0});
  Send(Data(id, content.substr(0, 60000)));
  Send(Data(id, content.substr(60000) + std::string(1, '\0')));
  EXPECT_EQ(AllData(sink_.take()), Bytes{0});
  Send(Eof(id));
  out = sink_.take();
  ASSERT_EQ(Types(out),
            (std::vector<uint8_t>{msg::kChannelRequest, msg::kChannelEof, msg::kChannelClose}));
  wire::Reader r(out[0]);
  r.u8("t");
  r.u32("c");
  EXPECT_EQ(r.text("name"), "exit-status");
  r.boolean("w");
  EXPECT_EQ(r.u32("status"), 0u);
  Send(Close(id));
  std::ifstream f(dir_ / "up.txt");
  std::string on_disk((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(on_disk, content);

  id = Exec("scp -f /up.txt");
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelSuccess});
  Send(Data(id, std::string(1, '\0')));  // the client sink is ready
  Bytes header_bytes = AllData(sink_.take());
  std::string header(header_bytes.begin(), header_bytes.end());
  EXPECT_EQ(header, "C0640 100000 up.txt\n");
  Send(Data(id, std::string(1, '\0')));
  Bytes data;
  for (int i = 0; i < 100 && data.size() < content.size() + 1; ++i) {
    Bytes part = AllData(sink_.take());
    data.insert(data.end(), part.begin(), part.end());
    if (data.size() < content.size() + 1) Send(Adjust(id, 1 << 20));
  }
  ASSERT_EQ(data.size(), content.size() + 1);
  EXPECT_EQ(std::string(data.begin(), data.end() - 1), content);
  EXPECT_EQ(data.back(), 0);
  Send(Data(id, std::string(1, '\0')));
  Send(Eof(id));
  out = sink_.take();
  EXPECT_EQ(Types(out).back(), msg::kChannelClose);
}

TEST_F(ScpSession, BadScpCommandsAreExplainedOnStderr) {
  uint32_t id = Exec("scp -z -t /");
  auto out = sink_.take();
  Bytes err = AllData(out, /*ext=*/true);
  std::string text(err.begin(), err.end());
  EXPECT_EQ(text.rfind("scp: ", 0), 0u) << text;
  EXPECT_NE(text.find("-z"), std::string::npos) << text;
  EXPECT_EQ(Types(out).back(), msg::kChannelClose);
  Send(Close(id));
  Exec("rsync --server");
  err = AllData(sink_.take(), true);
  EXPECT_EQ(std::string(err.begin(), err.end()), kRefusalMessage);
}

}  // namespace
}  // namespace wharf::connection::testing
