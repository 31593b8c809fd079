# vigil-python embeds CPython from its static library. Debian's own python3.11
# is linked the same way; linking libpython3.11.so instead costs about 20% of
# instructions (see bench/RESULTS.md), which administrators would feel.
execute_process(
  COMMAND "${VIGIL_PYTHON}" -c
    "import sysconfig as s; v = s.get_config_var; print(';'.join([s.get_paths()['include'], v('LIBPL'), v('LIBRARY'), v('LIBS') + ' ' + v('SYSLIBS') + ' ' + v('MODLIBS'), v('VERSION'), s.get_paths()['stdlib']]))"
  OUTPUT_VARIABLE _vigil_py_info
  OUTPUT_STRIP_TRAILING_WHITESPACE
  COMMAND_ERROR_IS_FATAL ANY)
list(GET _vigil_py_info 0 VIGIL_PYTHON_INCLUDE)
list(GET _vigil_py_info 1 _vigil_py_libpl)
list(GET _vigil_py_info 2 _vigil_py_library)
list(GET _vigil_py_info 3 _vigil_py_syslibs)
list(GET _vigil_py_info 4 VIGIL_PYTHON_VERSION)
list(GET _vigil_py_info 5 VIGIL_PYTHON_STDLIB)
# The stock interpreter of that release by its own name (python3.11, not
# the python3 link, which may come to run vigil-python or another release):
# `vigil trust verify` asks it for sys.path.
file(REAL_PATH "${VIGIL_PYTHON}" VIGIL_PYTHON_INTERPRETER)
# The runtime relies on the GIL (docs/operation.md, "Free-threaded builds").
execute_process(
  COMMAND "${VIGIL_PYTHON}" -c "import sysconfig; print(sysconfig.get_config_var('Py_GIL_DISABLED') or 0)"
  OUTPUT_VARIABLE _vigil_py_gil_disabled
  OUTPUT_STRIP_TRAILING_WHITESPACE
  COMMAND_ERROR_IS_FATAL ANY)
if(_vigil_py_gil_disabled)
  message(FATAL_ERROR "${VIGIL_PYTHON} is a free-threaded CPython; Vigil's runtime needs the GIL "
                      "(docs/operation.md, \"Free-threaded builds\")")
endif()

set(VIGIL_PYTHON_STATIC "${_vigil_py_libpl}/${_vigil_py_library}")
# make pgo: the same CPython release built with PGO and LTO
# (tools/build-pgo-libpython.sh), headers and all.
set(VIGIL_OPTIMISED_PYTHON "" CACHE PATH
    "A directory with libpython3.11.a and include/ from tools/build-pgo-libpython.sh")
if(VIGIL_OPTIMISED_PYTHON)
  set(VIGIL_PYTHON_STATIC "${VIGIL_OPTIMISED_PYTHON}/libpython${VIGIL_PYTHON_VERSION}.a")
  set(VIGIL_PYTHON_INCLUDE "${VIGIL_OPTIMISED_PYTHON}/include")
endif()
if(NOT EXISTS "${VIGIL_PYTHON_STATIC}")
  message(FATAL_ERROR "No static libpython at ${VIGIL_PYTHON_STATIC}; install libpython${VIGIL_PYTHON_VERSION}-dev")
endif()
separate_arguments(_vigil_py_syslibs UNIX_COMMAND "${_vigil_py_syslibs}")
list(REMOVE_DUPLICATES _vigil_py_syslibs)
# 3.13's and 3.14's MODLIBS also name archives of CPython's own build tree
# (Modules/_hacl/libHacl_Hash_SHA2.a, a relative path), which Debian does
# not install.
set(_vigil_py_build_tree_libs ${_vigil_py_syslibs})
list(FILTER _vigil_py_syslibs EXCLUDE REGEX "^[^-/]")
list(FILTER _vigil_py_build_tree_libs INCLUDE REGEX "^[^-/]")

find_package(Threads REQUIRED)
add_library(vigil_embedded_python INTERFACE)
add_library(Vigil::EmbeddedPython ALIAS vigil_embedded_python)
target_include_directories(vigil_embedded_python SYSTEM INTERFACE "${VIGIL_PYTHON_INCLUDE}")
# Extension modules in lib-dynload resolve CPython's symbols from the
# executable, so every symbol is exported; the static archive is not PIC.
target_link_options(vigil_embedded_python INTERFACE -no-pie -Wl,--export-dynamic)
target_link_libraries(vigil_embedded_python INTERFACE
  "${VIGIL_PYTHON_STATIC}" ${_vigil_py_syslibs} Threads::Threads)
foreach(_vigil_py_lib IN LISTS _vigil_py_build_tree_libs)
  if(_vigil_py_lib MATCHES "Hacl_Hash_SHA2")
    # The _sha2 module's HACL* functions, over OpenSSL's SHA-2.
    add_library(vigil_hacl_sha2 STATIC "${PROJECT_SOURCE_DIR}/src/runtime/hacl_sha2_over_openssl.c")
    target_link_libraries(vigil_hacl_sha2 PRIVATE OpenSSL::Crypto)
    target_link_libraries(vigil_embedded_python INTERFACE vigil_hacl_sha2 OpenSSL::Crypto)
  else()
    message(FATAL_ERROR "${VIGIL_PYTHON_STATIC} needs ${_vigil_py_lib} from CPython's build tree, which is not installed")
  endif()
endforeach()
message(STATUS "Embedding CPython ${VIGIL_PYTHON_VERSION} from ${VIGIL_PYTHON_STATIC}")
