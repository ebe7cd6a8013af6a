// Shared fixtures for the key exchange tests: a context, a host key and a driver that runs a
// client against a server in memory.
#pragma once

#include <string>
#include <vector>

#include "transport/kex/kex.h"
#include "transport/kex/moduli.h"
#include "transport/keys/host_key.h"

namespace wharf::kex::testing {

// A context with plausible identification strings and KEXINIT payloads (type byte 20 first).
KexContext make_context(const keys::HostKey& host_key);

// The shipped moduli file, from the test's runfiles.
const Moduli& shipped_moduli();

// One Ed25519 host key for all tests (generated once).
const keys::HostKey& ed25519_host_key();

SignFn signer(const keys::HostKey& key, std::string algorithm);

struct Transcript {
  std::vector<Bytes> client_to_server;
  std::vector<Bytes> server_to_client;
};

// Runs the exchange to completion (bounded); fails the test if either side does not finish.
Transcript run_exchange(ClientKex& client, ServerKex& server);

}  // namespace wharf::kex::testing
