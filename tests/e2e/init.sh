#!/bin/sh
# pcilu Live Update end-to-end test: /init of the guest initramfs.
# Boot 1 runs /etc/e2e/boot1.sh, which normally kexecs itself (through LUO);
# if it returns 0 instead, init kexecs without a session. Boot 2 (the
# command line has pcilu_e2e_stage=2) runs /etc/e2e/boot2.sh. Everything the
# scenario prints, and "PCILU-E2E ..." markers, go to the second serial port.
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp 2>/dev/null

out=/dev/ttyS1
stty -F $out raw -echo 2>/dev/null
exec 3>$out
say() { echo "PCILU-E2E $*" >&3; }
finish() {
	dmesg | grep -iE 'liveupdate|luo|kho|kexec|DMAR|ACS|pcieport|memfd' | sed 's/^/DMESG /' >&3
	say "END"
	exec 3>&-	# close waits for the UART to drain
	sleep 1
	poweroff -f
}

stage=1
case " $(cat /proc/cmdline) " in *" pcilu_e2e_stage=2 "*) stage=2 ;; esac
export PATH=/usr/bin:/usr/sbin:/bin:/sbin
export E2E_STAGE=$stage E2E_KERNEL=/boot/bzImage E2E_INITRD=/boot/initrd.img
# boot 2: the same command line plus the stage marker and the scenario's words
E2E_CMDLINE2="$(cat /proc/cmdline) pcilu_e2e_stage=2 $(cat /etc/e2e/append2 2>/dev/null)"
export E2E_CMDLINE2
say "STAGE $stage"
say "UPTIME $(cut -d' ' -f1 /proc/uptime)"
say "CMDLINE $(cat /proc/cmdline)"
if [ -e /dev/liveupdate ]; then say "LIVEUPDATE present"; else say "LIVEUPDATE absent"; fi

if [ $stage = 1 ]; then
	sh /etc/e2e/boot1.sh >&3 2>&3
	rc=$?
	say "RC1 $rc"
	[ $rc = 0 ] || finish
	# boot1.sh returned without kexec (e.g. it closed its session): go on
	# to boot 2 anyway, with no session held
	say "KEXEC plain"
	luo-kexec kexec "$E2E_KERNEL" "$E2E_INITRD" "$E2E_CMDLINE2" >&3 2>&3
	say "RC-KEXEC $?"
	finish
fi
sh /etc/e2e/boot2.sh >&3 2>&3
say "RC2 $?"
say "UPTIME $(cut -d' ' -f1 /proc/uptime)"
finish
