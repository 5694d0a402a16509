// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pci_device_group(), drivers/iommu/iommu.c, 7.2: the worked examples of
 * iommu-groups-spec.md §6.5 and the rules behind them. Expectations were
 * derived by hand from the kernel code, not from pcilu's output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "th.h"

#define RP PCI_EXP_TYPE_ROOT_PORT
#define USP PCI_EXP_TYPE_UPSTREAM
#define DSP PCI_EXP_TYPE_DOWNSTREAM
#define EP PCI_EXP_TYPE_ENDPOINT
#define PCIBR PCI_EXP_TYPE_PCI_BRIDGE
#define OK_ACS .acs = true, .acs_cap = 0x1f, .acs_ctrl = 0x1d

/* §6.5 row 1: sibling DSPs without ACS get separate groups (each DSP only looks upstream). */
static void switch_dsps_without_acs(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .type = RP, .sec = 1, .sub = 4, OK_ACS });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0", .type = USP, .sec = 2, .sub = 4 });
	th_add(&h, (struct th_dev){ .bdf = "02:00.0", .type = DSP, .sec = 3 });
	th_add(&h, (struct th_dev){ .bdf = "02:01.0", .type = DSP, .sec = 4 });
	th_add(&h, (struct th_dev){ .bdf = "03:00.0" });
	th_add(&h, (struct th_dev){ .bdf = "04:00.0" });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:01.0|01:00.0|02:00.0,03:00.0|02:01.0,04:00.0"));
	const struct pcilu_reason *j = pcilu_iommu_join(h.r, th_idx(&h, "03:00.0"));

	assert_int_equal(j->kind, PCILU_R_PATH);
	assert_int_equal(j->bridge, th_idx(&h, "02:00.0"));
	assert_int_equal(j->eval.why, PCILU_ACSW_NO_CAP);
	th_free(&h);
}

/* §6.5 row 2: a root port without ACS cap/quirk takes its whole subtree. */
static void root_port_without_acs(void **state)
{
	struct th h;
	int32_t fail;
	struct pcilu_acs_eval e;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:1c.0", .type = RP, .sec = 1 });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0", .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "01:00.1", .mf = true });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:1c.0,01:00.0,01:00.1"));
	assert_false(pcilu_acs_path_enabled(h.r, th_idx(&h, "00:1c.0"), PCILU_REQ_ACS_FLAGS, &fail, &e));
	assert_int_equal(fail, th_idx(&h, "00:1c.0"));
	assert_int_equal(e.missing, PCILU_REQ_ACS_FLAGS);
	th_free(&h);
}

/* §6.5 row 3: root-bus multifunction chipset device, one function with ACS. */
static void root_bus_mfd(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:1f.0", .legacy = true, .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "00:1f.2", .legacy = true, .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "00:1f.3", .legacy = true, .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "00:1f.6", .mf = true, OK_ACS });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:1f.0,00:1f.2,00:1f.3|00:1f.6"));
	assert_int_equal(pcilu_iommu_join(h.r, th_idx(&h, "00:1f.2"))->kind, PCILU_R_FUNCTION);
	th_free(&h);
}

/* §6.5 row 4: conventional PCI behind a PCIe-to-PCI bridge (pci_for_each_dma_alias). */
static void pcie_to_pci_bridge(void **state)
{
	struct th h;
	const struct pcilu_reason *j;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .type = RP, .sec = 1, .sub = 2, OK_ACS });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0", .type = PCIBR, .sec = 2 });
	th_add(&h, (struct th_dev){ .bdf = "02:04.0", .legacy = true });
	th_add(&h, (struct th_dev){ .bdf = "02:05.0", .legacy = true });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:01.0|01:00.0,02:04.0,02:05.0"));
	j = pcilu_iommu_join(h.r, th_idx(&h, "02:05.0"));
	assert_int_equal(j->kind, PCILU_R_DMA_ALIAS_WALK);
	assert_int_equal(j->via, PCILU_VIA_PCIE_TO_PCI);
	assert_int_equal(j->other, th_idx(&h, "01:00.0"));
	th_free(&h);
}

/* §6.5 row 5: quirk_dma_func0_alias() (Ricoh e832) joins function 0 in step 3. */
static void ricoh_func0_alias(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:1c.0", .type = RP, .sec = 5, OK_ACS });
	th_add(&h, (struct th_dev){ .bdf = "05:00.0", .ven = 0x1180, .dev = 0xe822, .mf = true, OK_ACS });
	th_add(&h, (struct th_dev){ .bdf = "05:00.3", .ven = 0x1180, .dev = 0xe832, .mf = true, OK_ACS });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:1c.0|05:00.0,05:00.3"));
	assert_int_equal(pcilu_iommu_join(h.r, th_idx(&h, "05:00.3"))->kind, PCILU_R_ALIAS);
	th_free(&h);
}

/* pci_acs_path_enabled() is tested up to the root: a good DSP under a bad root port. */
static void bad_root_good_switch(void **state)
{
	struct th h;
	int32_t fail;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .type = RP, .sec = 1, .sub = 3 });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0", .type = USP, .sec = 2, .sub = 3 });
	th_add(&h, (struct th_dev){ .bdf = "02:00.0", .type = DSP, .sec = 3, OK_ACS });
	th_add(&h, (struct th_dev){ .bdf = "03:00.0" });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:01.0,01:00.0,02:00.0,03:00.0"));
	assert_false(pcilu_acs_path_enabled(h.r, th_idx(&h, "02:00.0"), PCILU_REQ_ACS_FLAGS, &fail, NULL));
	assert_int_equal(fail, th_idx(&h, "00:01.0"));
	th_free(&h);
}

/* Conventional PCI bridge: the children alias to the bridge's own requester ID. */
static void conventional_bridge(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:1e.0", .legacy = true, .sec = 1 });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0", .legacy = true });
	th_add(&h, (struct th_dev){ .bdf = "01:01.0", .legacy = true });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:1e.0,01:00.0,01:01.0"));
	assert_int_equal(pcilu_iommu_join(h.r, th_idx(&h, "01:01.0"))->via, PCILU_VIA_PCI_BRIDGE);
	th_free(&h);
}

/* quirk_use_pcie_bridge_dma_alias(): ASMedia 1080 without PCIe capability under a root port. */
static void asmedia_pcie_bridge_alias(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:1c.0", .type = RP, .sec = 1, .sub = 2, OK_ACS });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0", .ven = 0x1b21, .dev = 0x1080, .legacy = true,
				    .sec = 2 });
	th_add(&h, (struct th_dev){ .bdf = "02:00.0", .legacy = true });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:1c.0|01:00.0,02:00.0"));
	assert_int_equal(pcilu_iommu_join(h.r, th_idx(&h, "02:00.0"))->via, PCILU_VIA_PCIE_BRIDGE_ALIAS);
	th_free(&h);
}

/* Buses of different domains never match (bus identity, all domains in for_each_pci_dev()). */
static void two_domains(void **state)
{
	struct th h;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "0000:00:1f.0", .legacy = true, .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "0000:00:1f.1", .legacy = true, .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "0001:00:1f.0", .legacy = true, .mf = true });
	th_add(&h, (struct th_dev){ .bdf = "0001:00:1f.1", .legacy = true, .mf = true });
	th_run(&h);
	assert_true(th_groups_are(&h, "0000:00:1f.0,0000:00:1f.1|0001:00:1f.0,0001:00:1f.1"));
	th_free(&h);
}

/* Unknown extended space: computed as "no ACS" but every dependent group is marked. */
static void unknown_ext_space(void **state)
{
	struct th h;
	size_t n;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .type = RP, .sec = 1, OK_ACS, .cfg_len = 256 });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0" });
	th_add(&h, (struct th_dev){ .bdf = "00:02.0", .type = RP, .sec = 2, OK_ACS });
	th_add(&h, (struct th_dev){ .bdf = "02:00.0" });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:01.0,01:00.0|00:02.0|02:00.0"));
	assert_true(pcilu_iommu_group(h.r, pcilu_iommu_group_of(h.r, th_idx(&h, "01:00.0")))->flags &
		    PCILU_RF_UNKNOWN);
	assert_false(pcilu_iommu_group(h.r, pcilu_iommu_group_of(h.r, th_idx(&h, "02:00.0")))->flags &
		     PCILU_RF_UNKNOWN);
	const struct pcilu_assumption *as = pcilu_iommu_assumptions(h.r, &n);
	bool found = false;

	for (size_t i = 0; i < n; i++)
		found |= as[i].kind == PCILU_AS_UNKNOWN_EXT;
	assert_true(found);
	th_free(&h);
}

/* A single-function endpoint's own missing ACS never matters. */
static void single_function_endpoint(void **state)
{
	struct th h;
	struct pcilu_acs_eval e;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:01.0", .type = RP, .sec = 1, OK_ACS });
	th_add(&h, (struct th_dev){ .bdf = "01:00.0", .acs = true, .acs_cap = 0x1f, .acs_ctrl = 0 });
	th_run(&h);
	assert_true(th_groups_are(&h, "00:01.0|01:00.0"));
	e = pcilu_acs_enabled(h.r, th_idx(&h, "01:00.0"), PCILU_REQ_ACS_FLAGS);
	assert_true(e.enabled);
	assert_int_equal(e.why, PCILU_ACSW_SINGLE_FUNCTION);
	th_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(switch_dsps_without_acs),
		cmocka_unit_test(root_port_without_acs),
		cmocka_unit_test(root_bus_mfd),
		cmocka_unit_test(pcie_to_pci_bridge),
		cmocka_unit_test(ricoh_func0_alias),
		cmocka_unit_test(bad_root_good_switch),
		cmocka_unit_test(conventional_bridge),
		cmocka_unit_test(asmedia_pcie_bridge_alias),
		cmocka_unit_test(two_domains),
		cmocka_unit_test(unknown_ext_space),
		cmocka_unit_test(single_function_endpoint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
