// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * From a checked spec tree to raw devices: bus numbers assigned depth-first
 * as firmware does, SR-IOV defaults, VFs at the addresses their PF's SR-IOV
 * capability implies, and a final check that no two functions share an
 * address.
 */
#include "source_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct addr {
	uint64_t key;
	const struct spec_node *node;
	int32_t vf;		/* VF index, -1 for the node itself */
};

struct synth {
	struct spec_host *s;
	struct pcilu_raw_host *h;
	uint32_t seg;
	size_t errors;
	struct addr *addrs;
	size_t naddrs;
	uint8_t cfg[PCILU_CFG_EXP_SIZE];	/* where one function's config is made, then pooled */
};

static void serr(struct synth *sy, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void serr(struct synth *sy, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	spec_verr(sy->s, path, fmt, ap);
	va_end(ap);
	sy->errors++;
}

static bool is_bridge(const struct spec_node *n)
{
	return n->kind == SPEC_ROOT_PORT || n->kind == SPEC_SWITCH || n->kind == SPEC_DOWNSTREAM ||
	       n->kind == SPEC_PCIE_PCI_BRIDGE || n->kind == SPEC_PCI_BRIDGE;
}

/* Routing ID of VF @i relative to the PF's bus: pci_iov_virtfn_devfn(), drivers/pci/iov.c, 7.2 */
static unsigned vf_rid(const struct spec_node *n, unsigned i)
{
	return (unsigned)n->devfn + n->sriov.offset + (unsigned)n->sriov.stride * i;
}

/*
 * Default offset and stride: the n SR-IOV functions of a slot interleave
 * their VFs from devfn 0x80 + slot * 8 on, PF k's VF i at 0x80 + slot * 8 +
 * k + n * i (as multi-port NICs such as the i350 do).
 */
static void sriov_defaults(struct spec_node *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned cnt = 0, rank = 0;

		if (!v[i].has_sriov)
			continue;
		for (size_t j = 0; j < n; j++) {
			if (!v[j].has_sriov || PCI_SLOT(v[j].devfn) != PCI_SLOT(v[i].devfn))
				continue;
			rank += j < i;
			cnt++;
		}
		if (!v[i].sriov.has_offset)
			v[i].sriov.offset = (uint16_t)(0x80 + PCI_SLOT(v[i].devfn) * 8 + rank -
						       v[i].devfn);
		if (!v[i].sriov.has_stride)
			v[i].sriov.stride = (uint16_t)cnt;
	}
}

/*
 * pci_scan_child_bus_extend(), drivers/pci/probe.c, 7.2: a bus's SR-IOV bus
 * range (pci_iov_bus_range(), from the total VFs) comes right after the bus,
 * then each bridge in devfn order takes the next number for its secondary
 * bus and, after its subtree, the highest number used as subordinate.
 */
static bool assign(struct synth *sy, struct spec_node *v, size_t n, unsigned busnr,
		   uint8_t parent_ari, unsigned *max)
{
	bool ok = true;

	sriov_defaults(v, n);
	for (size_t i = 0; i < n; i++) {
		v[i].bus = (uint8_t)busnr;
		v[i].parent_ari_fwd = parent_ari == 2;
		if (!v[i].has_sriov)
			continue;
		unsigned last = busnr + (vf_rid(&v[i], v[i].sriov.total - 1u) >> 8);

		if (last > 255) {
			serr(sy, v[i].path, "its %u VFs would need bus %x, past bus ff",
			     v[i].sriov.total, last);
			ok = false;
		} else if (last > *max) {
			*max = last;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct spec_node *b = &v[i];
		unsigned sec;

		if (!is_bridge(b))
			continue;
		if (b->pin_bus >= 0 && (unsigned)b->pin_bus <= *max) {
			serr(sy, b->path, "\"bus\" %02x is taken: buses up to %02x are numbered already",
			     b->pin_bus, *max);
			return false;
		}
		sec = b->pin_bus >= 0 ? (unsigned)b->pin_bus : *max + 1;
		if (sec > 255) {
			serr(sy, b->path, "no bus number left for its secondary bus (all 256 used)");
			return false;
		}
		*max = sec;
		if (!assign(sy, b->kids, b->nkids, sec, b->ari_fwd, max))
			return false;
		if (b->pin_sub >= 0) {
			if ((unsigned)b->pin_sub < *max) {
				serr(sy, b->path, "\"subordinate\" %02x is below bus %02x used behind it",
				     b->pin_sub, *max);
				return false;
			}
			*max = (unsigned)b->pin_sub;
		}
		b->secondary = (uint8_t)sec;
		b->subordinate = (uint8_t)*max;
	}
	return ok;
}

static int note_addr(struct synth *sy, uint8_t bus, uint8_t devfn, const struct spec_node *n,
		     int32_t vf)
{
	if (sy->naddrs == sy->s->nfuncs)
		return -EOVERFLOW;	/* cannot happen: nfuncs counts every function */
	sy->addrs[sy->naddrs++] = (struct addr){
		.key = (uint64_t)sy->seg << 16 | (uint64_t)bus << 8 | devfn, .node = n, .vf = vf };
	return 0;
}

static struct pcilu_raw_dev *add_dev(struct synth *sy, const struct spec_node *n, uint8_t bus,
				     uint8_t devfn, bool vf)
{
	struct pcilu_raw_dev *r = pcilu_raw_host_add(sy->h);
	bool pcie = n->kind != SPEC_PCI && n->kind != SPEC_PCI_BRIDGE;
	unsigned want = n->cfg_bytes ? n->cfg_bytes : sy->s->cfg_bytes;
	unsigned len = pcie ? PCILU_CFG_EXP_SIZE : PCILU_CFG_SIZE;

	if (!r)
		return NULL;
	r->seg = sy->seg;
	r->bus = bus;
	r->devfn = devfn;
	r->cfg_len = (uint16_t)(want < len ? want : len);
	r->physfn_known = true;
	r->is_virtfn = vf;
	r->numa_node = n->numa;
	if (r->cfg_len < PCI_CFG_SPACE_SIZE)
		sy->h->config_truncated = true;
	memset(sy->cfg, 0, sizeof(sy->cfg));
	return r;
}

static uint8_t ari_next(const struct spec_node *v, size_t n, size_t i)
{
	for (size_t j = i + 1; j < n; j++)
		if (v[j].ari)
			return v[j].devfn;
	return 0;
}

static bool slot_has_others(const struct spec_node *v, size_t n, size_t i)
{
	for (size_t j = 0; j < n; j++)
		if (j != i && PCI_SLOT(v[j].devfn) == PCI_SLOT(v[i].devfn))
			return true;
	return false;
}

static int emit_vfs(struct synth *sy, const struct spec_node *pf)
{
	uint8_t *vf_cfg = NULL;

	for (unsigned i = 0; i < pf->sriov.num; i++) {
		unsigned rid = vf_rid(pf, i);
		struct pcilu_raw_dev *r = add_dev(sy, pf, (uint8_t)(pf->bus + (rid >> 8)),
						  (uint8_t)rid, true);

		if (!r)
			return -ENOMEM;
		/* a PF's VFs read the same bytes: made and pooled once */
		if (vf_cfg) {
			r->cfg = vf_cfg;
			r->cfg_pooled = true;
		} else {
			pcilu_spec_config(pf, sy->cfg, false, 0, true);
			if (pcilu_raw_dev_set_cfg(sy->h, r, sy->cfg, r->cfg_len))
				return -ENOMEM;
			vf_cfg = r->cfg;
		}
		r->pf_seg = sy->seg;
		r->pf_bus = pf->bus;
		r->pf_devfn = pf->devfn;
		if (pf->sriov.vf_group != PCILU_NO_GROUP)
			r->kernel_group = pf->sriov.vf_group + (int32_t)i;
		if (pf->sriov.vf_driver && !(r->driver = strdup(pf->sriov.vf_driver)))
			return -ENOMEM;
		if (note_addr(sy, r->bus, r->devfn, pf, (int32_t)i))
			return -EOVERFLOW;
	}
	return 0;
}

static int emit(struct synth *sy, const struct spec_node *v, size_t n)
{
	int ret;

	for (size_t i = 0; i < n; i++) {
		const struct spec_node *d = &v[i];
		bool mf = d->multifunction >= 0 ? d->multifunction : slot_has_others(v, n, i);
		struct pcilu_raw_dev *r = add_dev(sy, d, d->bus, d->devfn, false);

		if (!r)
			return -ENOMEM;
		pcilu_spec_config(d, sy->cfg, mf, ari_next(v, n, i), false);
		if (pcilu_raw_dev_set_cfg(sy->h, r, sy->cfg, r->cfg_len))
			return -ENOMEM;
		r->kernel_group = d->group;
		if (d->driver && !(r->driver = strdup(d->driver)))
			return -ENOMEM;
		if ((ret = note_addr(sy, d->bus, d->devfn, d, -1)))
			return ret;
		if (d->has_sriov && (ret = emit_vfs(sy, d)))
			return ret;
		if (is_bridge(d) && (ret = emit(sy, d->kids, d->nkids)))
			return ret;
	}
	return 0;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct addr *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

static void describe(const struct addr *a, char *buf, size_t len)
{
	if (a->vf < 0)
		snprintf(buf, len, "%s", a->node->path);
	else
		snprintf(buf, len, "VF %d of %s", a->vf, a->node->path);
}

static void check_dups(struct synth *sy)
{
	qsort(sy->addrs, sy->naddrs, sizeof(*sy->addrs), cmp_addr);
	for (size_t i = 1; i < sy->naddrs; i++) {
		char a[256], b[256], addr[24];
		const struct addr *x = &sy->addrs[i - 1], *y = &sy->addrs[i];

		if (x->key != y->key)
			continue;
		if (x->vf >= 0 && y->vf < 0) {	/* name the declared function first */
			const struct addr *t = x;

			x = y;
			y = t;
		}
		describe(x, a, sizeof(a));
		describe(y, b, sizeof(b));
		serr(sy, x->node->path, "address %s of %s is also %s",
		     pcilu_src_bdf_fmt((uint32_t)(x->key >> 16), (uint8_t)(x->key >> 8), (uint8_t)x->key, addr,
				       sizeof(addr)), a, b);
	}
}

static int cmp_rb(const void *a, const void *b)
{
	const struct spec_root_bus *x = a, *y = b;

	return (x->bus > y->bus) - (x->bus < y->bus);
}

static int synth_segment(struct synth *sy, struct spec_segment *sg)
{
	int ret;

	sy->seg = sg->seg;
	qsort(sg->rbs, sg->nrbs, sizeof(*sg->rbs), cmp_rb);
	for (size_t i = 0; i < sg->nrbs; i++) {
		struct spec_root_bus *rb = &sg->rbs[i];
		unsigned max = rb->bus;

		if (!assign(sy, rb->devs, rb->ndevs, rb->bus, 0, &max))
			continue;
		if (i + 1 < sg->nrbs && max >= sg->rbs[i + 1].bus) {
			serr(sy, rb->path, "buses %02x-%02x behind root bus %02x run into root bus %02x",
			     rb->bus, max, rb->bus, sg->rbs[i + 1].bus);
			continue;
		}
		if ((ret = emit(sy, rb->devs, rb->ndevs)))
			return ret;
	}
	return 0;
}

int pcilu_spec_synth(struct spec_host *s, struct pcilu_raw_host *h)
{
	struct synth sy = { .s = s, .h = h };
	int ret = 0;

	sy.addrs = malloc((s->nfuncs ? s->nfuncs : 1) * sizeof(*sy.addrs));
	if (!sy.addrs)
		return -ENOMEM;
	for (size_t i = 0; i < s->nsegs && !ret; i++)
		ret = synth_segment(&sy, &s->segs[i]);
	if (!ret)
		check_dups(&sy);
	free(sy.addrs);
	for (size_t i = 0; i < h->count && !h->has_kernel_groups; i++)
		h->has_kernel_groups = h->devs[i].kernel_group != PCILU_NO_GROUP;
	if (ret)
		return ret;
	return sy.errors ? -EINVAL : 0;
}

/*
 * A fragment hot-plugged below a bridge (pcilu simulate --add): its functions
 * sit on @bus, its bridges are numbered after *@max as firmware would number
 * a hot-plug range, and *@max is the highest bus used on return.
 */
int pcilu_spec_synth_under(struct spec_host *s, uint32_t seg, struct spec_node *v, size_t n,
			   unsigned bus, uint8_t ari_fwd, unsigned *max, struct pcilu_raw_host *h)
{
	struct synth sy = { .s = s, .h = h, .seg = seg };
	int ret = 0;

	sy.addrs = malloc((s->nfuncs ? s->nfuncs : 1) * sizeof(*sy.addrs));
	if (!sy.addrs)
		return -ENOMEM;
	if (assign(&sy, v, n, bus, ari_fwd, max))
		ret = emit(&sy, v, n);
	if (!ret)
		check_dups(&sy);
	free(sy.addrs);
	if (ret)
		return ret;
	return sy.errors ? -EINVAL : 0;
}
