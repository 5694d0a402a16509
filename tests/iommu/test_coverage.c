// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which devices an IOMMU translates, from the firmware's tables
 * (src/iommu/coverage.c): one test per table shape. Each table is built here
 * byte by byte from the ACPI layouts (DMAR: Intel VT-d spec ch. 8; IVRS: AMD
 * IOMMU spec 5.2; VIOT: ACPI 6.5 5.2.32), and each expectation follows from the
 * 7.2 driver code by hand: device_lookup_iommu(), check_device() with
 * init_iommu_from_acpi() and init_iommu_one_late(), viot_pci_dev_iommu_init().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"

#define RP PCI_EXP_TYPE_ROOT_PORT
#define OK_ACS .acs = true, .acs_cap = 0x1f, .acs_ctrl = 0x1d

struct tb {
	uint8_t b[512];
	size_t n;
};

static void put(struct tb *t, const void *p, size_t n)
{
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

static void u8(struct tb *t, unsigned v) { t->b[t->n++] = (uint8_t)v; }
static void u16(struct tb *t, unsigned v) { u8(t, v & 0xff); u8(t, v >> 8); }
static void u32(struct tb *t, unsigned v) { u16(t, v & 0xffff); u16(t, v >> 16); }
static void zeros(struct tb *t, size_t n) { memset(t->b + t->n, 0, n); t->n += n; }

/* The 36-byte ACPI header with @sig; the length is set by finish(). */
static void header(struct tb *t, const char *sig)
{
	t->n = 0;
	put(t, sig, 4);
	zeros(t, 32);
}

static void finish(struct tb *t)
{
	t->b[4] = (uint8_t)t->n;
	t->b[5] = (uint8_t)(t->n >> 8);
}

static void attach(struct th *h, enum pcilu_acpi_table which, const struct tb *t)
{
	h->raw.acpi[which].data = malloc(t->n);
	assert_non_null(h->raw.acpi[which].data);
	memcpy(h->raw.acpi[which].data, t->b, t->n);
	h->raw.acpi[which].len = t->n;
}

/* Root port 00:01.0 (bus 1: endpoint 01:00.0), endpoint 00:02.0, endpoint 00:03.0. */
static void small_host(struct th *h)
{
	th_init(h);
	th_add(h, (struct th_dev){ .bdf = "00:01.0", .type = RP, .sec = 1, .sub = 1, OK_ACS });
	th_add(h, (struct th_dev){ .bdf = "01:00.0" });
	th_add(h, (struct th_dev){ .bdf = "00:02.0", .type = PCI_EXP_TYPE_RC_END });
	th_add(h, (struct th_dev){ .bdf = "00:03.0", .type = PCI_EXP_TYPE_RC_END });
}

/* DMAR header (48 bytes), then DRHDs added by drhd(). */
static void dmar(struct tb *t)
{
	header(t, "DMAR");
	u8(t, 38);	/* host address width - 1 */
	u8(t, 1);	/* INTR_REMAP */
	zeros(t, 10);
}

/* A DRHD with @flags (bit 0 INCLUDE_PCI_ALL) and scopes of (type, bus, hops...) as given. */
static size_t drhd_begin(struct tb *t, unsigned flags)
{
	size_t at = t->n;

	u16(t, 0);	/* ACPI_DMAR_TYPE_HARDWARE_UNIT */
	u16(t, 0);	/* length, set by drhd_end() */
	u8(t, flags);
	u8(t, 0);
	u16(t, 0);	/* segment 0 */
	u32(t, 0xfed90000);
	u32(t, 0);
	return at;
}

static void scope(struct tb *t, unsigned type, unsigned bus, unsigned nhops, const uint8_t *hops)
{
	u8(t, type);
	u8(t, 6 + 2 * nhops);
	u16(t, 0);
	u8(t, 0);	/* enumeration id */
	u8(t, bus);
	put(t, hops, 2 * nhops);
}

static void drhd_end(struct tb *t, size_t at)
{
	t->b[at + 2] = (uint8_t)(t->n - at);
	t->b[at + 3] = (uint8_t)((t->n - at) >> 8);
}

/* INCLUDE_PCI_ALL: every device of its segment. */
static void dmar_include_all(void **state)
{
	struct th h;
	struct tb t;

	(void)state;
	small_host(&h);
	dmar(&t);
	drhd_end(&t, drhd_begin(&t, 1));
	finish(&t);
	attach(&h, PCILU_ACPI_DMAR, &t);
	th_run(&h);
	assert_true(th_ungrouped_are(&h, "", 0));
	th_free(&h);
}

/*
 * An endpoint scope (00:02.0) and a bridge scope (00:01.0 and all below it);
 * 00:03.0 is in neither, and 0001:01:00.0, on bus 1 of another segment, is not
 * below the segment-0 bridge whatever its bus number.
 */
static void dmar_scopes(void **state)
{
	static const uint8_t ep[] = { 2, 0 }, br[] = { 1, 0 };
	struct th h;
	struct tb t;
	size_t at;

	(void)state;
	small_host(&h);
	th_add(&h, (struct th_dev){ .bdf = "0001:01:00.0", .type = PCI_EXP_TYPE_RC_END });
	dmar(&t);
	at = drhd_begin(&t, 0);
	scope(&t, 1, 0, 1, ep);
	scope(&t, 2, 0, 1, br);
	drhd_end(&t, at);
	finish(&t);
	attach(&h, PCILU_ACPI_DMAR, &t);
	th_run(&h);
	assert_true(th_ungrouped_are(&h, "00:03.0,0001:01:00.0", PCILU_UNTR_DMAR));
	assert_true(th_groups_are(&h, "00:01.0|01:00.0|00:02.0"));
	th_free(&h);
}

/*
 * init_no_remapping_devices(), intel/iommu.c 7.2: a unit whose scope holds only
 * the display controller 00:02.0, then an INCLUDE_PCI_ALL unit. With
 * intel_iommu=igfx_off the graphics unit is ignored, and device_lookup_iommu()
 * still finds it first for 00:02.0, which gets no group; without it, or when
 * the unit also names 00:03.0 (not graphics), every device is translated.
 */
static void dmar_igfx_off(void **state)
{
	static const uint8_t gfx[] = { 2, 0 }, other[] = { 3, 0 };
	struct th h;
	struct tb t;
	size_t at;

	(void)state;
	for (int k = 0; k < 3; k++) {
		small_host(&h);
		h.raw.devs[2].cfg[PCI_CLASS_DEVICE + 1] = 0x03;	/* 00:02.0: VGA */
		h.raw.devs[2].cfg[PCI_CLASS_DEVICE] = 0x00;
		dmar(&t);
		at = drhd_begin(&t, 0);
		scope(&t, 1, 0, 1, gfx);
		if (k == 2)
			scope(&t, 1, 0, 1, other);
		drhd_end(&t, at);
		drhd_end(&t, drhd_begin(&t, 1));
		finish(&t);
		attach(&h, PCILU_ACPI_DMAR, &t);
		if (k)
			assert_int_equal(pcilu_policy_parse_cmdline(&h.p, "intel_iommu=on,igfx_off", &h.d), 0);
		th_run(&h);
		assert_true(th_ungrouped_are(&h, k == 1 ? "00:02.0" : "", PCILU_UNTR_DMAR));
		th_free(&h);
	}
}

/* A two-hop endpoint path: from bus 0, through 00:01.0 to device 0 function 0 of its bus. */
static void dmar_path(void **state)
{
	static const uint8_t path[] = { 1, 0, 0, 0 };
	struct th h;
	struct tb t;
	size_t at;

	(void)state;
	small_host(&h);
	dmar(&t);
	at = drhd_begin(&t, 0);
	scope(&t, 1, 0, 2, path);
	drhd_end(&t, at);
	finish(&t);
	attach(&h, PCILU_ACPI_DMAR, &t);
	th_run(&h);
	assert_true(th_ungrouped_are(&h, "00:01.0,00:02.0,00:03.0", PCILU_UNTR_DMAR));
	th_free(&h);
}

/* IVRS header (48 bytes). */
static void ivrs(struct tb *t)
{
	header(t, "IVRS");
	u32(t, 0x00203041);	/* IVinfo */
	zeros(t, 8);
}

static size_t ivhd_begin(struct tb *t, unsigned type, unsigned devid)
{
	size_t at = t->n;

	u8(t, type);
	u8(t, 0);
	u16(t, 0);	/* length, set by drhd_end() (same offset) */
	u16(t, devid);
	u16(t, 0x40);	/* capability offset */
	u32(t, 0xfeb80000);
	u32(t, 0);
	u16(t, 0);	/* segment */
	u16(t, 0);
	u32(t, 0);
	if (type != 0x10)
		zeros(t, 16);
	return at;
}

static void entry4(struct tb *t, unsigned type, unsigned devid)
{
	u8(t, type);
	u16(t, devid);
	u8(t, 0);
}

static void entry8(struct tb *t, unsigned type, unsigned devid, unsigned ext)
{
	entry4(t, type, devid);
	u32(t, ext);
}

#define ID(bus, dev, fn) ((bus) << 8 | (dev) << 3 | (fn))

/*
 * SELECT 00:02.0, the range 00:00.0..00:01.7 (the IOMMU's own 00:00.2 inside it,
 * cleared), and ALIAS 01:00.0 -> 00:01.0. 00:03.0 is above last_bdf (01:00.0).
 */
static void ivrs_select_range_alias(void **state)
{
	struct th h;
	struct tb t;
	size_t at;

	(void)state;
	small_host(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:00.2", .ven = 0x1022, .dev = 0x1481, .class = 0x080600,
				    .type = PCI_EXP_TYPE_RC_END });
	ivrs(&t);
	at = ivhd_begin(&t, 0x10, ID(0, 0, 2));
	entry4(&t, 0x02, ID(0, 2, 0));
	entry4(&t, 0x03, ID(0, 0, 0));
	entry4(&t, 0x04, ID(0, 1, 7));
	entry8(&t, 0x42, ID(1, 0, 0), ID(0, 1, 0) << 8);
	drhd_end(&t, at);
	finish(&t);
	attach(&h, PCILU_ACPI_IVRS, &t);
	th_run(&h);
	assert_true(th_ungrouped_are(&h, "00:00.2,00:03.0", PCILU_UNTR_IVRS));
	th_free(&h);
}

/*
 * setup_aliases(), amd/iommu.c 7.2: an IVRS alias on the device's own bus is a
 * DMA alias before the device is grouped, so 00:03.0 (alias 00:02.0) shares
 * 00:02.0's group; 01:00.0's alias on bus 0 only programs the device table.
 * Without the IOMMU driver (iommu off) nothing is aliased.
 */
static void ivrs_alias_groups(void **state)
{
	struct th h;
	struct tb t;
	size_t at;
	char buf[512];

	(void)state;
	for (int off = 0; off < 2; off++) {
		small_host(&h);
		ivrs(&t);
		at = ivhd_begin(&t, 0x10, ID(0, 0, 2));
		entry4(&t, 0x01, 0);	/* ALL */
		entry8(&t, 0x42, ID(0, 3, 0), ID(0, 2, 0) << 8);
		entry8(&t, 0x43, ID(1, 0, 0), ID(0, 2, 0) << 8);	/* ALIAS_RANGE 01:00.0 .. */
		entry4(&t, 0x04, ID(1, 0, 7));				/* .. 01:00.7 -> 00:02.0 */
		drhd_end(&t, at);
		finish(&t);
		attach(&h, PCILU_ACPI_IVRS, &t);
		if (off)
			h.p.iommu = PCILU_OFF;
		th_run(&h);
		if (off) {
			assert_false(pcilu_iommu_has_dma_alias(h.r, th_idx(&h, "00:03.0")));
			th_free(&h);
			continue;
		}
		assert_true(th_same_group(&h, "00:02.0", "00:03.0"));
		assert_false(th_same_group(&h, "00:02.0", "01:00.0"));
		assert_true(pcilu_iommu_alias_from_firmware(h.r, th_idx(&h, "00:03.0")));
		assert_false(pcilu_iommu_alias_from_firmware(h.r, th_idx(&h, "01:00.0")));
		const struct pcilu_group *g = pcilu_iommu_group(h.r, pcilu_iommu_group_of(h.r, th_idx(&h, "00:03.0")));
		bool said = false;

		for (size_t i = 0; g && i < g->nreasons; i++)
			said |= strstr(pcilu_reason_str(h.r, &g->reasons[i], buf, sizeof(buf)),
				       "DMA aliases of each other (the firmware's IVRS table") != NULL;
		assert_true(said);
		th_free(&h);
	}
}

/* Two IVHDs for one IOMMU: only the highest supported type (0x11) is read. */
static void ivrs_target_type(void **state)
{
	struct th h;
	struct tb t;
	size_t at;

	(void)state;
	small_host(&h);
	ivrs(&t);
	at = ivhd_begin(&t, 0x10, ID(0, 0, 2));
	entry4(&t, 0x01, 0);	/* ALL, in the type 0x10 block only */
	drhd_end(&t, at);
	at = ivhd_begin(&t, 0x11, ID(0, 0, 2));
	entry4(&t, 0x02, ID(0, 2, 0));
	drhd_end(&t, at);
	finish(&t);
	attach(&h, PCILU_ACPI_IVRS, &t);
	th_run(&h);
	assert_true(th_ungrouped_are(&h, "00:01.0,01:00.0,00:03.0", PCILU_UNTR_IVRS));
	th_free(&h);
}

/* VIOT: a range 00:00.0-00:ff.7 to the virtio-iommu 00:03.0; bus 1 outside; the IOMMU not itself. */
static void viot_range(void **state)
{
	struct th h;
	struct tb t;

	(void)state;
	small_host(&h);
	header(&t, "VIOT");
	u16(&t, 2);		/* node count */
	u16(&t, 48);		/* node offset */
	zeros(&t, 8);
	u8(&t, 1);		/* PCI range */
	u8(&t, 0);
	u16(&t, 24);
	u32(&t, 0);		/* endpoint start */
	u16(&t, 0);		/* segments 0..0 */
	u16(&t, 0);
	u16(&t, ID(0, 0, 0));
	u16(&t, ID(0, 31, 7));
	u16(&t, 72);		/* output node: the next one */
	zeros(&t, 6);
	u8(&t, 3);		/* virtio-iommu PCI */
	u8(&t, 0);
	u16(&t, 16);
	u16(&t, 0);
	u16(&t, ID(0, 3, 0));
	zeros(&t, 8);
	finish(&t);
	attach(&h, PCILU_ACPI_VIOT, &t);
	th_run(&h);
	assert_true(th_ungrouped_are(&h, "01:00.0,00:03.0", PCILU_UNTR_VIOT));
	th_free(&h);
}

/* A scope running past its DRHD: the table is not used, coverage from config space, said. */
static void dmar_malformed(void **state)
{
	static const uint8_t ep[] = { 2, 0 };
	struct th h;
	struct tb t;
	size_t at, n;
	const struct pcilu_assumption *as;
	bool said = false;

	(void)state;
	small_host(&h);
	dmar(&t);
	at = drhd_begin(&t, 0);
	scope(&t, 1, 0, 1, ep);
	drhd_end(&t, at);
	t.b[at + 17] = 40;	/* the scope claims 40 bytes */
	finish(&t);
	attach(&h, PCILU_ACPI_DMAR, &t);
	th_run(&h);
	assert_true(th_ungrouped_are(&h, "", 0));
	as = pcilu_iommu_assumptions(h.r, &n);
	for (size_t i = 0; i < n; i++)
		said |= as[i].kind == PCILU_AS_COVERAGE_TABLE;
	assert_true(said);
	th_free(&h);
}

/* The kernel's groups decide over any table: a device without one is ungrouped. */
static void kernel_groups_decide(void **state)
{
	struct th h;
	struct tb t;

	(void)state;
	th_init(&h);
	th_add(&h, (struct th_dev){ .bdf = "00:02.0", .type = PCI_EXP_TYPE_RC_END, .kgroup = 1 });
	th_add(&h, (struct th_dev){ .bdf = "00:03.0", .type = PCI_EXP_TYPE_RC_END });
	dmar(&t);
	drhd_end(&t, drhd_begin(&t, 1));
	finish(&t);
	attach(&h, PCILU_ACPI_DMAR, &t);
	th_run(&h);
	assert_true(th_ungrouped_are(&h, "00:03.0", PCILU_UNTR_KERNEL));
	th_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dmar_include_all),
		cmocka_unit_test(dmar_scopes),
		cmocka_unit_test(dmar_path),
		cmocka_unit_test(dmar_igfx_off),
		cmocka_unit_test(dmar_malformed),
		cmocka_unit_test(ivrs_select_range_alias),
		cmocka_unit_test(ivrs_target_type),
		cmocka_unit_test(ivrs_alias_groups),
		cmocka_unit_test(viot_range),
		cmocka_unit_test(kernel_groups_decide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
