// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the handover manifest reader (a flattened device tree
 * that crosses a kexec). What decodes must encode again and decode to the
 * same bytes: a reader that accepts what the writer cannot reproduce would
 * let a corrupt manifest pass verification.
 */
#include "fuzz_common.h"

#include <pcilu/handover.h>
#include <pcilu/liveupdate.h>

static void decode_one(const uint8_t *data, size_t size)
{
	struct pcilu_manifest m, m2;
	struct pcilu_diag d;
	void *buf = NULL, *buf2 = NULL;
	size_t len = 0, len2 = 0;

	pcilu_diag_init(&d);
	memset(&m, 0, sizeof(m));
	memset(&m2, 0, sizeof(m2));
	if (pcilu_manifest_decode(data, size, "fuzz.dtb", &m, &d) == 0 &&
	    pcilu_manifest_encode(&m, &buf, &len) == 0) {
		if (pcilu_manifest_decode(buf, len, "re-encoded", &m2, &d) != 0 ||
		    pcilu_manifest_encode(&m2, &buf2, &len2) != 0 ||
		    len != len2 || memcmp(buf, buf2, len))
			abort();	/* decode(encode(m)) must be a fixed point */
	}
	fuzz_diag_format(&d);
	pcilu_manifest_free(&m);
	pcilu_manifest_free(&m2);
	free(buf);
	free(buf2);
	pcilu_diag_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;

	decode_one(data, size);
	/*
	 * Almost every mutation changes the length, and the reader stops at
	 * "header says N bytes": decode once more with totalsize (bytes 4-7,
	 * big endian) set to the real size, so the fuzzer gets past it.
	 */
	if (size < 8 || size > 0xffffffffu)
		return 0;
	fixed = malloc(size);
	if (!fixed)
		return 0;
	memcpy(fixed, data, size);
	fixed[4] = (uint8_t)(size >> 24);
	fixed[5] = (uint8_t)(size >> 16);
	fixed[6] = (uint8_t)(size >> 8);
	fixed[7] = (uint8_t)size;
	decode_one(fixed, size);
	free(fixed);
	return 0;
}
