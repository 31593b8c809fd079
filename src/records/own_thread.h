// Threads Vigil starts inside the program's process. They take no signals:
// one delivered there would not interrupt the interpreter's blocking call,
// and Ctrl-C would wait. Their names start with kOwnThreadPrefix, so that
// what counts the program's threads can leave them out (CPython 3.12+ warns
// at fork() when /proc/self/stat counts more than one thread).
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <thread>

namespace vigil {

// Not "vigil-": the main thread is named after the executable, vigil-python.
inline constexpr std::string_view kOwnThreadPrefix = "vigil:";

// Null when no thread can be made. `role`: at most 9 characters (the
// kernel keeps 15 of a thread's name).
std::unique_ptr<std::thread> start_own_thread(const char* role, std::function<void()> body);

}  // namespace vigil
