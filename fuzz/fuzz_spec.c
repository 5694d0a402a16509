// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: topology specs (JSON), strict and lenient. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcilu_raw_host raw;
	struct pcilu_diag d;
	char *text = malloc(size ? size : 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	for (int lenient = 0; lenient < 2; lenient++) {
		struct pcilu_source_opts opts = { .lenient = lenient };

		pcilu_diag_init(&d);
		if (pcilu_load_spec("fuzz.json", text, size, &opts, &raw, &d) == 0)
			fuzz_consume(&raw, &d);
		else
			pcilu_raw_host_free(&raw);
		pcilu_diag_free(&d);
	}
	free(text);
	return 0;
}
