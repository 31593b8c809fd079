#include "own_thread.h"

#include <string>

namespace vigil {

SignalsBlocked::SignalsBlocked() {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous_);
}

SignalsBlocked::~SignalsBlocked() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

void name_own_thread(pthread_t thread, const char* role) {
  pthread_setname_np(thread, (std::string(kOwnThreadPrefix) + role).c_str());
}

}  // namespace vigil
