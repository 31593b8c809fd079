// What a start record says about the process: fixed at launch, except the
// facts a fork changes (pid, ppid, cwd), which are read when it is written.
#pragma once

#include "json_text.h"
#include "sinks/sink_settings.h"

#include <string>
#include <vector>

namespace vigil {

struct EntryPoint {
  std::string mode;    // file, command, module, stdin or interactive
  std::string target;  // the script, the -c text or the module; empty otherwise
  bool inspect = false;  // -i or PYTHONINSPECT: a REPL follows the program
  // For a -c command that is multiprocessing's own bootstrap, let through
  // by [entry] multiprocessing: which helper it starts; empty otherwise.
  std::string bootstrap;
};

struct PolicyIdentity {
  std::string name;
  std::string sha256;
  std::string source;  // the file, or "built-in"
  std::string mode;    // audit or enforce
  bool locked = false;  // the locked system policy
  // Overrides a locked policy ignored (VIGIL_POLICY, VIGIL_LOG).
  std::vector<std::string> ignored_overrides;
};

// The exec securebits of Linux 6.14 this process carries
// (docs/trust.md#the-kernels-securebits), by the kernel's names.
struct SecurebitsFound {
  std::vector<std::string> found;     // every exec bit set, locks included
  std::vector<std::string> honoured;  // the bits vigil-python acts on
  std::string error;                  // why they could not be read
};

struct UnusableLog {
  std::string path;
  std::string error;
};

// A fact a parent process established and passed on across exec
// (docs/detection.md): the event record that established it is `seq` of
// process `pid`.
struct InheritedFact {
  std::string fact;
  long long pid = 0;
  unsigned long long seq = 0;
  std::string subject;
};

struct StartInfo {
  std::vector<std::string> argv;
  std::string exe;
  EntryPoint entry;
  std::string python_version;
  PolicyIdentity policy;
  SecurebitsFound securebits;
  std::string log;
  // Logs tried before `log` and why they failed, for instance the log a
  // parent chose, after this process switched to another user.
  std::vector<UnusableLog> unusable_logs;
  // The policy's [[sink]] names, in order.
  std::vector<std::string> sinks;
  // Seconds between heartbeat records; 0: none.
  unsigned heartbeat_seconds = 0;
  // Each record after the first carries `prev`, the SHA-256 of the line
  // before it from this process.
  bool chain = true;
  // log.hmac_key: whether records carry `hmac`; why not, when the policy
  // names a key this process could not use.
  bool hmac = false;
  std::string hmac_error;
  // What keeps the records from the process that writes them: the log
  // file's append-only attribute (chattr +a), which only a process with
  // CAP_LINUX_IMMUTABLE can take away, and the sinks whose copies a
  // program of this process's user cannot rewrite.
  bool append_only_log = false;
  std::vector<std::string> out_of_reach;
  // Facts taken from the parent that started this program.
  std::vector<InheritedFact> inherited_facts;
};

// Whether the file at `path` carries the append-only attribute.
bool has_append_only_attribute(const std::string& path);

// Fills in append_only_log and out_of_reach once the log is chosen.
void assess_protections(StartInfo& info, const std::vector<SinkSettings>& sinks);

// Appends the start record's members. `origin` is "exec" for a process that
// began with this program, "fork" for a child that continues its parent.
void append_start_members(JsonText& json, const StartInfo& info, const char* origin);

// The executable this process runs, from /proc/self/exe.
std::string current_executable();

}  // namespace vigil
