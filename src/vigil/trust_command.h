// `vigil trust`: building and checking what vigil-python counts as trusted
// code (docs/trust.md).
#pragma once

#include <string>
#include <vector>

namespace vigil {

struct TrustBuildOptions {
  std::vector<std::string> directories;
  std::string output;  // a trust file; "-" for standard output
  bool all_files = false;
};
// Walks the trees and writes one entry per code file, sorted by path.
int trust_build_command(const TrustBuildOptions& options);

struct TrustEditOptions {
  std::string database;  // the trust file to change
  std::vector<std::string> files;
};
// Adds (or refreshes) and removes entries for these files.
int trust_add_command(const TrustEditOptions& options);
int trust_remove_command(const TrustEditOptions& options);

struct TrustMarkOptions {
  std::vector<std::string> files;
};
// Writes the files' SHA-256 into their security.vigil.sha256 attribute.
int trust_mark_command(const TrustMarkOptions& options);

// Where the trust sources come from: a policy's [trust] table, or the
// system policy, or the default database with both sources.
struct TrustSourceOptions {
  std::string policy;
  std::vector<std::string> databases;  // replace the policy's locations
};

struct TrustVerifyOptions {
  TrustSourceOptions sources;
  std::vector<std::string> paths;  // default: the sys.path of the embedded release's python3.X
};
// Every entry whose file changed or is missing, and every untrusted code
// file on the path. Exit status 1 if there is any.
int trust_verify_command(const TrustVerifyOptions& options);

struct TrustStatusOptions {
  TrustSourceOptions sources;
  std::string file;
};
// Why one file is or is not trusted. Exit status 0 when it is.
int trust_status_command(const TrustStatusOptions& options);

struct TrustLearnOptions {
  std::vector<std::string> logs;
  std::string output;  // a trust file; "-" for standard output
};
// Proposes entries for the code files the logs show refused as untrusted,
// as they ran; a file whose bytes changed since is listed commented out.
// Exit status 0 when it wrote them, 2 when a log or the output fails.
int trust_learn_command(const TrustLearnOptions& options);

}  // namespace vigil
