# Static archives and what they need, as their pkg-config files say: Debian
# 13's libre2.a needs abseil's, its libcrypto.a zlib and zstd. Each library
# pkg-config names is taken as its archive where one is installed (no shared
# library costs vigil-python relocations at start), else by name (pthread,
# dl), in pkg-config's order, which puts each archive before those it needs.
find_package(PkgConfig REQUIRED)

function(vigil_static_libraries out_var module)
  pkg_check_modules(_vigil_${module} REQUIRED QUIET ${module})
  set(archives)
  foreach(name IN LISTS _vigil_${module}_STATIC_LIBRARIES)
    find_library(_vigil_archive_${name} NAMES lib${name}.a HINTS ${_vigil_${module}_STATIC_LIBRARY_DIRS})
    if(_vigil_archive_${name})
      list(APPEND archives "${_vigil_archive_${name}}")
    else()
      list(APPEND archives ${name})
    endif()
  endforeach()
  set(${out_var} ${archives} PARENT_SCOPE)
endfunction()
