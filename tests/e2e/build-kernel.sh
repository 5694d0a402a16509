#!/usr/bin/env bash
# Build (once) a small Linux 7.2 kernel with KHO and LUO for the Live Update
# end-to-end test. Debian's prebuilt 7.2 kernel has neither, so we build one
# from Debian sid's linux-source-7.2: `make tinyconfig` + kernel.fragment.
#
#   tests/e2e/build-kernel.sh [--force | --cached]
#
# Prints the path of the bzImage on stdout (progress goes to stderr).
# --cached: never download or build; exit 1 if the kernel is not cached.
# Cached under ${XDG_CACHE_HOME:-$HOME/.cache}/pcilu/:
#   debs/linux-source-7.2_*_all.deb      the source package (downloaded once)
#   e2e-src-<version>/                   the unpacked tree (shared by all configs)
#   e2e-kernel-<key>/{bzImage,config,source-version,build-times}
# <key> = sha256 of (source version, kernel.fragment, this script's build
# recipe version), so editing the fragment rebuilds and nothing else does.
# Environment: PCILU_DEBIAN_MIRROR (as tests/qemu), PCILU_E2E_JOBS (make -j,
# default 2), PCILU_E2E_NICE (default 10).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/pcilu
DEBS=$CACHE/debs
FRAGMENT=$HERE/kernel.fragment
JOBS=${PCILU_E2E_JOBS:-2}
NICE=${PCILU_E2E_NICE:-10}
MIRROR=${PCILU_DEBIAN_MIRROR:-}
# bump when the recipe below changes in a way that changes the kernel
RECIPE=1
force=0 cached=0
for a in "$@"; do
	case $a in
	--force) force=1 ;;
	--cached) cached=1 ;;
	-h|--help) sed -n '2,18p' "$0"; exit 0 ;;
	*) echo "build-kernel.sh: unknown argument $a" >&2; exit 2 ;;
	esac
done

log() { echo "build-kernel: $*" >&2; }
die() { echo "build-kernel: ERROR: $*" >&2; exit 1; }
# shellcheck source-path=SCRIPTDIR source=../qemu/lib.sh
. "$HERE/../qemu/lib.sh"	# sid_apt_download: the system's apt setup is never touched

find_deb() { # package -> newest cached .deb, or nothing
	local d f best=""
	for d in "$DEBS" "${XDG_CACHE_HOME:-$HOME/.cache}/debian-sid"; do
		for f in "$d/$1"_*_all.deb; do
			[ -s "$f" ] && best=$f
		done
		[ -z "$best" ] || { echo "$best"; return 0; }
	done
	return 0
}

[ -r "$FRAGMENT" ] || die "missing $FRAGMENT"
for t in make gcc bc bison flex cpio xz perl; do
	command -v $t >/dev/null 2>&1 ||
		die "$t not found (apt-get install build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils)"
done
[ -e /usr/include/libelf.h ] || [ -e /usr/include/gelf.h ] || die "libelf headers missing (apt-get install libelf-dev)"
[ -e /usr/include/openssl/ssl.h ] || die "openssl headers missing (apt-get install libssl-dev)"

# ---- source -----------------------------------------------------------------
DEB=$(find_deb linux-source-7.2)
[ $cached = 0 ] || [ -n "$DEB" ] || exit 1
if [ -z "$DEB" ]; then
	sid_apt_download linux-source-7.2
	DEB=$(find_deb linux-source-7.2)
	[ -n "$DEB" ] || die "linux-source-7.2 .deb not found after download"
fi
# linux-source-7.2_7.2.13-1_all.deb -> 7.2.13-1
VER=$(basename "$DEB" _all.deb)
VER=${VER#linux-source-7.2_}
KEY=$({ echo "recipe $RECIPE"; echo "source $VER"; cat "$FRAGMENT"; } | sha256sum | cut -c1-16)
OUT=$CACHE/e2e-kernel-$KEY
if [ $force = 0 ] && [ -s "$OUT/bzImage" ]; then
	echo "$OUT/bzImage"
	exit 0
fi
[ $cached = 0 ] || exit 1

mkdir -p "$CACHE"
# one build at a time (parallel meson tests, two engineers on one cache)
exec 9> "$CACHE/.e2e-kernel.lock"
command -v flock >/dev/null 2>&1 && flock 9
if [ $force = 0 ] && [ -s "$OUT/bzImage" ]; then
	echo "$OUT/bzImage"
	exit 0
fi

start=$(date +%s)
SRC=$CACHE/e2e-src-$VER
if [ ! -e "$SRC/.unpacked" ]; then
	log "unpacking $DEB"
	rm -rf "$SRC.tmp" && mkdir -p "$SRC.tmp"
	# the .deb holds usr/src/linux-source-7.2.tar.xz; docs are not needed
	dpkg-deb --fsys-tarfile "$DEB" | tar -xOf - ./usr/src/linux-source-7.2.tar.xz |
		tar -xJf - -C "$SRC.tmp" --strip-components=1 \
			--exclude='linux-source-7.2/Documentation/*/*' ||
		die "unpacking $DEB failed"
	[ -e "$SRC.tmp/Makefile" ] || die "no Makefile in $DEB's tarball"
	touch "$SRC.tmp/.unpacked"
	rm -rf "$SRC" && mv "$SRC.tmp" "$SRC"
fi

t_unpack=$(( $(date +%s) - start ))

# ---- config -----------------------------------------------------------------
B=$CACHE/e2e-build-$KEY
mkdir -p "$B"
mk() { nice -n "$NICE" make -C "$SRC" O="$B" ARCH=x86_64 "$@"; }
log "configuring in $B (tinyconfig + $(basename "$FRAGMENT"))"
mk -s tinyconfig >&2
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$B" "$B/.config" "$FRAGMENT" >"$B/merge.log" 2>&1 ||
	die "merge_config.sh failed, see $B/merge.log"
mk -s olddefconfig >&2
# every option of the fragment must have survived olddefconfig
missing=""
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) want=$line ;;
	"# CONFIG_"*" is not set") want=$line ;;
	*) continue ;;
	esac
	if [ "${want#\# }" != "$want" ]; then
		# "not set" is also satisfied by the option being absent altogether
		o=${want#\# }; o=${o%% *}
		! grep -q "^$o=" "$B/.config" || missing="$missing $o(wanted off)"
	else
		grep -qxF "$want" "$B/.config" || missing="$missing ${want%%=*}"
	fi
done < "$FRAGMENT"
[ -z "$missing" ] || die "final .config lacks:$missing (see $B/.config and $B/merge.log)"

t_config=$(( $(date +%s) - start - t_unpack ))

# ---- build ------------------------------------------------------------------
log "building bzImage (nice -n $NICE make -j$JOBS), a few minutes"
mk -j"$JOBS" bzImage >"$B/build.log" 2>&1 || {
	tail -20 "$B/build.log" >&2
	die "kernel build failed, see $B/build.log"
}
secs=$(( $(date +%s) - start ))
times="unpack ${t_unpack}s config ${t_config}s make $(( secs - t_unpack - t_config ))s total ${secs}s"
rm -rf "$OUT.tmp" && mkdir -p "$OUT.tmp"
cp "$B/arch/x86/boot/bzImage" "$OUT.tmp/bzImage"
cp "$B/.config" "$OUT.tmp/config"
echo "$VER" > "$OUT.tmp/source-version"
echo "$times" > "$OUT.tmp/build-times"
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
log "built ($times): $OUT/bzImage"
echo "$OUT/bzImage"
