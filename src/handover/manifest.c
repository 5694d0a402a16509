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
#include <libfdt.h>
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
	ret = pcilu_lu_gindex_build(t, io ? io->group : NULL, false, &gx[0]);
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

	pcilu_manifest_node_name(n->addr, name);
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

int pcilu_manifest_encode(const struct pcilu_manifest *m, void **buf, size_t *len)
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

int pcilu_manifest_write_file(const char *path, const void *buf, size_t len, struct pcilu_diag *d)
{
	/* 0600: the manifest names the machine (machine id, boot id). */
	return pcilu_write_atomic(path, buf, len, 0600, d);
}
