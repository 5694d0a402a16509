// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What makes a manifest safe to carry across a kexec: the crc32 seal the
 * writer stores and the reader checks first, and the container checks
 * (header, size, version, libfdt's full structure check) that come before
 * any property is believed. Shared by manifest.c (write) and
 * manifest_read.c (read), as libfdt keeps its checks apart from fdt_sw/fdt_ro.
 */
#include "handover_int.h"

#include <errno.h>
#include <libfdt.h>
#include <zlib.h>

/*
 * The integrity check (docs/manifest.md, "Integrity"): zlib's crc32 of the
 * whole blob, taken with the value of /crc32 itself as zero, then stored there.
 */
uint32_t pcilu_manifest_crc(const void *fdt, size_t len, size_t crc_off)
{
	static const uint8_t zero[4];
	uLong c = crc32(0L, Z_NULL, 0);

	c = crc32_z(c, fdt, crc_off);
	c = crc32_z(c, zero, sizeof(zero));
	return (uint32_t)crc32_z(c, (const Bytef *)fdt + crc_off + 4, len - crc_off - 4);
}

int pcilu_manifest_seal(void *fdt)
{
	int plen;
	fdt32_t *v = fdt_getprop_w(fdt, 0, "crc32", &plen);

	if (!v || plen != 4)
		return -FDT_ERR_INTERNAL;
	*v = cpu_to_fdt32(pcilu_manifest_crc(fdt, fdt_totalsize(fdt), (size_t)((char *)v - (char *)fdt)));
	return 0;
}

int pcilu_manifest_check_container(const void *fdt, size_t len, const char *name, struct pcilu_diag *d)
{
	int ret;

	if (len < sizeof(struct fdt_header)) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1,
			       "truncated: %zu bytes, a device tree header alone is %zu", len,
			       sizeof(struct fdt_header));
		return -EINVAL;
	}
	if (fdt_magic(fdt) != FDT_MAGIC) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, 0, "not a flattened device tree (bad magic %#x)",
			       fdt_magic(fdt));
		return -EINVAL;
	}
	if (fdt_totalsize(fdt) != len) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, 4, "%s: the header says %u bytes, the file has %zu",
			       fdt_totalsize(fdt) > len ? "truncated" : "trailing bytes", fdt_totalsize(fdt), len);
		return -EINVAL;
	}
	/*
	 * pcilu writes version 17 (last compatible 16) only. Older layouts lack
	 * size_dt_strings, and libfdt 1.6.1's fdt_check_full() dereferences NULL
	 * on some of them (found by fuzz-manifest), so refuse them first.
	 */
	if (fdt_version(fdt) < 16 || fdt_last_comp_version(fdt) > 17) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, 20,
			       "device tree version %u (last compatible %u); pcilu reads version 16 or 17",
			       fdt_version(fdt), fdt_last_comp_version(fdt));
		return -EINVAL;
	}
	ret = fdt_check_full(fdt, len);
	if (ret) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "corrupt device tree: %s", fdt_strerror(ret));
		return -EINVAL;
	}
	return 0;
}

/*
 * The crc32 over the whole blob, before any of its content is believed. A
 * manifest written before pcilu had it is read, with a warning: one planned
 * by the previous pcilu before a kexec must still verify after it.
 */
int pcilu_manifest_check_crc(const void *fdt, size_t len, const char *name, struct pcilu_diag *d)
{
	int plen;
	const fdt32_t *v = fdt_getprop(fdt, 0, "crc32", &plen);
	uint32_t want, got;

	if (!v) {
		pcilu_diag_add(d, PCILU_WARN, name, 0, -1,
			       "no crc32 (written by a pcilu before 0.2): corruption cannot be detected");
		return 0;
	}
	if (plen != 4) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "corrupt: property \"crc32\" has %d bytes, expected 4",
			       plen);
		return -EINVAL;
	}
	want = fdt32_to_cpu(*v);
	got = pcilu_manifest_crc(fdt, len, (size_t)((const char *)v - (const char *)fdt));
	if (want != got) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, (long)((const char *)v - (const char *)fdt),
			       "corrupt: crc32 %08x recorded, %08x computed; the manifest was damaged or edited",
			       want, got);
		return -EINVAL;
	}
	return 0;
}
