// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the IOMMU tables (DMAR, IVRS, VIOT) that decide which
 * devices an IOMMU translates (src/iommu/coverage.c), with the devices they
 * are matched against. Input:
 *   byte 0       which table: 0 DMAR, 1 IVRS, 2 VIOT (mod 3)
 *   bytes 1-2    n, little endian: the table's length
 *   n bytes      the table; its signature and length fields are set here,
 *                so the fuzzer spends its time inside the structures
 *   the rest     device records (fuzz_raw_from_records(), the fuzz-config format)
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcilu_raw_host raw;
	struct pcilu_diag d;
	enum pcilu_acpi_table which;
	size_t n;

	if (size < 3)
		return 0;
	which = (enum pcilu_acpi_table)(data[0] % PCILU_ACPI_NTABLES);
	n = (size_t)data[1] | (size_t)data[2] << 8;
	if (n > size - 3)
		n = size - 3;
	pcilu_raw_host_init(&raw, PCILU_SRC_SYSFS, "fuzz.acpi");
	pcilu_diag_init(&d);
	raw.acpi[which].data = malloc(n ? n : 1);
	if (!raw.acpi[which].data)
		abort();
	memcpy(raw.acpi[which].data, data + 3, n);
	raw.acpi[which].len = n;
	if (n >= 8) {
		memcpy(raw.acpi[which].data, pcilu_acpi_table_name(which), 4);
		for (unsigned i = 0; i < 4; i++)
			raw.acpi[which].data[4 + i] = (uint8_t)(n >> (8 * i));
	}
	fuzz_raw_from_records(&raw, data + 3 + n, size - 3 - n);
	fuzz_consume(&raw, &d, fuzz_pick(data, size));
	pcilu_raw_host_free(&raw);
	pcilu_diag_free(&d);
	return 0;
}
