#!/bin/sh
# acs-ctrl BDF: print the ACS Control register of a PCI device as the guest
# kernel left it ("ACS ctrl 0x001d"), read from sysfs config space with od.
# Used to show what pci=disable_acs_redir= did in boot 2. Exit 1: no ACS.
bdf=$1
f=/sys/bus/pci/devices/$bdf/config
[ -r "$f" ] || { echo "acs-ctrl: no $f"; exit 2; }
off=256
while [ "$off" -ne 0 ]; do
	# extended capability header: id in bits 0-15, next offset in bits 20-31
	# shellcheck disable=SC2046
	set -- $(od -An -tu1 -v -j "$off" -N 4 "$f")
	[ $# = 4 ] || break
	id=$(( $1 | ($2 << 8) ))
	next=$(( ($3 >> 4) | ($4 << 4) ))
	if [ "$id" = 13 ]; then	# PCI_EXT_CAP_ID_ACS
		# shellcheck disable=SC2046
		set -- $(od -An -tu1 -v -j $((off + 6)) -N 2 "$f")
		printf 'ACS ctrl 0x%04x\n' $(( $1 | ($2 << 8) ))
		exit 0
	fi
	off=$next
done
echo "acs-ctrl: $bdf has no ACS capability"
exit 1
