// vigil-python's entry point. vigil-python is a copy of the release's
// python3.X whose first DT_NEEDED entry is this library
// (packaging/make-vigil-python), so this definition of __libc_start_main
// is the one the executable's _start reaches: it starts the process with
// Vigil's launcher as main, and python's own main never runs. The launcher
// pre-initialises and configures CPython itself (launcher.h), as python's
// main would have, with the hooks installed first.
#include "launcher.h"

#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>

namespace {

using Main = int (*)(int, char**, char**);
using StartMain = int (*)(Main, int, char**, void (*)(), void (*)(), void (*)(), void*);

int launcher_main(int argc, char** argv, char**) { return vigil::run_python(argc, argv); }

}  // namespace

extern "C" __attribute__((visibility("default"))) int __libc_start_main(Main, int argc, char** argv, void (*init)(),
                                                                        void (*fini)(), void (*rtld_fini)(),
                                                                        void* stack_end) {
  auto real = reinterpret_cast<StartMain>(dlsym(RTLD_NEXT, "__libc_start_main"));
  if (real == nullptr) {
    // Never python's main without the hooks.
    std::fprintf(stderr, "vigil-python: the C library's __libc_start_main is not found: %s\n", dlerror());
    std::_Exit(127);
  }
  return real(launcher_main, argc, argv, init, fini, rtld_fini, stack_end);
}
