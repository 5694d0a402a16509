// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The next kernel's view of the host after a Live Update kexec. It starts
 * from what the outgoing kernel leaves in the registers (a kexec does not
 * reset ACS Control, bus numbers or ARI Forwarding), applies the next
 * kernel's command line and rule set the way 7.2's pci_enable_acs() does
 * (relative to that value, not to zero), keeps the preserved nodes' ACS
 * Control, bus numbers and ARI Forwarding when the PCI Live Update series is
 * in the next kernel, then recomputes groups and eligibility.
 */
#include "simulate_int.h"

#include <pcilu/iommu.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The simulation's working state, private to this file. */
struct pcilu_sim_own {
	struct pcilu_policy pol_now;	/* the outgoing kernel: its command line, ACS as read */
	bool has_pol_now;
	int32_t *fw_ctrl;		/* next kernel's starting ACS Control per next device */
	uint8_t *added;			/* per next device: 1 hot-plugged (--add), 2 VF (--sriov) */
};

/*
 * Eligibility of a preserved endpoint in one view, by the rules engine's
 * @profile (v4: pci_device_group_immutable_singleton(), PCI v4 08/11).
 * 1 eligible, 0 refused (first reason in @why), -ENODATA when the answer
 * rests on ACS state config space did not show.
 */
static int sim_eligible(const struct pcilu_iommu *r, const struct pcilu_policy *p, int32_t dev,
			unsigned profile, char *why, size_t len)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	struct pcilu_lu_ctx c = { .t = t, .r = r, .r_on = r, .platform_vendor = pcilu_platform_vendor(t) };
	struct pcilu_lu_verdict v;
	int ret;

	c.iommu_on = pcilu_policy_iommu(p, t, &c.iommu_from);	/* the origin words the reasons */
	ret = pcilu_lu_eval(&c, dev, profile, &v);
	bool unknown = false;

	why[0] = 0;
	for (size_t i = 0; i < v.nreasons; i++) {
		if (v.reasons[i].sev != PCILU_LUS_REFUSE)
			continue;
		unknown |= (v.reasons[i].flags & PCILU_RF_UNKNOWN) != 0;
		if (!why[0] && !ret) {
			char *text;

			ret = pcilu_lu_words(&c, &v.reasons[i], &text, NULL);
			if (!ret)
				snprintf(why, len, "%s", text);
			free(text);
		}
	}
	pcilu_lu_reasons_free(v.reasons, v.nreasons);
	if (ret)
		return ret;
	if (v.eligible)
		return 1;
	return unknown ? -ENODATA : 0;
}

static int policy_now(struct pcilu_sim *s, struct pcilu_diag *d)
{
	pcilu_policy_init(&s->own->pol_now);
	s->own->has_pol_now = true;
	/* what the outgoing kernel left in the registers is what its own groups came from */
	s->own->pol_now.acs = PCILU_ACS_AS_READ;
	if (s->now->cmdline && pcilu_policy_parse_cmdline(&s->own->pol_now, s->now->cmdline, d))
		return -EINVAL;
	return pcilu_iommu_compute(s->now, &s->own->pol_now, &s->r_now, d);
}

static int policy_next(struct pcilu_sim *s, const struct pcilu_sim_opts *o, struct pcilu_diag *d)
{
	const char *cl = o->cmdline ? o->cmdline : s->now->cmdline;

	s->pol_next = calloc(1, sizeof(*s->pol_next));
	if (!s->pol_next)
		return -ENOMEM;
	pcilu_policy_init(s->pol_next);
	s->pol_next->acs = PCILU_ACS_LINUX;
	s->pol_next->cmdline_foreign = o->cmdline && (!s->now->cmdline || strcmp(o->cmdline, s->now->cmdline));
	if (cl && pcilu_policy_parse_cmdline(s->pol_next, cl, d))
		return -EINVAL;
	if (o->rules && pcilu_policy_parse_rules(s->pol_next, o->rules, d))
		return -EINVAL;
	/* pci_setup()'s own matching, from the one parser of the command line */
	s->assign_busses = s->pol_next->assign_busses;
	s->noari = s->pol_next->noari;
	s->pol_next->fw_ctrl = s->own->fw_ctrl;
	s->pol_next->nfw_ctrl = s->next->ndevs;
	return 0;
}

/* Build the next kernel's topology: the host copied, then the events. */
static int build_next(struct pcilu_sim *s, const struct pcilu_sim_opts *o, struct pcilu_diag *d)
{
	struct pcilu_raw_host raw;
	struct pcilu_diag scratch;
	size_t ncopied;
	char name[32];
	int ret = pcilu_sim_raw_copy(s->now, &raw);

	ncopied = raw.count;
	for (size_t i = 0; !ret && i < o->nadds; i++) {
		snprintf(name, sizeof(name), "--add #%zu", i + 1);
		ret = pcilu_sim_add_fragment(s->now, &raw, o->adds[i], name, d);
	}
	size_t nplugged = raw.count;

	for (size_t i = 0; !ret && i < o->nsriov; i++) {
		snprintf(name, sizeof(name), "--sriov #%zu", i + 1);
		ret = pcilu_sim_enable_vfs(s->now, &raw, &o->sriov[i], name, d);
	}
	/* remember what the events added, by address: the builder reorders devices */
	struct pcilu_lu_addr *added = NULL;
	size_t nadded = raw.count - ncopied;

	if (!ret && nadded) {
		added = calloc(nadded, sizeof(*added));
		if (!added)
			ret = -ENOMEM;
		for (size_t i = 0; added && i < nadded; i++)
			added[i] = (struct pcilu_lu_addr){ raw.devs[ncopied + i].seg,
				(uint16_t)(raw.devs[ncopied + i].bus << 8 | raw.devs[ncopied + i].devfn) };
	}
	if (ret) {
		pcilu_raw_host_free(&raw);
		free(added);
		return ret;
	}
	/* the host was checked when it was read: only what the events broke is news */
	pcilu_diag_init(&scratch);
	ret = pcilu_topology_build(&raw, &s->next, &scratch);
	for (size_t i = 0; i < scratch.count; i++)
		if (scratch.msgs[i].sev == PCILU_ERROR)
			pcilu_diag_add(d, PCILU_ERROR, NULL, 0, -1, "next kernel's host: %s", scratch.msgs[i].text);
	if (!ret && scratch.errors)
		ret = -EINVAL;
	pcilu_diag_free(&scratch);
	pcilu_raw_host_free(&raw);
	if (!ret) {
		s->own->added = calloc(s->next->ndevs ? s->next->ndevs : 1, 1);
		ret = s->own->added ? 0 : -ENOMEM;
	}
	for (size_t i = 0; !ret && i < nadded; i++) {
		int32_t j = pcilu_lu_find(s->next, added[i]);

		if (j != PCILU_NONE)
			s->own->added[j] = ncopied + i < nplugged ? 1 : 2;
	}
	free(added);
	return ret;
}

/*
 * pci_configure_ari(), drivers/pci/pci.c, 7.2: on function 0 below a bridge
 * that supports ARI Forwarding, the bridge's enable follows whether that
 * function has an ARI capability. pci_liveupdate_adopt_ari() (liveupdate
 * next, 2026) reads it back on a preserved bridge instead.
 */
static int next_ari(struct pcilu_sim *s)
{
	struct pcilu_topology *t = s->next;

	for (size_t i = 0; i < t->ndevs; i++) {
		struct pcilu_dev *br = &t->devs[i];
		uint32_t cap2 = 0;
		int32_t f0;

		if (s->noari || !pcilu_is_bridge(br) || !br->pcie_pos || br->child_bus == PCILU_NONE)
			continue;
		if (s->inherit && s->preserved_next[i])
			continue;
		if (pcilu_read_config_dword(br, br->pcie_pos + PCI_EXP_DEVCAP2, &cap2) ||
		    !(cap2 & PCI_EXP_DEVCAP2_ARI))
			continue;
		f0 = pcilu_topology_find(t, br->seg, br->secondary, 0);
		if (f0 == PCILU_NONE || !pcilu_is_pcie(&t->devs[f0]))
			continue;
		br->ari_fwd = t->devs[f0].ari_pos != 0;
		if (br->pcie_pos + PCI_EXP_DEVCTL2 < br->cfg_len) {
			/* the pooled bytes may be another bridge's too */
			uint8_t *cfg = pcilu_topology_cfg_private(t, br), *c;

			if (!cfg)
				return -ENOMEM;
			c = &cfg[br->pcie_pos + PCI_EXP_DEVCTL2];
			*c = (uint8_t)(br->ari_fwd ? *c | PCI_EXP_DEVCTL2_ARI : *c & ~PCI_EXP_DEVCTL2_ARI);
		}
	}
	return 0;
}

static int mark_preserved(struct pcilu_sim *s)
{
	s->preserved_next = calloc(s->next->ndevs ? s->next->ndevs : 1, 1);
	s->own->fw_ctrl = malloc((s->next->ndevs ? s->next->ndevs : 1) * sizeof(*s->own->fw_ctrl));
	if (!s->preserved_next || !s->own->fw_ctrl)
		return -ENOMEM;
	for (size_t k = 0; k < s->set.count; k++) {
		int32_t j = pcilu_lu_find(s->next, pcilu_lu_addr_of(&s->now->devs[s->set.nodes[k].dev]));

		if (j != PCILU_NONE)
			s->preserved_next[j] = (uint8_t)s->set.nodes[k].role;
	}
	/*
	 * After a kexec the register holds what the outgoing kernel wrote;
	 * a hot-plugged or new VF function starts from its reset value, 0.
	 */
	for (size_t j = 0; j < s->next->ndevs; j++) {
		const struct pcilu_dev *d = &s->next->devs[j];
		int32_t i = pcilu_topology_find(s->now, d->seg, d->bus, d->devfn);

		s->own->fw_ctrl[j] = i == PCILU_NONE || s->own->added[j] ? 0 : pcilu_iommu_acs_ctrl(s->r_now, i);
		if (s->inherit && s->preserved_next[j])
			s->own->fw_ctrl[j] |= PCILU_FW_ADOPTED;
	}
	return 0;
}

static int endpoints(struct pcilu_sim *s, struct lu_cmp *c)
{
	s->eps = calloc(s->set.nendpoints ? s->set.nendpoints : 1, sizeof(*s->eps));
	if (!s->eps)
		return -ENOMEM;
	for (size_t k = 0; k < s->set.count; k++) {
		struct pcilu_sim_endpoint *e = &s->eps[s->neps];
		const struct pcilu_dev *dev;
		struct pcilu_change *ch;

		if (s->set.nodes[k].role != PCILU_LU_ENDPOINT)
			continue;
		s->neps++;
		e->dev = s->set.nodes[k].dev;
		e->next_dev = c->a2b[e->dev];
		dev = &s->now->devs[e->dev];
		e->now = sim_eligible(s->r_now, &s->own->pol_now, e->dev, s->profile, e->why_now, sizeof(e->why_now));
		e->next = e->next_dev == PCILU_NONE ? -ENODEV :
			  sim_eligible(s->r_next, s->pol_next, e->next_dev, s->profile, e->why_next,
				       sizeof(e->why_next));
		if (e->next == 1)
			continue;
		s->failing++;
		ch = e->now == 1 ?
			pcilu_changes_add(&s->ch, PCILU_CH_LOST_ISOLATION, dev, "preserved %04x:%04x is not "
					  "eligible in the next kernel: %s", dev->vendor, dev->device, e->why_next) :
			pcilu_changes_add(&s->ch, PCILU_CH_NOT_ELIGIBLE, dev, "preserved %04x:%04x is not "
					  "eligible even now: %s", dev->vendor, dev->device, e->why_now);
		if (!ch)
			return -ENOMEM;
		ch->preserved = true;
	}
	return 0;
}

/* Devices that share a preserved endpoint's group in the next kernel but did not before. */
static int joined(struct pcilu_sim *s, const struct lu_cmp *c)
{
	char bdf[24], pbdf[24];

	for (size_t k = 0; k < s->neps; k++) {
		const struct pcilu_sim_endpoint *e = &s->eps[k];
		int32_t g = e->next_dev == PCILU_NONE ? PCILU_NONE : pcilu_iommu_group_of(s->r_next, e->next_dev);
		int32_t g_now = pcilu_iommu_group_of(s->r_now, e->dev);
		const struct pcilu_group *grp;

		if (g == PCILU_NONE)
			continue;
		grp = pcilu_iommu_group(s->r_next, g);
		for (size_t m = 0; m < grp->nmembers; m++) {
			int32_t j = grp->members[m], i = c->b2a[j];
			struct pcilu_change *ch;

			if (j == e->next_dev || (i != PCILU_NONE && pcilu_iommu_group_of(s->r_now, i) == g_now))
				continue;
			ch = pcilu_changes_add(&s->ch, PCILU_CH_JOINED, &s->next->devs[j],
					       "%s%s joins the group of preserved %s",
					       pcilu_bdf(&s->next->devs[j], bdf, sizeof(bdf)),
					       s->own->added[j] == 1 ? " (hot-plugged)" : s->own->added[j] == 2 ? " (new VF)" : "",
					       pcilu_bdf(&s->now->devs[e->dev], pbdf, sizeof(pbdf)));
			if (!ch)
				return -ENOMEM;
			ch->preserved = true;
			ch->other = pcilu_lu_addr_of(&s->now->devs[e->dev]);
			ch->has_other = true;
		}
	}
	return 0;
}

static void notes(struct pcilu_sim *s, struct pcilu_diag *d)
{
	if (s->assign_busses && s->inherit)
		pcilu_diag_add(d, PCILU_NOTE, NULL, 0, -1, "pci=assign-busses is ignored while preserved "
			       "devices are incoming (pci_liveupdate_preserve_bus_numbers())");
	pcilu_diag_add(d, PCILU_NOTE, NULL, 0, -1, "bus numbers are assumed unchanged: %s",
		       s->inherit ? "the series keeps every bridge's numbers while preserved devices are "
		       "incoming" : s->assign_busses ? "pci=assign-busses lets mainline renumber every "
		       "bridge, which pcilu does not model (preserved bridges are listed)" :
		       "mainline keeps the numbers it finds configured (the outgoing kernel's) "
		       "unless pci=assign-busses");
	if (s->next->ndevs != s->now->ndevs)
		pcilu_diag_add(d, PCILU_NOTE, NULL, 0, -1, "devices added by events are grouped as if "
			       "present at boot; their ACS Control starts from its reset value 0");
}

static int bus_warnings(struct pcilu_sim *s)
{
	char bdf[24];

	if (s->inherit || !s->assign_busses)
		return 0;
	for (size_t j = 0; j < s->next->ndevs; j++) {
		struct pcilu_change *ch;

		if (s->preserved_next[j] != PCILU_LU_BRIDGE)
			continue;
		ch = pcilu_changes_add(&s->ch, PCILU_CH_BUS_NUMBERS, &s->next->devs[j],
				       "%s: pci=assign-busses may renumber this preserved bridge under "
				       "in-flight DMA (new numbers not modelled)",
				       pcilu_bdf(&s->next->devs[j], bdf, sizeof(bdf)));
		if (!ch)
			return -ENOMEM;
		ch->preserved = true;
		ch->before = ch->after = (uint32_t)s->next->devs[j].primary << 16 |
			(uint32_t)s->next->devs[j].secondary << 8 | s->next->devs[j].subordinate;
	}
	return 0;
}

static int run(struct pcilu_sim *s, const struct pcilu_sim_opts *o, struct pcilu_diag *d)
{
	struct lu_cmp c = { 0 };
	int ret = policy_now(s, d);

	if (!ret)
		ret = build_next(s, o, d);
	if (!ret)
		ret = mark_preserved(s);
	if (!ret)
		ret = policy_next(s, o, d);
	if (!ret)
		ret = next_ari(s);
	if (!ret)
		ret = pcilu_iommu_compute(s->next, s->pol_next, &s->r_next, d);
	if (ret)
		return ret;
	c = (struct lu_cmp){ .ra = s->r_now, .rb = s->r_next, .a = s->now, .b = s->next,
			     .preserved_b = s->preserved_next, .added_b = s->own->added, .out = &s->ch };
	ret = pcilu_cmp_map(&c, false);
	if (!ret)
		ret = endpoints(s, &c);
	if (!ret)
		ret = joined(s, &c);
	if (!ret)
		ret = pcilu_cmp_groups(&c);
	if (!ret)
		ret = pcilu_cmp_registers(&c);
	if (!ret)
		ret = bus_warnings(s);
	if (!ret)
		ret = pcilu_cmp_presence(&c);
	if (!ret)
		notes(s, d);
	pcilu_cmp_free(&c);
	return ret;
}

int pcilu_simulate(const struct pcilu_topology *t, const int32_t *preserve, size_t n,
		   const struct pcilu_sim_opts *o, struct pcilu_sim **out, struct pcilu_diag *d)
{
	struct pcilu_sim *s = calloc(1, sizeof(*s));
	int ret;

	*out = NULL;
	if (s)
		s->own = calloc(1, sizeof(*s->own));
	if (!s || !s->own) {
		free(s);
		return -ENOMEM;
	}
	s->now = t;
	s->inherit = !o->no_inherit;
	s->profile = o->profile;
	ret = pcilu_preserve_set_build(t, preserve, n, &s->set, d);
	if (!ret)
		ret = run(s, o, d);
	if (ret) {
		pcilu_sim_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

void pcilu_sim_free(struct pcilu_sim *s)
{
	if (!s)
		return;
	pcilu_iommu_free(s->r_now);
	pcilu_iommu_free(s->r_next);
	if (s->own->has_pol_now)
		pcilu_policy_free(&s->own->pol_now);
	if (s->pol_next)
		pcilu_policy_free(s->pol_next);
	free(s->pol_next);
	pcilu_topology_free(s->next);
	pcilu_preserve_set_free(&s->set);
	pcilu_changes_free(&s->ch);
	free(s->own->fw_ctrl);
	free(s->preserved_next);
	free(s->own->added);
	free(s->own);
	free(s->eps);
	free(s);
}
