// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The two-thread dump reader (src/source/lspci_split.c) against the one pass:
 * on every dump of the QEMU golden trees, the pciutils and coreboot dumps of
 * the research data, and those dumps doubled and broken, a split read must
 * give the very devices (address, line, config bytes, group, node, driver)
 * the one pass gives, or decline with -EAGAIN having said nothing, and it
 * must decline whenever the one pass has something to say.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/source/source_int.h"

/* A zero row: 256-byte records, so no "fewer than 256 bytes" warning. */
#define ZROW(o) o ": 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"

static unsigned split_taken, split_declined;

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void same_devices(const struct pcilu_raw_host *a, const struct pcilu_raw_host *b)
{
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->has_kernel_groups, b->has_kernel_groups);
	assert_int_equal(a->config_truncated, b->config_truncated);
	for (size_t i = 0; i < a->count; i++) {
		const struct pcilu_raw_dev *x = &a->devs[i], *y = &b->devs[i];

		assert_int_equal(x->seg, y->seg);
		assert_int_equal(x->bus, y->bus);
		assert_int_equal(x->devfn, y->devfn);
		assert_int_equal(x->line, y->line);
		assert_int_equal(x->cfg_len, y->cfg_len);
		assert_memory_equal(x->cfg, y->cfg, x->cfg_len);
		assert_int_equal(x->kernel_group, y->kernel_group);
		assert_int_equal(x->numa_node, y->numa_node);
		assert_true((!x->driver && !y->driver) || (x->driver && y->driver && !strcmp(x->driver, y->driver)));
	}
}

/* @text as a file, read split, against the one pass over the same bytes. */
static void check_text(const char *name, const char *text, size_t len)
{
	char path[] = "/tmp/pcilu-split-XXXXXX";
	int fd = mkstemp(path);
	struct pcilu_raw_host one, two;
	struct pcilu_diag d1, d2;
	int r1, r2;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	pcilu_diag_init(&d1);
	pcilu_diag_init(&d2);
	memset(&two, 0, sizeof(two));
	r1 = pcilu_load_lspci(name, text, len, NULL, &one, &d1);
	r2 = pcilu_lspci_split(fd, name, len, &two);
	if (r2 == -EAGAIN) {
		split_declined++;
		assert_int_equal(d2.count, 0);
		assert_int_equal(two.count, 0);
		assert_null(two.devs);
	} else {
		split_taken++;
		/* Taken only when the one pass had nothing to say and succeeded. */
		if (r2 != r1 || d1.count)
			fail_msg("%s: split gave %d, one pass %d with %zu message(s)", name, r2, r1, d1.count);
		same_devices(&one, &two);
	}
	pcilu_raw_host_free(&one);
	pcilu_raw_host_free(&two);
	pcilu_diag_free(&d1);
	pcilu_diag_free(&d2);
	close(fd);
	unlink(path);
}

/* The dump, the dump twice (a second run of records after the cut), and it cut at a few places. */
static void check_file(const char *path)
{
	size_t len;
	char *t = slurp(path, &len), *two;

	if (!t)
		return;
	check_text(path, t, len);
	two = malloc(2 * len + 1);
	assert_non_null(two);
	memcpy(two, t, len);
	memcpy(two + len, t, len);
	check_text(path, two, 2 * len);
	for (size_t k = 1; k < 8; k++)
		check_text(path, t, len * k / 8);
	free(two);
	free(t);
}

static void check_dir_dumps(const char *dir, const char *leaf)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (!dp)
		return;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", dir, e->d_name, leaf);
		check_file(path);
	}
	closedir(dp);
}

static void test_split_matches_one_pass(void **state)
{
	static const char *const shared[] = {
		"pciutils-tests/tree-asus-p6t6", "pciutils-tests/tree-fujitsu-p8010",
		"pciutils-tests/PCI-X-bridges-and-domains", "pciutils-tests/cap-vc-and-rcl",
		"coreboot-port-logs/x99-huananzhi-qd4/lspci.log",
	};
	char path[4096];

	(void)state;
	check_dir_dumps(PCILU_SRCDIR "/tests/qemu/golden", "/lspci.txt");
	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", PCILU_SHARED_DATA, shared[i]);
		check_file(path);
	}
	print_message("split taken %u, declined %u\n", split_taken, split_declined);
	/* Both ways must have been exercised, or the test proves nothing. */
	assert_true(split_taken >= 20);
	assert_true(split_declined >= 10);
}

/* A message anywhere sends the file to the one pass: here a bad row after the cut. */
static void test_declines_on_any_message(void **state)
{
	static const char rec[] = "00:00.0 Host bridge: x\n"
				  "00: 86 80 10 3a 07 04 10 00 02 00 04 06 10 00 81 00\n"
				  "10: 00 00 00 00 00 00 00 00 00 01 01 00 f0 00 00 00\n"
				  "20: 00 00 00 00 00 00 00 00 00 00 00 00 86 80 12 34\n"
				  "30: 00 00 00 00 40 00 00 00 00 00 00 00 0b 01 00 00\n"
				  ZROW("40") ZROW("50") ZROW("60") ZROW("70") ZROW("80") ZROW("90")
				  ZROW("a0") ZROW("b0") ZROW("c0") ZROW("d0") ZROW("e0") ZROW("f0") "\n";
	char buf[16384], path[] = "/tmp/pcilu-split-XXXXXX";
	struct pcilu_raw_host h;
	struct pcilu_diag d;
	size_t n = 0;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	for (int i = 0; i < 8; i++) {
		memcpy(buf + n, rec, sizeof(rec) - 1);
		buf[n + 1] = (char)('0' + i);	/* 0i:00.0 */
		n += sizeof(rec) - 1;
	}
	memcpy(buf + n - 4, "zz", 2);	/* a broken last row: "f0: ... 00 zz\n" */
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	pcilu_diag_init(&d);
	memset(&h, 0, sizeof(h));
	assert_int_equal(pcilu_lspci_split(fd, "t", n, &h), -EAGAIN);
	assert_int_equal(d.count, 0);
	assert_int_equal(h.count, 0);
	/* The same file without the break is taken, with the second half's lines renumbered. */
	memcpy(buf + n - 4, "00", 2);
	assert_int_equal(pwrite(fd, buf, n, 0), (ssize_t)n);
	assert_int_equal(pcilu_lspci_split(fd, "t", n, &h), 0);
	assert_int_equal(h.count, 8);
	assert_int_equal(h.devs[7].line, 7 * 18 + 1);
	assert_int_equal(h.devs[7].bus, 7);
	pcilu_raw_host_free(&h);
	pcilu_diag_free(&d);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_matches_one_pass),
		cmocka_unit_test(test_declines_on_any_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
