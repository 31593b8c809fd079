#include "own_thread.h"

#include <pthread.h>
#include <signal.h>
#include <string>
#include <system_error>

namespace vigil {

std::unique_ptr<std::thread> start_own_thread(const char* role, std::function<void()> body) {
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  std::unique_ptr<std::thread> thread;
  try {
    thread = std::make_unique<std::thread>(std::move(body));
    // Named by its creator before the program can run again: a fork() at
    // once (CPython's own tests do it) must already see the name.
    pthread_setname_np(thread->native_handle(), (std::string(kOwnThreadPrefix) + role).c_str());
  } catch (const std::system_error&) {
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return thread;
}

}  // namespace vigil
