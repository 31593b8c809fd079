// What an audit event means to an incident responder: the area it belongs
// to, and whether it is the program's own doing rather than the
// interpreter starting up or importing. `vigil summary` and `vigil report`
// both sort events this way.
#pragma once

#include <string_view>

namespace vigil {

enum class Activity { none, process, network, file, code, native, hooks };

std::string_view activity_name(Activity activity);

Activity activity_of(std::string_view event);

// Code that belongs to the interpreter: frozen modules and the standard
// library under /usr/lib/python3*.
bool is_interpreter_code(std::string_view site_file);

// `open` mode texts ("w", "rb+", "a") and os.open flags that write.
bool opens_for_writing(std::string_view mode, long long flags);

}  // namespace vigil

namespace vigil {

// What `is_program_activity` needs of an event record.
struct EventFacts {
  std::string_view event;
  bool has_site = false;       // false while the interpreter starts or stops
  std::string_view site_file;
  std::string_view open_mode;  // of `open`: its mode text, if it has one
  long long open_flags = 0;
};

// True for what the program itself did that a responder looks at: every
// process, network, native and hook event; files written after start-up,
// or read by the program's own code; code compiled or run from text rather than by imports.
bool is_program_activity(const EventFacts& facts);

}  // namespace vigil
