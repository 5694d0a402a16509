// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The next kernel's host as raw devices: a copy of the host as read, plus the
 * events of the simulation (a device hot-plugged below a bridge, VFs enabled
 * on a PF). Nothing here touches a real device: every change is made in
 * copies of config space.
 */
#include "simulate_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pcilu_sim_raw_copy(const struct pcilu_topology *t, struct pcilu_raw_host *h)
{
	pcilu_raw_host_init(h, t->kind, t->name);
	if (t->name && !h->name)
		return -ENOMEM;
	if (t->cmdline && !(h->cmdline = strdup(t->cmdline)))
		return -ENOMEM;
	for (size_t i = 0; i < t->ndevs; i++) {
		const struct pcilu_dev *d = &t->devs[i];
		struct pcilu_raw_dev *r = pcilu_raw_host_add(h);

		/* pooled: the copy of a million-function host costs its distinct configs only */
		if (!r || pcilu_raw_dev_set_cfg(h, r, d->cfg, d->cfg_len))
			return -ENOMEM;
		r->seg = d->seg;
		r->bus = d->bus;
		r->devfn = d->devfn;
		r->numa_node = d->numa_node;
		r->line = d->line;
		r->physfn_known = true;
		r->is_virtfn = d->is_virtfn;
		r->dead = d->dead;
		if (d->is_virtfn && d->physfn != PCILU_NONE) {
			const struct pcilu_dev *pf = &t->devs[d->physfn];

			r->pf_seg = pf->seg;
			r->pf_bus = pf->bus;
			r->pf_devfn = pf->devfn;
		}
		if (d->driver && !(r->driver = strdup(d->driver)))
			return -ENOMEM;
		/* the next kernel's groups are what is being computed; the old ones do not carry over */
		r->kernel_group = PCILU_NO_GROUP;
	}
	if (t->config_truncated)
		h->config_truncated = true;
	/* Same hardware, same IOMMU: the fact holds unless another command line is given. */
	h->iommu = t->iommu;
	h->iommu_from = t->iommu_from;
	h->ndead = t->ndead;
	return 0;
}

static bool taken(const struct pcilu_topology *t, const struct pcilu_raw_host *h, size_t from,
		  uint32_t seg, uint8_t bus, uint8_t devfn)
{
	if (pcilu_topology_find(t, seg, bus, devfn) != PCILU_NONE)
		return true;
	for (size_t i = from; i < h->count; i++)
		if (h->devs[i].seg == seg && h->devs[i].bus == bus && h->devs[i].devfn == devfn)
			return true;
	return false;
}

/* The highest bus number in use behind a bridge (its secondary at least). */
static uint8_t last_used_bus(const struct pcilu_topology *t, const struct pcilu_dev *br)
{
	unsigned max = br->secondary;

	for (size_t i = 0; i < t->ndevs; i++) {
		const struct pcilu_dev *d = &t->devs[i];

		if (d->seg != br->seg || d->bus < br->secondary || d->bus > br->subordinate)
			continue;
		if (d->bus > max)
			max = d->bus;
		if (pcilu_is_bridge(d) && d->subordinate > max && d->subordinate <= br->subordinate)
			max = d->subordinate;
	}
	return (uint8_t)max;
}

struct resolve_arg {
	const struct pcilu_topology *t;
	const char *name;
};

static int resolve(void *arg, uint32_t seg, uint8_t bus, uint8_t devfn, struct pcilu_spec_attach *at,
		   struct pcilu_diag *d)
{
	const struct resolve_arg *ra = arg;
	int32_t i = pcilu_topology_find(ra->t, seg, bus, devfn);
	const struct pcilu_dev *br;
	char bdf[24];

	pcilu_bdf_fmt(seg, bus, devfn, bdf, sizeof(bdf));
	if (i == PCILU_NONE) {
		pcilu_diag_add(d, PCILU_ERROR, ra->name, 0, -1, "/under: no device %s in the host", bdf);
		return -ENOENT;
	}
	br = &ra->t->devs[i];
	if (!pcilu_is_bridge(br) || br->hdr_type != PCI_HEADER_TYPE_BRIDGE) {
		pcilu_diag_add(d, PCILU_ERROR, ra->name, 0, -1,
			       "/under: %s is not a PCI-to-PCI bridge; devices appear below ports", bdf);
		return -EINVAL;
	}
	if (!br->pcie_pos || br->pcie_type == PCI_EXP_TYPE_PCI_BRIDGE)
		at->kind = PCILU_SPEC_BUS_PCI;
	else if (br->pcie_type == PCI_EXP_TYPE_ROOT_PORT || br->pcie_type == PCI_EXP_TYPE_DOWNSTREAM)
		at->kind = PCILU_SPEC_BUS_LINK;
	else if (br->pcie_type == PCI_EXP_TYPE_UPSTREAM)
		at->kind = PCILU_SPEC_BUS_SWITCH;
	else {
		pcilu_diag_add(d, PCILU_ERROR, ra->name, 0, -1,
			       "/under: %s is a PCI Express type %u bridge; pcilu adds devices below "
			       "root, downstream, upstream and PCI bridges only", bdf, br->pcie_type);
		return -EINVAL;
	}
	at->seg = seg;
	at->bus = br->secondary;
	at->subordinate = br->subordinate;
	at->last_used = last_used_bus(ra->t, br);
	at->ari_fwd = br->ari_fwd;
	at->numa = br->numa_node;
	for (unsigned slot = 0; slot < 32; slot++)
		if (pcilu_topology_find(ra->t, seg, br->secondary, PCI_DEVFN(slot, 0)) != PCILU_NONE)
			at->fn0_slots |= 1u << slot;
	return 0;
}

int pcilu_sim_add_fragment(const struct pcilu_topology *t, struct pcilu_raw_host *h, const char *text,
			   const char *name, struct pcilu_diag *d)
{
	struct resolve_arg ra = { .t = t, .name = name };
	size_t from = h->count;
	int ret = pcilu_spec_load_fragment(name, text, strlen(text), resolve, &ra, h, d);
	char bdf[24];

	for (size_t i = from; !ret && i < h->count; i++) {
		const struct pcilu_raw_dev *r = &h->devs[i];

		if (taken(t, h, i + 1, r->seg, r->bus, r->devfn)) {
			pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "%s is already taken",
				       pcilu_bdf_fmt(r->seg, r->bus, r->devfn, bdf, sizeof(bdf)));
			ret = -EEXIST;
		}
	}
	return ret;
}

/* A VF's config space: ids read ~0, the PF's class, a PCI Express Endpoint capability. */
static void vf_config(const struct pcilu_dev *pf, uint8_t *cfg, uint16_t len)
{
	memset(cfg, 0, len);
	memset(cfg, 0xff, 4);
	cfg[PCI_STATUS] = 0x10;		/* Capabilities List */
	memcpy(cfg + 0x08, pf->cfg + 0x08, 4);	/* revision and class */
	memcpy(cfg + 0x2c, pf->cfg + 0x2c, 4);	/* subsystem */
	cfg[PCI_CAPABILITY_LIST] = 0x40;
	cfg[0x40] = PCI_CAP_ID_EXP;
	cfg[0x42] = 0x02;		/* version 2, type 0 (Endpoint) */
	if (pf->ari_pos && len >= PCILU_CFG_EXP_SIZE) {
		cfg[0x100] = PCI_EXT_CAP_ID_ARI;
		cfg[0x102] = 0x01;	/* version 1, no next capability */
	}
}

static int check_vf_bus(const struct pcilu_topology *t, const struct pcilu_dev *pf, uint8_t bus,
			const char *name, struct pcilu_diag *d)
{
	int32_t up = pcilu_upstream_bridge(t, (int32_t)(pf - t->devs));
	char bdf[24];

	if (bus == pf->bus)
		return 0;
	/* pci_iov_add_virtfn() needs the bus inside the range the bridge above forwards */
	if (up != PCILU_NONE && bus > t->devs[up].subordinate) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1,
			       "VF bus %02x is past the subordinate bus %02x of %s", bus,
			       t->devs[up].subordinate, pcilu_bdf(&t->devs[up], bdf, sizeof(bdf)));
		return -ERANGE;
	}
	for (size_t i = 0; i < t->ndevs; i++)
		if (pcilu_is_bridge(&t->devs[i]) && t->devs[i].seg == pf->seg &&
		    bus >= t->devs[i].secondary && bus <= t->devs[i].subordinate && t->devs[i].secondary > pf->bus) {
			pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "VF bus %02x is behind bridge %s", bus,
				       pcilu_bdf(&t->devs[i], bdf, sizeof(bdf)));
			return -ERANGE;
		}
	return 0;
}

int pcilu_sim_enable_vfs(const struct pcilu_topology *t, struct pcilu_raw_host *h,
			 const struct pcilu_sim_sriov *e, const char *name, struct pcilu_diag *d)
{
	int32_t i = pcilu_topology_find(t, e->seg, e->bus, e->devfn);
	struct pcilu_dev pf;
	uint8_t *cfg;
	char bdf[24];
	int ret;

	pcilu_bdf_fmt(e->seg, e->bus, e->devfn, bdf, sizeof(bdf));
	if (i == PCILU_NONE) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "no device %s in the host", bdf);
		return -ENOENT;
	}
	pf = t->devs[i];
	if (!pf.sriov.pos) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "%s has no SR-IOV capability", bdf);
		return -EINVAL;
	}
	if ((pf.sriov.ctrl & PCI_SRIOV_CTRL_VFE) && pf.sriov.num_vfs) {
		/* sriov_numvfs refuses to change a non-zero count without going through 0 */
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "%s already has %u VFs enabled", bdf,
			       pf.sriov.num_vfs);
		return -EBUSY;
	}
	if (!e->num || e->num > pf.sriov.total_vfs) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "%s: %u VFs asked, TotalVFs is %u", bdf,
			       e->num, pf.sriov.total_vfs);
		return -EINVAL;
	}
	/* the copy made by pcilu_sim_raw_copy(): same index */
	cfg = pcilu_raw_dev_cfg_private(&h->devs[i]);
	if (!cfg)
		return -ENOMEM;
	cfg[pf.sriov.pos + PCI_SRIOV_NUM_VF] = (uint8_t)e->num;
	cfg[pf.sriov.pos + PCI_SRIOV_NUM_VF + 1] = (uint8_t)(e->num >> 8);
	cfg[pf.sriov.pos + PCI_SRIOV_CTRL] |= PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE;
	pf.sriov.num_vfs = e->num;
	for (unsigned v = 0; v < e->num; v++) {
		uint8_t bus, devfn;
		struct pcilu_raw_dev *r;

		pcilu_sriov_vf_addr(&pf, v, &bus, &devfn);
		if ((ret = check_vf_bus(t, &t->devs[i], bus, name, d)))
			return ret;
		if (taken(t, h, t->ndevs, pf.seg, bus, devfn)) {
			pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "VF %u of %s would be at %s, which is taken",
				       v, bdf, pcilu_bdf_fmt(pf.seg, bus, devfn, bdf, sizeof(bdf)));
			return -EEXIST;
		}
		r = pcilu_raw_host_add(h);
		if (!r)
			return -ENOMEM;
		r->seg = pf.seg;
		r->bus = bus;
		r->devfn = devfn;
		r->cfg_len = pf.cfg_len;
		r->cfg = malloc(pf.cfg_len);
		if (!r->cfg)
			return -ENOMEM;
		vf_config(&pf, r->cfg, pf.cfg_len);
		r->numa_node = pf.numa_node;
		r->physfn_known = true;
		r->is_virtfn = true;
		r->pf_seg = pf.seg;
		r->pf_bus = pf.bus;
		r->pf_devfn = pf.devfn;
	}
	return 0;
}
