// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The manifest writer (src/handover/manifest.c) writes the FDT straight into
 * one buffer; it must give the bytes libfdt's sequential writer gave. The
 * oracle below is that writer as pcilu had it (fdt_sw with the names shared
 * afterwards), run on random manifests and on the corner cases of the
 * layout: every optional property present or not, empty and full groups,
 * segments past 0xffff, host facts and strings absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "../../src/handover/handover_int.h"
#include "../../src/base/base_int.h"

#include <errno.h>
#include <libfdt.h>
#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The oracle: pcilu's encoder before the direct one ---- */


static int put_str(void *fdt, const char *name, const char *s)
{
	return s ? fdt_property_string(fdt, name, s) : 0;
}

static int put_addrs(void *fdt, const char *name, const struct pcilu_lu_addr *a, size_t n)
{
	fdt32_t cells[2 * PCILU_MANIFEST_MAX_GROUP];

	if (n > PCILU_MANIFEST_MAX_GROUP)
		return -FDT_ERR_BADVALUE;
	for (size_t i = 0; i < n; i++) {
		cells[2 * i] = cpu_to_fdt32(a[i].seg);
		cells[2 * i + 1] = cpu_to_fdt32(a[i].bdf);
	}
	return fdt_property(fdt, name, cells, (int)(n * 2 * sizeof(fdt32_t)));
}

static int put_node(void *fdt, const struct pcilu_manifest_node *n)
{
	char name[PCILU_MANIFEST_NODE_NAME_LEN];
	int r;

	snprintf(name, sizeof(name), "pci-%04x-%02x-%02x.%x", n->addr.seg, n->addr.bdf >> 8,
		 (n->addr.bdf >> 3) & 0x1f, n->addr.bdf & 7);
	r = fdt_begin_node(fdt, name);
	r = r ?: fdt_property_u32(fdt, "segment", n->addr.seg);
	r = r ?: fdt_property_u32(fdt, "bus", n->addr.bdf >> 8);
	r = r ?: fdt_property_u32(fdt, "devfn", n->addr.bdf & 0xff);
	r = r ?: fdt_property_u32(fdt, "vendor-id", n->vendor);
	r = r ?: fdt_property_u32(fdt, "device-id", n->device);
	r = r ?: fdt_property_u32(fdt, "subsystem-vendor-id", n->subsys_vendor);
	r = r ?: fdt_property_u32(fdt, "subsystem-id", n->subsys_device);
	r = r ?: fdt_property_u32(fdt, "class-code", n->class);
	r = r ?: fdt_property_u32(fdt, "revision-id", n->revision);
	r = r ?: fdt_property_string(fdt, "role", pcilu_lu_role_name(n->role));
	r = r ?: fdt_property_u32(fdt, "refcount", n->refcount);
	if (n->has_acs) {
		r = r ?: fdt_property_u32(fdt, "acs-cap", n->acs_cap);
		r = r ?: fdt_property_u32(fdt, "acs-ctrl", n->acs_ctrl);
	}
	if (n->is_bridge) {
		fdt32_t bn[3] = { cpu_to_fdt32(n->primary), cpu_to_fdt32(n->secondary),
				  cpu_to_fdt32(n->subordinate) };

		r = r ?: fdt_property(fdt, "bus-numbers", bn, sizeof(bn));
	}
	r = r ?: fdt_property_u32(fdt, "ari-forwarding", n->ari_fwd);
	if (n->group_known)
		r = r ?: put_addrs(fdt, "iommu-group", n->group, n->ngroup);
	if (n->kgroup_known) {
		r = r ?: fdt_property_u32(fdt, "kernel-iommu-group", (uint32_t)n->kgroup_id);
		r = r ?: put_addrs(fdt, "kernel-iommu-group-members", n->kgroup, n->nkgroup);
	}
	return r ?: fdt_end_node(fdt);
}

static int put_tree(void *fdt, const struct pcilu_manifest *m)
{
	int r = fdt_finish_reservemap(fdt);

	r = r ?: fdt_begin_node(fdt, "");
	r = r ?: fdt_property_string(fdt, "compatible", PCILU_MANIFEST_COMPATIBLE);
	r = r ?: fdt_property_string(fdt, "pcilu-version", m->pcilu_version ? m->pcilu_version : "");
	r = r ?: fdt_property_string(fdt, "rule-profile", m->profile ? m->profile : "");
	r = r ?: fdt_property_u32(fdt, "forced", m->forced);
	r = r ?: fdt_property_u32(fdt, "crc32", 0);	/* filled in by pcilu_manifest_seal() */
	r = r ?: fdt_begin_node(fdt, "host");
	r = r ?: put_str(fdt, "kernel-release", m->host.kernel_release);
	r = r ?: put_str(fdt, "boot-id", m->host.boot_id);
	r = r ?: put_str(fdt, "machine-id", m->host.machine_id);
	r = r ?: fdt_property_u64(fdt, "time", m->host.time);
	r = r ?: put_str(fdt, "source", pcilu_host_source_name(m->host.source));
	if (m->host.facts_recorded) {
		r = r ?: put_str(fdt, "iommu", m->host.iommu_on ? "on" : "off");
		r = r ?: put_str(fdt, "pci-liveupdate", pcilu_lu_klu_name(m->host.pci_lu));
	}
	r = r ?: fdt_end_node(fdt);
	r = r ?: fdt_begin_node(fdt, "devices");
	for (size_t i = 0; !r && i < m->count; i++)
		r = put_node(fdt, &m->nodes[i]);
	r = r ?: fdt_end_node(fdt);
	r = r ?: fdt_end_node(fdt);
	return r ?: fdt_finish(fdt);
}

/*
 * libfdt's sequential writer finds a property name already in the strings
 * block by trying a memcmp() at every byte of it, for every property: most
 * of the encoding time of a large manifest. So the tree is written without
 * that search and the names are shared here, in one pass with a small hash
 * table: the file is the same size as with libfdt's search.
 */
#define NAME_SLOTS 128u		/* a power of two, far above the distinct names a manifest uses */

struct name_slot {
	const char *s;
	uint32_t off;		/* in the new strings block */
};

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static int share_names(void *fdt)
{
	uint32_t soff = fdt_off_dt_strings(fdt), ssize = fdt_size_dt_strings(fdt), used = 0;
	struct name_slot slots[NAME_SLOTS] = { 0 };
	char *strs = (char *)fdt + soff, *out = malloc(ssize ? ssize : 1);
	int off = 0, next, tag;

	if (!out)
		return -FDT_ERR_NOSPACE;
	do {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag == FDT_PROP) {
			struct fdt_property *p = (struct fdt_property *)((char *)fdt + fdt_off_dt_struct(fdt) + off);
			const char *name = strs + fdt32_to_cpu(p->nameoff);
			uint32_t h = name_hash(name) & (NAME_SLOTS - 1), n = 0;

			while (slots[h].s && strcmp(slots[h].s, name) && ++n < NAME_SLOTS)
				h = (h + 1) & (NAME_SLOTS - 1);
			if (n == NAME_SLOTS) {
				free(out);
				return -FDT_ERR_INTERNAL;
			}
			if (!slots[h].s) {
				size_t len = strlen(name) + 1;

				slots[h] = (struct name_slot){ .s = name, .off = used };
				memcpy(out + used, name, len);
				used += (uint32_t)len;
			}
			p->nameoff = cpu_to_fdt32(slots[h].off);
		}
		off = next;
	} while (tag != FDT_END && tag >= 0);
	memcpy(strs, out, used);
	free(out);
	if (tag != FDT_END)
		return tag;
	fdt_set_size_dt_strings(fdt, used);
	fdt_set_totalsize(fdt, soff + used);
	return 0;
}

static int seal(void *fdt)
{
	int plen;
	fdt32_t *v = fdt_getprop_w(fdt, 0, "crc32", &plen);

	if (!v || plen != 4)
		return -FDT_ERR_INTERNAL;
	pcilu_manifest_seal(fdt, fdt_totalsize(fdt), (size_t)((char *)v - (char *)fdt));
	return 0;
}

static int oracle_encode(const struct pcilu_manifest *m, void **buf, size_t *len)
{
	size_t cap = 4096 + m->count * 512;

	*buf = NULL;
	*len = 0;
	for (;;) {
		void *fdt = malloc(cap);
		int r;

		if (!fdt)
			return -ENOMEM;
		r = fdt_create_with_flags(fdt, (int)cap, FDT_CREATE_FLAG_NO_NAME_DEDUP);
		r = r ?: put_tree(fdt, m);
		r = r ?: share_names(fdt);
		r = r ?: seal(fdt);
		if (!r) {
			*buf = fdt;
			*len = fdt_totalsize(fdt);
			return 0;
		}
		free(fdt);
		if (r != -FDT_ERR_NOSPACE || cap >= PCILU_MANIFEST_MAX_SIZE)
			return r == -FDT_ERR_NOSPACE ? -E2BIG : -EINVAL;
		cap *= 2;
	}
}


/* ---- Random manifests ---- */

/* xorshift32: a fixed sequence, so that a failure repeats. */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static struct pcilu_lu_addr *rand_addrs(uint32_t *s, size_t n)
{
	struct pcilu_lu_addr *a = calloc(n ? n : 1, sizeof(*a));

	assert_non_null(a);
	for (size_t i = 0; i < n; i++)
		a[i] = (struct pcilu_lu_addr){ .seg = rnd(s) % 4 ? rnd(s) & 0xffff : rnd(s), .bdf = (uint16_t)rnd(s) };
	return a;
}

static char *rand_str(uint32_t *s)
{
	static const char *const pick[] = { "6.1.0-captured", "7.2.13", "0123456789abcdef0123456789abcdef",
					    "x", "a longer string with spaces, to pad past a cell" };

	return rnd(s) % 3 ? strdup(pick[rnd(s) % 5]) : NULL;
}

static void rand_node(uint32_t *s, struct pcilu_manifest_node *n)
{
	n->addr = (struct pcilu_lu_addr){ .seg = rnd(s) % 5 ? rnd(s) & 0xffff : rnd(s), .bdf = (uint16_t)rnd(s) };
	n->vendor = (uint16_t)rnd(s);
	n->device = (uint16_t)rnd(s);
	n->subsys_vendor = (uint16_t)rnd(s);
	n->subsys_device = (uint16_t)rnd(s);
	n->class = rnd(s) & 0xffffff;
	n->revision = (uint8_t)rnd(s);
	n->role = rnd(s) % 2 ? PCILU_LU_ENDPOINT : PCILU_LU_BRIDGE;
	n->refcount = rnd(s) % 9;
	n->has_acs = rnd(s) % 2;
	n->acs_cap = (uint16_t)rnd(s);
	n->acs_ctrl = (uint16_t)rnd(s);
	n->is_bridge = rnd(s) % 2;
	n->primary = (uint8_t)rnd(s);
	n->secondary = (uint8_t)rnd(s);
	n->subordinate = (uint8_t)rnd(s);
	n->ari_fwd = rnd(s) % 2;
	n->group_known = rnd(s) % 4 != 0;
	n->ngroup = rnd(s) % 8 == 0 ? PCILU_MANIFEST_MAX_GROUP : rnd(s) % 4;
	n->group = rand_addrs(s, n->ngroup);
	n->kgroup_known = rnd(s) % 2;
	n->nkgroup = rnd(s) % 3;
	n->kgroup = rand_addrs(s, n->nkgroup);
	n->kgroup_id = (int32_t)(rnd(s) % 1000);
}

static void rand_manifest(uint32_t *s, struct pcilu_manifest *m)
{
	memset(m, 0, sizeof(*m));
	m->host.kernel_release = rand_str(s);
	m->host.boot_id = rand_str(s);
	m->host.machine_id = rand_str(s);
	m->host.time = (uint64_t)rnd(s) << 32 | rnd(s);
	m->host.source = rnd(s) % 3;
	m->host.facts_recorded = rnd(s) % 2;
	m->host.iommu_on = rnd(s) % 2;
	m->host.pci_lu = (uint8_t)(rnd(s) % 3);
	m->pcilu_version = rnd(s) % 5 ? strdup("0.3.0") : NULL;
	m->profile = rnd(s) % 5 ? strdup(rnd(s) % 2 ? "v4" : "iommufd") : NULL;
	m->forced = rnd(s) % 2;
	m->count = rnd(s) % 40;
	m->nodes = calloc(m->count ? m->count : 1, sizeof(*m->nodes));
	assert_non_null(m->nodes);
	for (size_t i = 0; i < m->count; i++)
		rand_node(s, &m->nodes[i]);
}

static void same_bytes(const struct pcilu_manifest *m)
{
	void *want = NULL, *got = NULL;
	size_t wlen = 0, glen = 0;
	int wret = oracle_encode(m, &want, &wlen), gret = pcilu_manifest_encode(m, &got, &glen);

	assert_int_equal(gret, wret);
	assert_int_equal(glen, wlen);
	if (wlen && memcmp(got, want, wlen)) {
		for (size_t i = 0; i < wlen; i++)
			if (((uint8_t *)got)[i] != ((uint8_t *)want)[i])
				fail_msg("%zu-byte blobs differ first at byte %#zx", wlen, i);
	}
	free(want);
	free(got);
}

static void test_random(void **state)
{
	uint32_t seed = 0x2545f491;

	(void)state;
	for (int i = 0; i < 300; i++) {
		struct pcilu_manifest m;

		rand_manifest(&seed, &m);
		same_bytes(&m);
		pcilu_manifest_free(&m);
	}
}

/* A group larger than a manifest records: refused by both, with the same errno. */
static void test_group_too_large(void **state)
{
	uint32_t seed = 7;
	struct pcilu_manifest m;

	(void)state;
	do {
		rand_manifest(&seed, &m);
		if (m.count)
			break;
		pcilu_manifest_free(&m);
	} while (1);
	m.nodes[0].group_known = true;
	free(m.nodes[0].group);
	m.nodes[0].ngroup = PCILU_MANIFEST_MAX_GROUP + 1;
	m.nodes[0].group = rand_addrs(&seed, m.nodes[0].ngroup);
	same_bytes(&m);
	pcilu_manifest_free(&m);
}

/* What the writer writes, the reader reads back into the same manifest. */
static void test_reads_back(void **state)
{
	uint32_t seed = 99;
	struct pcilu_manifest m = { 0 }, back;
	struct pcilu_diag d;
	void *buf;
	size_t len;

	(void)state;
	/* An endpoint below a bridge, in a segment past 0xffff, alone in its group. */
	m.pcilu_version = strdup("0.3.0");
	m.profile = strdup("v4");
	m.host.time = 1;
	m.count = 2;
	m.nodes = calloc(2, sizeof(*m.nodes));
	assert_non_null(m.nodes);
	m.nodes[0] = (struct pcilu_manifest_node){ .addr = { 0x10000, 0x0008 }, .role = PCILU_LU_BRIDGE,
						   .refcount = 1, .is_bridge = true, .secondary = 1,
						   .subordinate = 1, .kgroup_id = -1 };
	m.nodes[1] = (struct pcilu_manifest_node){ .addr = { 0x10000, 0x0100 }, .role = PCILU_LU_ENDPOINT,
						   .refcount = 1, .group_known = true, .ngroup = 1,
						   .kgroup_id = -1 };
	m.nodes[1].group = rand_addrs(&seed, 1);
	m.nodes[1].group[0] = m.nodes[1].addr;
	same_bytes(&m);
	assert_int_equal(pcilu_manifest_encode(&m, &buf, &len), 0);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_manifest_decode(buf, len, "w.dtb", &back, &d), 0);
	assert_int_equal(back.count, 2);
	assert_int_equal(back.nodes[0].addr.seg, 0x10000);
	assert_int_equal(back.nodes[1].group[0].bdf, 0x0100);
	pcilu_manifest_free(&back);
	pcilu_diag_free(&d);
	free(buf);
	pcilu_manifest_free(&m);
}

/*
 * The seal's crc32 (src/base/crc32.c, folded with PCLMULQDQ from 64 bytes
 * on) against zlib's: every length around the fold's edges, every
 * alignment, chained from a previous value as the seal chains its parts.
 */
static void test_crc32(void **state)
{
	static uint8_t buf[4096 + 64];
	uint32_t seed = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnd(&seed);
	for (size_t len = 0; len < 300; len++)
		for (size_t at = 0; at < 16; at++) {
			uint32_t start = len % 3 ? rnd(&seed) : 0;

			assert_int_equal(pcilu_crc32(start, buf + at, len), (uint32_t)crc32_z(start, buf + at, len));
		}
	for (int k = 0; k < 200; k++) {
		size_t at = rnd(&seed) % 64, len = rnd(&seed) % 4096;
		uint32_t start = rnd(&seed);

		assert_int_equal(pcilu_crc32(start, buf + at, len), (uint32_t)crc32_z(start, buf + at, len));
	}
}

/* @count endpoints, each valid alone: 4,096 decode, one more is refused by count. */
static int decode_endpoints(size_t count, struct pcilu_diag *d)
{
	struct pcilu_manifest m = { .pcilu_version = strdup("0.3.0"), .profile = strdup("v4"), .count = count };
	struct pcilu_manifest back;
	void *buf;
	size_t len;
	int ret;

	m.nodes = calloc(count, sizeof(*m.nodes));
	assert_non_null(m.nodes);
	for (size_t i = 0; i < count; i++)
		m.nodes[i] = (struct pcilu_manifest_node){ .addr = { (uint32_t)(i >> 16), (uint16_t)i },
							   .role = PCILU_LU_ENDPOINT, .refcount = 1, .kgroup_id = -1 };
	assert_int_equal(pcilu_manifest_encode(&m, &buf, &len), 0);
	ret = pcilu_manifest_decode(buf, len, "many.dtb", &back, d);
	if (!ret)
		assert_int_equal(back.count, count);
	pcilu_manifest_free(&back);
	pcilu_manifest_free(&m);
	free(buf);
	return ret;
}

/* The node array is sized from the structure block once: the limit still holds, exactly. */
static void test_node_limit(void **state)
{
	struct pcilu_diag d;

	(void)state;
	pcilu_diag_init(&d);
	assert_int_equal(decode_endpoints(PCILU_MANIFEST_MAX_NODES, &d), 0);
	assert_int_equal(decode_endpoints(PCILU_MANIFEST_MAX_NODES + 1, &d), -EINVAL);
	assert_non_null(strstr(d.msgs[d.count - 1].text, "node /devices: more than 4096 device nodes"));
	assert_int_equal(decode_endpoints(1, &d), 0);
	pcilu_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_group_too_large),
		cmocka_unit_test(test_reads_back),
		cmocka_unit_test(test_node_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
