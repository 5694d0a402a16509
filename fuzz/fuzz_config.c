// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: config-space decoding and the topology builder, with no
 * text format in between. The input is a list of device records:
 *
 *   byte 0     segment (0..3 used; more would only spread devices thin)
 *   byte 1     bus
 *   byte 2     devfn
 *   byte 3     bits 0-1: config size 64/128/256/4096; bit 2: fill 0xff, not 0;
 *              bit 3: the source says "VF" (sysfs physfn); bit 4: kernel group
 *   bytes 4-5  n, little endian: how many config bytes follow (capped by size)
 *   n bytes    the first n bytes of config space; the rest is the fill
 *
 * Sizes, bus ranges, capability chains and SR-IOV fields all come from the
 * fuzzer, so duplicate addresses, bus-range overlaps, looping chains and
 * VF addresses that wrap are all reachable.
 */
#include "fuzz_common.h"

static const uint16_t cfg_sizes[4] = { 64, 128, 256, 4096 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcilu_raw_host raw;
	struct pcilu_diag d;
	size_t at = 0;

	pcilu_raw_host_init(&raw, PCILU_SRC_SYSFS, "fuzz.cfg");
	pcilu_diag_init(&d);
	while (size - at >= 6 && raw.count < 512) {
		const uint8_t *h = data + at;
		size_t n = (size_t)h[4] | (size_t)h[5] << 8;
		struct pcilu_raw_dev *r = pcilu_raw_host_add(&raw);

		if (!r)
			break;
		at += 6;
		r->seg = h[0] & 3;
		r->bus = h[1];
		r->devfn = h[2];
		r->cfg_len = cfg_sizes[h[3] & 3];
		r->physfn_known = h[3] & 8;
		r->is_virtfn = h[3] & 8;
		r->kernel_group = (h[3] & 16) ? h[1] : PCILU_NO_GROUP;
		r->line = (long)raw.count;
		r->cfg = malloc(r->cfg_len);
		if (!r->cfg)
			abort();
		memset(r->cfg, (h[3] & 4) ? 0xff : 0, r->cfg_len);
		if (n > r->cfg_len)
			n = r->cfg_len;
		if (n > size - at)
			n = size - at;
		memcpy(r->cfg, data + at, n);
		at += n;
		if (r->kernel_group != PCILU_NO_GROUP)
			raw.has_kernel_groups = true;
		if (r->cfg_len < 256)
			raw.config_truncated = true;
	}
	fuzz_consume(&raw, &d);
	pcilu_raw_host_free(&raw);	/* already emptied by the builder */
	pcilu_diag_free(&d);
	return 0;
}
