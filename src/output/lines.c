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

static struct json_object *members_j(const struct pcilu_iommu *r, int32_t dev, size_t *n)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	const struct pcilu_group *g = pcilu_iommu_group(r, pcilu_iommu_group_of(r, dev));
	struct json_object *a;

	*n = g ? g->nmembers : 0;
	if (!g)
		return NULL;
	a = json_object_new_array();
	for (size_t k = 0; a && k < g->nmembers; k++)
		json_object_array_add(a, pcilu_json_bdf(&t->devs[g->members[k]]));
	return a;
}

/*
 * The bridge a path rule failed at (acs-path, acs-quirk), by model: what a fleet
 * asks when it looks for the root-port and switch models that break isolation.
 */
static struct json_object *bridge_j(const struct pcilu_topology *t, const struct pcilu_lu_verdict *v, int32_t dev)
{
	char id[16];

	for (size_t i = 0; i < v->nreasons; i++) {
		const struct pcilu_lu_reason *x = &v->reasons[i];

		if ((x->rule == PCILU_LUR_ACS_PATH || x->rule == PCILU_LUR_ACS_QUIRK) && x->dev != dev &&
		    x->dev != PCILU_NONE) {
			struct json_object *o = json_object_new_object();

			snprintf(id, sizeof(id), "%04x:%04x", t->devs[x->dev].vendor, t->devs[x->dev].device);
			pcilu_json_add(o, "bdf", pcilu_json_bdf(&t->devs[x->dev]));
			pcilu_json_add(o, "id", json_object_new_string(id));
			pcilu_json_add(o, "type", json_object_new_string(pcilu_dev_type_name(&t->devs[x->dev])));
			return o;
		}
	}
	return NULL;
}

static struct json_object *verdict_j(const struct pcilu_topology *t, const struct pcilu_lu_verdict *v, int32_t dev)
{
	struct json_object *o = json_object_new_object(), *rules = json_object_new_array();

	pcilu_json_add(o, "state", json_object_new_string(pcilu_lu_state_name(v->state)));
	pcilu_json_add(o, "errno", json_object_new_int(v->err));
	for (size_t i = 0; rules && i < v->nreasons; i++)
		if (v->reasons[i].sev == PCILU_LUS_REFUSE || v->reasons[i].sev == PCILU_LUS_UNDECIDED)
			json_object_array_add(rules, json_object_new_string(pcilu_lu_rule_name(v->reasons[i].rule)));
	pcilu_json_add(o, "rules", rules);
	pcilu_json_add(o, "bridge", bridge_j(t, v, dev));
	return o;
}

int pcilu_print_check_lines(FILE *f, const struct pcilu_lu_check *c, const struct pcilu_out_opts *o)
{
	for (size_t i = 0; i < c->ndevs; i++) {
		const struct pcilu_lu_devcheck *dc = &c->devs[i];
		struct json_object *root = json_object_new_object(), *v = json_object_new_object(), *m;
		size_t n;
		int err;

		pcilu_json_schema(root, "pcilu-fleet/1");
		pcilu_json_add(root, "source", pcilu_json_source(c->t));
		pcilu_json_add(root, "iommu", json_object_new_string(c->iommu_on ? "on" : "off"));
		pcilu_json_add(root, "iommu_from", json_object_new_string(pcilu_fact_origin_name(c->iommu_from)));
		pcilu_json_dev_fields(root, &c->t->devs[dc->dev], o->names);
		pcilu_json_add(root, "is_virtfn", json_object_new_boolean(c->t->devs[dc->dev].is_virtfn));
		pcilu_json_add(root, "group", dc->group == PCILU_NONE ? NULL : json_object_new_int(dc->group));
		m = c->iommu_on ? members_j(c->r, dc->dev, &n) : (n = 0, NULL);
		pcilu_json_add(root, "group_size", c->iommu_on ? json_object_new_int64((int64_t)n) : NULL);
		pcilu_json_add(root, "group_members", m);
		for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++)
			if (c->profiles & (1u << p))
				pcilu_json_add(v, pcilu_lu_profile_name(p), verdict_j(c->t, &dc->v[p], dc->dev));
		pcilu_json_add(root, "verdicts", v);
		err = pcilu_json_print_line(f, root);
		if (err)
			return err;
	}
	return 0;
}

int pcilu_print_groups_lines(FILE *f, const struct pcilu_iommu *r, const struct pcilu_out_opts *o)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	uint8_t from;
	bool on = pcilu_iommu_is_on(r, &from);

	for (size_t i = 0; i < t->ndevs; i++) {
		const struct pcilu_dev *d = &t->devs[i];
		struct json_object *root;
		size_t n;
		int err;

		if (o->sel && !pcilu_select_match(o->sel, d))
			continue;
		root = json_object_new_object();
		pcilu_json_schema(root, "pcilu-groups-line/1");
		pcilu_json_add(root, "source", pcilu_json_source(t));
		pcilu_json_add(root, "iommu", json_object_new_string(on ? "on" : "off"));
		pcilu_json_add(root, "iommu_from", json_object_new_string(pcilu_fact_origin_name(from)));
		pcilu_json_dev_fields(root, d, o->names);
		pcilu_json_add(root, "group", pcilu_iommu_group_of(r, (int32_t)i) == PCILU_NONE ? NULL :
			       json_object_new_int(pcilu_iommu_group_of(r, (int32_t)i)));
		pcilu_json_add(root, "group_members", members_j(r, (int32_t)i, &n));
		pcilu_json_add(root, "group_size", json_object_new_int64((int64_t)n));
		pcilu_json_add(root, "relies_on_quirk", json_object_new_boolean(pcilu_iommu_relies_on_quirk(r, (int32_t)i)));
		err = pcilu_json_print_line(f, root);
		if (err)
			return err;
	}
	return 0;
}
