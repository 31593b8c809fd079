#pragma once

namespace vigil {

// Moves a descriptor Vigil owns out of the range programs pick by number,
// enumerate or close wholesale (above the soft RLIMIT_NOFILE where
// possible, always above 2), close-on-exec. Returns the descriptor to use
// from now on (`fd` itself when it is above 2 and cannot move), or -1 with
// errno set and `fd` closed.
int move_above_stdio(int fd);

}  // namespace vigil
