// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: decoded lspci -vv text without hex rows, strict and lenient. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The sniffer runs on every input too: it decides which loader pcilu_load_any() picks. */
	(void)pcilu_lspci_is_text((const char *)data, size);
	return fuzz_text_source(data, size, pcilu_load_lspci_text, "fuzz.vvtext");
}
