#!/usr/bin/env bash
# Install what pcilu needs to build and test, only what is missing (Debian 12).
set -euo pipefail
pkgs=(meson ninja-build pkg-config gcc libc6-dev libfdt-dev device-tree-compiler
      libjson-c-dev libpci-dev pciutils pci.ids libcmocka-dev python3 python3-jsonschema zlib1g-dev)
if [ "${PCILU_FULL_DEPS:-0}" = 1 ]; then
	# Conformance, fuzzing and gates: QEMU, clang/libFuzzer, analysers, Graphviz.
	pkgs+=(qemu-system-x86 busybox-static cpio clang libclang-rt-14-dev graphviz libgraphviz-dev
	       chromium nodejs
	       valgrind cppcheck clang-tidy xz-utils
	       make bc bison flex libelf-dev libssl-dev)  # tests/e2e kernel build
fi
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# The browser suite drives Debian's chromium with playwright-core from the npm registry;
# the fleet example queries with DuckDB's node API.
browser_deps() {
	[ "${PCILU_FULL_DEPS:-0}" = 1 ] || return 0
	command -v npm >/dev/null || { echo "deps: npm missing: the browser and fleet tests will fail" >&2; return 0; }
	[ -d tests/browser/node_modules/playwright-core ] ||
		npm ci --prefix tests/browser --no-audit --no-fund >/dev/null
	# DuckDB for the fleet questions (examples/fleet, tests/cli/test_fleet.py)
	[ -d examples/fleet/node_modules/@duckdb/node-api ] ||
		npm ci --prefix examples/fleet --no-audit --no-fund >/dev/null
}
if [ ${#missing[@]} -eq 0 ]; then
	browser_deps
	exit 0
fi
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
browser_deps
