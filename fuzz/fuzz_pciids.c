// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: pcilu's pci.ids reader (src/pci/names.c). The input is
 * the file; then ids made of its own bytes (so that some are in it), and two
 * common ones, are looked up.
 */
#include "fuzz_common.h"
#include "../src/pci/pci_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcilu_names *n = pcilu_names_open_file("/nonexistent");
	char *text = malloc(size + 1), b[64];

	if (!n || !text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	pcilu_names_take_text(n, text, size);
	for (size_t i = 0; i + 6 <= size && i < 64 * 32; i += 3) {
		uint16_t id = (uint16_t)(data[i] << 8 | data[i + 1]);

		pcilu_name_vendor(n, id, b, sizeof(b));
		pcilu_name_device(n, id, (uint16_t)(data[i + 2] << 8 | data[i + 3]), b, sizeof(b));
	}
	pcilu_name_vendor(n, 0x8086, b, sizeof(b));
	pcilu_name_device(n, 0x8086, 0x1572, b, sizeof(b));
	pcilu_names_close(n);
	return 0;
}
