// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: lspci -x/-xxx/-xxxx text dumps, strict and lenient. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcilu_raw_host raw;
	struct pcilu_diag d;
	/* The loader is handed exactly @size bytes: no NUL terminator to lean on. */
	char *text = malloc(size ? size : 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	for (int lenient = 0; lenient < 2; lenient++) {
		struct pcilu_source_opts opts = { .lenient = lenient };

		pcilu_diag_init(&d);
		if (pcilu_load_lspci("fuzz.lspci", text, size, &opts, &raw, &d) == 0)
			fuzz_consume(&raw, &d);
		else
			pcilu_raw_host_free(&raw);
		fuzz_diag_format(&d);
		pcilu_diag_free(&d);
	}
	free(text);
	return 0;
}
