// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A target that is wrong on purpose: it reads one byte past its buffer when
 * the input starts with "pcilu-canary". .ci/gates/selftest.sh feeds it that
 * input to prove the fuzz gate fails when a target crashes. Not in run-all.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char magic[] = "pcilu-canary";
	char *copy;
	volatile char sink;

	if (size < sizeof(magic) - 1 || memcmp(data, magic, sizeof(magic) - 1))
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	sink = copy[size];	/* the deliberate heap overflow ASan must catch */
	(void)sink;
	free(copy);
	return 0;
}
