// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the kernel command line parser (--cmdline) and policy
 * rules (--rules), then IOMMU groups under the parsed policy. Input:
 *   CMDLINE \0 RULES \0 device records (fuzz_raw_from_records())
 * Missing parts are empty. pci=config_acs= and pcie_acs_override= ids are
 * only matched against devices when groups are computed, so the records
 * matter for those parsers too.
 */
#include "fuzz_common.h"

/* Next NUL-terminated part of the input, copied; *at moves past it. */
static char *take_part(const uint8_t *data, size_t size, size_t *at)
{
	const uint8_t *start = data + *at;
	const uint8_t *nul = memchr(start, 0, size - *at);
	size_t n = nul ? (size_t)(nul - start) : size - *at;
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, start, n);
	s[n] = '\0';
	*at += n + (nul ? 1 : 0);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcilu_raw_host raw;
	struct pcilu_policy p;
	struct pcilu_diag d;
	size_t at = 0;
	char *cmdline = take_part(data, size, &at);
	char *rules = take_part(data, size, &at);

	pcilu_diag_init(&d);
	pcilu_policy_init(&p);
	/*
	 * pci=config_acs= and disable_acs_redir= only reach a device in the
	 * mode that models pci_enable_acs(); as read, their device matchers
	 * never ran (0 % of them in the session 3 coverage). The low bits of
	 * the size pick the mode and firmware base: one inserted byte flips them.
	 */
	p.acs = size & 1 ? PCILU_ACS_LINUX : PCILU_ACS_AS_READ;
	p.fw_base = size & 2 ? PCILU_FW_ZERO : PCILU_FW_AS_READ;
	if (pcilu_policy_parse_cmdline(&p, cmdline, &d) == 0 &&
	    (!*rules || pcilu_policy_parse_rules(&p, rules, &d) == 0)) {
		pcilu_raw_host_init(&raw, PCILU_SRC_SYSFS, "fuzz.cmdline");
		fuzz_raw_from_records(&raw, data + at, size - at);
		raw.cmdline = strdup(cmdline);
		fuzz_consume_policy(&raw, &d, &p, fuzz_pick(data, size));
		pcilu_raw_host_free(&raw);
	}
	fuzz_diag_format(&d);
	pcilu_policy_free(&p);
	pcilu_diag_free(&d);
	free(cmdline);
	free(rules);
	return 0;
}
