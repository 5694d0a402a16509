// SPDX-License-Identifier: GPL-2.0-or-later
/* Config-space decoders, including hostile bytes. Expected values are the bytes the tests write. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <cmocka.h>

#include "cfgbuild.h"
#include "rawfix.h"
#include <pcilu/pci.h>

/* Decode raw device 0 of f->h in place (the raw host keeps ownership of cfg). */
static int decode(struct rawfix *f, struct pcilu_raw_dev *r)
{
	memset(&f->dev, 0, sizeof(f->dev));
	f->dev.bus = r->bus;
	f->dev.devfn = r->devfn;
	f->dev.cfg = r->cfg;
	f->dev.cfg_len = r->cfg_len;
	return pcilu_dev_decode(&f->dev, "test", &f->d);
}

static int setup(void **state)
{
	return rawfix_setup(state, PCILU_SRC_SPEC, "test");
}

static void test_header_fields(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 3, 0, 1, 0x10de, 0x10f0, 0x040300, 0x80);

	cb_w16(r->cfg, PCI_SUBSYSTEM_VENDOR_ID, 0x1458);
	cb_w16(r->cfg, PCI_SUBSYSTEM_ID, 0x3fe1);
	r->cfg[PCI_REVISION_ID] = 0xa1;
	assert_int_equal(decode(f, r), 0);
	assert_int_equal(f->dev.vendor, 0x10de);
	assert_int_equal(f->dev.device, 0x10f0);
	assert_int_equal(f->dev.class, 0x040300);
	assert_int_equal(f->dev.revision, 0xa1);
	assert_int_equal(f->dev.subsys_vendor, 0x1458);
	assert_int_equal(f->dev.subsys_device, 0x3fe1);
	assert_true(f->dev.multifunction);
	assert_int_equal(f->dev.pcie_pos, 0);
	assert_int_equal(f->dev.ext_state, PCILU_EXT_NONE);
}

/* pci_scan_slot(), drivers/pci/probe.c, 7.2: a non-zero function is multifunction without bit 7. */
static void test_function_nonzero_is_multifunction(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 0, 0x1f, 3, 0x8086, 0xa348, 0x040300, 0x00);

	assert_int_equal(decode(f, r), 0);
	assert_true(f->dev.multifunction);
}

static void test_bridge_and_acs(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 0, 0x1c, 0, 0x8086, 0xa110, 0x060400, 0x81);

	cb_bridge_buses(r, 0, 2, 5);
	cb_pcie(r, PCI_EXP_TYPE_ROOT_PORT, 0);
	cb_ext(r, 0x100, PCI_EXT_CAP_ID_ERR, 0x140);
	cb_acs(r, 0x140, 0x220, 0x005f, 0x001d);
	cb_ext(r, 0x220, PCI_EXT_CAP_ID_ARI, 0);
	cb_w16(r->cfg, 0x40 + PCI_EXP_DEVCTL2, PCI_EXP_DEVCTL2_ARI);
	assert_int_equal(decode(f, r), 0);
	assert_int_equal(f->dev.pcie_pos, 0x40);
	assert_int_equal(f->dev.pcie_type, PCI_EXP_TYPE_ROOT_PORT);
	assert_int_equal(f->dev.acs_pos, 0x140);
	assert_int_equal(f->dev.acs_cap, 0x005f);
	assert_int_equal(f->dev.acs_ctrl, 0x001d);
	assert_int_equal(f->dev.ari_pos, 0x220);
	assert_true(f->dev.ari_fwd);
	assert_int_equal(f->dev.primary, 0);
	assert_int_equal(f->dev.secondary, 2);
	assert_int_equal(f->dev.subordinate, 5);
	assert_int_equal(f->dev.ext_state, PCILU_EXT_READ);
	assert_int_equal(f->dev.cap_errors, 0);
}

static void test_sriov(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 4, 0, 0, 0x8086, 0x1572, 0x020000, 0x80);
	uint8_t bus, devfn;

	cb_pcie(r, PCI_EXP_TYPE_ENDPOINT, 0);
	cb_ext(r, 0x100, PCI_EXT_CAP_ID_SRIOV, 0);
	cb_w16(r->cfg, 0x100 + PCI_SRIOV_CTRL, PCI_SRIOV_CTRL_VFE);
	cb_w16(r->cfg, 0x100 + PCI_SRIOV_TOTAL_VF, 64);
	cb_w16(r->cfg, 0x100 + PCI_SRIOV_NUM_VF, 8);
	cb_w16(r->cfg, 0x100 + PCI_SRIOV_VF_OFFSET, 0x80);
	cb_w16(r->cfg, 0x100 + PCI_SRIOV_VF_STRIDE, 2);
	cb_w16(r->cfg, 0x100 + PCI_SRIOV_VF_DID, 0x154c);
	assert_int_equal(decode(f, r), 0);
	assert_int_equal(f->dev.sriov.pos, 0x100);
	assert_int_equal(f->dev.sriov.total_vfs, 64);
	assert_int_equal(f->dev.sriov.num_vfs, 8);
	assert_int_equal(f->dev.sriov.vf_device, 0x154c);
	/* RID of VF 0 = 04:00.0 + 0x80 = 04:10.0; VF 7 = + 0x80 + 14 = 04:11.6 */
	pcilu_sriov_vf_addr(&f->dev, 0, &bus, &devfn);
	assert_int_equal(bus, 4);
	assert_int_equal(devfn, PCI_DEVFN(0x10, 0));
	pcilu_sriov_vf_addr(&f->dev, 7, &bus, &devfn);
	assert_int_equal(devfn, PCI_DEVFN(0x11, 6));
	/* VF 64 would be 0x80 + 128 = 0x100: the next bus, as pci_iov_virtfn_bus() computes. */
	pcilu_sriov_vf_addr(&f->dev, 64, &bus, &devfn);
	assert_int_equal(bus, 5);
	assert_int_equal(devfn, 0);
}

static void test_legacy_loop(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 0, 1, 0, 0x1234, 0x5678, 0x020000, 0);

	cb_cap(r, 0x50, PCI_CAP_ID_PM, 0x60);
	cb_cap(r, 0x60, PCI_CAP_ID_MSI, 0x50);	/* loops back */
	assert_int_equal(decode(f, r), 0);
	assert_int_equal(pcilu_find_capability(&f->dev, PCI_CAP_ID_EXP), -ELOOP);
	assert_int_equal(pcilu_find_capability(&f->dev, PCI_CAP_ID_MSI), 0x60);
	assert_true(f->dev.cap_errors & PCILU_CAPERR_LOOP);
	assert_int_equal(f->dev.pcie_pos, 0);
	assert_true(f->d.count > 0);
}

static void test_legacy_pointer_into_header(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 0, 1, 0, 0x1234, 0x5678, 0x020000, 0);

	cb_cap(r, 0x50, PCI_CAP_ID_PM, 0x10);	/* into the BARs */
	assert_int_equal(decode(f, r), 0);
	assert_int_equal(pcilu_find_capability(&f->dev, PCI_CAP_ID_EXP), -ERANGE);
	assert_true(f->dev.cap_errors & PCILU_CAPERR_RANGE);
}

/* A self-loop in the extended list must stop, not spin: -ELOOP. */
static void test_ext_loop(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 1, 0, 0, 0x1234, 0x5678, 0x020000, 0);

	cb_pcie(r, PCI_EXP_TYPE_ENDPOINT, 0);
	cb_ext(r, 0x100, PCI_EXT_CAP_ID_ERR, 0x148);
	cb_ext(r, 0x148, PCI_EXT_CAP_ID_DSN, 0x100);
	assert_int_equal(decode(f, r), 0);
	assert_int_equal(pcilu_find_ext_capability(&f->dev, PCI_EXT_CAP_ID_ACS), -ELOOP);
	assert_int_equal(pcilu_find_ext_capability(&f->dev, PCI_EXT_CAP_ID_DSN), 0x148);
	assert_true(f->dev.cap_errors & PCILU_CAPERR_EXT_LOOP);
	assert_int_equal(f->dev.acs_pos, 0);
}

static void test_ext_pointer_below_0x100(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 1, 0, 0, 0x1234, 0x5678, 0x020000, 0);

	cb_pcie(r, PCI_EXP_TYPE_ENDPOINT, 0);
	cb_ext(r, 0x100, PCI_EXT_CAP_ID_ERR, 0x0fc);
	assert_int_equal(decode(f, r), 0);
	assert_int_equal(pcilu_find_ext_capability(&f->dev, PCI_EXT_CAP_ID_ACS), -ERANGE);
	assert_true(f->dev.cap_errors & PCILU_CAPERR_EXT_RANGE);
}

/* 256 bytes of a PCIe device: ACS is unknown, not absent. */
static void test_truncated_extended_space(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 0, 1, 0, 0x8086, 0x1901, 0x060400, 1);

	cb_pcie(r, PCI_EXP_TYPE_ROOT_PORT, 0);
	cb_acs(r, 0x100, 0, 0x1f, 0x1d);
	r->cfg_len = 256;
	assert_int_equal(decode(f, r), 0);
	assert_int_equal(f->dev.ext_state, PCILU_EXT_UNKNOWN);
	assert_int_equal(f->dev.acs_pos, 0);
	assert_int_equal(pcilu_find_ext_capability(&f->dev, PCI_EXT_CAP_ID_ACS), -ENODATA);
}

/* A non-root sysfs read: 64 bytes, capabilities unknown. */
static void test_64_bytes(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 0, 1, 0, 0x8086, 0x1901, 0x060400, 1);

	cb_pcie(r, PCI_EXP_TYPE_ROOT_PORT, 0);
	r->cfg_len = 64;
	assert_int_equal(decode(f, r), 0);
	assert_int_equal(f->dev.pcie_pos, 0);
	assert_int_equal(pcilu_find_capability(&f->dev, PCI_CAP_ID_EXP), -ERANGE);
}

static void test_all_ff(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 0, 1, 0, 0xffff, 0xffff, 0xffffff, 0xff);

	memset(r->cfg, 0xff, r->cfg_len);
	assert_int_equal(decode(f, r), -EINVAL);
	assert_int_equal(f->d.errors, 1);
}

static void test_too_short(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 0, 1, 0, 0x8086, 0x1234, 0, 0);

	r->cfg_len = 16;
	assert_int_equal(decode(f, r), -EINVAL);
	assert_int_equal(f->d.errors, 1);
}

/* A PCIe capability at 0xfc: its header fits, Device Control 2 does not: flagged, not read. */
static void test_cap_at_end(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 0, 1, 0, 0x8086, 0x1234, 0x020000, 0);
	uint16_t w;

	r->cfg_len = 256;
	cb_cap(r, 0xfc, PCI_CAP_ID_EXP, 0);
	cb_w16(r->cfg, 0xfe, 2 | PCI_EXP_TYPE_ENDPOINT << 4);
	assert_int_equal(decode(f, r), 0);
	assert_int_equal(pcilu_read_config_word(&f->dev, 0xfe, &w), 0);
	assert_int_equal(pcilu_read_config_word(&f->dev, 0x100, &w), -ERANGE);
	assert_int_equal(f->dev.pcie_pos, 0xfc);
	assert_true(f->dev.cap_errors & PCILU_CAPERR_TRUNC);
	assert_false(f->dev.ari_fwd);
}

static void test_parse_bdf(void **state)
{
	uint32_t seg;
	uint8_t bus, devfn;

	(void)state;
	assert_int_equal(pcilu_parse_bdf("0000:00:1c.4", &seg, &bus, &devfn), 0);
	assert_int_equal(seg, 0);
	assert_int_equal(bus, 0);
	assert_int_equal(devfn, PCI_DEVFN(0x1c, 4));
	assert_int_equal(pcilu_parse_bdf("10000:e1:00.0", &seg, &bus, &devfn), 0);
	assert_int_equal(seg, 0x10000);
	assert_int_equal(bus, 0xe1);
	assert_int_equal(pcilu_parse_bdf("03:00.1", &seg, &bus, &devfn), 0);
	assert_int_equal(seg, 0);
	assert_int_equal(devfn, PCI_DEVFN(0, 1));
	assert_int_equal(pcilu_parse_bdf("00:20.0", &seg, &bus, &devfn), -EINVAL);
	assert_int_equal(pcilu_parse_bdf("00:1f.8", &seg, &bus, &devfn), -EINVAL);
	assert_int_equal(pcilu_parse_bdf("00:1f.0x", &seg, &bus, &devfn), -EINVAL);
	assert_int_equal(pcilu_parse_bdf("", &seg, &bus, &devfn), -EINVAL);
	assert_int_equal(pcilu_parse_bdf("0000:100:00.0", &seg, &bus, &devfn), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_header_fields, setup, rawfix_teardown),
		cmocka_unit_test_setup_teardown(test_function_nonzero_is_multifunction, setup, rawfix_teardown),
		cmocka_unit_test_setup_teardown(test_bridge_and_acs, setup, rawfix_teardown),
		cmocka_unit_test_setup_teardown(test_sriov, setup, rawfix_teardown),
		cmocka_unit_test_setup_teardown(test_legacy_loop, setup, rawfix_teardown),
		cmocka_unit_test_setup_teardown(test_legacy_pointer_into_header, setup, rawfix_teardown),
		cmocka_unit_test_setup_teardown(test_ext_loop, setup, rawfix_teardown),
		cmocka_unit_test_setup_teardown(test_ext_pointer_below_0x100, setup, rawfix_teardown),
		cmocka_unit_test_setup_teardown(test_truncated_extended_space, setup, rawfix_teardown),
		cmocka_unit_test_setup_teardown(test_64_bytes, setup, rawfix_teardown),
		cmocka_unit_test_setup_teardown(test_all_ff, setup, rawfix_teardown),
		cmocka_unit_test_setup_teardown(test_too_short, setup, rawfix_teardown),
		cmocka_unit_test_setup_teardown(test_cap_at_end, setup, rawfix_teardown),
		cmocka_unit_test(test_parse_bdf),
	};
	return cmocka_run_group_tests_name("pci-config", tests, NULL, NULL);
}
