// The `-c` commands CPython's own multiprocessing starts its helpers with
// (docs/policy.md, "The interpreter's own bootstrap commands"): the spawn
// start method's workers, the forkserver and the resource tracker. Each
// imports one standard-library function and calls it with descriptor
// numbers and, for the forkserver, module names and paths, which it
// imports through the import system (so through the trust check). A policy
// that forbids -c still lets these run: they are recognised by their exact
// text, and any other text, one more statement included, is a -c command.
//
// The forms, as CPython 3.11 to 3.14 write them (N: a decimal integer):
//   from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=N, …)
//     keywords tracker_fd, pipe_handle (required) and parent_pid, each once;
//   from multiprocessing.resource_tracker import main;main(N)
//   from multiprocessing.forkserver import main; main(N, N, [MODULES], **{KW})
//   import sys; from multiprocessing.forkserver import main; main(N, N, [MODULES], sys_argv=sys.argv[1:], **{KW})
//     (3.14) where MODULES are quoted dotted names and KW holds at most
//     main_path (a string or None), sys_path and sys_argv (lists of
//     strings) and authkey_r (N), each once.
#pragma once

#include <optional>
#include <string_view>

namespace vigil {

// The helper `command` (the -c text, without CPython's trailing newline)
// starts: "multiprocessing.spawn", "multiprocessing.forkserver" or
// "multiprocessing.resource_tracker"; nullopt for any other text.
std::optional<std::string_view> multiprocessing_bootstrap(std::string_view command);

}  // namespace vigil
