// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The handover manifest: what was preserved and how the hierarchy looked
 * before kexec, as a flattened device tree so that dtc shows it to a person
 * and the kernel's own handover format (KHO) looks alike. Layout:
 * docs/manifest.md. The reader is in manifest_read.c.
 */
#include "handover_int.h"
#include "../base/base_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

/* @n hex digits of @v, at least @min of them (as "%0*x"); returns the end. */
static char *put_hex(char *p, uint32_t v, int min)
{
	static const char hex[] = "0123456789abcdef";
	int n = min;

	while (n < 8 && v >> (4 * n))
		n++;
	for (int i = n - 1; i >= 0; i--)
		*p++ = hex[(v >> (4 * i)) & 0xf];
	return p;
}

/* "pci-%04x-%02x-%02x.%x" by hand: every node of a large manifest is named on write and on read. */
size_t pcilu_manifest_node_name(struct pcilu_lu_addr a, char *buf)
{
	char *p = buf;

	memcpy(p, "pci-", 4);
	p = put_hex(p + 4, a.seg, 4);
	*p++ = '-';
	p = put_hex(p, a.bdf >> 8, 2);
	*p++ = '-';
	p = put_hex(p, PCI_SLOT(a.bdf), 2);
	*p++ = '.';
	p = put_hex(p, PCI_FUNC(a.bdf), 1);
	*p = '\0';
	return (size_t)(p - buf);
}

/* One line of a small text file, trimmed; NULL when unreadable or empty. */
static char *read_line(const char *root, const char *path, struct pcilu_diag *d)
{
	char full[4096], *buf = NULL;
	size_t len;
	struct pcilu_diag quiet;

	snprintf(full, sizeof(full), "%s%s", root ? root : "", path);
	pcilu_diag_init(&quiet);
	if (pcilu_read_file(full, &buf, &len, &quiet)) {
		pcilu_diag_add(d, PCILU_NOTE, full, 0, -1, "not readable; the manifest will not record it");
		pcilu_diag_free(&quiet);
		return NULL;
	}
	pcilu_diag_free(&quiet);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!buf[0] || strlen(buf) >= PCILU_MANIFEST_STR_MAX) {
		free(buf);
		return NULL;
	}
	return buf;
}

int pcilu_manifest_host_collect(struct pcilu_manifest_host *h, const char *root,
				struct pcilu_diag *d)
{
	struct utsname u;

	memset(h, 0, sizeof(*h));
	h->boot_id = read_line(root, "/proc/sys/kernel/random/boot_id", d);
	h->machine_id = read_line(root, "/etc/machine-id", d);
	if ((!root || !root[0]) && uname(&u) == 0) {
		h->kernel_release = strdup(u.release);
		if (!h->kernel_release)
			return -ENOMEM;
	} else {
		h->kernel_release = read_line(root, "/proc/sys/kernel/osrelease", d);
	}
	h->time = (uint64_t)time(NULL);
	return 0;
}

const char *pcilu_host_source_name(enum pcilu_host_source s)
{
	return s == PCILU_HOST_LIVE ? "live" : s == PCILU_HOST_CAPTURE ? "capture" : NULL;
}

/* What the reader accepts as a string property: printable ASCII, bounded. */
static bool printable(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return n && n < PCILU_MANIFEST_STR_MAX;
}

int pcilu_manifest_host_for(struct pcilu_manifest_host *h, const struct pcilu_topology *t,
			    struct pcilu_diag *d)
{
	int ret = pcilu_manifest_host_collect(h, NULL, d);

	if (ret || t->live) {
		h->source = PCILU_HOST_LIVE;
		return ret;
	}
	/* This machine's kernel says nothing about the captured one. */
	h->source = PCILU_HOST_CAPTURE;
	free(h->kernel_release);
	h->kernel_release = NULL;
	if (t->kernel_release && !printable(t->kernel_release))
		pcilu_diag_add(d, PCILU_NOTE, t->name, 0, -1,
			       "the kernel release it records is not printable; the manifest will not record it");
	else if (t->kernel_release && !(h->kernel_release = strdup(t->kernel_release)))
		return -ENOMEM;
	return 0;
}

/* gx[0]: the computed groups (x->group NULL when there are none), gx[1]: the kernel's. */
static int fill_groups(const struct pcilu_topology *t, const struct pcilu_lu_gindex *gx, int32_t dev,
		       struct pcilu_manifest_node *n)
{
	int ret;

	if (gx[0].group) {
		ret = pcilu_lu_group_members(t, &gx[0], dev, &n->group, &n->ngroup);
		if (ret)
			return ret;
		n->group_known = n->ngroup > 0;
	}
	if (t->devs[dev].kernel_group >= 0) {
		ret = pcilu_lu_group_members(t, &gx[1], dev, &n->kgroup, &n->nkgroup);
		if (ret)
			return ret;
		n->kgroup_known = true;
		n->kgroup_id = t->devs[dev].kernel_group;
	}
	if (n->ngroup > PCILU_MANIFEST_MAX_GROUP || n->nkgroup > PCILU_MANIFEST_MAX_GROUP)
		return -E2BIG;
	return 0;
}

static int fill_node(const struct pcilu_topology *t, const struct pcilu_preserve_node *pn,
		     const struct pcilu_lu_gindex *gx, struct pcilu_manifest_node *n)
{
	const struct pcilu_dev *p = &t->devs[pn->dev];

	n->addr = pcilu_lu_addr_of(p);
	n->vendor = p->vendor;
	n->device = p->device;
	n->subsys_vendor = p->subsys_vendor;
	n->subsys_device = p->subsys_device;
	n->class = p->class;
	n->revision = p->revision;
	n->role = pn->role;
	n->refcount = pn->refcount;
	n->has_acs = p->acs_pos != 0;
	n->acs_cap = p->acs_cap;
	n->acs_ctrl = p->acs_ctrl;
	n->is_bridge = pcilu_is_bridge(p);
	n->primary = p->primary;
	n->secondary = p->secondary;
	n->subordinate = p->subordinate;
	n->ari_fwd = p->ari_fwd;
	n->kgroup_id = -1;
	return fill_groups(t, gx, pn->dev, n);
}

int pcilu_manifest_build(const struct pcilu_topology *t, const struct pcilu_preserve_set *set,
			 const struct pcilu_lu_iommu *io, const char *profile,
			 struct pcilu_manifest *m, struct pcilu_diag *d)
{
	struct pcilu_lu_gindex gx[2];
	int ret;

	if (set->count > PCILU_MANIFEST_MAX_NODES) {
		pcilu_diag_add(d, PCILU_ERROR, t->name, 0, -1,
			       "the plan preserves %zu nodes (endpoints and bridges); a manifest holds at most %d",
			       set->count, PCILU_MANIFEST_MAX_NODES);
		return -E2BIG;
	}
	m->pcilu_version = strdup(PCILU_VERSION_STRING);
	m->profile = strdup(profile ? profile : "v4");
	m->nodes = calloc(set->count ? set->count : 1, sizeof(*m->nodes));
	if (!m->pcilu_version || !m->profile || !m->nodes)
		return -ENOMEM;
	ret = pcilu_lu_gindex_of(t, io, &gx[0]);
	if (ret)
		return ret;
	ret = pcilu_lu_gindex_build(t, NULL, true, &gx[1]);
	for (size_t i = 0; !ret && i < set->count; i++) {
		m->count++;
		ret = fill_node(t, &set->nodes[i], gx, &m->nodes[i]);
	}
	if (ret == -E2BIG) {
		char b[24];

		pcilu_diag_add(d, PCILU_ERROR, t->name, 0, -1,
			       "the IOMMU group of %s has more than %d members, more than a manifest records",
			       pcilu_bdf(&t->devs[set->nodes[m->count - 1].dev], b, sizeof(b)),
			       PCILU_MANIFEST_MAX_GROUP);
	}
	pcilu_lu_gindex_free(&gx[0]);
	pcilu_lu_gindex_free(&gx[1]);
	return ret;
}

void pcilu_manifest_free(struct pcilu_manifest *m)
{
	for (size_t i = 0; m->nodes && i < m->count; i++) {
		free(m->nodes[i].group);
		free(m->nodes[i].kgroup);
	}
	free(m->nodes);
	free(m->host.kernel_release);
	free(m->host.boot_id);
	free(m->host.machine_id);
	free(m->pcilu_version);
	free(m->profile);
	memset(m, 0, sizeof(*m));
}

/* ---- Encoding ---- */

/*
 * The blob is written straight into one buffer of its exact size: header,
 * an empty memory reservation map, the structure block, then the strings
 * block with each name once, in the order of first use. These are the bytes
 * libfdt's sequential writer gave (fdt_create() + fdt_finish(), names shared
 * afterwards), which the unit test compares; libfdt searched the strings
 * block at every property and was most of the encoding time.
 */
#define RSVMAP_OFF	48u	/* the header, aligned to a reservation entry (16 bytes), as fdt_create() */
#define STRUCT_OFF	(RSVMAP_OFF + 16u)

/* Every property name a manifest uses; the strings block holds those used, in order of first use. */
enum pname {
	N_COMPATIBLE, N_VERSION, N_PROFILE, N_FORCED, N_CRC, N_RELEASE, N_BOOT_ID, N_MACHINE_ID, N_TIME,
	N_SOURCE, N_IOMMU, N_PCI_LU, N_SEG, N_BUS, N_DEVFN, N_VENDOR, N_DEVICE, N_SVENDOR, N_SDEVICE,
	N_CLASS, N_REV, N_ROLE, N_REF, N_ACSCAP, N_ACSCTRL, N_BUSNUM, N_ARI, N_GROUP, N_KGROUP, N_KMEMBERS,
	N_COUNT
};

static const char *const pnames[N_COUNT] = {
	"compatible", "pcilu-version", "rule-profile", "forced", "crc32", "kernel-release", "boot-id",
	"machine-id", "time", "source", "iommu", "pci-liveupdate", "segment", "bus", "devfn", "vendor-id",
	"device-id", "subsystem-vendor-id", "subsystem-id", "class-code", "revision-id", "role", "refcount",
	"acs-cap", "acs-ctrl", "bus-numbers", "ari-forwarding", "iommu-group", "kernel-iommu-group",
	"kernel-iommu-group-members",
};

#define STRINGS_MAX	512u	/* all of pnames[] with their NULs, with room to spare */

struct out {
	uint8_t *b;
	size_t at;		/* next byte of the structure block */
	size_t end;		/* where the structure block must end: its size was computed first */
	char str[STRINGS_MAX];
	uint32_t nstr;
	uint32_t nameoff[N_COUNT];	/* UINT32_MAX until first used */
	size_t crc;		/* offset of /crc32's value */
};

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static size_t prop_size(size_t len)
{
	return 12 + align4(len);
}

static size_t str_size(const char *s)
{
	return s ? prop_size(strlen(s) + 1) : 0;
}

static void put_cell(struct out *o, uint32_t v)
{
	pcilu_put_be32(o->b + o->at, v);
	o->at += 4;
}

static uint32_t name_off(struct out *o, enum pname k)
{
	if (o->nameoff[k] == UINT32_MAX) {
		size_t len = strlen(pnames[k]) + 1;

		memcpy(o->str + o->nstr, pnames[k], len);
		o->nameoff[k] = o->nstr;
		o->nstr += (uint32_t)len;
	}
	return o->nameoff[k];
}

/* A property's tag, length and name; its value follows, padded by put_bytes() or put_cell(). */
static void put_head(struct out *o, enum pname k, size_t len)
{
	put_cell(o, PCILU_FDT_PROP);
	put_cell(o, (uint32_t)len);
	put_cell(o, name_off(o, k));
}

static void put_bytes(struct out *o, const void *v, size_t len)
{
	memcpy(o->b + o->at, v, len);
	memset(o->b + o->at + len, 0, align4(len) - len);
	o->at += align4(len);
}

static void put_u32(struct out *o, enum pname k, uint32_t v)
{
	put_head(o, k, 4);
	put_cell(o, v);
}

static void put_str(struct out *o, enum pname k, const char *s)
{
	if (!s)
		return;
	put_head(o, k, strlen(s) + 1);
	put_bytes(o, s, strlen(s) + 1);
}

static void put_addrs(struct out *o, enum pname k, const struct pcilu_lu_addr *a, size_t n)
{
	put_head(o, k, n * 8);
	for (size_t i = 0; i < n; i++) {
		put_cell(o, a[i].seg);
		put_cell(o, a[i].bdf);
	}
}

static void begin_node(struct out *o, const char *name, size_t len)
{
	put_cell(o, PCILU_FDT_BEGIN_NODE);
	put_bytes(o, name, len + 1);
}

static size_t node_size(const struct pcilu_manifest_node *n)
{
	size_t s = 4 + align4(PCILU_MANIFEST_NODE_NAME_LEN) + 4;	/* at most: the name is shorter */

	s += 11 * prop_size(4) + str_size(pcilu_lu_role_name(n->role));	/* 11 cells and the role */
	s += n->has_acs ? 2 * prop_size(4) : 0;
	s += n->is_bridge ? prop_size(12) : 0;
	s += n->group_known ? prop_size(n->ngroup * 8) : 0;
	s += n->kgroup_known ? prop_size(4) + prop_size(n->nkgroup * 8) : 0;
	return s;
}

static void put_node(struct out *o, const struct pcilu_manifest_node *n)
{
	char name[PCILU_MANIFEST_NODE_NAME_LEN];
	size_t len = pcilu_manifest_node_name(n->addr, name);

	begin_node(o, name, len);
	put_u32(o, N_SEG, n->addr.seg);
	put_u32(o, N_BUS, n->addr.bdf >> 8);
	put_u32(o, N_DEVFN, n->addr.bdf & 0xff);
	put_u32(o, N_VENDOR, n->vendor);
	put_u32(o, N_DEVICE, n->device);
	put_u32(o, N_SVENDOR, n->subsys_vendor);
	put_u32(o, N_SDEVICE, n->subsys_device);
	put_u32(o, N_CLASS, n->class);
	put_u32(o, N_REV, n->revision);
	put_str(o, N_ROLE, pcilu_lu_role_name(n->role));
	put_u32(o, N_REF, n->refcount);
	if (n->has_acs) {
		put_u32(o, N_ACSCAP, n->acs_cap);
		put_u32(o, N_ACSCTRL, n->acs_ctrl);
	}
	if (n->is_bridge) {
		put_head(o, N_BUSNUM, 12);
		put_cell(o, n->primary);
		put_cell(o, n->secondary);
		put_cell(o, n->subordinate);
	}
	put_u32(o, N_ARI, n->ari_fwd);
	if (n->group_known)
		put_addrs(o, N_GROUP, n->group, n->ngroup);
	if (n->kgroup_known) {
		put_u32(o, N_KGROUP, (uint32_t)n->kgroup_id);
		put_addrs(o, N_KMEMBERS, n->kgroup, n->nkgroup);
	}
	put_cell(o, PCILU_FDT_END_NODE);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static const char *iommu_word(const struct pcilu_manifest_host *h)
{
	return h->facts_recorded ? (h->iommu_on ? "on" : "off") : NULL;
}

static const char *klu_word(const struct pcilu_manifest_host *h)
{
	return h->facts_recorded ? pcilu_lu_klu_name(h->pci_lu) : NULL;
}

/* Bytes of the structure block, or 0 when a group is too large to record. */
static size_t struct_size(const struct pcilu_manifest *m)
{
	const struct pcilu_manifest_host *h = &m->host;
	size_t s = 8 + str_size(PCILU_MANIFEST_COMPATIBLE) + str_size(or_empty(m->pcilu_version)) +
		   str_size(or_empty(m->profile)) + 2 * prop_size(4);

	s += 12 + str_size(h->kernel_release) + str_size(h->boot_id) + str_size(h->machine_id) +
	     prop_size(8) + str_size(pcilu_host_source_name(h->source)) + str_size(iommu_word(h)) +
	     str_size(klu_word(h)) + 4;
	s += 12 + 4 + 4 + 4;	/* "devices" begun and ended, the root ended, FDT_END */
	for (size_t i = 0; i < m->count; i++) {
		if (m->nodes[i].ngroup > PCILU_MANIFEST_MAX_GROUP || m->nodes[i].nkgroup > PCILU_MANIFEST_MAX_GROUP)
			return 0;
		s += node_size(&m->nodes[i]);
	}
	return s;
}

static void put_tree(struct out *o, const struct pcilu_manifest *m)
{
	const struct pcilu_manifest_host *h = &m->host;
	uint8_t t[8];

	begin_node(o, "", 0);
	put_str(o, N_COMPATIBLE, PCILU_MANIFEST_COMPATIBLE);
	put_str(o, N_VERSION, or_empty(m->pcilu_version));
	put_str(o, N_PROFILE, or_empty(m->profile));
	put_u32(o, N_FORCED, m->forced);
	put_u32(o, N_CRC, 0);	/* the seal, once the blob is complete */
	o->crc = o->at - 4;
	begin_node(o, "host", 4);
	put_str(o, N_RELEASE, h->kernel_release);
	put_str(o, N_BOOT_ID, h->boot_id);
	put_str(o, N_MACHINE_ID, h->machine_id);
	pcilu_put_be32(t, (uint32_t)(h->time >> 32));
	pcilu_put_be32(t + 4, (uint32_t)h->time);
	put_head(o, N_TIME, 8);
	put_bytes(o, t, 8);
	put_str(o, N_SOURCE, pcilu_host_source_name(h->source));
	put_str(o, N_IOMMU, iommu_word(h));
	put_str(o, N_PCI_LU, klu_word(h));
	put_cell(o, PCILU_FDT_END_NODE);
	begin_node(o, "devices", 7);
	for (size_t i = 0; i < m->count; i++)
		put_node(o, &m->nodes[i]);
	put_cell(o, PCILU_FDT_END_NODE);
	put_cell(o, PCILU_FDT_END_NODE);
	put_cell(o, PCILU_FDT_END);
}

static void put_header(uint8_t *b, size_t st_size, size_t str_size)
{
	memset(b, 0, STRUCT_OFF);
	pcilu_put_be32(b + PCILU_FDTH_MAGIC, PCILU_FDT_MAGIC);
	pcilu_put_be32(b + PCILU_FDTH_TOTALSIZE, (uint32_t)(STRUCT_OFF + st_size + str_size));
	pcilu_put_be32(b + PCILU_FDTH_OFF_STRUCT, STRUCT_OFF);
	pcilu_put_be32(b + PCILU_FDTH_OFF_STRINGS, (uint32_t)(STRUCT_OFF + st_size));
	pcilu_put_be32(b + PCILU_FDTH_OFF_RSVMAP, RSVMAP_OFF);
	pcilu_put_be32(b + PCILU_FDTH_VERSION, PCILU_FDT_VERSION);
	pcilu_put_be32(b + PCILU_FDTH_LAST_COMP, PCILU_FDT_LAST_COMP);
	pcilu_put_be32(b + PCILU_FDTH_SIZE_STRINGS, (uint32_t)str_size);
	pcilu_put_be32(b + PCILU_FDTH_SIZE_STRUCT, (uint32_t)st_size);
}

int pcilu_manifest_encode(const struct pcilu_manifest *m, void **buf, size_t *len)
{
	size_t st = struct_size(m);
	struct out o;

	*buf = NULL;
	*len = 0;
	if (!st)
		return -EINVAL;
	/* A larger blob could not be read back: pcilu_manifest_decode() refuses it. */
	if (STRUCT_OFF + st + STRINGS_MAX > PCILU_MANIFEST_MAX_SIZE)
		return -E2BIG;
	memset(o.nameoff, 0xff, sizeof(o.nameoff));
	o.nstr = 0;
	o.b = malloc(STRUCT_OFF + st + STRINGS_MAX);
	if (!o.b)
		return -ENOMEM;
	o.at = STRUCT_OFF;
	o.end = STRUCT_OFF + st;
	put_tree(&o, m);
	/* struct_size() counts each node name at its longest, so the block is at most that. */
	if (o.at > o.end) {
		free(o.b);
		return -EINVAL;
	}
	st = o.at - STRUCT_OFF;
	memcpy(o.b + o.at, o.str, o.nstr);
	put_header(o.b, st, o.nstr);
	*len = STRUCT_OFF + st + o.nstr;
	pcilu_manifest_seal(o.b, *len, o.crc);
	*buf = o.b;
	return 0;
}

int pcilu_manifest_write_file(const char *path, const void *buf, size_t len, struct pcilu_diag *d)
{
	/* 0600: the manifest names the machine (machine id, boot id). */
	return pcilu_write_atomic(path, buf, len, 0600, d);
}
