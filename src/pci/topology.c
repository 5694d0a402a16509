// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The topology: buses and bridges derived from config space (secondary and
 * subordinate bus numbers), never from sysfs paths, so that a flattened copy
 * of sysfs and an lspci dump give the same model. Devices end up in the order
 * the kernel probes them (pci_scan_child_bus_extend(), drivers/pci/probe.c,
 * 7.2: a bus's functions in devfn order, then each bridge's subtree in devfn
 * order; VFs when their PF enables SR-IOV, i.e. after the scan).
 */
#include "pci_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t dev_key(const struct pcilu_dev *d)
{
	return (uint64_t)d->seg << 16 | (uint64_t)d->bus << 8 | d->devfn;
}

static int cmp_addr(const void *a, const void *b)
{
	uint64_t kx = dev_key(a), ky = dev_key(b);

	return (kx > ky) - (kx < ky);
}

static int cmp_dev(const void *a, const void *b)
{
	const struct pcilu_dev *x = a, *y = b;
	int c = cmp_addr(a, b);

	return c ? c : (x->line > y->line) - (x->line < y->line);	/* keep input order */
}

/* Index in b->all (sorted by address) of an address, or PCILU_NONE. */
static int32_t find_all(const struct pcilu_builder *b, uint32_t seg, uint8_t bus, uint8_t devfn)
{
	const struct pcilu_dev key = { .seg = seg, .bus = bus, .devfn = devfn };
	const struct pcilu_dev *hit = b->nall ? bsearch(&key, b->all, b->nall, sizeof(*b->all), cmp_addr) : NULL;

	return hit ? (int32_t)(hit - b->all) : PCILU_NONE;
}

/* The config bytes belong to the topology's pool (t->cfg_pool), not to the device. */
static void drop_dev(struct pcilu_dev *d)
{
	free(d->driver);
	d->cfg = NULL;
	d->driver = NULL;
}

/*
 * Every config space of a topology lives in its pool: the loaders' pooled
 * bytes move with the pool, any other (a caller's own buffer) is copied in.
 */
static int take_cfg(struct pcilu_topology *t, struct pcilu_raw_dev *r, struct pcilu_dev *d)
{
	if (!r->cfg_pooled) {
		if (!t->cfg_pool && !(t->cfg_pool = pcilu_cfg_pool_new()))
			return -ENOMEM;
		d->cfg = pcilu_cfg_pool_intern(t->cfg_pool, r->cfg, r->cfg_len);
		if (!d->cfg)
			return -ENOMEM;
		free(r->cfg);
	} else {
		d->cfg = r->cfg;
	}
	r->cfg = NULL;
	r->cfg_pooled = false;
	d->cfg_len = r->cfg_len;
	return 0;
}

uint8_t *pcilu_topology_cfg_private(struct pcilu_topology *t, struct pcilu_dev *d)
{
	uint8_t *own = pcilu_cfg_pool_alloc(t->cfg_pool, d->cfg_len);

	if (own) {
		memcpy(own, d->cfg, d->cfg_len);
		d->cfg = own;
	}
	return own;
}

/* Move raw devices into b->all, sorted by address, duplicates refused. */
static int take_raw(struct pcilu_builder *b, struct pcilu_topology *t, struct pcilu_raw_host *raw)
{
	b->all = calloc(raw->count ? raw->count : 1, sizeof(*b->all));
	if (!b->all)
		return -ENOMEM;
	t->cfg_pool = raw->cfg_pool;
	raw->cfg_pool = NULL;
	for (size_t i = 0; i < raw->count; i++) {
		struct pcilu_raw_dev *r = &raw->devs[i];
		struct pcilu_dev *d = &b->all[i];

		if (take_cfg(t, r, d)) {
			for (size_t j = 0; j < i; j++)
				drop_dev(&b->all[j]);
			return -ENOMEM;
		}
		d->seg = r->seg;
		d->bus = r->bus;
		d->devfn = r->devfn;
		d->kernel_group = r->kernel_group;
		d->numa_node = r->numa_node;
		d->driver = r->driver;
		d->is_virtfn = r->physfn_known && r->is_virtfn;
		d->dead = r->dead;
		d->line = r->line;	/* 0: the source has no lines (spec, sysfs) */
		d->bus_idx = d->child_bus = d->physfn = PCILU_NONE;
		r->driver = NULL;
	}
	b->nall = raw->count;
	if (b->nall)
		qsort(b->all, b->nall, sizeof(*b->all), cmp_dev);
	size_t out = 0;

	for (size_t i = 0; i < b->nall; i++) {
		char bdf[24];

		if (out && dev_key(&b->all[out - 1]) == dev_key(&b->all[i])) {
			pcilu_diag_add(b->d, PCILU_ERROR, b->file, b->all[i].line, -1,
				       "%s: duplicate address; the first record is kept",
				       pcilu_bdf(&b->all[i], bdf, sizeof(bdf)));
			drop_dev(&b->all[i]);
			continue;
		}
		b->all[out++] = b->all[i];
	}
	b->nall = out;
	return 0;
}

static bool reads_absent(const struct pcilu_dev *d)
{
	return d->cfg_len >= 2 && pcilu_le16(d->cfg) == 0xffff;
}

static void mark_vf(struct pcilu_builder *b, size_t pf, int32_t j)
{
	if (j == PCILU_NONE || (size_t)j == pf)
		return;
	b->all[j].is_virtfn = true;
	b->all[j].physfn = (int32_t)pf;
}

/*
 * Whether VF number v < @n sits at @rid, for a PF whose VF v is at
 * (@first + v * @stride) mod 2^16 (pci_iov_virtfn_bus()/_devfn(), iov.c 7.2, with the
 * bus truncated to 8 bits). Solving v * stride == rid - first (mod 2^16)
 * costs the same for 65535 VFs as for one: a stride is 2^k times an odd
 * number, and odd numbers have an inverse modulo a power of two.
 */
static bool vf_at(uint32_t first, uint16_t stride, unsigned n, uint32_t rid)
{
	uint32_t d = (rid - first) & 0xffff, odd, inv;
	unsigned k = 0;

	if (!stride)
		return d == 0;
	while (!(stride >> k & 1))
		k++;
	if (d & ((1u << k) - 1))
		return false;
	odd = inv = stride >> k;
	for (int i = 0; i < 3; i++)	/* Newton doubles the correct low bits: 3, 6, 12, 24 >= 16 */
		inv *= 2 - odd * inv;
	return ((d >> k) * inv & (0xffffu >> k)) < n;
}

/*
 * The devices at the addresses the PF's SR-IOV state gives its VFs. A PF
 * may claim 65535 VFs while few devices exist, so walk devices, not VF
 * numbers: those inside the VFs' routing-ID range, or, when the range runs
 * past bus ff (reported by check_sriov()) and wraps, the PF's whole segment.
 */
static void mark_vfs_of(struct pcilu_builder *b, size_t i)
{
	const struct pcilu_dev *pf = &b->all[i];
	const struct pcilu_sriov *s = &pf->sriov;
	unsigned n = s->num_vfs < s->total_vfs ? s->num_vfs : s->total_vfs;
	uint32_t first = ((uint32_t)pf->bus << 8) + pf->devfn + s->vf_offset;
	uint64_t last = first + (uint64_t)s->vf_stride * (n ? n - 1 : 0);
	bool wraps = last > 0xffff;
	struct pcilu_dev key = { .seg = pf->seg };

	if (!n)
		return;
	if (!wraps) {
		key.bus = (uint8_t)(first >> 8);
		key.devfn = (uint8_t)first;
	}
	for (size_t j = pcilu_lower_bound(&key, b->all, b->nall, sizeof(*b->all), cmp_addr); j < b->nall; j++) {
		const struct pcilu_dev *d = &b->all[j];
		uint32_t rid = (uint32_t)d->bus << 8 | d->devfn;

		if (d->seg != pf->seg || rid > last)
			break;
		if (vf_at(first, s->vf_stride, n, rid))
			mark_vf(b, i, (int32_t)j);
	}
}

/* A VF answers config reads of its ids with ~0; the kernel takes them from the PF. */
static void mark_vfs(struct pcilu_builder *b)
{
	for (size_t i = 0; i < b->nall; i++)
		if (b->all[i].sriov.pos && (b->all[i].sriov.ctrl & PCI_SRIOV_CTRL_VFE))
			mark_vfs_of(b, i);
}

/* Link VFs named by sysfs (physfn) that the PF's SR-IOV state did not imply. */
static void link_known_vfs(struct pcilu_builder *b, const struct pcilu_raw_host *raw)
{
	for (size_t i = 0; i < raw->count; i++) {
		const struct pcilu_raw_dev *r = &raw->devs[i];
		int32_t vf, pf;

		if (!r->physfn_known || !r->is_virtfn)
			continue;
		vf = find_all(b, r->seg, r->bus, r->devfn);
		pf = find_all(b, r->pf_seg, r->pf_bus, r->pf_devfn);
		if (vf == PCILU_NONE || pf == PCILU_NONE || vf == pf)
			continue;
		/*
		 * The kernel's physfn link is its own fact and is kept; but a PF
		 * whose SR-IOV state does not place this VF (no capability, VF
		 * Enable clear, another routing ID) means a damaged or mixed copy.
		 */
		if (b->all[vf].physfn != pf) {
			char v[24], p[24];

			pcilu_diag_add(b->d, PCILU_WARN, b->file, b->all[vf].line, -1,
				       "%s: its physfn names %s, whose SR-IOV capability does not place a VF there; "
				       "kept as the kernel's VF", pcilu_bdf(&b->all[vf], v, sizeof(v)),
				       pcilu_bdf(&b->all[pf], p, sizeof(p)));
		}
		b->all[vf].physfn = pf;
	}
}

static void vf_ids_from_pf(struct pcilu_builder *b)
{
	for (size_t i = 0; i < b->nall; i++) {
		struct pcilu_dev *d = &b->all[i];

		if (!d->is_virtfn)
			continue;
		d->multifunction = false;	/* pci_iov_add_virtfn() never sets it */
		if (d->physfn == PCILU_NONE || d->vendor != 0xffff)
			continue;
		d->vendor = b->all[d->physfn].vendor;
		d->device = b->all[d->physfn].sriov.vf_device;
	}
}

static int decode_all(struct pcilu_builder *b, const struct pcilu_raw_host *raw)
{
	bool *done = calloc(b->nall ? b->nall : 1, sizeof(*done));
	size_t out = 0;
	int32_t *remap;

	if (!done)
		return -ENOMEM;
	/* Pass 1: everything that answers as a device; VFs may not yet. */
	for (size_t i = 0; i < b->nall; i++) {
		if (reads_absent(&b->all[i]) && !b->all[i].is_virtfn)
			continue;
		done[i] = pcilu_dev_decode(&b->all[i], b->file, b->d) == 0;
	}
	mark_vfs(b);
	link_known_vfs(b, raw);
	/*
	 * Pass 2: what still reads ~0 and is no VF was enumerated by the kernel
	 * (every source lists only devices the kernel has) and has stopped
	 * answering since: dead, kept, nothing decoded.
	 */
	for (size_t i = 0; i < b->nall; i++) {
		if (done[i] || !reads_absent(&b->all[i]))
			continue;
		b->all[i].dead = b->all[i].dead || !b->all[i].is_virtfn;
		done[i] = pcilu_dev_decode(&b->all[i], b->file, b->d) == 0;
	}
	vf_ids_from_pf(b);
	remap = malloc((b->nall ? b->nall : 1) * sizeof(*remap));
	if (!remap) {
		free(done);
		return -ENOMEM;
	}
	for (size_t i = 0; i < b->nall; i++) {
		remap[i] = done[i] ? (int32_t)out : PCILU_NONE;
		if (!done[i]) {
			drop_dev(&b->all[i]);
			continue;
		}
		b->all[out++] = b->all[i];
	}
	b->nall = out;
	for (size_t i = 0; i < b->nall; i++)
		if (b->all[i].physfn != PCILU_NONE)
			b->all[i].physfn = remap[b->all[i].physfn];
	free(remap);
	free(done);
	return 0;
}

/* Move devices and buses into the topology, renumbered in probe order. */
static int finish(struct pcilu_builder *b, struct pcilu_topology *t)
{
	int32_t *dmap = malloc((b->nall ? b->nall : 1) * sizeof(*dmap));
	int32_t *bmap = malloc((b->nbuses ? b->nbuses : 1) * sizeof(*bmap));
	size_t nun = b->nall - b->norder, u = 0;

	t->devs = calloc(b->norder ? b->norder : 1, sizeof(*t->devs));
	t->buses = calloc(b->nbus_order ? b->nbus_order : 1, sizeof(*t->buses));
	t->bus_devs = malloc((b->norder ? b->norder : 1) * sizeof(*t->bus_devs));
	t->unreachable = calloc(nun ? nun : 1, sizeof(*t->unreachable));
	if (!dmap || !bmap || !t->devs || !t->buses || !t->bus_devs || !t->unreachable) {
		free(dmap);
		free(bmap);
		return -ENOMEM;
	}
	for (size_t i = 0; i < b->nall; i++)
		dmap[i] = PCILU_NONE;
	for (size_t i = 0; i < b->nbuses; i++)
		bmap[i] = PCILU_NONE;
	for (size_t k = 0; k < b->norder; k++)
		dmap[b->order[k]] = (int32_t)k;
	for (size_t k = 0; k < b->nbus_order; k++)
		bmap[b->bus_order[k]] = (int32_t)k;
	for (size_t k = 0; k < b->nbus_order; k++) {
		struct pcilu_bus *dst = &t->buses[k];

		*dst = b->buses[b->bus_order[k]];
		dst->self = dst->self == PCILU_NONE ? PCILU_NONE : dmap[dst->self];
		dst->parent = dst->parent == PCILU_NONE ? PCILU_NONE : bmap[dst->parent];
		dst->count = 0;
	}
	for (size_t i = 0; i < b->nall; i++) {	/* address order gives devfn order per bus */
		struct pcilu_dev *d = &b->all[i];
		char bdf[24];

		if (dmap[i] == PCILU_NONE) {
			pcilu_diag_add(b->d, PCILU_ERROR, b->file, d->line, -1,
				       "%s: no bridge or root bus reaches bus %02x; left out of the topology",
				       pcilu_bdf(d, bdf, sizeof(bdf)), d->bus);
			d->bus_idx = d->child_bus = d->physfn = PCILU_NONE;
			t->unreachable[u++] = *d;
			continue;
		}

		d->bus_idx = bmap[b->bus_of[i]];
		d->child_bus = d->child_bus == PCILU_NONE ? PCILU_NONE : bmap[d->child_bus];
		d->physfn = d->physfn == PCILU_NONE ? PCILU_NONE : dmap[d->physfn];
		t->devs[dmap[i]] = *d;
	}
	t->ndevs = b->norder;
	t->nbuses = b->nbus_order;
	t->nunreachable = u;
	/* bus_devs: every bus's devices, devfn ascending, contiguous. */
	size_t at = 0;

	for (size_t k = 0; k < t->nbuses; k++) {
		const struct pcilu_bus *src = &b->buses[b->bus_order[k]];

		t->buses[k].first = (uint32_t)at;
		for (uint32_t i = src->first; i < src->first + src->count; i++)
			if (dmap[i] != PCILU_NONE)
				t->bus_devs[at++] = dmap[i];
		t->buses[k].count = (uint32_t)(at - t->buses[k].first);
	}
	free(dmap);
	free(bmap);
	return 0;
}

static void builder_free(struct pcilu_builder *b)
{
	free(b->all);
	free(b->buses);
	free(b->bus_of);
	free(b->order);
	free(b->bus_order);
	free(b->reached);
}

void pcilu_topology_free(struct pcilu_topology *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ndevs; i++)
		drop_dev(&t->devs[i]);
	for (size_t i = 0; i < t->nunreachable; i++)
		drop_dev(&t->unreachable[i]);
	free(t->devs);
	free(t->buses);
	free(t->bus_devs);
	free(t->unreachable);
	free(t->hash);
	pcilu_cfg_pool_free(t->cfg_pool);
	free(t->name);
	free(t->kernel_release);
	free(t->cmdline);
	pcilu_capture_info_free(t->capture);
	for (size_t i = 0; i < PCILU_ACPI_NTABLES; i++)
		free(t->acpi[i].data);
	free(t);
}

/*
 * pci_bridge_child_ext_cfg_accessible() (drivers/pci/probe.c, 7.2): PCIe root
 * and switch ports pass extended config space on; other bridges only in
 * PCI-X Mode 2 (266 or 533 MHz capable).
 */
static bool child_ext_cfg_accessible(const struct pcilu_dev *b)
{
	uint32_t status;
	int pos;

	if (b->pcie_pos && (b->pcie_type == PCI_EXP_TYPE_ROOT_PORT || b->pcie_type == PCI_EXP_TYPE_UPSTREAM ||
			    b->pcie_type == PCI_EXP_TYPE_DOWNSTREAM))
		return true;
	pos = pcilu_find_capability(b, PCI_CAP_ID_PCIX);
	if (pos <= 0 || pcilu_read_config_dword(b, (unsigned)pos + PCI_X_STATUS, &status))
		return false;
	return status & (PCI_X_STATUS_266MHZ | PCI_X_STATUS_533MHZ);
}

/*
 * PCI_BUS_FLAGS_NO_EXTCFG as pci_alloc_child_bus() sets it, in probe order
 * (a bridge before its subtree): below such a bus the kernel's
 * pci_cfg_space_size() is 256, so the extended capabilities (ACS, ARI) do not
 * exist for it. That is the kernel's own view, not an unknown: a root read
 * shows the same 256 bytes.
 */
static void mark_no_extcfg(struct pcilu_topology *t)
{
	for (size_t i = 0; i < t->ndevs; i++) {
		struct pcilu_dev *d = &t->devs[i];
		bool hidden = d->bus_idx != PCILU_NONE && t->buses[d->bus_idx].no_extcfg;

		if (pcilu_is_bridge(d) && d->child_bus != PCILU_NONE)
			t->buses[d->child_bus].no_extcfg = hidden || !child_ext_cfg_accessible(d);
		if (!hidden || !d->pcie_pos)
			continue;
		d->ext_state = PCILU_EXT_HIDDEN;
		d->acs_pos = d->acs_cap = d->acs_ctrl = 0;
		d->ari_pos = 0;
		if (d->cfg_len > PCI_CFG_SPACE_SIZE)
			d->cfg_len = PCI_CFG_SPACE_SIZE;
	}
}

int pcilu_topology_build(struct pcilu_raw_host *raw, struct pcilu_topology **out,
			 struct pcilu_diag *d)
{
	struct pcilu_builder b = { .file = raw->name, .d = d };
	struct pcilu_topology *t = calloc(1, sizeof(*t));
	int ret;

	*out = NULL;
	if (!t)
		return -ENOMEM;
	t->kind = raw->kind;
	t->has_kernel_groups = raw->has_kernel_groups;
	t->config_truncated = raw->config_truncated;
	t->live = raw->live;
	t->iommu = raw->iommu;
	t->iommu_from = raw->iommu_from;
	/* A kernel group on any device proves the IOMMU was on, whatever the format. */
	if (raw->has_kernel_groups && raw->iommu == PCILU_IOMMU_UNKNOWN) {
		t->iommu = PCILU_IOMMU_PRESENT;
		t->iommu_from = PCILU_FROM_GROUPS;
	}
	t->name = raw->name;
	t->kernel_release = raw->kernel_release;
	t->cmdline = raw->cmdline;
	t->capture = raw->capture;
	memcpy(t->acpi, raw->acpi, sizeof(t->acpi));
	raw->name = raw->kernel_release = raw->cmdline = NULL;
	raw->capture = NULL;
	memset(raw->acpi, 0, sizeof(raw->acpi));
	b.file = t->name;
	ret = take_raw(&b, t, raw);
	if (!ret)
		ret = decode_all(&b, raw);
	if (!ret) {
		pcilu_check_bus_ranges(b.all, b.nall, b.file, d);
		ret = pcilu_make_buses(&b);
	}
	if (!ret)
		ret = pcilu_walk_buses(&b);
	if (!ret)
		ret = finish(&b, t);
	if (!ret) {
		for (size_t i = 0; i < b.nall; i++)	/* ownership moved to t */
			b.all[i].driver = NULL;
		t->ndead = 0;
		/* sysfs always shows the binding; a dump only when lspci -k wrote any "Kernel driver in use". */
		t->has_drivers = t->kind == PCILU_SRC_SYSFS || t->kind == PCILU_SRC_CAPTURE;
		for (size_t i = 0; i < t->ndevs; i++) {
			int32_t up = pcilu_upstream_bridge(t, (int32_t)i);

			t->ndead += t->devs[i].dead;
			t->has_drivers |= t->devs[i].driver != NULL;

			pcilu_fixup_port_type(&t->devs[i], up == PCILU_NONE ? NULL : &t->devs[up]);
		}
		mark_no_extcfg(t);
		ret = pcilu_hash_build(t);
	} else {
		for (size_t i = 0; i < b.nall; i++)
			drop_dev(&b.all[i]);
	}
	builder_free(&b);
	pcilu_raw_host_free(raw);
	if (ret) {
		pcilu_topology_free(t);
		return ret;
	}
	*out = t;
	return 0;
}
