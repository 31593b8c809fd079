// vigil-python: a drop-in python3 with Vigil's hooks installed first.
#include "launcher.h"

int main(int argc, char** argv) { return vigil::run_python(argc, argv); }
