// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the handover manifest reader (a flattened device tree
 * that crosses a kexec). What decodes must encode again and decode to the
 * same bytes: a reader that accepts what the writer cannot reproduce would
 * let a corrupt manifest pass verification.
 */
#include "fuzz_common.h"

#include <pcilu/liveupdate.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
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
	return 0;
}
