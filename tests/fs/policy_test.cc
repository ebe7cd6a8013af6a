// fs::Policy's request filter and the -p/-P request-list syntax it is filled from.
#include "fs/policy.h"

#include <gtest/gtest.h>

namespace wharf::fs {
namespace {

using Names = std::vector<std::string>;

TEST(RequestList, SplitsOnCommasAndDropsEmptyEntries) {
  EXPECT_EQ(parse_request_list("open,read,close"), (Names{"open", "read", "close"}));
  EXPECT_EQ(parse_request_list(",open,,remove,"), (Names{"open", "remove"}));
  EXPECT_EQ(parse_request_list("posix-rename"), (Names{"posix-rename"}));
  EXPECT_TRUE(parse_request_list("").empty());
  EXPECT_TRUE(parse_request_list(",,,").empty());
}

TEST(RequestList, DenyListWinsOverAllowList) {
  Policy p;
  EXPECT_TRUE(p.allows("remove"));
  p.allowed_requests = parse_request_list("open,remove");
  EXPECT_TRUE(p.allows("open"));
  EXPECT_FALSE(p.allows("mkdir"));
  p.denied_requests = parse_request_list("remove");
  EXPECT_FALSE(p.allows("remove"));
  EXPECT_TRUE(p.allows("open"));
}

TEST(RequestList, NarrowingKeepsOnlyNamesInBoth) {
  Policy p;
  p.narrow_allowed(parse_request_list("open,read,remove"));  // from "all"
  EXPECT_TRUE(p.allows("remove"));
  EXPECT_FALSE(p.allows("mkdir"));
  p.narrow_allowed(parse_request_list("open,read,mkdir"));  // cannot add mkdir back
  EXPECT_TRUE(p.allows("open"));
  EXPECT_FALSE(p.allows("remove"));
  EXPECT_FALSE(p.allows("mkdir"));
  p.narrow_allowed(parse_request_list("close"));  // nothing in common: nothing allowed
  EXPECT_FALSE(p.allows("open"));
  EXPECT_FALSE(p.allows("close"));
}

TEST(RequestList, AnEmptyAllowListAllowsNothing) {
  // sftp-server -p "," matches no request; it must not read as "no list: everything".
  Policy p;
  p.narrow_allowed(parse_request_list(","));
  EXPECT_FALSE(p.allows("open"));
  EXPECT_FALSE(p.allows("realpath"));
}

}  // namespace
}  // namespace wharf::fs
