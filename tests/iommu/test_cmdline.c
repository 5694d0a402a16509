// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pci_dev_str_match(), __pci_config_acs(), pci_setup(), intel_iommu_setup()
 * parsing (drivers/pci/pci.c, drivers/iommu/intel/iommu.c, 7.2) and the
 * override patch's pcie_acs_override_setup(). Also: hostile strings end in
 * an error, never a crash.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "th.h"
#include "../../src/iommu/iommu_int.h"

static void topo(struct th *h)
{
	th_init(h);
	th_add(h, (struct th_dev){ .bdf = "00:1c.0", .type = PCI_EXP_TYPE_ROOT_PORT, .sec = 1, .sub = 2,
				   .ven = 0x8086, .dev = 0x1234 });
	th_add(h, (struct th_dev){ .bdf = "01:00.0", .type = PCI_EXP_TYPE_PCI_BRIDGE, .sec = 2 });
	th_add(h, (struct th_dev){ .bdf = "02:03.1", .legacy = true, .sv = 0x1af4, .sd = 0x1100 });
	th_add(h, (struct th_dev){ .bdf = "0002:00:01.0", .ven = 0x10de, .dev = 0x2204 });
	th_run(h);
}

static int m(struct th *h, const char *bdf, const char *s)
{
	const char *end;

	return pcilu_dev_str_match(h->t, th_idx(h, bdf), s, &end);
}

/* pci_dev_str_match() / pci_dev_str_match_path(), drivers/pci/pci.c, 7.2 */
static void str_match(void **state)
{
	struct th h;

	(void)state;
	topo(&h);
	assert_int_equal(m(&h, "02:03.1", "02:03.1"), 1);
	assert_int_equal(m(&h, "02:03.1", "0000:02:03.1"), 1);
	assert_int_equal(m(&h, "02:03.1", "00:1c.0/00.0/03.1"), 1);
	assert_int_equal(m(&h, "02:03.1", "00:1c.0/00.0/03.2"), 0);
	assert_int_equal(m(&h, "02:03.1", "00:1d.0/00.0/03.1"), 0);
	assert_int_equal(m(&h, "0002:00:01.0", "2:0:1.0"), 1);
	assert_int_equal(m(&h, "0002:00:01.0", "00:01.0"), 0);	/* domain defaults to 0 */
	assert_int_equal(m(&h, "02:03.1", "pci:0:0:1af4:1100"), 1);
	assert_int_equal(m(&h, "02:03.1", "pci:0:0:1af4:1101"), 0);
	assert_int_equal(m(&h, "0002:00:01.0", "pci:10de:0"), 1);
	assert_int_equal(m(&h, "0002:00:01.0", "pci:10de"), -EINVAL);
	assert_int_equal(m(&h, "02:03.1", "02:03.1x"), -EINVAL);	/* trailing character */
	assert_int_equal(m(&h, "02:03.1", "garbage"), -EINVAL);
	/* the path is checked bottom-up: a devfn mismatch answers 0 before the top is parsed */
	assert_int_equal(m(&h, "02:03.1", "junk/03.2"), 0);
	assert_int_equal(m(&h, "02:03.1", "junk/03.1"), -EINVAL);
	th_free(&h);
}

/* __pci_config_acs(): "flags@device;..." right to left, first match wins. */
static void config_acs_syntax(void **state)
{
	struct th h;
	uint16_t mask, flags;
	int32_t d;

	(void)state;
	topo(&h);
	d = th_idx(&h, "00:1c.0");
	/* Documentation example: enable RR, disable TB, leave SV */
	assert_int_equal(pcilu_config_acs_match(h.t, d, "10x@pci:0:0", 0, 0, &mask, &flags), 1);
	assert_int_equal(mask, PCI_ACS_TB | PCI_ACS_RR);
	assert_int_equal(flags, PCI_ACS_RR);
	assert_int_equal(pcilu_config_acs_match(h.t, d, "1@01:00.0;0@00:1c.0", 0, 0, &mask, &flags), 1);
	assert_int_equal(mask, PCI_ACS_SV);
	assert_int_equal(flags, 0);
	assert_int_equal(pcilu_config_acs_match(h.t, d, "1@01:00.0", 0, 0, &mask, &flags), 0);
	/* missing '@', bad characters, bits beyond DT: refused */
	assert_int_equal(pcilu_config_acs_match(h.t, d, "00:1c.0", 0, 0, &mask, &flags), -EINVAL);
	assert_int_equal(pcilu_config_acs_match(h.t, d, "12@00:1c.0", 0, 0, &mask, &flags), -EINVAL);
	assert_int_equal(pcilu_config_acs_match(h.t, d, "10000000@00:1c.0", 0, 0, &mask, &flags), -EINVAL);
	/* disable_acs_redir: fixed mask, ';' separated */
	assert_int_equal(pcilu_config_acs_match(h.t, d, "01:00.0;00:1c.0", PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC,
						0, &mask, &flags), 1);
	/* a bad entry stops the walk for everyone after it */
	assert_int_equal(pcilu_config_acs_match(h.t, d, "zz;00:1c.0", 0x2c, 0, &mask, &flags), -EINVAL);
	th_free(&h);
}

/* pci_setup() splits on ','; intel_iommu=, iommu=off; parameq() treats '-' as '_'. */
static void cmdline_parse(void **state)
{
	struct pcilu_policy p;
	struct pcilu_diag d;

	(void)state;
	pcilu_diag_init(&d);
	pcilu_policy_init(&p);
	assert_int_equal(pcilu_policy_parse_cmdline(&p, "BOOT_IMAGE=/vmlinuz pci=noats,config_acs=1@00:01.0;"
						    "0@00:02.0 intel-iommu=on,sm_off \"pcie_acs_override=downstream\"", &d), 0);
	assert_true(p.ats_disabled);
	assert_string_equal(p.config_acs, "1@00:01.0;0@00:02.0");
	assert_false(p.intel_off);
	assert_non_null(p.cmdline_override);
	assert_int_equal(pcilu_policy_parse_cmdline(&p, "intel_iommu=off pci=\"disable_acs_redir=pci:8086:0\" -- pci=noats", &d), 0);
	assert_true(p.intel_off);
	assert_string_equal(p.disable_acs_redir, "pci:8086:0");
	assert_false(pcilu_policy_iommu_on(&p, NULL));
	pcilu_policy_free(&p);
	pcilu_policy_init(&p);
	assert_int_equal(pcilu_policy_parse_cmdline(&p, "iommu=pt,off", &d), 0);
	assert_true(p.iommu_off);
	assert_int_equal(d.count, 0);	/* nothing above is malformed: no warning */
	assert_int_equal(pcilu_policy_parse_rules(&p, "acs-override=id:8086:1234,id:zz:1,id:1234", &d), 0);
	assert_int_equal(p.override.nids, 1);
	assert_int_equal(pcilu_policy_parse_rules(&p, "bogus", &d), -EINVAL);
	pcilu_policy_free(&p);
	pcilu_diag_free(&d);
}

/* What Linux 7.2 logs and ignores on the command line, pcilu warns about. */
static void cmdline_warnings(void **state)
{
	static const struct {
		const char *cmdline, *warning;	/* NULL: no warning */
	} cases[] = {
		{ "pci=config_acs=zz@@", "pci=config_acs=zz@@: Linux 7.2 logs \"Invalid ACS flags... Ignoring\"" },
		{ "pci=config_acs=00:01.0", "\"ACS Flags missing\"" },
		{ "pci=config_acs=11111111@00:01.0", "\"Invalid ACS flags specified\"" },
		{ "pci=config_acs=1@00:01", "\"PCI: Can't parse ACS command line parameter\"" },
		{ "pci=config_acs=1@00:01.0;1@pci:zz", "\"PCI: Can't parse ACS command line parameter\"" },
		{ "pci=config_acs=1@00:01.0;00:02.0", "\"ACS Flags missing\"" },
		{ "pci=disable_acs_redir=00:1c.0/00.0;pci:8086", "pci=disable_acs_redir=00:1c.0/00.0;pci:8086: Linux 7.2 logs \"PCI: Can't parse" },
		{ "pci=config_acs=zz@@ pci=config_acs=1@00:01.0", NULL },	/* the last one wins */
		{ "pci=config_acs=1x0@0000:00:1c.0/00.0;0@pci:8086:1234:0:0,noats", NULL },
		{ "pci=disable_acs_redir=00:1c.0;pci:8086:0", NULL },
		{ "intel_iommu=maybe", "intel_iommu=: unknown option 'maybe'; Linux 7.2 logs \"Unknown option\" and ignores it" },
		{ "intel_iommu=on,,sm_onx,igfx_off,bogus,off", "unknown option 'bogus'" },
		{ "intel_iommu=on,intgpu_off,forcedac,strict,sp_off,sm_on,sm_off,tboot_noforce,off", NULL },
		/* pci_setup() and x86-64's pcibios_setup(), 7.2: strcmp() or strncmp() per option */
		{ "pci=foo", "pci=foo: unknown option; Linux 7.2 logs \"PCI: Unknown option\" and ignores it" },
		{ "pci=nomsix", "pci=nomsix: unknown option" },
		{ "pci=Off", "pci=Off: unknown option" },
		{ "pci=bios", "pci=bios: unknown option" },	/* CONFIG_PCI_BIOS is 32-bit only */
		{ "pci=config_acs=1@00:01.0,bogus", "pci=bogus: unknown option" },
		{ "pci=,,nomsi,noatsx,reallocx,earlydump,pcie_bus_perf,hpbussize=4,nocrs,conf1", NULL },
		{ "pci=nommconf,realloc=off,cbmemsize=1M,lastbus=3", "pci=nommconf: not modelled: without MMCONFIG" },
		{ "pci=assign-busses", "pci=assign-busses: not modelled: Linux renumbers every bridge's buses" },
		{ "pci=noarix", "pci=noarix: not modelled: Linux enables ARI Forwarding on no bridge" },
		{ "pci=off", "pci=off: not modelled: Linux does not scan PCI at all" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pcilu_policy p;
		struct pcilu_diag d;

		pcilu_diag_init(&d);
		pcilu_policy_init(&p);
		assert_int_equal(pcilu_policy_parse_cmdline(&p, cases[i].cmdline, &d), 0);
		if (!cases[i].warning) {
			if (d.count)
				fail_msg("%s: unexpected '%s'", cases[i].cmdline, d.msgs[0].text);
		} else {
			assert_int_equal(d.count, 1);
			assert_int_equal(d.msgs[0].sev, PCILU_WARN);
			if (!strstr(d.msgs[0].text, cases[i].warning))
				fail_msg("%s: got '%s', want '%s'", cases[i].cmdline, d.msgs[0].text,
					 cases[i].warning);
		}
		pcilu_policy_free(&p);
		pcilu_diag_free(&d);
	}
	/* "maybe" changes nothing: the IOMMU stays as the default has it. */
	struct pcilu_policy p;
	struct pcilu_diag d;

	pcilu_diag_init(&d);
	pcilu_policy_init(&p);
	assert_int_equal(pcilu_policy_parse_cmdline(&p, "intel_iommu=off intel_iommu=maybe", &d), 0);
	assert_true(p.intel_off);
	pcilu_policy_free(&p);
	/* A prefix match is the option itself: "noatsx" disables ATS as "noats" does. */
	pcilu_policy_init(&p);
	assert_int_equal(pcilu_policy_parse_cmdline(&p, "pci=noatsx", &d), 0);
	assert_true(p.ats_disabled);
	pcilu_policy_free(&p);
	pcilu_diag_free(&d);
}

/* Hostile strings: everything returns, nothing overruns (run under ASan). */
static void hostile(void **state)
{
	static const char *const bad[] = {
		"", "\"", "pci=", "pci=config_acs=", "pci=config_acs=@", "pci=config_acs=@@@;;;",
		"pci=config_acs=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx@00:00.0",
		"pci=config_acs=1@pci:ffffffffffffffffffffffffff:1", "pci=disable_acs_redir=////",
		"pci=disable_acs_redir=/0.0/0.0/0.0", "=", "==", "pci==", "pcie_acs_override=id:",
		"pci=config_acs=1@0x0:0x1c.0", "pci=config_acs=1@00:1c.0/", "\"pci=config_acs=1@00:1c.0",
	};
	struct th h;
	uint16_t mask, flags;
	char *big = malloc(9000);
	unsigned seed = 12345;

	(void)state;
	assert_non_null(big);
	topo(&h);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pcilu_policy p;

		pcilu_policy_init(&p);
		(void)pcilu_policy_parse_cmdline(&p, bad[i], &h.d);
		for (size_t dv = 0; dv < h.t->ndevs; dv++) {
			if (p.config_acs)
				(void)pcilu_config_acs_match(h.t, (int32_t)dv, p.config_acs, 0, 0, &mask, &flags);
			if (p.disable_acs_redir)
				(void)pcilu_config_acs_match(h.t, (int32_t)dv, p.disable_acs_redir, 0x2c, 0,
							     &mask, &flags);
		}
		pcilu_policy_free(&p);
	}
	memset(big, 'a', 8999);
	big[8999] = 0;
	{
		struct pcilu_policy p;

		pcilu_policy_init(&p);
		assert_int_equal(pcilu_policy_parse_cmdline(&p, big, &h.d), -EINVAL);
		pcilu_policy_free(&p);
	}
	for (int round = 0; round < 2000; round++) {	/* random bytes from a fixed seed */
		char s[64] = "pci=config_acs=";
		struct pcilu_policy p;

		for (size_t i = 15; i < 63; i++) {
			seed = seed * 1103515245 + 12345;
			s[i] = "01xX@;,:./pci0123456789abcdef\" "[(seed >> 16) % 31];
		}
		s[63] = 0;
		pcilu_policy_init(&p);
		size_t before = h.d.count;

		(void)pcilu_policy_parse_cmdline(&p, s, &h.d);
		/* no warning => the kernel-mirroring matcher never meets a bad entry either */
		bool warned = false;

		for (size_t k = before; k < h.d.count; k++)
			warned |= strstr(h.d.msgs[k].text, "pci=config_acs=") != NULL;

		for (size_t dv = 0; p.config_acs && dv < h.t->ndevs; dv++) {
			int r = pcilu_config_acs_match(h.t, (int32_t)dv, p.config_acs, 0, 0, &mask, &flags);

			if (r == -EINVAL && !warned)
				fail_msg("'%s': no warning, but device %zu meets a bad entry", p.config_acs, dv);
		}
		pcilu_policy_free(&p);
	}
	free(big);
	th_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(str_match),
		cmocka_unit_test(config_acs_syntax),
		cmocka_unit_test(cmdline_parse),
		cmocka_unit_test(cmdline_warnings),
		cmocka_unit_test(hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
