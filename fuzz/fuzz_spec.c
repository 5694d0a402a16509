// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: topology specs (JSON), strict and lenient. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_text_source(data, size, pcilu_load_spec, "fuzz.json");
}
