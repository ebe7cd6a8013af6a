// sshd algorithm-list syntax: replace, +append, -remove (patterns), ^prepend, and errors.
#include "conf/algorithm_list.h"

#include <gtest/gtest.h>

#include "conf/algorithms.h"
#include "conf/errors.h"

namespace wharf::conf {
namespace {

using V = std::vector<std::string>;
const V kDefaults = {"a", "b-1", "b-2", "c"};
const V kSupported = {"a", "b-1", "b-2", "c", "d", "e"};

V resolve(std::string_view spec) { return resolve_algorithm_list(spec, kDefaults, kSupported); }

TEST(AlgorithmList, PlainReplaces) {
  EXPECT_EQ(resolve("d,a"), (V{"d", "a"}));
  EXPECT_EQ(resolve("e"), (V{"e"}));
  EXPECT_EQ(resolve("a,a,d"), (V{"a", "d"}));  // duplicates dropped
}

TEST(AlgorithmList, PlusAppends) {
  EXPECT_EQ(resolve("+d"), (V{"a", "b-1", "b-2", "c", "d"}));
  EXPECT_EQ(resolve("+e,d"), (V{"a", "b-1", "b-2", "c", "e", "d"}));
  EXPECT_EQ(resolve("+a"), kDefaults);  // already there: unchanged
}

TEST(AlgorithmList, MinusRemovesWithPatterns) {
  EXPECT_EQ(resolve("-a"), (V{"b-1", "b-2", "c"}));
  EXPECT_EQ(resolve("-b-*"), (V{"a", "c"}));
  EXPECT_EQ(resolve("-b-?,c"), (V{"a"}));
  EXPECT_EQ(resolve("-d"), kDefaults);   // supported but not a default: nothing to remove
  EXPECT_EQ(resolve("-x*"), kDefaults);  // removing what is not offered: allowed, as in sshd
  EXPECT_EQ(resolve("-ssh-dss,*-cbc,a"), (V{"b-1", "b-2", "c"}));
}

TEST(AlgorithmList, CaretPrepends) {
  EXPECT_EQ(resolve("^c"), (V{"c", "a", "b-1", "b-2"}));
  EXPECT_EQ(resolve("^e,d"), (V{"e", "d", "a", "b-1", "b-2", "c"}));
}

TEST(AlgorithmList, Errors) {
  EXPECT_THROW(resolve(""), ConfigError);
  EXPECT_THROW(resolve("+"), ConfigError);
  EXPECT_THROW(resolve("-"), ConfigError);
  EXPECT_THROW(resolve("^"), ConfigError);
  EXPECT_THROW(resolve("a,,c"), ConfigError);
  EXPECT_THROW(resolve("a,"), ConfigError);
  EXPECT_THROW(resolve("x"), ConfigError);
  EXPECT_THROW(resolve("+x"), ConfigError);
  EXPECT_THROW(resolve("^a,x"), ConfigError);
  EXPECT_THROW(resolve("-*"), ConfigError);  // nothing left
  EXPECT_THROW(resolve("a*"), ConfigError);  // wildcards only in '-' lists
  EXPECT_THROW(resolve(" a"), ConfigError);
  try {
    resolve("+bogus");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("bogus"), std::string::npos);
  }
}

TEST(AlgorithmList, RealListsAreConsistent) {
  namespace a = algorithms;
  for (const auto* pair :
       {&a::kKexDefault, &a::kHostKeyDefault, &a::kCipherDefault, &a::kMacDefault}) {
    EXPECT_FALSE(pair->empty());
  }
  // Every default is supported, so replacing with the default list is accepted.
  EXPECT_EQ(resolve_algorithm_list("curve25519-sha256,ecdh-sha2-nistp521", a::kKexDefault,
                                   a::kKexSupported),
            (V{"curve25519-sha256", "ecdh-sha2-nistp521"}));
  EXPECT_EQ(
      resolve_algorithm_list("+diffie-hellman-group14-sha256", a::kKexDefault, a::kKexSupported)
          .back(),
      "diffie-hellman-group14-sha256");
  EXPECT_EQ(resolve_algorithm_list("-ecdh-sha2-*", a::kKexDefault, a::kKexSupported),
            (V{"curve25519-sha256", "curve25519-sha256@libssh.org"}));
  EXPECT_EQ(resolve_algorithm_list("+ssh-rsa", a::kHostKeyDefault, a::kHostKeySupported).back(),
            "ssh-rsa");
  EXPECT_EQ(resolve_algorithm_list("^hmac-sha1", a::kMacDefault, a::kMacSupported).front(),
            "hmac-sha1");
  EXPECT_THROW(resolve_algorithm_list("3des-cbc", a::kCipherDefault, a::kCipherSupported),
               ConfigError);
  EXPECT_THROW(
      resolve_algorithm_list("+diffie-hellman-group1-sha1", a::kKexDefault, a::kKexSupported),
      ConfigError);
  for (const auto& d : a::kKexDefault) {
    EXPECT_NE(std::find(a::kKexSupported.begin(), a::kKexSupported.end(), d),
              a::kKexSupported.end());
  }
  for (const auto& d : a::kMacDefault) {
    EXPECT_NE(std::find(a::kMacSupported.begin(), a::kMacSupported.end(), d),
              a::kMacSupported.end());
  }
}

}  // namespace
}  // namespace wharf::conf
