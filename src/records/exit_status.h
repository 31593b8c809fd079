#pragma once

namespace vigil {

// Exit status when Vigil itself refuses to run a program (no log, hook not
// live, vigil-python missing): distinct from Python's own 1 and 2.
inline constexpr int kRefusedExitStatus = 78;

}  // namespace vigil
