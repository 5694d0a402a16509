// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hostile config space and resource limits, below any text format: what the
 * lspci and sysfs loaders would hand the pci layer from a corrupt input.
 * Each case once produced a silent wrong answer or unbounded work.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../pci/cfgbuild.h"
#include "../pci/rawfix.h"
#include <pcilu/pci.h>

static int setup(void **state)
{
	return rawfix_setup(state, PCILU_SRC_LSPCI, "hostile");
}

/* The first error message containing @needle, with its offset checked. */
static void assert_error(const struct pcilu_diag *d, const char *needle, long offset)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->msgs[i].sev == PCILU_ERROR && strstr(d->msgs[i].text, needle)) {
			assert_int_equal(d->msgs[i].offset, offset);
			return;
		}
	for (size_t i = 0; i < d->count; i++)
		print_message("diag: %s\n", d->msgs[i].text);
	fail_msg("no error containing '%s'", needle);
}

static void build(struct rawfix *f)
{
	assert_int_equal(pcilu_topology_build(&f->h, &f->t, &f->d), 0);
}

static struct pcilu_raw_dev *endpoint(struct pcilu_raw_host *h, uint8_t bus, uint8_t dev)
{
	struct pcilu_raw_dev *r = cb_dev(h, bus, dev, 0, 0x8086, 0x1234, 0x020000, 0);

	cb_pcie(r, PCI_EXP_TYPE_ENDPOINT, 0);
	return r;
}

/* ACS at 0xffc cannot hold its 8 bytes: unknown, never "no ACS". */
static void test_acs_past_end(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = endpoint(&f->h, 0, 2);

	cb_ext(r, 0x100, PCI_EXT_CAP_ID_ERR, 0xffc);
	cb_ext(r, 0xffc, PCI_EXT_CAP_ID_ACS, 0);
	build(f);
	assert_error(&f->d, "ACS capability at 0xffc needs 8 bytes", 0xffc);
	assert_true(f->t->devs[0].cap_errors & PCILU_CAPERR_TRUNC);
}

/* A PCI Express v2 capability at 0xfc of a 256-byte dump runs past 0xff. */
static void test_pcie_past_end(void **state)
{
	struct rawfix *f = *state;
	struct pcilu_raw_dev *r = cb_dev(&f->h, 0, 2, 0, 0x8086, 0x1234, 0x020000, 0);

	r->cfg_len = PCI_CFG_SPACE_SIZE;
	cb_cap(r, 0xfc, PCI_CAP_ID_EXP, 0);
	cb_w16(r->cfg, 0xfe, 2);
	build(f);
	assert_error(&f->d, "PCI Express capability at 0xfc", 0xfc);
}

static struct pcilu_raw_dev *pf(struct pcilu_raw_host *h, uint8_t bus, uint16_t total, uint16_t num,
				uint16_t offset, uint16_t stride)
{
	struct pcilu_raw_dev *r = endpoint(h, bus, 0);

	cb_ext(r, 0x100, PCI_EXT_CAP_ID_SRIOV, 0);
	cb_w16(r->cfg, 0x100 + PCI_SRIOV_CTRL, PCI_SRIOV_CTRL_VFE);
	cb_w16(r->cfg, 0x100 + PCI_SRIOV_TOTAL_VF, total);
	cb_w16(r->cfg, 0x100 + PCI_SRIOV_NUM_VF, num);
	cb_w16(r->cfg, 0x100 + PCI_SRIOV_VF_OFFSET, offset);
	cb_w16(r->cfg, 0x100 + PCI_SRIOV_VF_STRIDE, stride);
	return r;
}

static void test_sriov_num_above_total(void **state)
{
	struct rawfix *f = *state;

	pf(&f->h, 0, 8, 64, 1, 1);
	build(f);
	assert_error(&f->d, "NumVFs 64 exceeds TotalVFs 8", 0x110);
}

/* 65535 VFs from 01:00.0 with stride 1 end on bus 1 + 0xff: would wrap in 8 bits. */
static void test_sriov_past_bus_ff(void **state)
{
	struct rawfix *f = *state;

	pf(&f->h, 1, 0xffff, 0xffff, 1, 1);
	build(f);
	assert_error(&f->d, "puts VFs past bus ff", 0x110);
}

static void test_sriov_zero_stride(void **state)
{
	struct rawfix *f = *state;

	pf(&f->h, 0, 4, 4, 1, 0);
	build(f);
	assert_error(&f->d, "VF Stride 0: Linux cannot use", 0x114);
}

/* 255 VFs at stride 1 from 00:00.0 end at 01:00.7: fine, no error. */
static void test_sriov_sane(void **state)
{
	struct rawfix *f = *state;

	pf(&f->h, 0, 255, 255, 1, 1);
	build(f);
	assert_int_equal(f->d.errors, 0);
}

static void test_unknown_header_type(void **state)
{
	struct rawfix *f = *state;

	cb_dev(&f->h, 0, 0, 0, 0x8086, 0x1234, 0x060000, 0);
	cb_dev(&f->h, 0, 2, 0, 0x8086, 0x1234, 0x020000, 0x7f);
	build(f);
	assert_error(&f->d, "unknown header type 7f", PCI_HEADER_TYPE);
	assert_int_equal(f->t->ndevs, 1);	/* ignored, as Linux does */
}

static struct pcilu_raw_dev *bridge(struct pcilu_raw_host *h, uint8_t bus, uint8_t dev,
				    uint8_t pri, uint8_t sec, uint8_t sub)
{
	struct pcilu_raw_dev *r = cb_dev(h, bus, dev, 0, 0x8086, 0x1901, 0x060400, 1);

	cb_bridge_buses(r, pri, sec, sub);
	return r;
}

static void test_primary_mismatch(void **state)
{
	struct rawfix *f = *state;

	bridge(&f->h, 0, 1, 7, 1, 1);
	cb_dev(&f->h, 1, 0, 0, 0x8086, 0x1234, 0x020000, 0);
	build(f);
	assert_error(&f->d, "primary 07", PCI_PRIMARY_BUS);
}

/* Primary 0 on a bridge below bus 0 is the hard-wired case Linux accepts. */
static void test_primary_hardwired_zero(void **state)
{
	struct rawfix *f = *state;

	bridge(&f->h, 0, 1, 0, 1, 2);
	bridge(&f->h, 1, 0, 0, 2, 2);
	build(f);
	assert_int_equal(f->d.errors, 0);
}

static void test_overlapping_siblings(void **state)
{
	struct rawfix *f = *state;

	bridge(&f->h, 0, 1, 0, 1, 5);
	bridge(&f->h, 0, 2, 0, 3, 8);
	build(f);
	assert_error(&f->d, "bus range 03-08 overlaps 01-05", PCI_SECONDARY_BUS);
}

static void test_child_outside_parent(void **state)
{
	struct rawfix *f = *state;

	bridge(&f->h, 0, 1, 0, 1, 2);
	bridge(&f->h, 1, 0, 1, 7, 9);
	build(f);
	assert_error(&f->d, "bus range 07-09 is not inside 01-02", PCI_SECONDARY_BUS);
}

/* Each inconsistent bridge is reported once, not once per pass. */
static void test_inconsistent_reported_once(void **state)
{
	struct rawfix *f = *state;

	bridge(&f->h, 0, 1, 0, 0, 5);
	build(f);
	assert_int_equal(f->d.errors, 1);
}

static void test_empty_host(void **state)
{
	struct rawfix *f = *state;

	build(f);
	assert_int_equal(f->t->ndevs, 0);
	assert_int_equal(f->t->nbuses, 0);
}

/* PCILU_MAX_DEVICES: one more function is refused, not allocated. */
static void test_device_limit(void **state)
{
	struct rawfix *f = *state;

	for (size_t i = 0; i < PCILU_MAX_DEVICES; i++)
		assert_non_null(pcilu_raw_host_add(&f->h));
	assert_null(pcilu_raw_host_add(&f->h));
	assert_int_equal(f->h.count, PCILU_MAX_DEVICES);
}

/* ... and the lspci loader names the limit instead of "out of memory". */
static void test_device_limit_lspci(void **state)
{
	struct rawfix *f = *state;
	static const size_t rec = sizeof("0000:00:00.0\n00: 86 80\n\n") - 1;
	size_t n = (size_t)PCILU_MAX_DEVICES + 1, len = 0;
	char *text = malloc(n * rec + 1);

	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%04zx:%02zx:%02zx.%zu\n00: 86 80\n\n", i >> 16,
				       (i >> 8) & 0xff, (i >> 3) & 0x1f, i & 7);
	pcilu_raw_host_free(&f->h);
	assert_int_equal(pcilu_load_lspci("big", text, len, NULL, &f->h, &f->d), -E2BIG);
	free(text);
	/* Each 2-byte record is refused too (no 64-byte header): 100 of those are shown, then the limit. */
	assert_int_equal(f->d.errors, 102);
	assert_non_null(strstr(f->d.msgs[0].text, "only 2 bytes of config space in the record"));
	assert_string_equal(f->d.msgs[100].text,
			    "more than 2097152 devices (the limit PCILU_MAX_DEVICES), the next at line 6291457: the dump is refused");
	assert_string_equal(f->d.msgs[100].file, "big");
	assert_string_equal(f->d.msgs[101].text, "2097052 more errors not shown");
}

/* PCILU_MAX_INPUT_SIZE: a (sparse) file one byte over is refused unread. */
static void test_input_size_limit(void **state)
{
	struct rawfix *f = *state;
	char path[] = "/tmp/pcilu-limit-XXXXXX";
	int fd = mkstemp(path);
	char *buf = NULL;
	size_t len = 0;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)PCILU_MAX_INPUT_SIZE + 1), 0);
	close(fd);
	assert_int_equal(pcilu_read_file(path, &buf, &len, &f->d), -E2BIG);
	unlink(path);
	assert_null(buf);
	assert_int_equal(f->d.errors, 1);
	assert_non_null(strstr(f->d.msgs[0].text, "larger than the limit"));
	assert_string_equal(f->d.msgs[0].file, path);
}

/* PCILU_MAX_SPEC_DEPTH: a spec nested one level deeper is refused. */
static void test_spec_depth_limit(void **state)
{
	struct rawfix *f = *state;
	const char *head = "{\"schema\": \"pcilu-spec/1\", \"segments\": [{\"segment\": 0, "
			   "\"root_buses\": [{\"bus\": 0, \"devices\": [";
	const char *open = "{\"kind\": \"pci_bridge\", \"children\": [";
	size_t depth = PCILU_MAX_SPEC_DEPTH + 1, cap = strlen(head) + depth * (strlen(open) + 2) + 64;
	char *text = malloc(cap), *p = text;
	int ret;

	assert_non_null(text);
	p += sprintf(p, "%s", head);
	for (size_t i = 0; i < depth; i++)
		p += sprintf(p, "%s", open);
	p += sprintf(p, "{\"kind\": \"pci\"}");
	for (size_t i = 0; i < depth; i++)
		p += sprintf(p, "]}");
	p += sprintf(p, "]}]}]}");
	pcilu_raw_host_free(&f->h);
	ret = pcilu_load_spec("deep.json", text, (size_t)(p - text), NULL, &f->h, &f->d);
	free(text);
	if (ret == -ENOSYS)
		skip();		/* the spec loader has not landed in this build */
	assert_int_equal(ret, -EINVAL);
	assert_true(f->d.errors >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, rawfix_teardown)
		T(test_acs_past_end), T(test_pcie_past_end),
		T(test_sriov_num_above_total), T(test_sriov_past_bus_ff),
		T(test_sriov_zero_stride), T(test_sriov_sane),
		T(test_unknown_header_type), T(test_primary_mismatch),
		T(test_primary_hardwired_zero), T(test_overlapping_siblings),
		T(test_child_outside_parent), T(test_inconsistent_reported_once),
		T(test_empty_host), T(test_device_limit), T(test_device_limit_lspci), T(test_input_size_limit),
		T(test_spec_depth_limit),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
