// Where records go, decided before Python starts.
#pragma once

#include "sinks/file_sink.h"
#include "start_info.h"

#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vigil {

// A log file to try, and how its directory may be prepared.
struct LogChoice {
  enum class Origin {
    chosen,        // VIGIL_LOG (vigil run --log): used as given, made absolute
    user_default,  // the system log for root, the XDG state directory otherwise
    private_spool  // /var/tmp/vigil-<uid>/: for users with nowhere else to write
  };
  std::string path;
  Origin origin;
};

// The logs to try, in order of preference: `chosen` (VIGIL_LOG or the
// policy's log.path) when not empty, then the user's default. Each path is
// made absolute here, once, so that a program that changes its working
// directory does not move the records that follow. A process that cannot
// open the log it was given (a child that switched to another user), or
// cannot write its start record there, falls back to the next.
std::vector<LogChoice> log_choices(const std::string& chosen);

// The user's own log file, used when VIGIL_LOG is not set.
std::string default_log_path(uid_t uid);

// Creates what `choice` needs to exist (directories, checked where they
// are shared) and opens it; null with `error` set when it cannot.
std::unique_ptr<FileSink> open_log(const LogChoice& choice, std::string& error);

}  // namespace vigil
