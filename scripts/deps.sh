#!/usr/bin/env bash
# Install what pcilu needs to build and test, only what is missing (Debian 12).
set -euo pipefail
pkgs=(meson ninja-build pkg-config gcc libc6-dev libfdt-dev device-tree-compiler
      libjson-c-dev libpci-dev pciutils pci.ids libcmocka-dev python3 python3-jsonschema zlib1g-dev)
if [ "${PCILU_FULL_DEPS:-0}" = 1 ]; then
	# Conformance, fuzzing and gates: QEMU, clang/libFuzzer, analysers, Graphviz.
	pkgs+=(qemu-system-x86 busybox-static cpio clang libclang-rt-14-dev graphviz
	       valgrind cppcheck clang-tidy xz-utils
	       make bc bison flex libelf-dev libssl-dev)  # tests/e2e kernel build
fi
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
