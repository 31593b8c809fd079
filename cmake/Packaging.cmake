# `make deb`: what the Debian package installs beyond the two programs, and
# how CPack builds it. Configure with -DCMAKE_INSTALL_PREFIX=/usr.
include(GNUInstallDirs)

# /etc/vigil/policy.toml starts as the built-in default policy, with a
# header saying what the file is; it is a conffile, so dpkg keeps the
# administrator's edits across upgrades.
file(READ "${PROJECT_SOURCE_DIR}/policies/default.toml" vigil_default_policy)
file(READ "${PROJECT_SOURCE_DIR}/packaging/system-policy-header.toml" vigil_system_policy_header)
file(WRITE "${CMAKE_BINARY_DIR}/packaging/policy.toml" "${vigil_system_policy_header}${vigil_default_policy}")
get_filename_component(vigil_system_policy_dir "${VIGIL_SYSTEM_POLICY}" DIRECTORY)
get_filename_component(vigil_system_policy_name "${VIGIL_SYSTEM_POLICY}" NAME)
install(FILES "${CMAKE_BINARY_DIR}/packaging/policy.toml" DESTINATION "${vigil_system_policy_dir}"
        RENAME "${vigil_system_policy_name}")

install(PROGRAMS packaging/vigil-system-python DESTINATION "${CMAKE_INSTALL_SBINDIR}")
# vigil-python is made on the machine, from its own python3.X, by postinst
# (and again by the trigger on that file): /usr/lib/vigil/vigil-python, a
# copy that loads /usr/lib/vigil/libvigil-python.so first. The package
# owns the command's name, a link to it, which leads nowhere while there is
# no copy.
set(VIGIL_LIB_DIR "${CMAKE_INSTALL_PREFIX}/lib/vigil")
file(CREATE_LINK ../lib/vigil/vigil-python "${CMAKE_BINARY_DIR}/packaging/vigil-python" SYMBOLIC)
install(FILES "${CMAKE_BINARY_DIR}/packaging/vigil-python" DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES policies/default.toml policies/strict.toml DESTINATION "${CMAKE_INSTALL_DATADIR}/vigil/policies")
install(DIRECTORY policies/examples DESTINATION "${CMAKE_INSTALL_DATADIR}/vigil/policies")
install(FILES README.md DESTINATION "${CMAKE_INSTALL_DOCDIR}")
install(DIRECTORY docs/ DESTINATION "${CMAKE_INSTALL_DOCDIR}" FILES_MATCHING PATTERN "*.md" PATTERN man EXCLUDE)
foreach(command vigil vigil-python)
  install(FILES packaging/bash-completion/vigil DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions"
          RENAME ${command})
endforeach()

# Debian installs manual pages compressed.
foreach(page vigil.8 vigil-python.1 vigil-policy.5)
  string(REGEX MATCH "[0-9]$" section "${page}")
  add_custom_command(OUTPUT "${CMAKE_BINARY_DIR}/man/${page}.gz"
                     COMMAND "${CMAKE_COMMAND}" -E make_directory "${CMAKE_BINARY_DIR}/man"
                     COMMAND gzip -9n -c "${PROJECT_SOURCE_DIR}/docs/man/${page}" > "${CMAKE_BINARY_DIR}/man/${page}.gz"
                     DEPENDS "${PROJECT_SOURCE_DIR}/docs/man/${page}")
  list(APPEND vigil_manual_pages "${CMAKE_BINARY_DIR}/man/${page}.gz")
  install(FILES "${CMAKE_BINARY_DIR}/man/${page}.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man${section}")
endforeach()
add_custom_target(manual_pages ALL DEPENDS ${vigil_manual_pages})

# vigil-python is a copy of the release's python3.X, with its standard
# library, at least as new as the one built against: a package per CPython
# release (docs/packaging.md). patchelf makes the copy.
execute_process(COMMAND dpkg-query -S "${VIGIL_PYTHON_INTERPRETER}" OUTPUT_VARIABLE vigil_interpreter_package
                ERROR_QUIET)
string(REGEX REPLACE ":.*" "" vigil_interpreter_package "${vigil_interpreter_package}")
if(NOT vigil_interpreter_package)
  set(vigil_interpreter_package "python${VIGIL_PYTHON_VERSION}-minimal")
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS "patchelf")
foreach(package libpython${VIGIL_PYTHON_VERSION}-stdlib ${vigil_interpreter_package})
  execute_process(COMMAND dpkg-query -W -f=\${Version} ${package} OUTPUT_VARIABLE version ERROR_QUIET)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", ${package}")
  if(version)
    string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS " (>= ${version})")
  endif()
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME vigil)
# One name on every release, so that a release upgrade upgrades it; the
# version says which CPython it embeds and orders the builds as the
# releases' CPythons are ordered.
set(CPACK_DEBIAN_PACKAGE_VERSION "${PROJECT_VERSION}+py${VIGIL_PYTHON_VERSION}")
set(CPACK_PACKAGE_VENDOR "Vigil")
set(CPACK_PACKAGE_CONTACT "Vigil developers <vigil@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "audited entry point for CPython (PEP 551 and PEP 578)")
# CPack puts the summary first and indents every line of this.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "vigil-python is a drop-in python3 (the release's own python3.X, copied
when the package is configured and whenever python3.X is updated, loading
Vigil's runtime first) that installs native audit and open-code
hooks before the interpreter starts and records every audit event as JSON
Lines, attributed to the Python file and line that caused it. A policy
raises alerts or denies; records can be shipped to journald, syslog and
auditd. vigil queries logs, writes HTML incident reports, checks policies
and builds trust databases. vigil-system-python can make vigil-python the
system's python3 through a diversion and an alternative.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
foreach(control conffiles triggers postinst prerm postrm)
  configure_file("packaging/debian/${control}.in" "${CMAKE_BINARY_DIR}/packaging/debian/${control}" @ONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  list(APPEND CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${CMAKE_BINARY_DIR}/packaging/debian/${control}")
endforeach()
foreach(control conffiles triggers)
  file(CHMOD "${CMAKE_BINARY_DIR}/packaging/debian/${control}" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
