#!/bin/bash
# A Debian release in a directory, for building and testing Vigil against
# the Python that release ships (make test: Debian 13 for 3.13, sid for
# 3.14). Made with debootstrap from the mirror apt on this machine already
# uses, and kept between runs: a second run only installs what is missing.
#
#   release-chroot.sh prepare RELEASE DIR PACKAGE...
#   release-chroot.sh run DIR SOURCE COMMAND...
#
# `run` mounts /proc, /sys, /dev and a fresh /tmp and /run, binds SOURCE
# (the source tree) at the same path inside, and runs COMMAND there as root.
set -euo pipefail

# The first Debian archive apt reads here (not the security archive).
debian_mirror() {
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n 1 || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

prepare() {
  local release=$1 dir=$2
  shift 2
  if [ ! -e "$dir/.vigil-bootstrapped" ]; then
    rm -rf "$dir"
    mkdir -p "$(dirname "$dir")"
    echo "Making a Debian $release chroot in $dir (debootstrap from $(debian_mirror))"
    debootstrap --variant=minbase "$release" "$dir" "$(debian_mirror)" >"$dir.debootstrap.log" 2>&1 ||
      { tail -n 20 "$dir.debootstrap.log"; exit 1; }
    # A mirror that is a snapshot serves Release files past their Valid-Until.
    echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99vigil-snapshot"
    echo 'APT::Install-Recommends "false";' >"$dir/etc/apt/apt.conf.d/99vigil-no-recommends"
    touch "$dir/.vigil-bootstrapped"
  fi
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  local missing
  missing=$(for p in "$@"; do
    chroot "$dir" dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done)
  if [ -n "$missing" ]; then
    echo "Installing in the $release chroot:" $missing
    chroot "$dir" apt-get update -qq
    chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  fi
}

run() {
  # A mount namespace of its own: concurrent runs in one chroot do not see
  # one another's mounts, and they all go when COMMAND ends.
  exec unshare --mount --propagation private "$0" run-inside "$@"
}

run_inside() {
  local dir=$1 source
  source=$(realpath "$2")
  shift 2
  mount -t proc proc "$dir/proc"
  mount --rbind /sys "$dir/sys"
  mount --rbind /dev "$dir/dev"
  mount -t tmpfs -o mode=1777 tmpfs "$dir/tmp"
  mount -t tmpfs -o mode=0755 tmpfs "$dir/run"
  # At the same path as outside, so a build tree's recorded paths hold in both.
  mkdir -p "$dir$source"
  mount --bind "$source" "$dir$source"
  exec chroot "$dir" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 TERM="${TERM:-dumb}" ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
    bash -c 'cd "$0" && exec "$@"' "$source" "$@"
}

command=$1
shift
case "$command" in
  prepare) prepare "$@" ;;
  run) run "$@" ;;
  run-inside) run_inside "$@" ;;
  *) echo "usage: $0 prepare RELEASE DIR PACKAGE... | run DIR SOURCE COMMAND..." >&2; exit 2 ;;
esac
