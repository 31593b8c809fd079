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
# What CPython opens the script and PYTHONSTARTUP with (python_compat.h).
if(VIGIL_PYTHON_VERSION VERSION_GREATER_EQUAL 3.14)
  set(VIGIL_PYTHON_FOPEN Py_fopen)
else()
  set(VIGIL_PYTHON_FOPEN _Py_fopen_obj)
endif()
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
# 3.14's MODLIBS keeps the Makefile's line continuations: backslashes and
# spaces, which are one argument of spaces once split.
list(FILTER _vigil_py_syslibs EXCLUDE REGEX "^ *$")
list(REMOVE_DUPLICATES _vigil_py_syslibs)
# 3.13's MODLIBS also names archives of CPython's own build tree
# (Modules/_hacl/libHacl_Hash_SHA2.a, a relative path), which Debian does
# not install; the HACL* functions they hold are found missing below.
set(_vigil_py_build_tree_libs ${_vigil_py_syslibs})
list(FILTER _vigil_py_syslibs EXCLUDE REGEX "^[^-/]")
list(FILTER _vigil_py_build_tree_libs INCLUDE REGEX "^[^-/]")

find_package(Threads REQUIRED)
add_library(vigil_embedded_python INTERFACE)
add_library(Vigil::EmbeddedPython ALIAS vigil_embedded_python)
target_include_directories(vigil_embedded_python SYSTEM INTERFACE "${VIGIL_PYTHON_INCLUDE}")
# Extension modules in lib-dynload resolve CPython's symbols from the
# executable, so every symbol is exported, and every object of the archive
# is linked, used here or not (3.13's _interpreters needs functions nothing
# else calls); the static archive is not PIC.
target_link_options(vigil_embedded_python INTERFACE -no-pie -Wl,--export-dynamic)
target_link_libraries(vigil_embedded_python INTERFACE
  "$<LINK_LIBRARY:WHOLE_ARCHIVE,${VIGIL_PYTHON_STATIC}>" ${_vigil_py_syslibs} Threads::Threads)
foreach(_vigil_py_lib IN LISTS _vigil_py_build_tree_libs)
  if(NOT _vigil_py_lib MATCHES "/libHacl_")
    message(FATAL_ERROR "${VIGIL_PYTHON_STATIC} needs ${_vigil_py_lib} from CPython's build tree, which is not installed")
  endif()
endforeach()

# CPython 3.12+'s hash modules (_md5, _sha1, _sha2, _sha3, _blake2) call
# HACL*, and Debian's static libpython has the modules but not always
# HACL*'s objects: 3.13's lacks SHA-2's, 3.14's every family's. The
# archive's own symbol table says which functions are missing (called,
# defined nowhere in it), whatever the release or how MODLIBS was edited
# (3.14's names no archive at all): src/runtime/hacl/ provides each missing
# family, under the prefix CPython gave the names (python_hashlib_ in 3.13,
# _Py_LibHacl_ in 3.14).
execute_process(COMMAND "${CMAKE_NM}" --undefined-only "${VIGIL_PYTHON_STATIC}"
  OUTPUT_VARIABLE _vigil_py_undefined ERROR_QUIET COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND "${CMAKE_NM}" --defined-only "${VIGIL_PYTHON_STATIC}"
  OUTPUT_VARIABLE _vigil_py_defined ERROR_QUIET COMMAND_ERROR_IS_FATAL ANY)
string(REGEX MATCHALL "[A-Za-z0-9_]*Hacl_Hash_[A-Za-z0-9_]+" _vigil_hacl_missing "${_vigil_py_undefined}")
string(REGEX MATCHALL "[A-Za-z0-9_]*Hacl_Hash_[A-Za-z0-9_]+" _vigil_hacl_defined "${_vigil_py_defined}")
list(REMOVE_DUPLICATES _vigil_hacl_missing)
if(_vigil_hacl_defined)
  list(REMOVE_ITEM _vigil_hacl_missing ${_vigil_hacl_defined})
endif()
set(_vigil_hacl_sources "")
set(_vigil_hacl_prefixes "")
foreach(_vigil_hacl_symbol IN LISTS _vigil_hacl_missing)
  if(NOT _vigil_hacl_symbol MATCHES "^(.*)Hacl_Hash_(MD5|SHA1|SHA2|SHA3|Blake2b|Blake2s)_")
    message(FATAL_ERROR "${VIGIL_PYTHON_STATIC} calls ${_vigil_hacl_symbol}, which it lacks and src/runtime/hacl/ does not provide")
  endif()
  list(APPEND _vigil_hacl_prefixes "${CMAKE_MATCH_1}")
  set(_vigil_hacl_family "${CMAKE_MATCH_2}")
  if(_vigil_hacl_family MATCHES "^Blake2")
    list(APPEND _vigil_hacl_sources blake2.c)
  else()
    string(TOLOWER "${_vigil_hacl_family}_over_openssl.c" _vigil_hacl_source)
    list(APPEND _vigil_hacl_sources ${_vigil_hacl_source})
  endif()
endforeach()
if(_vigil_hacl_sources)
  list(REMOVE_DUPLICATES _vigil_hacl_sources)
  list(REMOVE_DUPLICATES _vigil_hacl_prefixes)
  list(LENGTH _vigil_hacl_prefixes _vigil_hacl_prefix_count)
  if(NOT _vigil_hacl_prefix_count EQUAL 1)
    message(FATAL_ERROR "${VIGIL_PYTHON_STATIC} lacks HACL* functions under several prefixes: ${_vigil_hacl_prefixes}")
  endif()
  list(TRANSFORM _vigil_hacl_sources PREPEND "${PROJECT_SOURCE_DIR}/src/runtime/hacl/")
  add_library(vigil_hacl STATIC ${_vigil_hacl_sources})
  target_compile_definitions(vigil_hacl PRIVATE VIGIL_HACL_PREFIX=${_vigil_hacl_prefixes})
  target_link_libraries(vigil_hacl PRIVATE OpenSSL::Crypto)
  target_link_libraries(vigil_embedded_python INTERFACE vigil_hacl OpenSSL::Crypto)
  list(TRANSFORM _vigil_hacl_sources REPLACE ".*/" "")
  list(JOIN _vigil_hacl_sources ", " _vigil_hacl_sources)
  message(STATUS "HACL* functions ${VIGIL_PYTHON_STATIC} lacks: src/runtime/hacl/ ${_vigil_hacl_sources}")
endif()
message(STATUS "Embedding CPython ${VIGIL_PYTHON_VERSION} from ${VIGIL_PYTHON_STATIC}")
