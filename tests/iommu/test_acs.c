// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pci_acs_enabled()/pci_acs_flags_enabled()/pci_enable_acs(), drivers/pci/pci.c,
 * and the ACS quirks of drivers/pci/quirks.c, 7.2. Expected values follow
 * from the kernel code by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "th.h"

#define RP PCI_EXP_TYPE_ROOT_PORT
#define DSP PCI_EXP_TYPE_DOWNSTREAM
#define OK_ACS .acs = true, .acs_cap = 0x1f, .acs_ctrl = 0x1d

static struct pcilu_acs_eval ev(struct th *h, const char *bdf)
{
	return pcilu_acs_enabled(h->r, th_idx(h, bdf), PCILU_REQ_ACS_FLAGS);
}

/* pci_acs_flags_enabled(): controls missing from the capability count as hard-wired on. */
static void unimplemented_bits_are_hardwired(void **state)
{
	struct th h;
	struct pcilu_acs_eval e;

	(void)state;
	th_init(&h);
	/* cap SV|RR|CR (no UF), ctrl SV|RR|CR: enough */
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .type = RP, .sec = 1, .acs = true,
				    .acs_cap = 0x0d, .acs_ctrl = 0x0d });
	/* empty capability: satisfies anything */
	th_add(&h, (struct th_dev){ .bdf = "00:02.0", .type = RP, .sec = 2, .acs = true });
	/* capable of all, only SV|RR enabled: "capable but disabled" */
	th_add(&h, (struct th_dev){ .bdf = "00:03.0", .type = RP, .sec = 3, .acs = true,
				    .acs_cap = 0x1f, .acs_ctrl = 0x05 });
	th_run(&h);
	assert_true(ev(&h, "00:01.0").enabled);
	assert_true(ev(&h, "00:02.0").enabled);
	e = ev(&h, "00:03.0");
	assert_false(e.enabled);
	assert_int_equal(e.why, PCILU_ACSW_CTRL_MISSING);
	assert_int_equal(e.missing, PCI_ACS_CR | PCI_ACS_UF);
	th_free(&h);
}

/* pci_acs_enabled(): type rules. */
static void type_rules(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .type = PCI_EXP_TYPE_PCI_BRIDGE, .sec = 1, OK_ACS });
	th_add(&h, (struct th_dev){ .bdf = "00:02.0", .type = PCI_EXP_TYPE_RC_EC });
	th_add(&h, (struct th_dev){ .bdf = "00:03.0", .type = PCI_EXP_TYPE_RC_END });
	th_add(&h, (struct th_dev){ .bdf = "00:04.0", .type = PCI_EXP_TYPE_RC_END, .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "00:05.0", .type = PCI_EXP_TYPE_LEG_END });
	th_add(&h, (struct th_dev){ .bdf = "00:06.0", .legacy = true });
	th_run(&h);
	assert_int_equal(ev(&h, "00:01.0").why, PCILU_ACSW_BRIDGE_TYPE);
	assert_false(ev(&h, "00:02.0").enabled);
	assert_true(ev(&h, "00:03.0").enabled);
	assert_int_equal(ev(&h, "00:04.0").why, PCILU_ACSW_NO_CAP);
	assert_true(ev(&h, "00:05.0").enabled);
	assert_int_equal(ev(&h, "00:06.0").why, PCILU_ACSW_NOT_PCIE);
	th_free(&h);
}

/* pci_quirk_rciep_acs(): Intel multifunction RCiEPs are isolated. */
static void intel_rciep(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:14.0", .ven = 0x8086, .dev = 0xa36d,
				    .type = PCI_EXP_TYPE_RC_END, .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "00:14.2", .ven = 0x8086, .dev = 0xa36f,
				    .type = PCI_EXP_TYPE_RC_END, .mf = true });
	th_run(&h);
	assert_int_equal(ev(&h, "00:14.0").why, PCILU_ACSW_QUIRK_YES);
	assert_true(th_groups_are(&h, "00:14.0|00:14.2"));
	assert_true(pcilu_iommu_relies_on_quirk(h.r, th_idx(&h, "00:14.2")));
	th_free(&h);
}

/* pci_quirk_mf_endpoint_acs(): Intel 82599 functions without ACS stay apart. */
static void mf_endpoint_quirk(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .type = RP, .sec = 1, OK_ACS });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0", .ven = 0x8086, .dev = 0x10fb, .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "01:00.1", .ven = 0x8086, .dev = 0x10fb, .mf = true });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:01.0|01:00.0|01:00.1"));
	assert_true(pcilu_iommu_relies_on_quirk(h.r, th_idx(&h, "01:00.1")));
	assert_false(pcilu_iommu_relies_on_quirk(h.r, th_idx(&h, "00:01.0")));
	th_free(&h);
}

/* pci_disable_broken_acs_cap() (7.0+): IDT 80b5 downstream ports need no SV. */
static void idt_sv_mask(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .ven = 0x111d, .dev = 0x80b5, .type = DSP,
				    .sec = 1, .acs = true, .acs_cap = 0x1f, .acs_ctrl = 0x1c });
	th_add(&h, (struct th_dev){ .bdf = "00:02.0", .ven = 0x111d, .dev = 0x80b6, .type = DSP,
				    .sec = 2, .acs = true, .acs_cap = 0x1f, .acs_ctrl = 0x1c });
	th_run(&h);
	assert_true(ev(&h, "00:01.0").enabled);
	assert_false(ev(&h, "00:02.0").enabled);
	th_free(&h);
}

/* pci_quirk_intel_spt_pch_acs(): dword registers, control at +8. */
static void spt_dword_layout(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:1c.0", .ven = 0x8086, .dev = 0xa110, .type = RP,
				    .sec = 1, .spt = true, .spt_cap = 0x1f, .spt_ctrl = 0x1d });
	th_add(&h, (struct th_dev){ .bdf = "00:1d.0", .ven = 0x8086, .dev = 0xa298, .type = RP,
				    .sec = 2, .spt = true, .spt_cap = 0x1f, .spt_ctrl = 0 });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0" });
	th_add(&h, (struct th_dev){ .bdf = "02:00.0" });
	th_run(&h);
	assert_int_equal(ev(&h, "00:1c.0").why, PCILU_ACSW_QUIRK_YES);
	assert_int_equal(ev(&h, "00:1d.0").why, PCILU_ACSW_QUIRK_NO);
	assert_true(th_groups_are(&h, "00:1c.0|01:00.0|00:1d.0,02:00.0"));
	th_free(&h);

	/* pci_quirk_enable_intel_spt_pch_acs() writes cap & REQ into the dword at +8. */
	th_init(&h);
	h.p.acs = PCILU_ACS_LINUX;
	th_add(&h, (struct th_dev){ .bdf = "00:1d.0", .ven = 0x8086, .dev = 0xa298, .type = RP,
				    .sec = 2, .spt = true, .spt_cap = 0x1f, .spt_ctrl = 0 });
	th_add(&h, (struct th_dev){ .bdf = "02:00.0" });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:1d.0|02:00.0"));
	assert_int_equal(pcilu_iommu_acs_ctrl(h.r, 0), 0x1d);
	th_free(&h);
}

/* pci_quirk_intel_pch_acs() + pci_quirk_enable_intel_pch_acs(): RCBA decides, an assumption. */
static void intel_pch_quirk(void **state)
{
	for (int rcba = 0; rcba <= 1; rcba++) {
		struct th h;
		size_t n;

		(void)state;
		th_init(&h);
		h.p.acs = PCILU_ACS_LINUX;
		th_add(&h, (struct th_dev){ .bdf = "00:00.0", .ven = 0x8086, .dev = 0x0c00,
					    .legacy = true, .class = 0x060000 });
		th_add(&h, (struct th_dev){ .bdf = "00:1c.0", .ven = 0x8086, .dev = 0x8c10, .type = RP,
					    .sec = 1, .mf = true });
		th_add(&h, (struct th_dev){ .bdf = "00:1f.0", .ven = 0x8086, .dev = 0x8c4e,
					    .legacy = true, .class = 0x060100, .dword_f0 = rcba ? 0xfed1c001 : 0 });
		th_add(&h, (struct th_dev){ .bdf = "01:00.0" });
		th_run(&h);
		if (rcba)
			assert_true(th_groups_are(&h, "00:00.0|00:1c.0|00:1f.0|01:00.0"));
		else
			assert_true(th_groups_are(&h, "00:00.0|00:1c.0,01:00.0|00:1f.0"));
		assert_true(pcilu_iommu_group(h.r, pcilu_iommu_group_of(h.r, 3))->flags & PCILU_RF_ASSUMED);
		pcilu_iommu_assumptions(h.r, &n);
		assert_true(n > 0);
		th_free(&h);
	}
}

/* pci_quirk_zhaoxin_pcie_ports_acs(): other Zhaoxin ports are "not enabled" even with ACS. */
static void zhaoxin_ports(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .ven = 0x1d17, .dev = 0x0715, .type = RP, .sec = 1 });
	th_add(&h, (struct th_dev){ .bdf = "00:02.0", .ven = 0x1d17, .dev = 0x0800, .type = RP, .sec = 2,
				    OK_ACS });
	th_run(&h);
	assert_true(ev(&h, "00:01.0").enabled);
	assert_false(ev(&h, "00:02.0").enabled);
	assert_int_equal(ev(&h, "00:02.0").why, PCILU_ACSW_QUIRK_NO);
	th_free(&h);
}

/*
 * The root-port quirks of pci_dev_acs_enabled[], drivers/pci/quirks.c, 7.2.13, and
 * pci_quirk_wangxun_nic_acs(). None of these devices has an ACS capability, so
 * without a quirk answer a port reads "no capability" and a single-function
 * endpoint reads "single function" (pci_acs_enabled()). Worked out from the source.
 */
struct quirk_case {
	uint16_t ven, dev;
	int type;
	bool mf;
	bool enabled;
	enum pcilu_acs_why why;
};

static const struct quirk_case quirk_cases[] = {
	/* pci_quirk_cavium_acs(): root ports a000-a7ff, af84, b884 only */
	{ 0x177d, 0xa000, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x177d, 0xa7ff, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x177d, 0xaf84, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x177d, 0xb884, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x177d, 0xa800, RP, false, false, PCILU_ACSW_NO_CAP },
	{ 0x177d, 0xa000, DSP, false, false, PCILU_ACSW_NO_CAP },
	/* pci_quirk_xgene_acs(): no type check */
	{ 0x10e8, 0xe004, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x1def, 0xe005, DSP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x1def, 0xe00c, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x1def, 0xe00d, RP, false, false, PCILU_ACSW_NO_CAP },
	/* pci_quirk_qcom_rp_acs(), QCOM and HXT ids */
	{ 0x17cb, 0x0400, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x17cb, 0x0120, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x1dbf, 0x0401, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x17cb, 0x0402, RP, false, false, PCILU_ACSW_NO_CAP },
	/* pci_quirk_brcm_acs() */
	{ 0x14e4, 0xd714, RP, false, true, PCILU_ACSW_QUIRK_YES },
	/* pci_quirk_loongson_acs() */
	{ 0x0014, 0x3c09, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x0014, 0x7a69, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x0014, 0x7a79, RP, false, false, PCILU_ACSW_NO_CAP },
	/* pci_quirk_al_acs(): root ports only */
	{ 0x1c36, 0x0031, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x1c36, 0x0031, DSP, false, false, PCILU_ACSW_NO_CAP },
	/* pci_quirk_nxp_rp_acs() */
	{ 0x1957, 0x8d81, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x1957, 0x8d9b, RP, false, true, PCILU_ACSW_QUIRK_YES },
	{ 0x1957, 0x8d84, RP, false, false, PCILU_ACSW_NO_CAP },
	/*
	 * pci_quirk_wangxun_nic_acs() answers "false", not -ENOTTY, for ids it does
	 * not know: even a single-function endpoint then reads as not isolated.
	 */
	{ 0x8088, 0x0100, PCI_EXP_TYPE_ENDPOINT, true, true, PCILU_ACSW_QUIRK_YES },
	{ 0x8088, 0x5140, PCI_EXP_TYPE_ENDPOINT, true, true, PCILU_ACSW_QUIRK_YES },
	{ 0x8088, 0x0110, PCI_EXP_TYPE_ENDPOINT, false, false, PCILU_ACSW_QUIRK_NO },
	{ 0x1234, 0x0110, PCI_EXP_TYPE_ENDPOINT, false, true, PCILU_ACSW_SINGLE_FUNCTION },
};

static void port_and_nic_quirks(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(quirk_cases) / sizeof(quirk_cases[0]); i++) {
		const struct quirk_case *c = &quirk_cases[i];
		bool port = c->type == RP || c->type == DSP;
		struct pcilu_acs_eval e;
		struct th h;

		th_init(&h);
		th_add(&h, (struct th_dev){ .bdf = "00:01.0", .ven = c->ven, .dev = c->dev,
					    .type = c->type, .mf = c->mf, .sec = port ? 1 : 0 });
		th_run(&h);
		e = ev(&h, "00:01.0");
		if (e.enabled != c->enabled || e.why != c->why)
			print_error("case %zu (%04x:%04x): enabled %d why %d\n", i, c->ven, c->dev,
				    e.enabled, (int)e.why);
		assert_int_equal(e.enabled, c->enabled);
		assert_int_equal(e.why, c->why);
		th_free(&h);
	}
}

/* pci_quirk_amd_sb_acs(): root-bus multifunction SB functions, needs IVRS (assumed). */
static void amd_sb(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:14.0", .ven = 0x1002, .dev = 0x4385, .legacy = true, .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "00:14.3", .ven = 0x1002, .dev = 0x439d, .legacy = true, .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "00:14.4", .ven = 0x1002, .dev = 0x4000, .legacy = true, .mf = true });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:14.0|00:14.3|00:14.4"));
	assert_true(pcilu_iommu_group(h.r, 0)->flags & PCILU_RF_ASSUMED);
	th_free(&h);
}

/* pci_enable_acs() 7.2: capability & SV|RR|CR|UF over the starting value, when an IOMMU is on. */
static void linux_mode_enabling(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	h.p.acs = PCILU_ACS_LINUX;
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .type = RP, .sec = 1, .acs = true,
				    .acs_cap = 0x7f, .acs_ctrl = 0x40 });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0" });
	th_run(&h);
	assert_int_equal(pcilu_iommu_acs_ctrl(h.r, 0), 0x5d);	/* DT kept, EC/TB never added */
	assert_true(th_groups_are(&h, "00:01.0|01:00.0"));
	th_free(&h);

	/* base zero (cold firmware) and no IOMMU: nothing enabled */
	th_init(&h);
	h.p.acs = PCILU_ACS_LINUX;
	h.p.fw_base = PCILU_FW_ZERO;
	h.p.iommu = PCILU_OFF;
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .type = RP, .sec = 1, .acs = true,
				    .acs_cap = 0x7f, .acs_ctrl = 0x5d });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0" });
	th_run(&h);
	assert_int_equal(pcilu_iommu_acs_ctrl(h.r, 0), 0);
	assert_true(th_groups_are(&h, "00:01.0,01:00.0"));
	th_free(&h);
}

/* __pci_config_acs() 7.2: matched devices start again from fw_ctrl, not from the enabled value. */
static void cmdline_config_acs(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	h.p.acs = PCILU_ACS_LINUX;
	h.p.fw_base = PCILU_FW_ZERO;
	assert_int_equal(pcilu_policy_parse_cmdline(&h.p, "quiet pci=noaer,disable_acs_redir=00:01.0 ro", &h.d), 0);
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .type = RP, .sec = 1, .acs = true, .acs_cap = 0x1f });
	th_add(&h, (struct th_dev){ .bdf = "00:02.0", .type = RP, .sec = 2, .acs = true, .acs_cap = 0x1f });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0" });
	th_add(&h, (struct th_dev){ .bdf = "02:00.0" });
	th_run(&h);
	/* fw 0 & ~(RR|CR|EC) = 0: SV and UF enabling is discarded too */
	assert_int_equal(pcilu_iommu_acs_ctrl(h.r, th_idx(&h, "00:01.0")), 0);
	assert_int_equal(pcilu_iommu_acs_ctrl(h.r, th_idx(&h, "00:02.0")), 0x1d);
	assert_true(th_groups_are(&h, "00:01.0,01:00.0|00:02.0|02:00.0"));
	th_free(&h);

	th_init(&h);
	h.p.acs = PCILU_ACS_LINUX;
	assert_int_equal(pcilu_policy_parse_cmdline(&h.p, "pci=config_acs=1x1x1@pci:0:0", &h.d), 0);
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .type = RP, .sec = 1, .acs = true,
				    .acs_cap = 0x1f, .acs_ctrl = 0x02 });
	th_run(&h);
	/* mask SV|RR|UF set, TB|CR from fw (TB) */
	assert_int_equal(pcilu_iommu_acs_ctrl(h.r, 0), 0x17);
	th_free(&h);
}

/* The out-of-tree pcie_acs_override patch: never for devices with an ACS capability. */
static void acs_override(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	assert_int_equal(pcilu_policy_parse_rules(&h.p, "acs-override=downstream,multifunction,id:abcd:0001", &h.d), 0);
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .type = RP, .sec = 1 });
	th_add(&h, (struct th_dev){ .bdf = "00:02.0", .type = RP, .sec = 2, .acs = true, .acs_cap = 0x1f });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0", .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "01:00.1", .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "02:00.0" });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:01.0|01:00.0|01:00.1|00:02.0,02:00.0"));
	assert_true(pcilu_iommu_relies_on_quirk(h.r, th_idx(&h, "01:00.1")));
	assert_true(h.p.override.nids == 1 && h.p.override.vendor[0] == 0xabcd);
	th_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unimplemented_bits_are_hardwired),
		cmocka_unit_test(type_rules),
		cmocka_unit_test(intel_rciep),
		cmocka_unit_test(mf_endpoint_quirk),
		cmocka_unit_test(idt_sv_mask),
		cmocka_unit_test(spt_dword_layout),
		cmocka_unit_test(intel_pch_quirk),
		cmocka_unit_test(zhaoxin_ports),
		cmocka_unit_test(port_and_nic_quirks),
		cmocka_unit_test(amd_sb),
		cmocka_unit_test(linux_mode_enabling),
		cmocka_unit_test(cmdline_config_acs),
		cmocka_unit_test(acs_override),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
