// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu simulate (pcilu-simulate/1) and pcilu diff (pcilu-diff/1). */
#include "output_int.h"

#include <pcilu/iommu.h>
#include <pcilu/liveupdate.h>
#include <pcilu/simulate.h>

#include <errno.h>
#include <stdio.h>

static struct json_object *addr_json(struct pcilu_lu_addr a)
{
	char buf[24];

	return json_object_new_string(pcilu_bdf_fmt(a.seg, (uint8_t)(a.bdf >> 8), (uint8_t)a.bdf,
						    buf, sizeof(buf)));
}

/* before/after in the unit of the change's kind */
static struct json_object *value_json(enum pcilu_change_kind k, uint32_t v)
{
	char buf[24];

	switch (k) {
	case PCILU_CH_ROUTING:
	case PCILU_CH_ACS:
		return pcilu_json_acs_flags((uint16_t)v);
	case PCILU_CH_ARI:
		return json_object_new_boolean(v != 0);
	case PCILU_CH_BUS_NUMBERS:
		snprintf(buf, sizeof(buf), "%02x/%02x-%02x", v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff);
		return json_object_new_string(buf);
	case PCILU_CH_IDS:
	case PCILU_CH_APPEARED:
	case PCILU_CH_DISAPPEARED:
		snprintf(buf, sizeof(buf), "%04x:%04x", v >> 16, v & 0xffff);
		return json_object_new_string(buf);
	default:
		return NULL;
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

static struct json_object *changes_json(const struct pcilu_changes *c)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < c->count; i++) {
		const struct pcilu_change *ch = &c->v[i];
		struct json_object *o = json_object_new_object();

		pcilu_json_add(o, "kind", json_object_new_string(pcilu_change_kind_name(ch->kind)));
		pcilu_json_add(o, "bdf", addr_json(ch->addr));
		pcilu_json_add(o, "preserved", json_object_new_boolean(ch->preserved));
		if (ch->has_other)
			pcilu_json_add(o, ch->kind == PCILU_CH_MOVED ? "from" : "preserved_device",
				       addr_json(ch->other));
		if (has_before(ch->kind))
			pcilu_json_add(o, "before", value_json(ch->kind, ch->before));
		if (has_after(ch->kind))
			pcilu_json_add(o, "after", value_json(ch->kind, ch->after));
		if (ch->nmembers) {
			struct json_object *m = json_object_new_array();

			for (size_t k = 0; m && k < ch->nmembers; k++)
				json_object_array_add(m, addr_json(ch->members[k]));
			pcilu_json_add(o, "group", m);
			pcilu_json_add(o, "parts", json_object_new_int((int)ch->parts));
		}
		pcilu_json_add(o, "message", json_object_new_string(ch->text));
		json_object_array_add(a, o);
	}
	return a;
}

static void print_changes(FILE *f, const struct pcilu_changes *c)
{
	fprintf(f, "Changes (%zu):\n", c->count);
	if (!c->count)
		fprintf(f, "  none\n");
	for (size_t i = 0; i < c->count; i++)
		fprintf(f, "  %-15s %s\n", pcilu_change_kind_name(c->v[i].kind), c->v[i].text);
}

static struct json_object *verdict_json(int v)
{
	return v < 0 ? NULL : json_object_new_boolean(v == 1);
}

static struct json_object *group_json(const struct pcilu_iommu *r, int32_t dev)
{
	int32_t g = dev == PCILU_NONE ? PCILU_NONE : pcilu_iommu_group_of(r, dev);
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	struct json_object *a;
	const struct pcilu_group *grp;

	if (g == PCILU_NONE)
		return NULL;
	grp = pcilu_iommu_group(r, g);
	a = json_object_new_array();
	for (size_t m = 0; a && m < grp->nmembers; m++)
		json_object_array_add(a, pcilu_json_bdf(&t->devs[grp->members[m]]));
	return a;
}

static struct json_object *sim_json(const struct pcilu_sim *s, const struct pcilu_diag *d,
				    const struct pcilu_out_opts *o)
{
	struct json_object *root = json_object_new_object(), *nk = json_object_new_object();
	struct json_object *pres = json_object_new_array(), *eps = json_object_new_array();
	const struct pcilu_policy *p = s->pol_next;

	pcilu_json_schema(root, "pcilu-simulate/2");
	pcilu_json_add(root, "source", pcilu_json_source(s->now));
	pcilu_json_add(root, "profile", json_object_new_string(pcilu_lu_profile_name(s->profile)));
	pcilu_json_add(nk, "inherit", json_object_new_boolean(s->inherit));
	pcilu_json_add(nk, "iommu", json_object_new_boolean(pcilu_policy_iommu_on(p, s->next)));
	pcilu_json_add(nk, "config_acs", p->config_acs ? json_object_new_string(p->config_acs) : NULL);
	pcilu_json_add(nk, "disable_acs_redir",
		       p->disable_acs_redir ? json_object_new_string(p->disable_acs_redir) : NULL);
	pcilu_json_add(nk, "acs_override", json_object_new_boolean(p->override.enabled));
	pcilu_json_add(nk, "assign_busses", json_object_new_boolean(s->assign_busses));
	pcilu_json_add(nk, "noari", json_object_new_boolean(s->noari));
	pcilu_json_add(root, "next_kernel", nk);
	for (size_t k = 0; pres && k < s->set.count; k++) {
		struct json_object *n = json_object_new_object();

		pcilu_json_add(n, "bdf", pcilu_json_bdf(&s->now->devs[s->set.nodes[k].dev]));
		pcilu_json_add(n, "role", json_object_new_string(pcilu_lu_role_name(s->set.nodes[k].role)));
		pcilu_json_add(n, "refcount", json_object_new_int64(s->set.nodes[k].refcount));
		json_object_array_add(pres, n);
	}
	pcilu_json_add(root, "preserve", pres);
	for (size_t k = 0; eps && k < s->neps; k++) {
		const struct pcilu_sim_endpoint *e = &s->eps[k];
		struct json_object *n = json_object_new_object();

		pcilu_json_dev_fields(n, &s->now->devs[e->dev], o->names);
		pcilu_json_add(n, "eligible_now", verdict_json(e->now));
		if (e->why_now[0])
			pcilu_json_add(n, "why_now", json_object_new_string(e->why_now));
		pcilu_json_add(n, "eligible_next", verdict_json(e->next));
		if (e->why_next[0])
			pcilu_json_add(n, "why_next", json_object_new_string(e->why_next));
		pcilu_json_add(n, "group_now", group_json(s->r_now, e->dev));
		pcilu_json_add(n, "group_next", group_json(s->r_next, e->next_dev));
		json_object_array_add(eps, n);
	}
	pcilu_json_add(root, "endpoints", eps);
	pcilu_json_add(root, "changes", changes_json(&s->ch));
	pcilu_json_add(root, "failing", json_object_new_int64((int64_t)s->failing));
	pcilu_json_add(root, "diagnostics", pcilu_diag_json(d));
	return root;
}

int pcilu_print_simulate(FILE *f, const struct pcilu_sim *s, const struct pcilu_diag *d,
			 const struct pcilu_out_opts *o)
{
	const struct pcilu_policy *p = s->pol_next;
	char label[320], bdf[24];

	if (o->json)
		return pcilu_json_print(f, sim_json(s, d, o));
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

static struct json_object *side_json(const struct pcilu_topology *t)
{
	return pcilu_json_source(t);
}

int pcilu_print_diff(FILE *f, const struct pcilu_diff *df, const struct pcilu_diag *d,
		     const struct pcilu_out_opts *o)
{
	char na[512], nb[512];

	if (o->json) {
		struct json_object *root = json_object_new_object();

		pcilu_json_schema(root, "pcilu-diff/2");
		pcilu_json_add(root, "a", side_json(df->a));
		pcilu_json_add(root, "b", side_json(df->b));
		pcilu_json_add(root, "changes", changes_json(&df->ch));
		pcilu_json_add(root, "differences", json_object_new_int64((int64_t)df->ch.count));
		pcilu_json_add(root, "diagnostics", pcilu_diag_json(d));
		return pcilu_json_print(f, root);
	}
	fprintf(f, "A: %s (%zu functions)\nB: %s (%zu functions)\n", PCILU_ESC(df->a->name ? df->a->name : "-", na),
		df->a->ndevs, PCILU_ESC(df->b->name ? df->b->name : "-", nb), df->b->ndevs);
	print_changes(f, &df->ch);
	return 0;
}
