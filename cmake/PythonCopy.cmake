# vigil-python is a copy of the release's own python3.X executable (built by
# Debian with PGO and LTO, libpython linked in, every symbol exported) whose
# first DT_NEEDED entry names, by absolute path, a Vigil library holding the
# whole runtime. That library's __libc_start_main runs Vigil's launcher in
# place of python's main (src/vigil-python/entry.cpp). One script makes the
# copy, for the build here and for the package's postinst and trigger
# (packaging/make-vigil-python; docs/operation.md, "The shipped interpreter").
execute_process(
  COMMAND "${VIGIL_PYTHON}" -c
    "import sysconfig as s; v = s.get_config_var; print(';'.join([s.get_paths()['include'], v('LIBDIR'), v('LDLIBRARY'), v('VERSION'), s.get_paths()['stdlib']]))"
  OUTPUT_VARIABLE _vigil_py_info
  OUTPUT_STRIP_TRAILING_WHITESPACE
  COMMAND_ERROR_IS_FATAL ANY)
list(GET _vigil_py_info 0 VIGIL_PYTHON_INCLUDE)
list(GET _vigil_py_info 1 _vigil_py_libdir)
list(GET _vigil_py_info 2 _vigil_py_ldlibrary)
list(GET _vigil_py_info 3 VIGIL_PYTHON_VERSION)
list(GET _vigil_py_info 4 VIGIL_PYTHON_STDLIB)
# The stock interpreter of that release by its own name (python3.11, not
# the python3 link, which may come to run vigil-python or another release):
# the executable vigil-python is a copy of, and the one `vigil trust verify`
# asks for sys.path.
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
find_program(VIGIL_PATCHELF patchelf REQUIRED)

# The runtime compiles against the release's headers and links no
# libpython: the executable it is loaded into defines every Py* symbol.
add_library(vigil_python_headers INTERFACE)
add_library(Vigil::PythonHeaders ALIAS vigil_python_headers)
target_include_directories(vigil_python_headers SYSTEM INTERFACE "${VIGIL_PYTHON_INCLUDE}")

# The unit tests start an interpreter of their own, from the shared
# libpython of the same release.
set(_vigil_py_shared "${_vigil_py_libdir}/${_vigil_py_ldlibrary}")
if(NOT EXISTS "${_vigil_py_shared}")
  message(FATAL_ERROR "No libpython at ${_vigil_py_shared}; install libpython${VIGIL_PYTHON_VERSION}-dev")
endif()
add_library(vigil_libpython INTERFACE)
add_library(Vigil::LibPython ALIAS vigil_libpython)
target_link_libraries(vigil_libpython INTERFACE vigil_python_headers "${_vigil_py_shared}")

# Under the sanitizers the copy also names their runtime, in front of
# Vigil's library: ASan must come first in the initial library list.
set(VIGIL_PYTHON_COPY_FIRST "")
if(VIGIL_SANITIZE)
  execute_process(COMMAND "${CMAKE_CXX_COMPILER}" -print-file-name=libasan.so OUTPUT_VARIABLE _vigil_asan
                  OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
  file(REAL_PATH "${_vigil_asan}" VIGIL_PYTHON_COPY_FIRST)
endif()

# vigil_add_python_copy(NAME RUNTIME): lib/lib<NAME>.so, the runtime
# library RUNTIME (a static library of position-independent objects) with
# the entry point, and bin/<NAME>, the copy of ${VIGIL_PYTHON_INTERPRETER}
# that loads it first. A target NAME builds both.
function(vigil_add_python_copy name runtime)
  add_library(${name}-runtime SHARED "${PROJECT_SOURCE_DIR}/src/vigil-python/entry.cpp")
  set_target_properties(${name}-runtime PROPERTIES
    OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/lib"
    LINK_DEPENDS "${PROJECT_SOURCE_DIR}/src/vigil-python/exports.map")
  # Only the entry point and the interpositions are visible to the process
  # (exports.map); the static libcrypto and the rest of Vigil stay
  # inside, so an extension module's OpenSSL never binds to Vigil's copy.
  # -z now: a symbol the executable does not define fails at start, not at
  # its first call.
  target_link_libraries(${name}-runtime PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,${runtime}>" ${CMAKE_DL_LIBS})
  target_link_options(${name}-runtime PRIVATE
    "-Wl,--version-script=${PROJECT_SOURCE_DIR}/src/vigil-python/exports.map" -Wl,-z,now)
  set(copy "${CMAKE_BINARY_DIR}/bin/${name}")
  set(script "${PROJECT_SOURCE_DIR}/packaging/make-vigil-python")
  add_custom_command(OUTPUT "${copy}"
    COMMAND "${script}" "${VIGIL_PYTHON_INTERPRETER}" "$<TARGET_FILE:${name}-runtime>" "${copy}"
            ${VIGIL_PYTHON_COPY_FIRST}
    DEPENDS ${name}-runtime "${script}" "${VIGIL_PYTHON_INTERPRETER}"
    COMMENT "Making bin/${name}: ${VIGIL_PYTHON_INTERPRETER} loading lib${name}.so first"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS "${copy}")
endfunction()
message(STATUS "vigil-python: a copy of ${VIGIL_PYTHON_INTERPRETER} (CPython ${VIGIL_PYTHON_VERSION})")
