// Threads Vigil starts inside the program's process. They take no signals:
// one delivered there would not interrupt the interpreter's blocking call,
// and Ctrl-C would wait. Their names start with kOwnThreadPrefix, so that
// what counts the program's threads can leave them out (CPython 3.12+ warns
// at fork() when /proc/self/stat counts more than one thread).
#pragma once

#include <memory>
#include <pthread.h>
#include <signal.h>
#include <string_view>
#include <system_error>
#include <thread>

namespace vigil {

// Blocks every signal in this thread for its lifetime, so that a thread
// started meanwhile inherits none.
class SignalsBlocked {
 public:
  SignalsBlocked();
  ~SignalsBlocked();
  SignalsBlocked(const SignalsBlocked&) = delete;
  SignalsBlocked& operator=(const SignalsBlocked&) = delete;

 private:
  sigset_t previous_;
};

void name_own_thread(pthread_t thread, const char* role);

// Not "vigil-": the main thread is named after the executable, vigil-python.
inline constexpr std::string_view kOwnThreadPrefix = "vigil:";

// Null when no thread can be made. `role`: at most 9 characters (the
// kernel keeps 15 of a thread's name).
template <typename Body>
std::unique_ptr<std::thread> start_own_thread(const char* role, Body body) {
  SignalsBlocked blocked;
  std::unique_ptr<std::thread> thread;
  try {
    thread = std::make_unique<std::thread>(std::move(body));
    // Named by its creator, before the program can run again: a fork() at
    // once (CPython's own tests do it) must already see the name.
    name_own_thread(thread->native_handle(), role);
  } catch (const std::system_error&) {
  }
  return thread;
}

}  // namespace vigil
