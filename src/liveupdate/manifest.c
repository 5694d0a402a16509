// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The handover manifest: what was preserved and how the hierarchy looked
 * before kexec, as a flattened device tree so that dtc shows it to a person
 * and the kernel's own handover format (KHO) looks alike. Layout:
 * docs/manifest.md. The reader is in manifest_read.c.
 */
#include "liveupdate_int.h"
#include "../base/base_int.h"

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

const char *pcilu_lu_role_name(enum pcilu_lu_role r)
{
	return r == PCILU_LU_BRIDGE ? "bridge" : r == PCILU_LU_ENDPOINT ? "endpoint" : "unknown";
}

char *pcilu_lu_addr_fmt(struct pcilu_lu_addr a, char *buf, size_t len)
{
	return pcilu_bdf_fmt(a.seg, (uint8_t)(a.bdf >> 8), (uint8_t)a.bdf, buf, len);
}

void pcilu_manifest_node_name(struct pcilu_lu_addr a, char *buf, size_t len)
{
	snprintf(buf, len, "pci-%04x-%02x-%02x.%x", a.seg, a.bdf >> 8, PCI_SLOT(a.bdf), PCI_FUNC(a.bdf));
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

static int fill_groups(const struct pcilu_topology *t, const struct pcilu_lu_iommu *io, int32_t dev,
		       struct pcilu_manifest_node *n)
{
	int ret;

	if (io && io->group) {
		ret = pcilu_lu_group_members(t, io->group, false, dev, &n->group, &n->ngroup);
		if (ret)
			return ret;
		n->group_known = n->ngroup > 0;
	}
	if (t->devs[dev].kernel_group >= 0) {
		ret = pcilu_lu_group_members(t, NULL, true, dev, &n->kgroup, &n->nkgroup);
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
		     const struct pcilu_lu_iommu *io, struct pcilu_manifest_node *n)
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
	return fill_groups(t, io, pn->dev, n);
}

int pcilu_manifest_build(const struct pcilu_topology *t, const struct pcilu_preserve_set *set,
			 const struct pcilu_lu_iommu *io, const char *profile,
			 struct pcilu_manifest *m, struct pcilu_diag *d)
{
	int ret;

	(void)d;
	if (set->count > PCILU_MANIFEST_MAX_NODES)
		return -E2BIG;
	m->pcilu_version = strdup(PCILU_VERSION_STRING);
	m->profile = strdup(profile ? profile : "v4");
	m->nodes = calloc(set->count ? set->count : 1, sizeof(*m->nodes));
	if (!m->pcilu_version || !m->profile || !m->nodes)
		return -ENOMEM;
	for (size_t i = 0; i < set->count; i++) {
		m->count++;
		ret = fill_node(t, &set->nodes[i], io, &m->nodes[i]);
		if (ret)
			return ret;
	}
	return 0;
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

	pcilu_manifest_node_name(n->addr, name, sizeof(name));
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
	r = r ?: fdt_begin_node(fdt, "host");
	r = r ?: put_str(fdt, "kernel-release", m->host.kernel_release);
	r = r ?: put_str(fdt, "boot-id", m->host.boot_id);
	r = r ?: put_str(fdt, "machine-id", m->host.machine_id);
	r = r ?: fdt_property_u64(fdt, "time", m->host.time);
	r = r ?: fdt_end_node(fdt);
	r = r ?: fdt_begin_node(fdt, "devices");
	for (size_t i = 0; !r && i < m->count; i++)
		r = put_node(fdt, &m->nodes[i]);
	r = r ?: fdt_end_node(fdt);
	r = r ?: fdt_end_node(fdt);
	return r ?: fdt_finish(fdt);
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
		r = fdt_create(fdt, (int)cap);
		r = r ?: put_tree(fdt, m);
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

int pcilu_manifest_write_file(const char *path, const void *buf, size_t len)
{
	return pcilu_write_atomic(path, buf, len);
}
