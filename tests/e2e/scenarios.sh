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
#   MATCH2   extended regex the output of BOOT2 must match (optional)
#   NEEDS    "pcilu" if the scenario needs PCILU_BIN (skipped otherwise)
# Single quotes keep $E2E_* for the guest. Every scenario can be overridden
# or made up on the run.sh command line (--boot1, --boot2, --append2 ...).

SCENARIOS="luo-memfd luo-closed acs-redir"

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

# The pcilu scenarios (issue 8) are wired once `pcilu plan --luo` lands, e.g.
#   run.sh --pcilu --boot1 'pcilu plan --luo --kexec ...' --boot2 'pcilu verify --luo' NAME
#   run.sh ... --append2 'pci=disable_acs_redir=0000:00:02.0' --expect 1 --match 'RR|CR' NAME
# The endpoint sits behind root port 0000:00:02.0 (see QARGS in run.sh).
