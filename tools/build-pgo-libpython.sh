#!/usr/bin/env bash
# Builds CPython's static library from Debian's own source package, with
# Debian's configure options and Debian's list of built-in modules, plus
# profile-guided optimisation and LTO, as Debian builds its python3.11
# binary (but not the libpython3.11.a it ships). vigil-python linked to it
# runs Python code as fast as /usr/bin/python3.11. Takes 25-40 minutes on
# 2 cores.
#
# Usage: tools/build-pgo-libpython.sh OUTPUT_DIR
# Leaves OUTPUT_DIR/libpython3.11.a and OUTPUT_DIR/include (with pyconfig.h).
set -euo pipefail
out=$(realpath -m "$1")
work="$out/work"
mkdir -p "$work"

# deb-src entries, so that apt-get source can fetch the package.
if ! apt-get indextargets --format '$(CREATED_BY)' 2>/dev/null | grep -q '^Sources$'; then
  cat > /etc/apt/sources.list.d/vigil-deb-src.sources <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  apt-get update -qq
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  dpkg-dev zlib1g-dev libexpat1-dev libffi-dev libssl-dev >/dev/null

installed=$(dpkg-query -W -f='${Version}' libpython3.11)
cd "$work"
if [ ! -d python3.11-3.11.2 ]; then
  # The installed version's source if the archive serves it, else the
  # newest it has of the same upstream release.
  apt-get source -qq "python3.11=$installed" 2>/dev/null || apt-get source -qq python3.11
fi
cd python3.11-3.11.2
cp /usr/lib/python3.11/config-3.11-x86_64-linux-gnu/Setup.local Modules/Setup.local
./configure --prefix=/usr --libdir=/usr/lib/x86_64-linux-gnu --enable-ipv6 \
  --enable-loadable-sqlite-extensions --with-dbmliborder=bdb:gdbm --with-computed-gotos \
  --without-ensurepip --with-system-expat --with-system-ffi --with-ssl-default-suites=openssl \
  --enable-optimizations --with-lto > "$out/configure.log"
make -j"$(nproc)" profile-opt > "$out/build.log" 2>&1

mkdir -p "$out/include"
cp libpython3.11.a "$out/"
cp -r Include/. "$out/include/"
cp pyconfig.h "$out/include/"
echo "built $out/libpython3.11.a from $(dpkg-parsechangelog -S Version 2>/dev/null || echo source) (installed: $installed)"
