#!/bin/sh
# Fetch and unpack the Debian sid Linux kernel used by the QEMU capture.
# Idempotent: everything is cached under ${XDG_CACHE_HOME:-$HOME/.cache}/pcilu.
#
#   tests/qemu/fetch-kernel.sh [--with-modules]
#
# Prints the path of the unpacked kernel directory (containing vmlinuz,
# config, System.map) on stdout.  --with-modules also fetches the
# linux-modules package (~110 MB, needed only for the SR-IOV topology).
#
# The download uses apt-get with a private sources.list/state directory:
# nothing on the system is changed.  Debs already present in
# ${XDG_CACHE_HOME:-$HOME/.cache}/debian-sid are reused.
set -eu

KVER=${PCILU_KVER:-7.2.13+deb14-amd64}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/pcilu
DEBS=$CACHE/debs
KDIR=$CACHE/kernel-$KVER
MIRROR=${PCILU_DEBIAN_MIRROR:-}
with_modules=0
for a in "$@"; do
    case $a in
        --with-modules) with_modules=1 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "fetch-kernel.sh: unknown argument $a" >&2; exit 2 ;;
    esac
done

log() { echo "fetch-kernel: $*" >&2; }
die() { echo "fetch-kernel: ERROR: $*" >&2; exit 1; }
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

mkdir -p "$DEBS"

find_deb() { # name -> path of a cached .deb or nothing
    for d in "$DEBS" "${XDG_CACHE_HOME:-$HOME/.cache}/debian-sid"; do
        for f in "$d/$1"_*_amd64.deb; do
            [ -s "$f" ] && { echo "$f"; return 0; }
        done
    done
    return 0
}


need=""
for p in linux-binary linux-base; do  # vmlinuz; config + System.map
    [ -s "$KDIR/vmlinuz" ] || [ -n "$(find_deb "$p-$KVER")" ] || need="$need $p-$KVER"
done
[ "$with_modules" = 0 ] || [ -e "$KDIR/modules/.done" ] || [ -n "$(find_deb "linux-modules-$KVER")" ] ||
    need="$need linux-modules-$KVER"
# shellcheck disable=SC2086
[ -z "$need" ] || sid_apt_download $need

if [ ! -s "$KDIR/vmlinuz" ]; then
    rm -rf "$KDIR.tmp" && mkdir -p "$KDIR.tmp/x"
    for p in linux-binary linux-base; do
        deb=$(find_deb "$p-$KVER")
        [ -n "$deb" ] || die "$p-$KVER .deb not found after download"
        log "unpacking $deb"
        dpkg-deb -x "$deb" "$KDIR.tmp/x" || die "dpkg-deb -x $deb failed"
    done
    for f in vmlinuz config System.map modules.builtin; do
        src=$(find "$KDIR.tmp/x" -name "$f" -path "*$KVER*" | head -1)
        [ -n "$src" ] || src=$(find "$KDIR.tmp/x" -name "$f*" | head -1)
        [ -n "$src" ] || { [ "$f" = vmlinuz ] && die "no vmlinuz in $deb"; continue; }
        cp "$src" "$KDIR.tmp/$f"
    done
    rm -rf "$KDIR.tmp/x"
    rm -rf "$KDIR" && mv "$KDIR.tmp" "$KDIR"
fi

if [ "$with_modules" = 1 ] && [ ! -e "$KDIR/modules/.done" ]; then
    deb=$(find_deb "linux-modules-$KVER")
    [ -n "$deb" ] || die "linux-modules-$KVER .deb not found after download"
    log "unpacking $deb"
    rm -rf "$KDIR/modules.tmp" && mkdir -p "$KDIR/modules.tmp"
    dpkg-deb -x "$deb" "$KDIR/modules.tmp" || die "dpkg-deb -x $deb failed"
    touch "$KDIR/modules.tmp/.done" && rm -rf "$KDIR/modules" && mv "$KDIR/modules.tmp" "$KDIR/modules"
fi

echo "$KDIR"
