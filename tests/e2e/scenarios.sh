# shellcheck shell=bash
# shellcheck disable=SC2034,SC2016  # variables read by run.sh; $E2E_* expand in the guest
# Live Update scenarios run by run.sh. Each is a function scen_<name> that sets:
#   BOOT1    guest shell command for boot 1. It should kexec itself through
#            LUO (the session fd must be open at reboot); if it returns 0,
#            init kexecs without a session. In the guest: $E2E_KERNEL,
#            $E2E_INITRD, $E2E_CMDLINE2 (boot 2's command line), PATH has
#            luo-kexec, acs-ctrl and, with PCILU_BIN, pcilu.
#   BOOT2    guest shell command for boot 2
#   APPEND2  extra kernel command-line words for boot 2 only
#   EXPECT2  exit status BOOT2 must have (default 0)
#   MATCH1   extended regex the output of BOOT1 must match (optional)
#   MATCH2   extended regex the output of BOOT2 must match (optional);
#            MATCH1 and MATCH2 may hold several, one per line: all must match
#   NEEDS    "pcilu" if the scenario needs PCILU_BIN (skipped otherwise)
# Single quotes keep $E2E_* for the guest. Every scenario can be overridden
# or made up on the run.sh command line (--boot1, --boot2, --append2 ...).

SCENARIOS="luo-memfd luo-closed acs-redir pcilu-held pcilu-broken pcilu-no-session"

# The LUO round trip itself: a sealed memfd survives kexec with its size,
# seals, position and bytes; --probe records the errnos of the error paths.
scen_luo-memfd() {
	BOOT1='luo-kexec preserve --probe "$E2E_KERNEL" "$E2E_INITRD" "$E2E_CMDLINE2"'
	BOOT2='luo-kexec check --probe'
}

# Negative control: closing the session before kexec unpreserves it.
scen_luo-closed() {
	BOOT1='luo-kexec preserve --close "$E2E_KERNEL" "$E2E_INITRD" "$E2E_CMDLINE2"'
	BOOT2='luo-kexec check --expect-none'
}

# The kernel side of pcilu scenario 2: pci=disable_acs_redir=<root port> on
# boot 2's command line clears RR (0x4) and CR (0x8) in the port's ACS
# control (QEMU's pcie-root-port: 0x001d in boot 1, 0x0011 in boot 2).
scen_acs-redir() {
	BOOT1='acs-ctrl 0000:00:02.0 && luo-kexec preserve "$E2E_KERNEL" "$E2E_INITRD" "$E2E_CMDLINE2"'
	BOOT2='acs-ctrl 0000:00:02.0 && luo-kexec check'
	APPEND2='pci=disable_acs_redir=0000:00:02.0'
	MATCH1='^ACS ctrl 0x001d$'
	MATCH2='^ACS ctrl 0x0011$'
}

# ---- pcilu itself (issue 8) ----------------------------------------------
# The endpoint 0000:01:00.0 sits behind root port 0000:00:02.0 (ACS on; see
# QARGS in run.sh). pcilu runs as root on the guest's live sysfs (no SOURCE).
PCILU_PLAN_KEXEC='pcilu plan 0000:01:00.0 --luo --kexec "$E2E_KERNEL" --initrd "$E2E_INITRD" --append "$E2E_CMDLINE2"'

# The promise held: plan hands the manifest over in LUO session "pcilu" and
# kexecs itself; verify retrieves it, finds everything as planned and
# finishes the session, so a second verify --luo finds none (exit 2).
# pcilu.verify=1 is README's marker word for the verify unit: it must boot.
scen_pcilu-held() {
	NEEDS=pcilu
	BOOT1='pcilu plan 0000:01:00.0 --luo --kexec "$E2E_KERNEL" --initrd "$E2E_INITRD" --append "$E2E_CMDLINE2 pcilu.verify=1"'
	BOOT2='grep -qwF pcilu.verify=1 /proc/cmdline && echo "marker pcilu.verify=1 in /proc/cmdline"
pcilu verify --luo --save /tmp/manifest.dtb; rc=$?
pcilu verify --luo >/dev/null 2>&1; echo "second verify --luo: exit $?"
pcilu verify /tmp/manifest.dtb >/dev/null; echo "verify of the saved copy: exit $?"
exit $rc'
	MATCH1='^LUO: preserved: rebooting into the new kernel$'
	MATCH2='^marker pcilu\.verify=1 in /proc/cmdline$
^held: all 2 preserved node\(s\) of luo:pcilu as planned$
^second verify --luo: exit 2$
^verify of the saved copy: exit 0$'
}

# The promise broken, and caught: the next kernel gets
# pci=disable_acs_redir=<the preserved endpoint's root port>; mainline 7.2
# does not inherit ACS control, so the port loses RR and CR (0x001d ->
# 0x0011) and verify --luo must exit 1 naming the port and the bits.
scen_pcilu-broken() {
	NEEDS=pcilu
	BOOT1=$PCILU_PLAN_KEXEC
	BOOT2='pcilu verify --luo'
	APPEND2='pci=disable_acs_redir=0000:00:02.0'
	EXPECT2=1
	MATCH1='^LUO: preserved: rebooting into the new kernel$'
	MATCH2='^drift: 1 problem\(s\) in [0-9]+ finding\(s\) against luo:pcilu$
ACS control of 0000:00:02\.0 changed from SV\|RR\|CR\|UF to SV\|UF: the new kernel did not inherit it
0000:01:00\.0 is no longer on a path with ACS .*0000:00:02\.0 .*missing RR\|CR'
}

# No session: the holder (plan --hold) is killed before the kexec, as
# systemd would kill it on "systemctl kexec"; its session dies with it.
# boot1.sh returns 0, so init kexecs without a session, and verify --luo
# must say there is no pcilu session (exit 2) instead of verifying nothing.
scen_pcilu-no-session() {
	NEEDS=pcilu
	BOOT1='pcilu plan 0000:01:00.0 --luo --hold >/tmp/hold.log 2>&1 & pid=$!
i=0
until grep -q "holding LUO session" /tmp/hold.log; do
	i=$((i + 1)); [ $i -le 300 ] && kill -0 $pid 2>/dev/null || break; sleep 0.1
done
cat /tmp/hold.log
kill -TERM $pid; wait $pid; echo "holder killed (exit $?)"'
	BOOT2='pcilu verify --luo'
	EXPECT2=2
	MATCH1='holding LUO session "pcilu"'
	MATCH2='^pcilu verify: no pcilu session: '
}
