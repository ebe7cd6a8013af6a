#include "daemon/options.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace wharf::daemon {
namespace {

TEST(Options, DefaultsAreForegroundWithEmbeddedConfig) {
  Options o = parse_options({});
  EXPECT_TRUE(o.config_file.empty());
  EXPECT_FALSE(o.inetd);
  EXPECT_EQ(o.debug, 0);
}

TEST(Options, ValuesJoinedOrSeparate) {
  Options o =
      parse_options({"-f", "/etc/wharf/wharfd_config", "-p2200", "-p", "2201", "-oLogLevel=DEBUG2",
                     "-o", "Port 22", "-ddd", "-Tt", "-C", "user=alice,addr=127.0.0.1"});
  EXPECT_EQ(o.config_file, "/etc/wharf/wharfd_config");
  EXPECT_EQ(o.ports, (std::vector<int>{2200, 2201}));
  EXPECT_EQ(o.overrides, (std::vector<std::string>{"LogLevel=DEBUG2", "Port 22"}));
  EXPECT_EQ(o.debug, 3);
  EXPECT_TRUE(o.dump);
  EXPECT_TRUE(o.test_only);
  EXPECT_EQ(o.connection_spec, "user=alice,addr=127.0.0.1");
}

TEST(Options, BadCommandLinesRefused) {
  EXPECT_THROW(parse_options({"-p", "0"}), std::invalid_argument);
  EXPECT_THROW(parse_options({"-p", "65536"}), std::invalid_argument);
  EXPECT_THROW(parse_options({"-p", "22x"}), std::invalid_argument);
  EXPECT_THROW(parse_options({"-f"}), std::invalid_argument);
  EXPECT_THROW(parse_options({"-x"}), std::invalid_argument);
  EXPECT_THROW(parse_options({"stray"}), std::invalid_argument);
}

}  // namespace
}  // namespace wharf::daemon
