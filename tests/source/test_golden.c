// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Golden tests on real dumps (PCILU_SHARED_DATA): every file loads without a
 * loader error, except x99-huananzhi-bd4, which lspci -F itself refuses
 * (stderr text glued into a hex row). Expected counts are the ones in the
 * data READMEs, taken with lspci -F and grep '^ff0:', not from pcilu.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcilu/source.h>

static const char *data_dir(void)
{
	const char *d = getenv("PCILU_SHARED_DATA");

	return d ? d : PCILU_SHARED_DATA;
}

struct golden {
	const char *file;
	size_t devices;		/* lspci -F FILE | wc -l */
	size_t full;		/* grep -c '^ff0:' */
	bool groups;		/* has IOMMU group lines */
};

static const struct golden files[] = {
	{ "pciutils-tests/tree-asus-p6t6", 53, 19, false },
	{ "pciutils-tests/tree-fujitsu-p8010", 22, 6, false },
	{ "pciutils-tests/tree-fsl-p2020", 6, 6, false },
	{ "pciutils-tests/PCI-X-bridges-and-domains", 31, 0, false },
	{ "pciutils-tests/broken-ecaps", 1, 1, false },
	{ "pciutils-tests/cap-aer-root", 2, 2, false },
	{ "pciutils-tests/cap-pcie-1", 1, 1, false },
	{ "pciutils-tests/cap-exp-lnkcap2", 4, 4, false },
	{ "pciutils-tests/cap-exp-dev2", 1, 1, false },
	{ "pciutils-tests/cap-ide", 1, 1, false },
	{ "pciutils-tests/cap-dpc", 1, 0, false },
	{ "pciutils-tests/cap-vc-and-rcl", 16, 7, false },
	{ "coreboot-port-logs/h310-ecs-h310ch5/lspci.log", 14, 5, true },
	{ "coreboot-port-logs/x99-huananzhi-qd4/lspci.log", 87, 18, false },
	{ "coreboot-port-logs/intel-dh77df/lspci.log", 14, 4, false },
	{ "coreboot-port-logs/dell-latitude-e6430/lspci.log", 22, 11, false },
};

static int load(const char *rel, bool lenient, struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	struct pcilu_source_opts o = { .lenient = lenient };
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", data_dir(), rel);
	pcilu_diag_init(d);
	return pcilu_load_any(path, &o, h, d);
}

static void print_diag(const struct pcilu_diag *d)
{
	char buf[1024];

	for (size_t i = 0; i < d->count; i++) {
		pcilu_diag_format(&d->msgs[i], buf, sizeof(buf));
		print_message("%s\n", buf);
	}
}

static void test_all_load(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const struct golden *g = &files[i];
		struct pcilu_raw_host h;
		struct pcilu_diag d;
		size_t full = 0;
		int ret = load(g->file, false, &h, &d);

		if (ret || d.errors || h.count != g->devices) {
			print_diag(&d);
			fail_msg("%s: ret %d, %zu errors, %zu devices (want %zu)", g->file, ret,
				 d.errors, h.count, g->devices);
		}
		for (size_t k = 0; k < h.count; k++)
			full += h.devs[k].cfg_len == 4096;
		if (full != g->full)
			fail_msg("%s: %zu full dumps, want %zu", g->file, full, g->full);
		assert_int_equal(h.has_kernel_groups, g->groups);
		pcilu_raw_host_free(&h);
		pcilu_diag_free(&d);
	}
}

/* h310: every device's IOMMU group line equals dmesg's 'Adding to iommu group N'. */
static void test_h310_groups(void **state)
{
	static const struct { uint8_t bus, devfn; int32_t group; const char *driver; } want[] = {
		{ 0x00, 0x00 << 3, 0, "skl_uncore" },
		{ 0x00, 0x01 << 3, 1, "pcieport" },
		{ 0x00, 0x08 << 3, 2, NULL },
		{ 0x00, 0x14 << 3, 3, "xhci_hcd" },
		{ 0x00, 0x14 << 3 | 2, 3, NULL },
		{ 0x00, 0x17 << 3, 4, "ahci" },
		{ 0x00, 0x1c << 3, 5, "pcieport" },
		{ 0x00, 0x1f << 3, 6, NULL },
		{ 0x00, 0x1f << 3 | 2, 6, NULL },
		{ 0x00, 0x1f << 3 | 3, 6, "snd_hda_intel" },
		{ 0x00, 0x1f << 3 | 4, 6, "i801_smbus" },
		{ 0x01, 0x00 << 3, 1, "nouveau" },
		{ 0x01, 0x00 << 3 | 1, 1, "snd_hda_intel" },
		{ 0x02, 0x00 << 3, 7, "r8169" },
	};
	struct pcilu_raw_host h;
	struct pcilu_diag d;

	(void)state;
	assert_int_equal(load("coreboot-port-logs/h310-ecs-h310ch5/lspci.log", false, &h, &d), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct pcilu_raw_dev *r = NULL;

		for (size_t k = 0; k < h.count; k++)
			if (h.devs[k].bus == want[i].bus && h.devs[k].devfn == want[i].devfn)
				r = &h.devs[k];
		assert_non_null(r);
		assert_int_equal(r->seg, 0);
		assert_int_equal(r->kernel_group, want[i].group);
		if (want[i].driver)
			assert_string_equal(r->driver, want[i].driver);
		else
			assert_null(r->driver);
	}
	assert_int_equal(h.count, sizeof(want) / sizeof(want[0]));
	pcilu_raw_host_free(&h);
	pcilu_diag_free(&d);
}

/* The file lspci -F refuses: a file:line error, and lenient loads the rest. */
static void test_bd4_broken(void **state)
{
	const char *f = "coreboot-port-logs/x99-huananzhi-bd4/lspci.log";
	struct pcilu_raw_host h;
	struct pcilu_diag d;
	char buf[1024];

	(void)state;
	assert_int_equal(load(f, false, &h, &d), -EINVAL);
	assert_int_equal(d.errors, 1);
	pcilu_diag_format(&d.msgs[0], buf, sizeof(buf));
	if (!strstr(buf, "lspci.log:5123: error: 0000:05:00.1: malformed hex row at offset 0xf1c"))
		fail_msg("got '%s'", buf);
	pcilu_raw_host_free(&h);
	pcilu_diag_free(&d);

	assert_int_equal(load(f, true, &h, &d), 0);
	assert_int_equal(h.count, 86);		/* 87 headers, 05:00.1 dropped */
	assert_int_equal(d.errors, 1);
	for (size_t k = 0; k < h.count; k++)
		assert_false(h.devs[k].bus == 5 && h.devs[k].devfn == 1);
	pcilu_raw_host_free(&h);
	pcilu_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_load),
		cmocka_unit_test(test_h310_groups),
		cmocka_unit_test(test_bd4_broken),
	};
	struct stat st;

	if (stat(data_dir(), &st) || !S_ISDIR(st.st_mode)) {
		const char *ci = getenv("CI");

		fprintf(stderr, "shared data not found at %s\n", data_dir());
		return ci && !strcmp(ci, "true") ? 1 : 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
