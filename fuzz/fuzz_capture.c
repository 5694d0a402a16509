// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: pcilu captures (docs/capture.md). A mutated byte almost
 * never keeps the crc32 right, so the input is taken as the body and sealed
 * here (as capture.c seals it) before the reader sees it: the JSON reader
 * behind the seal is what gets fuzzed. The unsealed input is read too, so the
 * seal check itself is fuzzed as well.
 */
#include "fuzz_common.h"

#include <zlib.h>

static int load_sealed(const char *name, const char *text, size_t len, const struct pcilu_source_opts *opts,
		       struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	static const char tail[] = ",\n  \"crc32\": \"";
	char *s = malloc(len + sizeof(tail) + 16);
	int n, err;

	if (!s) {
		memset(h, 0, sizeof(*h));
		return -12;
	}
	memcpy(s, text, len);
	n = snprintf(s + len, sizeof(tail) + 16, "%s%08x\"\n}\n", tail,
		     (unsigned)crc32_z(crc32(0L, Z_NULL, 0), (const Bytef *)text, len));
	err = pcilu_load_capture(name, s, len + (size_t)n, opts, h, d);
	free(s);
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcilu_raw_host raw;
	struct pcilu_diag d;

	pcilu_diag_init(&d);
	if (!pcilu_load_capture("fuzz.json", (const char *)data, size, NULL, &raw, &d))
		fuzz_consume(&raw, &d, fuzz_pick(data, size));
	else
		pcilu_raw_host_free(&raw);
	fuzz_diag_format(&d);
	pcilu_diag_free(&d);
	(void)pcilu_is_capture((const char *)data, size);
	return fuzz_text_source(data, size, load_sealed, "fuzz.json");
}
