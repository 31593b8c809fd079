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
    std::string name = std::string(kOwnThreadPrefix) + role;
    thread = std::make_unique<std::thread>([name = std::move(name), body = std::move(body)] {
      pthread_setname_np(pthread_self(), name.c_str());
      body();
    });
  } catch (const std::system_error&) {
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return thread;
}

}  // namespace vigil
