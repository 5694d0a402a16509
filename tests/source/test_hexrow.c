// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vector row decoders (src/source/hexrow.c: the one dispatched, SSSE3
 * on this CPU, and SSE2) against their scalar twin: every
 * row of the fuzz corpus and of the golden dumps, then a million rows made to
 * sit near the edge (one character changed to each of the 256 values at each
 * of the 48 positions, and random mixes of spaces, digits of both cases and
 * other bytes). Both must agree on whether the row is the common form and,
 * when it is, on every byte; the scalar one is checked by hand on two rows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/source/source_int.h"

static unsigned long agree, common;

static void both(const unsigned char *q)
{
	uint8_t a[16], b[16];
	bool va = pcilu_hexrow16_pick()(q, a), vb = pcilu_hexrow16_scalar(q, b);

	assert_int_equal(va, vb);
	if (va) {
		assert_memory_equal(a, b, 16);
		common++;
	}
#ifdef __SSE2__
	/* The decoder picked is SSSE3 where the CPU has it: the SSE2 path is checked on its own. */
	uint8_t c[16];

	assert_int_equal(pcilu_hexrow16_sse2(q, c), vb);
	if (vb)
		assert_memory_equal(c, b, 16);
#endif
	agree++;
}

static void by_hand(void **state)
{
	static const char row[] = " 86 80 f1 A5 07 04 10 00 02 00 02 06 00 00 81 00";
	uint8_t b[16];
	static const uint8_t want[16] = { 0x86, 0x80, 0xf1, 0xa5, 0x07, 0x04, 0x10, 0x00,
					  0x02, 0x00, 0x02, 0x06, 0x00, 0x00, 0x81, 0x00 };
	char bad[49];

	(void)state;
	assert_true(pcilu_hexrow16_scalar((const unsigned char *)row, b));
	assert_memory_equal(b, want, 16);
	memcpy(bad, row, 49);
	bad[47] = 'g';
	assert_false(pcilu_hexrow16_scalar((const unsigned char *)bad, b));
	memcpy(bad, row, 49);
	bad[0] = '\t';
	assert_false(pcilu_hexrow16_scalar((const unsigned char *)bad, b));
}

static void rows_of_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char line[4096];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (c && strlen(c + 1) >= 48)
			both((const unsigned char *)c + 1);
	}
	fclose(f);
}

static void corpus(void **state)
{
	static const char *const dirs[] = { "fuzz/corpus/lspci", "fuzz/regress/lspci" };
	char path[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *d;
		struct dirent *e;

		snprintf(path, sizeof(path), "%s/%s", PCILU_SRCDIR, dirs[i]);
		d = opendir(path);
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", PCILU_SRCDIR, dirs[i], e->d_name);
			rows_of_file(path);
		}
		if (d)
			closedir(d);
	}
	snprintf(path, sizeof(path), "%s/tests/qemu/golden/realistic/lspci.txt", PCILU_SRCDIR);
	rows_of_file(path);
	assert_true(common > 1000);
}

static void edges(void **state)
{
	static const char row[] = " 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff";
	static const char pool[] = " 0123456789abcdefABCDEF:gG\t\n/@`";
	unsigned char q[64];
	unsigned long seed = 12345;

	(void)state;
	for (unsigned pos = 0; pos < 48; pos++)
		for (unsigned v = 0; v < 256; v++) {
			memcpy(q, row, 48);
			q[pos] = (unsigned char)v;
			both(q);
		}
	for (unsigned n = 0; n < 1000000; n++) {
		memcpy(q, row, 48);
		for (unsigned k = 0; k < 3; k++) {
			seed = seed * 6364136223846793005ul + 1442695040888963407ul;
			q[(seed >> 33) % 48] = (unsigned char)pool[(seed >> 17) % (sizeof(pool) - 1)];
		}
		both(q);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(by_hand),
		cmocka_unit_test(corpus),
		cmocka_unit_test(edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
