# shellcheck shell=sh disable=SC3043  # local: dash and bash both have it
# Shared by the QEMU harnesses (tests/qemu/*.sh, tests/e2e/*.sh). The caller
# defines log() and die(), and for sid_apt_download CACHE, DEBS and MIRROR.

# Download Debian sid packages into $DEBS with a private apt state under
# $CACHE/apt, so the system's apt setup is never touched.
sid_apt_download() { # packages...
	command -v apt-get >/dev/null || die "apt-get not found; put the .deb of $* into $DEBS by hand"
	local S="$CACHE/apt" o kr=""
	mkdir -p "$S/lists/partial" "$S/cache/archives/partial" "$DEBS"
	if [ -z "$MIRROR" ]; then
		# no .sources file is not an error: fall back to the main mirror below
		MIRROR=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}' || true)
		case $MIRROR in *debian*) ;; *) MIRROR=http://deb.debian.org/debian ;; esac
	fi
	[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] &&
		kr="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
	echo "deb ${kr}$MIRROR ${PCILU_DEBIAN_SUITE:-sid} main" > "$S/sources.list"
	o="-q -o Dir::Etc::SourceList=$S/sources.list -o Dir::Etc::SourceParts=/dev/null"
	o="$o -o Dir::State::Lists=$S/lists -o Dir::Cache=$S/cache"
	# as root, do not drop to _apt (it cannot write into $HOME/.cache)
	[ "$(id -u)" != 0 ] || o="$o -o APT::Sandbox::User=root"
	log "apt-get update (private ${PCILU_DEBIAN_SUITE:-sid} list, $MIRROR)"
	# shellcheck disable=SC2086
	apt-get $o update >&2 || die "apt-get update of the private sid list failed"
	log "apt-get download $*"
	# shellcheck disable=SC2086
	(cd "$DEBS" && apt-get $o download "$@" >&2) || die "apt-get download $* failed"
}

# Print the path of a statically linked busybox ($PCILU_BUSYBOX first), or die.
find_static_busybox() {
	local bb="${PCILU_BUSYBOX:-}" b
	if [ -z "$bb" ]; then
		for b in /bin/busybox /usr/bin/busybox "$(command -v busybox 2>/dev/null || true)"; do
			[ -x "$b" ] && { bb=$b; break; }
		done
	fi
	[ -n "$bb" ] || die "busybox not found (apt-get install busybox-static)"
	if command -v file >/dev/null 2>&1 && ! file -L "$bb" | grep -q 'statically linked'; then
		die "$bb is not statically linked (apt-get install busybox-static)"
	fi
	echo "$bb"
}
