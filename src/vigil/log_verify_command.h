#pragma once

#include <string>
#include <vector>

namespace vigil {

struct LogVerifyOptions {
  std::vector<std::string> logs;  // read in this order, as one stream
  std::string key;                // the policy's log.hmac_key file, to check `hmac`
};

// Checks every process's records for gaps, reordering and edits: the
// sequence numbers must count 1, 2, 3… and each record's `prev` must be
// the hash of the process's line before it (the hash its start record
// names in `chain_hash`; SHA-256 when it names none), and, given the key, each
// record's `hmac` must be the HMAC-SHA256 of its line without it. Exit 0
// when whole, 1 when anything is wrong, 2 when a file cannot be read.
int log_verify_command(const LogVerifyOptions& options);

}  // namespace vigil
