// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ACS evaluation (drivers/pci/pci.c, 7.2) and the ACS Control values Linux
 * works with: either as read after boot, or as pci_enable_acs() would write
 * them from a given starting value. In the latter mode every device has two
 * states, before and after its own pci_enable_acs(): 7.2 enables ACS from
 * pci_dma_configure(), which iommu_init_device() calls just before the
 * device's own group is computed, so devices not yet probed are still seen
 * with their starting value.
 */
#include "iommu_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pcilu_assume(struct pcilu_iommu *r, unsigned kind, int32_t dev, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (r->nas == r->cap_as) {
		size_t ncap = r->cap_as ? r->cap_as * 2 : 8;
		struct pcilu_assumption *n = realloc(r->as, ncap * sizeof(*n));

		if (!n) {
			r->oom = true;
			return;
		}
		r->as = n;
		r->cap_as = ncap;
	}
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0) {
		va_end(ap);
		r->oom = true;
		return;
	}
	va_end(ap);
	r->as[r->nas++] = (struct pcilu_assumption){ .kind = (uint8_t)kind, .dev = dev, .text = text };
}

/* pci_acs_flags_enabled(), drivers/pci/pci.c, 7.2 */
static void acs_flags_enabled(struct pcilu_iommu *r, int32_t dev, uint16_t flags,
			      const struct acs_state *st, struct pcilu_acs_eval *e)
{
	if (!r->t->devs[dev].acs_pos) {
		e->why = PCILU_ACSW_NO_CAP;
		e->req = flags;
		e->missing = flags;
		if (r->devf[dev] & DEVF_ACS_UNKNOWN)
			e->flags |= PCILU_RF_UNKNOWN;
		return;
	}
	/* Controls the capability lacks count as hard-wired on, except Egress Control. */
	flags &= (uint16_t)(r->acs_cap[dev] | PCI_ACS_EC);
	e->cap = r->acs_cap[dev];
	e->ctrl = st->ctrl;
	e->req = flags;
	e->missing = (uint16_t)(flags & ~st->ctrl);
	e->enabled = e->missing == 0;
	e->why = e->enabled ? PCILU_ACSW_CTRL_OK : PCILU_ACSW_CTRL_MISSING;
}

/* pci_acs_enabled(), drivers/pci/pci.c, 7.2 */
static struct pcilu_acs_eval acs_enabled(struct pcilu_iommu *r, int32_t dev, uint16_t flags,
					 const struct acs_state *st)
{
	const struct pcilu_dev *d = &r->t->devs[dev];
	struct pcilu_acs_eval e = { .quirk = -1, .req = flags };

	if (pcilu_dev_specific_acs_enabled(r, dev, flags, st, &e) >= 0)
		return e;
	if (d->caps_unknown) {
		e.why = PCILU_ACSW_UNREADABLE;	/* PCIe or not, ACS or not: unknown */
		e.missing = flags;
		e.flags |= PCILU_RF_UNKNOWN;
		return e;
	}
	if (!d->pcie_pos) {
		e.why = PCILU_ACSW_NOT_PCIE;
		e.missing = flags;
		if (d->cfg_len < PCI_CFG_SPACE_SIZE)
			e.flags |= PCILU_RF_UNKNOWN;	/* could not even see the capability list */
		return e;
	}
	switch (pcilu_ktype(d)) {
	case PCI_EXP_TYPE_PCIE_BRIDGE:
	case PCI_EXP_TYPE_PCI_BRIDGE:
	case PCI_EXP_TYPE_RC_EC:
		e.why = PCILU_ACSW_BRIDGE_TYPE;
		e.missing = flags;
		return e;
	case PCI_EXP_TYPE_DOWNSTREAM:
	case PCI_EXP_TYPE_ROOT_PORT:
		acs_flags_enabled(r, dev, flags, st, &e);
		return e;
	case PCI_EXP_TYPE_ENDPOINT:
	case PCI_EXP_TYPE_UPSTREAM:
	case PCI_EXP_TYPE_LEG_END:
	case PCI_EXP_TYPE_RC_END:
		if (d->multifunction) {
			acs_flags_enabled(r, dev, flags, st, &e);
			return e;
		}
		break;
	}
	e.why = PCILU_ACSW_SINGLE_FUNCTION;
	e.enabled = true;
	return e;
}

struct pcilu_acs_eval pcilu_acs_eval_at(struct pcilu_iommu *r, int32_t dev, uint16_t flags)
{
	const struct acs_state *st = dev <= r->probing ? &r->post[dev] : &r->pre[dev];
	struct pcilu_acs_eval e = acs_enabled(r, dev, flags, st);

	r->cur_flags |= e.flags;
	return e;
}

struct pcilu_acs_eval pcilu_acs_enabled(const struct pcilu_iommu *r, int32_t dev, uint16_t flags)
{
	/* The quirk code only reads r; the cast keeps one evaluator for both uses. */
	struct pcilu_iommu *rw = (struct pcilu_iommu *)r;

	return acs_enabled(rw, dev, flags, &r->post[dev]);
}

/* pci_acs_path_enabled(start, NULL, flags), drivers/pci/pci.c, 7.2 */
bool pcilu_acs_path_enabled(const struct pcilu_iommu *r, int32_t start, uint16_t flags,
			    int32_t *fail, struct pcilu_acs_eval *eval)
{
	const struct pcilu_topology *t = r->t;

	for (int32_t p = start, depth = 0; p != PCILU_NONE && depth < 512; depth++) {
		struct pcilu_acs_eval e = pcilu_acs_enabled(r, p, flags);
		const struct pcilu_bus *b = &t->buses[t->devs[p].bus_idx];

		if (!e.enabled) {
			if (fail)
				*fail = p;
			if (eval)
				*eval = e;
			return false;
		}
		if (pcilu_is_root_bus(b))
			break;
		p = b->self;
	}
	if (fail)
		*fail = PCILU_NONE;
	return true;
}

static uint32_t cfg_dword(const struct pcilu_dev *d, unsigned off, bool *ok)
{
	uint32_t v = 0;

	*ok = pcilu_read_config_dword(d, off, &v) == 0;
	return v;
}

/*
 * pci_quirk_enable_intel_lpc_acs(), drivers/pci/quirks.c, 7.2: the PCH quirk
 * works only if the LPC bridge (D31:F0 on the root port's bus) has RCBA
 * enabled, and then writes chipset MMIO we cannot see.
 */
static bool pch_quirk_would_succeed(struct pcilu_iommu *r, int32_t dev)
{
	const struct pcilu_dev *d = &r->t->devs[dev];
	int32_t lpc = pcilu_topology_find(r->t, d->seg, d->bus, PCI_DEVFN(31, 0));
	char bdf[24];
	bool ok = false;
	uint32_t rcba = lpc == PCILU_NONE ? ~0u : cfg_dword(&r->t->devs[lpc], 0xf0, &ok);

	pcilu_bdf(d, bdf, sizeof(bdf));
	if (lpc != PCILU_NONE && !ok) {
		pcilu_assume(r, PCILU_AS_INTEL_PCH, dev,
			     "%s: Intel PCH root port ACS quirk: the LPC bridge's RCBA register (0xf0) "
			     "was not readable; assumed enabled, so the quirk is assumed to have "
			     "disabled peer decodes (UPDCR) and to report ACS as enabled", bdf);
		return true;
	}
	if (!(rcba & 1)) {
		pcilu_assume(r, PCILU_AS_INTEL_PCH, dev,
			     "%s: Intel PCH root port ACS quirk: RCBA is disabled in the LPC bridge, "
			     "so Linux fails to enable the quirk and the port is not isolated", bdf);
		return false;
	}
	pcilu_assume(r, PCILU_AS_INTEL_PCH, dev,
		     "%s: Intel PCH root port ACS quirk: RCBA is %s; the chipset MMIO (BSPR/UPDCR) "
		     "Linux programs is not in config space, so the quirk is assumed to succeed "
		     "and the port counts as isolated (MPC.IRBNCE is %s now)", bdf,
		     lpc == PCILU_NONE ? "not visible (no 1f.0 in the input; a read would return ~0)"
				       : "enabled",
		     (cfg_dword(d, 0xd8, &ok) >> 26 & 1) && ok ? "set" : "clear or unreadable");
	return true;
}

/*
 * pci_dev_specific_enable_acs(), drivers/pci/quirks.c, 7.2. Returns 0 when a
 * quirk handled the device (the standard enabling is then skipped), -ENOTTY
 * otherwise.
 */
static int dev_specific_enable(struct pcilu_iommu *r, int32_t dev, struct acs_state *st)
{
	const struct pcilu_dev *d = &r->t->devs[dev];

	if (r->devf[dev] & DEVF_PCH) {	/* pci_quirk_enable_intel_pch_acs() */
		st->pch_flag = pch_quirk_would_succeed(r, dev);
		return 0;
	}
	if ((r->devf[dev] & DEVF_SPT) && d->acs_pos) {	/* pci_quirk_enable_intel_spt_pch_acs() */
		st->spt_ctrl |= r->spt_cap[dev] & PCILU_REQ_ACS_FLAGS;
		if (r->p->ats_disabled)
			st->spt_ctrl |= r->spt_cap[dev] & PCI_ACS_TB;
		return 0;
	}
	return -ENOTTY;
}

/* __pci_config_acs(), drivers/pci/pci.c, 7.2 */
static void config_acs(struct pcilu_iommu *r, int32_t dev, struct acs_state *st, uint16_t fw,
		       const char *param, uint16_t fixed_mask, uint16_t fixed_flags)
{
	uint16_t mask = 0, flags = 0;

	if (!param || pcilu_config_acs_match(r->t, dev, param, fixed_mask, fixed_flags,
					     &mask, &flags) != 1)
		return;
	/* pci_quirk_disable_intel_spt_pch_acs_redir() handles it (whatever was asked) */
	if ((r->devf[dev] & DEVF_SPT) && r->t->devs[dev].acs_pos) {
		st->spt_ctrl &= ~(uint32_t)(PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);
		return;
	}
	/* Unmasked bits come from the value found, not from what enabling added. */
	st->ctrl = (uint16_t)((fw & ~mask) | (flags & mask));
}

/* pci_enable_acs(), drivers/pci/pci.c, 7.2 */
static void enable_acs(struct pcilu_iommu *r, int32_t dev)
{
	struct acs_state *st = &r->post[dev];
	const struct pcilu_dev *d = &r->t->devs[dev];
	bool std = false;
	uint16_t fw;

	*st = r->pre[dev];
	if (r->iommu_on && dev_specific_enable(r, dev, st))
		std = true;
	if (!d->acs_pos)
		return;
	fw = st->ctrl;
	if (std) {	/* pci_std_enable_acs() */
		st->ctrl |= r->acs_cap[dev] & PCILU_REQ_ACS_FLAGS;
		if (r->p->ats_disabled)
			st->ctrl |= r->acs_cap[dev] & PCI_ACS_TB;
	}
	config_acs(r, dev, st, fw, r->p->disable_acs_redir, PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC,
		   (uint16_t)~(PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC));
	config_acs(r, dev, st, fw, r->p->config_acs, 0, 0);
}

static void read_state(struct pcilu_iommu *r, int32_t dev)
{
	const struct pcilu_dev *d = &r->t->devs[dev];
	const struct pcilu_policy *p = r->p;
	struct acs_state *st = &r->pre[dev];
	bool ok;

	if (d->acs_pos) {
		/* pci_acs_init() caches the capability; pci_disable_broken_acs_cap() drops IDT's SV */
		r->acs_cap[dev] = d->acs_cap;
		if (d->vendor == 0x111d && (d->device == 0x80b5 || d->device == 0x8090))
			r->acs_cap[dev] &= (uint16_t)~PCI_ACS_SV;
		st->ctrl = d->acs_ctrl;
		if (r->devf[dev] & DEVF_SPT) {
			r->spt_cap[dev] = cfg_dword(d, d->acs_pos + PCI_ACS_CAP, &ok);
			st->spt_ctrl = cfg_dword(d, d->acs_pos + 8, &ok);
		}
	}
	if (p->acs == PCILU_ACS_LINUX) {
		if (p->fw_base == PCILU_FW_ZERO)
			st->ctrl = 0, st->spt_ctrl = 0;
		if (p->fw_ctrl && (size_t)dev < p->nfw_ctrl && p->fw_ctrl[dev] >= 0)
			st->ctrl = (uint16_t)p->fw_ctrl[dev];
		/*
		 * pci_liveupdate_enable_adopted_acs_controls() (liveupdate next,
		 * 2026): written back as is; a device that needs an ACS quirk
		 * falls back to the normal path.
		 */
		if (p->fw_ctrl && (size_t)dev < p->nfw_ctrl && p->fw_ctrl[dev] >= 0 &&
		    (p->fw_ctrl[dev] & PCILU_FW_ADOPTED) && !(r->devf[dev] & (DEVF_PCH | DEVF_SPT))) {
			r->post[dev] = *st;
			return;
		}
		enable_acs(r, dev);
		return;
	}
	/* As read: the values are what the kernel left; only the PCH flag is not visible. */
	r->post[dev] = *st;
	if ((r->devf[dev] & DEVF_PCH) && r->iommu_on)
		r->post[dev].pch_flag = r->pre[dev].pch_flag = pch_quirk_would_succeed(r, dev);
}

static void note_unknown(struct pcilu_iommu *r)
{
	size_t n = 0;
	int32_t first = PCILU_NONE;
	char bdf[24];

	for (size_t i = 0; i < r->n; i++)
		if (r->devf[i] & DEVF_ACS_UNKNOWN) {
			if (first == PCILU_NONE)
				first = (int32_t)i;
			n++;
		}
	if (!n)
		return;
	pcilu_assume(r, PCILU_AS_UNKNOWN_EXT, first,
		     "%zu device%s (first %s) had no readable extended config space, so their ACS "
		     "capability is unknown; groups are computed as if they had none (Linux, which "
		     "can read it, may isolate more), and every group that depends on it is marked",
		     n, n == 1 ? "" : "s", pcilu_bdf(&r->t->devs[first], bdf, sizeof(bdf)));
}

int pcilu_acs_setup(struct pcilu_iommu *r)
{
	const struct pcilu_topology *t = r->t;

	pcilu_acs_quirk_index(r);
	for (size_t i = 0; i < r->n; i++) {
		const struct pcilu_dev *d = &t->devs[i];

		if (d->cfg_len < PCI_CFG_SPACE_SIZE || d->ext_state == PCILU_EXT_UNKNOWN)
			r->devf[i] |= DEVF_ACS_UNKNOWN;
		r->devf[i] |= pcilu_acs_ops_devf(d);
	}
	for (size_t i = 0; i < r->n; i++)
		read_state(r, (int32_t)i);
	note_unknown(r);
	return r->oom ? -ENOMEM : 0;
}
