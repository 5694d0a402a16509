// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What makes a manifest safe to carry across a kexec: the crc32 seal the
 * writer (manifest.c) stores and the reader (manifest_read.c) checks first,
 * before any property is believed. The container's own checks (header,
 * blocks, structure) are the reader's single pass, manifest_scan.c.
 */
#include "handover_int.h"
#include "../base/base_int.h"

#include <errno.h>

/*
 * The integrity check (docs/manifest.md, "Integrity"): zlib's crc32 of the
 * whole blob, taken with the value of /crc32 itself as zero, then stored there.
 */
uint32_t pcilu_manifest_crc(const void *fdt, size_t len, size_t crc_off)
{
	static const uint8_t zero[4];
	uint32_t c = pcilu_crc32(0, fdt, crc_off);

	c = pcilu_crc32(c, zero, sizeof(zero));
	return pcilu_crc32(c, (const uint8_t *)fdt + crc_off + 4, len - crc_off - 4);
}

void pcilu_manifest_seal(uint8_t *fdt, size_t len, size_t crc_off)
{
	pcilu_put_be32(fdt + crc_off, pcilu_manifest_crc(fdt, len, crc_off));
}

/*
 * A manifest written before pcilu had the seal is read, with a warning: one
 * planned by the previous pcilu before a kexec must still verify after it.
 */
int pcilu_manifest_check_crc(const uint8_t *fdt, size_t len, const char *name, const uint8_t *crc,
			     uint32_t crc_len, struct pcilu_diag *d)
{
	uint32_t want, got;

	if (!crc) {
		pcilu_diag_add(d, PCILU_WARN, name, 0, -1,
			       "no crc32 (written by a pcilu before 0.2): corruption cannot be detected");
		return 0;
	}
	if (crc_len != 4) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "corrupt: property \"crc32\" has %u bytes, expected 4",
			       crc_len);
		return -EINVAL;
	}
	want = pcilu_be32(crc);
	got = pcilu_manifest_crc(fdt, len, (size_t)(crc - fdt));
	if (want != got) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, (long)(crc - fdt),
			       "corrupt: crc32 %08x recorded, %08x computed; the manifest was damaged or edited",
			       want, got);
		return -EINVAL;
	}
	return 0;
}
