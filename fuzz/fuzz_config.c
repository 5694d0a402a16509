// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: config-space decoding, the topology builder and IOMMU
 * groups, with no text format in between. The input is a list of device
 * records (fuzz_raw_from_records() in fuzz_common.h): sizes, bus ranges,
 * capability chains and SR-IOV fields all come from the fuzzer, so duplicate
 * addresses, bus-range overlaps, looping chains and VF addresses that wrap
 * are all reachable.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcilu_raw_host raw;
	struct pcilu_diag d;

	pcilu_raw_host_init(&raw, PCILU_SRC_SYSFS, "fuzz.cfg");
	pcilu_diag_init(&d);
	fuzz_raw_from_records(&raw, data, size);
	fuzz_consume(&raw, &d, fuzz_pick(data, size));
	pcilu_raw_host_free(&raw);	/* already emptied by the builder */
	pcilu_diag_free(&d);
	return 0;
}
