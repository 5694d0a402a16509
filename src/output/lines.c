// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON Lines for fleets: one object per device, each carrying the host facts,
 * so many hosts' files concatenate into one table (DuckDB, Spark, jq -s).
 * check writes pcilu-fleet/1, groups pcilu-groups-line/1 (docs/json.md).
 * Reasons are stable rule codes, never English.
 */
#include "output_int.h"
#include <pcilu/iommu.h>
#include <pcilu/liveupdate.h>

#include <errno.h>

static void members_w(struct pcilu_jw *w, const struct pcilu_iommu *r, int32_t dev)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	const struct pcilu_group *g = pcilu_iommu_group(r, pcilu_iommu_group_of(r, dev));

	if (!g) {
		pcilu_jw_null(w);
		return;
	}
	pcilu_jw_arr(w);
	for (size_t k = 0; k < g->nmembers; k++)
		pcilu_jw_bdf(w, &t->devs[g->members[k]]);
	pcilu_jw_end_arr(w);
}

static size_t group_size(const struct pcilu_iommu *r, int32_t dev)
{
	const struct pcilu_group *g = pcilu_iommu_group(r, pcilu_iommu_group_of(r, dev));

	return g ? g->nmembers : 0;
}

/*
 * The bridge a path rule failed at (acs-path, acs-quirk), by model: what a fleet
 * asks when it looks for the root-port and switch models that break isolation.
 */
static void bridge_w(struct pcilu_jw *w, const struct pcilu_topology *t, const struct pcilu_lu_verdict *v,
		     int32_t dev)
{
	char id[16];

	for (size_t i = 0; i < v->nreasons; i++) {
		const struct pcilu_lu_reason *x = &v->reasons[i];

		if ((x->rule == PCILU_LUR_ACS_PATH || x->rule == PCILU_LUR_ACS_QUIRK) && x->dev != dev &&
		    x->dev != PCILU_NONE) {
			snprintf(id, sizeof(id), "%04x:%04x", t->devs[x->dev].vendor, t->devs[x->dev].device);
			pcilu_jw_obj(w);
			pcilu_jw_key(w, "bdf");
			pcilu_jw_bdf(w, &t->devs[x->dev]);
			pcilu_jw_kstr(w, "id", id);
			pcilu_jw_kstr(w, "type", pcilu_dev_type_name(&t->devs[x->dev]));
			pcilu_jw_end_obj(w);
			return;
		}
	}
	pcilu_jw_null(w);
}

static void verdict_w(struct pcilu_jw *w, const struct pcilu_topology *t, const struct pcilu_lu_verdict *v,
		      int32_t dev)
{
	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "state", pcilu_lu_state_name(v->state));
	pcilu_jw_kint(w, "errno", v->err);
	pcilu_jw_karr(w, "rules");
	for (size_t i = 0; i < v->nreasons; i++)
		if (v->reasons[i].sev == PCILU_LUS_REFUSE || v->reasons[i].sev == PCILU_LUS_UNDECIDED)
			pcilu_jw_str(w, pcilu_lu_rule_name(v->reasons[i].rule));
	pcilu_jw_end_arr(w);
	pcilu_jw_key(w, "bridge");
	bridge_w(w, t, v, dev);
	pcilu_jw_end_obj(w);
}

static void check_line(struct pcilu_jw *w, const struct pcilu_lu_check *c, const struct pcilu_lu_devcheck *dc,
		       const struct pcilu_out_opts *o)
{
	pcilu_jw_schema(w, "pcilu-fleet/1");
	pcilu_jw_key(w, "source");
	pcilu_jw_source(w, c->t);
	pcilu_jw_kstr(w, "iommu", c->iommu_on ? "on" : "off");
	pcilu_jw_kstr(w, "iommu_from", pcilu_fact_origin_name(c->iommu_from));
	pcilu_jw_dev_fields(w, &c->t->devs[dc->dev], o->names);
	pcilu_jw_kbool(w, "is_virtfn", c->t->devs[dc->dev].is_virtfn);
	pcilu_jw_key(w, "group");
	pcilu_jw_opt_int(w, dc->group != PCILU_NONE, dc->group);
	pcilu_jw_key(w, "group_size");
	pcilu_jw_opt_int(w, c->iommu_on, (int64_t)group_size(c->r, dc->dev));
	pcilu_jw_key(w, "group_members");
	if (c->iommu_on)
		members_w(w, c->r, dc->dev);
	else
		pcilu_jw_null(w);
	pcilu_jw_kobj(w, "verdicts");
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++)
		if (c->profiles & (1u << p)) {
			pcilu_jw_key(w, pcilu_lu_profile_name(p));
			verdict_w(w, c->t, &dc->v[p], dc->dev);
		}
	pcilu_jw_end_obj(w);
	pcilu_jw_end_obj(w);
}

int pcilu_print_check_lines(FILE *f, const struct pcilu_lu_check *c, const struct pcilu_out_opts *o)
{
	struct pcilu_jw *w = pcilu_jw_open(f, false);
	int err = 0;

	if (!w)
		return -ENOMEM;
	for (size_t i = 0; !err && i < c->ndevs; i++) {
		check_line(w, c, &c->devs[i], o);
		err = pcilu_jw_end(w);
	}
	pcilu_jw_free(w);
	return err;
}

static void groups_line(struct pcilu_jw *w, const struct pcilu_iommu *r, int32_t i, const struct pcilu_out_opts *o)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	uint8_t from;
	bool on = pcilu_iommu_is_on(r, &from);
	int32_t g = pcilu_iommu_group_of(r, i);

	pcilu_jw_schema(w, "pcilu-groups-line/1");
	pcilu_jw_key(w, "source");
	pcilu_jw_source(w, t);
	pcilu_jw_kstr(w, "iommu", on ? "on" : "off");
	pcilu_jw_kstr(w, "iommu_from", pcilu_fact_origin_name(from));
	pcilu_jw_dev_fields(w, &t->devs[i], o->names);
	pcilu_jw_key(w, "group");
	pcilu_jw_opt_int(w, g != PCILU_NONE, g);
	pcilu_jw_key(w, "group_members");
	members_w(w, r, i);
	pcilu_jw_kint(w, "group_size", (int64_t)group_size(r, i));
	pcilu_jw_kbool(w, "relies_on_quirk", pcilu_iommu_relies_on_quirk(r, i));
	pcilu_jw_end_obj(w);
}

int pcilu_print_groups_lines(FILE *f, const struct pcilu_iommu *r, const struct pcilu_out_opts *o)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	struct pcilu_jw *w = pcilu_jw_open(f, false);
	int err = 0;

	if (!w)
		return -ENOMEM;
	for (size_t i = 0; !err && i < t->ndevs; i++) {
		if (o->sel && !pcilu_select_match(o->sel, &t->devs[i]))
			continue;
		groups_line(w, r, (int32_t)i, o);
		err = pcilu_jw_end(w);
	}
	pcilu_jw_free(w);
	return err;
}
