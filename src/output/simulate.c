// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu simulate (pcilu-simulate/1) and pcilu diff (pcilu-diff/1). */
#include "output_int.h"

#include <pcilu/iommu.h>
#include <pcilu/liveupdate.h>
#include <pcilu/simulate.h>

#include <errno.h>
#include <stdio.h>

static void addr_w(struct pcilu_jw *w, struct pcilu_lu_addr a)
{
	char buf[24];

	pcilu_jw_str(w, pcilu_bdf_fmt(a.seg, (uint8_t)(a.bdf >> 8), (uint8_t)a.bdf, buf, sizeof(buf)));
}

/* before/after in the unit of the change's kind */
static void value_w(struct pcilu_jw *w, enum pcilu_change_kind k, uint32_t v)
{
	char buf[24];

	switch (k) {
	case PCILU_CH_ROUTING:
	case PCILU_CH_ACS:
		pcilu_jw_acs_flags(w, (uint16_t)v);
		return;
	case PCILU_CH_ARI:
		pcilu_jw_bool(w, v != 0);
		return;
	case PCILU_CH_BUS_NUMBERS:
		snprintf(buf, sizeof(buf), "%02x/%02x-%02x", v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff);
		pcilu_jw_str(w, buf);
		return;
	case PCILU_CH_IDS:
	case PCILU_CH_APPEARED:
	case PCILU_CH_DISAPPEARED:
		snprintf(buf, sizeof(buf), "%04x:%04x", v >> 16, v & 0xffff);
		pcilu_jw_str(w, buf);
		return;
	default:
		pcilu_jw_null(w);
	}
}

static bool has_before(enum pcilu_change_kind k)
{
	return k == PCILU_CH_ROUTING || k == PCILU_CH_ACS || k == PCILU_CH_ARI ||
	       k == PCILU_CH_BUS_NUMBERS || k == PCILU_CH_IDS || k == PCILU_CH_DISAPPEARED;
}

static bool has_after(enum pcilu_change_kind k)
{
	return has_before(k) ? k != PCILU_CH_DISAPPEARED : k == PCILU_CH_APPEARED;
}

static void changes_w(struct pcilu_jw *w, const struct pcilu_changes *c)
{
	pcilu_jw_arr(w);
	for (size_t i = 0; i < c->count; i++) {
		const struct pcilu_change *ch = &c->v[i];

		pcilu_jw_obj(w);
		pcilu_jw_kstr(w, "kind", pcilu_change_kind_name(ch->kind));
		pcilu_jw_key(w, "bdf");
		addr_w(w, ch->addr);
		pcilu_jw_kbool(w, "preserved", ch->preserved);
		if (ch->has_other) {
			pcilu_jw_key(w, ch->kind == PCILU_CH_MOVED ? "from" : "preserved_device");
			addr_w(w, ch->other);
		}
		if (has_before(ch->kind)) {
			pcilu_jw_key(w, "before");
			value_w(w, ch->kind, ch->before);
		}
		if (has_after(ch->kind)) {
			pcilu_jw_key(w, "after");
			value_w(w, ch->kind, ch->after);
		}
		if (ch->nmembers) {
			pcilu_jw_karr(w, "group");
			for (size_t k = 0; k < ch->nmembers; k++)
				addr_w(w, ch->members[k]);
			pcilu_jw_end_arr(w);
			pcilu_jw_kint(w, "parts", (int)ch->parts);
		}
		pcilu_jw_kstr(w, "message", ch->text);
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_arr(w);
}

static void print_changes(FILE *f, const struct pcilu_changes *c)
{
	fprintf(f, "Changes (%zu):\n", c->count);
	if (!c->count)
		fprintf(f, "  none\n");
	for (size_t i = 0; i < c->count; i++)
		fprintf(f, "  %-15s %s\n", pcilu_change_kind_name(c->v[i].kind), c->v[i].text);
}

static void verdict_w(struct pcilu_jw *w, int v)
{
	if (v < 0)
		pcilu_jw_null(w);
	else
		pcilu_jw_bool(w, v == 1);
}

static void group_w(struct pcilu_jw *w, const struct pcilu_iommu *r, int32_t dev)
{
	int32_t g = dev == PCILU_NONE ? PCILU_NONE : pcilu_iommu_group_of(r, dev);
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	const struct pcilu_group *grp;

	if (g == PCILU_NONE) {
		pcilu_jw_null(w);
		return;
	}
	grp = pcilu_iommu_group(r, g);
	pcilu_jw_arr(w);
	for (size_t m = 0; m < grp->nmembers; m++)
		pcilu_jw_bdf(w, &t->devs[grp->members[m]]);
	pcilu_jw_end_arr(w);
}

static void next_kernel_w(struct pcilu_jw *w, const struct pcilu_sim *s)
{
	const struct pcilu_policy *p = s->pol_next;

	pcilu_jw_obj(w);
	pcilu_jw_kbool(w, "inherit", s->inherit);
	pcilu_jw_kbool(w, "iommu", pcilu_policy_iommu_on(p, s->next));
	pcilu_jw_kstr(w, "config_acs", p->config_acs);
	pcilu_jw_kstr(w, "disable_acs_redir", p->disable_acs_redir);
	pcilu_jw_kbool(w, "acs_override", p->override.enabled);
	pcilu_jw_kbool(w, "assign_busses", s->assign_busses);
	pcilu_jw_kbool(w, "noari", s->noari);
	pcilu_jw_end_obj(w);
}

static void endpoint_w(struct pcilu_jw *w, const struct pcilu_sim *s, const struct pcilu_sim_endpoint *e,
		       const struct pcilu_out_opts *o)
{
	pcilu_jw_obj(w);
	pcilu_jw_dev_fields(w, &s->now->devs[e->dev], o->names);
	pcilu_jw_key(w, "eligible_now");
	verdict_w(w, e->now);
	if (e->why_now[0])
		pcilu_jw_kstr(w, "why_now", e->why_now);
	pcilu_jw_key(w, "eligible_next");
	verdict_w(w, e->next);
	if (e->why_next[0])
		pcilu_jw_kstr(w, "why_next", e->why_next);
	pcilu_jw_key(w, "group_now");
	group_w(w, s->r_now, e->dev);
	pcilu_jw_key(w, "group_next");
	group_w(w, s->r_next, e->next_dev);
	pcilu_jw_end_obj(w);
}

static int sim_json(FILE *f, const struct pcilu_sim *s, const struct pcilu_diag *d, const struct pcilu_out_opts *o)
{
	struct pcilu_jw *w = pcilu_jw_doc(f, "pcilu-simulate/2");

	if (!w)
		return -ENOMEM;
	pcilu_jw_key(w, "source");
	pcilu_jw_source(w, s->now);
	pcilu_jw_kstr(w, "profile", pcilu_lu_profile_name(s->profile));
	pcilu_jw_key(w, "next_kernel");
	next_kernel_w(w, s);
	pcilu_jw_karr(w, "preserve");
	for (size_t k = 0; k < s->set.count; k++) {
		pcilu_jw_obj(w);
		pcilu_jw_key(w, "bdf");
		pcilu_jw_bdf(w, &s->now->devs[s->set.nodes[k].dev]);
		pcilu_jw_kstr(w, "role", pcilu_lu_role_name(s->set.nodes[k].role));
		pcilu_jw_kint(w, "refcount", s->set.nodes[k].refcount);
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_arr(w);
	pcilu_jw_karr(w, "endpoints");
	for (size_t k = 0; k < s->neps; k++)
		endpoint_w(w, s, &s->eps[k], o);
	pcilu_jw_end_arr(w);
	pcilu_jw_key(w, "changes");
	changes_w(w, &s->ch);
	pcilu_jw_kint(w, "failing", (int64_t)s->failing);
	return pcilu_jw_finish_diag(w, d);
}

int pcilu_print_simulate(FILE *f, const struct pcilu_sim *s, const struct pcilu_diag *d,
			 const struct pcilu_out_opts *o)
{
	const struct pcilu_policy *p = s->pol_next;
	char label[320], bdf[24];

	if (o->json)
		return sim_json(f, s, d, o);
	fprintf(f, "Next kernel: %s, IOMMU %s, config_acs=%s, disable_acs_redir=%s%s\n",
		s->inherit ? "with the PCI Live Update series (preserved nodes inherit ACS, ARI, buses)" :
		"mainline 7.2 (--no-inherit: nothing inherited)",
		pcilu_policy_iommu_on(p, s->next) ? "on" : "off",
		p->config_acs ? p->config_acs : "(none)", p->disable_acs_redir ? p->disable_acs_redir : "(none)",
		p->override.enabled ? ", ACS override patch" : "");
	fprintf(f, "Preserved endpoints:\n");
	for (size_t k = 0; k < s->neps; k++) {
		const struct pcilu_sim_endpoint *e = &s->eps[k];
		const struct pcilu_dev *dev = &s->now->devs[e->dev];

		fprintf(f, "  %s %s\n    now:  %s%s%s\n    next: %s%s%s\n", pcilu_bdf(dev, bdf, sizeof(bdf)),
			pcilu_dev_label(dev, o->names, label, sizeof(label)),
			e->now == 1 ? "eligible" : e->now == 0 ? "not eligible" : "unknown",
			e->why_now[0] ? ": " : "", e->why_now,
			e->next == 1 ? "eligible" : e->next == 0 ? "not eligible" : "unknown",
			e->why_next[0] ? ": " : "", e->why_next);
	}
	print_changes(f, &s->ch);
	if (s->failing)
		fprintf(f, "%zu preserved device(s) not eligible (%s) in the next kernel\n", s->failing,
			pcilu_lu_profile_name(s->profile));
	else
		fprintf(f, "Every preserved device stays eligible (%s) in the next kernel\n",
			pcilu_lu_profile_name(s->profile));
	return 0;
}

static int diff_json(FILE *f, const struct pcilu_diff *df, const struct pcilu_diag *d)
{
	struct pcilu_jw *w = pcilu_jw_doc(f, "pcilu-diff/2");

	if (!w)
		return -ENOMEM;
	pcilu_jw_key(w, "a");
	pcilu_jw_source(w, df->a);
	pcilu_jw_key(w, "b");
	pcilu_jw_source(w, df->b);
	pcilu_jw_key(w, "changes");
	changes_w(w, &df->ch);
	pcilu_jw_kint(w, "differences", (int64_t)df->ch.count);
	return pcilu_jw_finish_diag(w, d);
}

int pcilu_print_diff(FILE *f, const struct pcilu_diff *df, const struct pcilu_diag *d,
		     const struct pcilu_out_opts *o)
{
	char na[512], nb[512];

	if (o->json)
		return diff_json(f, df, d);
	fprintf(f, "A: %s (%zu functions)\nB: %s (%zu functions)\n", PCILU_ESC(df->a->name ? df->a->name : "-", na),
		df->a->ndevs, PCILU_ESC(df->b->name ? df->b->name : "-", nb), df->b->ndevs);
	print_changes(f, &df->ch);
	return 0;
}
