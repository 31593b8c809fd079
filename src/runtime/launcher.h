#pragma once

namespace vigil {

// vigil-python's whole life: the same command line, exit status and stdio
// as python3, with the hooks installed before the interpreter starts.
int run_python(int argc, char** argv);

}  // namespace vigil
