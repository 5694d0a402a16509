// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcilu groups: the IOMMU groups pcilu computes, each with the reasons
 * that made it, the assumptions behind them, and the comparison with the
 * kernel's own groups when the source has them (schema pcilu-groups/1).
 */
#include "output_int.h"
#include <pcilu/iommu.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *flag_names[] = { "unknown-acs", "assumption", "device-quirk", "acs-override" };

static struct json_object *flags_json(uint8_t flags)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; a && i < 4; i++)
		if (flags & (1u << i))
			json_object_array_add(a, json_object_new_string(flag_names[i]));
	return a;
}

static struct json_object *bdf_or_null(const struct pcilu_topology *t, int32_t dev)
{
	return dev == PCILU_NONE ? NULL : pcilu_json_bdf(&t->devs[dev]);
}

static struct json_object *reason_json(const struct pcilu_iommu *r, const struct pcilu_reason *rs)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	struct json_object *o = json_object_new_object();
	char text[1024];

	pcilu_json_add(o, "kind", json_object_new_string(pcilu_reason_kind_name(rs->kind)));
	pcilu_json_add(o, "device", pcilu_json_bdf(&t->devs[rs->dev]));
	pcilu_json_add(o, "other", bdf_or_null(t, rs->other));
	pcilu_json_add(o, "bridge", bdf_or_null(t, rs->bridge));
	if (rs->kind == PCILU_R_PATH || rs->kind == PCILU_R_FUNCTION) {
		pcilu_json_add(o, "missing", pcilu_json_acs_flags(rs->eval.missing));
		pcilu_json_add(o, "quirk", rs->eval.quirk >= 0 ?
			       json_object_new_string(pcilu_acs_quirk_name(rs->eval.quirk)) : NULL);
	}
	pcilu_json_add(o, "flags", flags_json(rs->flags));
	pcilu_json_add(o, "text", json_object_new_string(pcilu_reason_str(r, rs, text, sizeof(text))));
	return o;
}

/* Whether a group holds a device the selection names (every group without one). */
static bool group_selected(const struct pcilu_topology *t, const struct pcilu_group *gr, const struct pcilu_select *sel)
{
	for (size_t i = 0; sel && i < gr->nmembers; i++)
		if (pcilu_select_match(sel, &t->devs[gr->members[i]]))
			return true;
	return !sel;
}

/* The kernel's number for a group: its members' when they all carry the same one, else -1. */
static int32_t kernel_number(const struct pcilu_topology *t, const struct pcilu_group *gr)
{
	int32_t k = gr->nmembers ? t->devs[gr->members[0]].kernel_group : -1;

	for (size_t i = 1; i < gr->nmembers; i++)
		if (t->devs[gr->members[i]].kernel_group != k)
			return -1;
	return k;
}

static struct json_object *groups_json(const struct pcilu_iommu *r, const struct pcilu_select *sel)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	struct json_object *a = json_object_new_array();

	for (size_t g = 0; a && g < pcilu_iommu_ngroups(r); g++) {
		const struct pcilu_group *gr = pcilu_iommu_group(r, (int32_t)g);
		struct json_object *o, *m, *rs;
		int32_t k = kernel_number(t, gr);

		if (!group_selected(t, gr, sel))
			continue;
		o = json_object_new_object();
		m = json_object_new_array();
		rs = json_object_new_array();

		for (size_t i = 0; m && i < gr->nmembers; i++)
			json_object_array_add(m, pcilu_json_bdf(&t->devs[gr->members[i]]));
		for (size_t i = 0; rs && i < gr->nreasons; i++)
			json_object_array_add(rs, reason_json(r, &gr->reasons[i]));
		pcilu_json_add(o, "id", json_object_new_int(gr->id));
		pcilu_json_add(o, "kernel_group", k >= 0 ? json_object_new_int(k) : NULL);
		pcilu_json_add(o, "devices", m);
		pcilu_json_add(o, "flags", flags_json(gr->flags));
		pcilu_json_add(o, "reasons", rs);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *group_j(int32_t g)
{
	return g == PCILU_NONE ? NULL : json_object_new_int(g);
}

/* Devices no IOMMU translates: in no group, each with why (reason kind not-translated). */
static struct json_object *ungrouped_json(const struct pcilu_iommu *r, const struct pcilu_select *sel)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < t->ndevs; i++) {
		struct json_object *o;

		if (pcilu_iommu_group_of(r, (int32_t)i) != PCILU_NONE || (sel && !pcilu_select_match(sel, &t->devs[i])))
			continue;
		o = json_object_new_object();
		pcilu_json_add(o, "bdf", pcilu_json_bdf(&t->devs[i]));
		pcilu_json_add(o, "reason", reason_json(r, pcilu_iommu_join(r, (int32_t)i)));
		json_object_array_add(a, o);
	}
	return a;
}

static void print_ungrouped_text(FILE *f, const struct pcilu_iommu *r, const struct pcilu_out_opts *o)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	char label[384], bdf[24], text[1024];
	bool head = false;

	for (size_t i = 0; i < t->ndevs; i++) {
		const struct pcilu_dev *d = &t->devs[i];

		if (pcilu_iommu_group_of(r, (int32_t)i) != PCILU_NONE || (o->sel && !pcilu_select_match(o->sel, d)))
			continue;
		if (!head)
			fprintf(f, "\nIn no IOMMU group (no IOMMU translates them; vfio cannot use them):\n");
		head = true;
		fprintf(f, "  %s %s\n", pcilu_bdf(d, bdf, sizeof(bdf)), pcilu_dev_label(d, o->names, label, sizeof(label)));
		fprintf(f, "  - %s\n", pcilu_reason_str(r, pcilu_iommu_join(r, (int32_t)i), text, sizeof(text)));
	}
}

static struct json_object *devices_json(const struct pcilu_iommu *r, const struct pcilu_select *sel,
					struct pcilu_names *names)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < t->ndevs; i++) {
		const struct pcilu_dev *d = &t->devs[i];
		struct json_object *o;

		if (sel && !pcilu_select_match(sel, d))
			continue;
		o = json_object_new_object();
		pcilu_json_dev_fields(o, d, names);
		pcilu_json_add(o, "group", group_j(pcilu_iommu_group_of(r, (int32_t)i)));
		pcilu_json_add(o, "acs_ctrl", d->acs_pos ?
			       pcilu_json_acs_flags(pcilu_iommu_acs_ctrl(r, (int32_t)i)) : NULL);
		pcilu_json_add(o, "relies_on_quirk",
			       json_object_new_boolean(pcilu_iommu_relies_on_quirk(r, (int32_t)i)));
		pcilu_json_add(o, "join", reason_json(r, pcilu_iommu_join(r, (int32_t)i)));
		json_object_array_add(a, o);
	}
	return a;
}


static void print_group_text(FILE *f, const struct pcilu_iommu *r, size_t g,
			     const struct pcilu_out_opts *o)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	const struct pcilu_group *gr = pcilu_iommu_group(r, (int32_t)g);
	char label[256], bdf[24], text[1024], drv[160];
	int32_t k = kernel_number(t, gr);

	if (k >= 0)
		fprintf(f, "Group %d (the kernel's number; pcilu's is %d)", k, gr->id);
	else
		fprintf(f, "Group %d", gr->id);
	fprintf(f, "%s%s\n", gr->flags & PCILU_RF_UNKNOWN ? "  [depends on unknown ACS]" : "",
		gr->flags & PCILU_RF_ASSUMED ? "  [depends on an assumption]" : "");
	for (size_t i = 0; i < gr->nmembers; i++) {
		const struct pcilu_dev *d = &t->devs[gr->members[i]];

		fprintf(f, "  %s %s%s%s%s\n", pcilu_bdf(d, bdf, sizeof(bdf)),
			pcilu_dev_label(d, o->names, label, sizeof(label)), d->driver ? " [" : "",
			d->driver ? PCILU_ESC(d->driver, drv) : "", d->driver ? "]" : "");
	}
	for (size_t i = 0; i < gr->nreasons; i++)
		if (gr->reasons[i].kind != PCILU_R_NEW_GROUP || gr->nreasons == 1 || gr->reasons[i].flags)
			fprintf(f, "  - %s\n", pcilu_reason_str(r, &gr->reasons[i], text, sizeof(text)));
}

static void print_assumptions_text(FILE *f, const struct pcilu_iommu *r)
{
	size_t n;
	const struct pcilu_assumption *as = pcilu_iommu_assumptions(r, &n);

	if (n)
		fprintf(f, "\nNotes:\n");
	for (size_t i = 0; i < n; i++)
		pcilu_out_wrap(f, "  * ", as[i].text, "    ", 100);
}

int pcilu_print_groups(FILE *f, const struct pcilu_iommu *r, const struct pcilu_diag *d,
		       const struct pcilu_out_opts *o, struct json_object *extra)
{
	uint8_t from;
	bool on = pcilu_iommu_is_on(r, &from);

	if (o->json) {
		struct json_object *root = json_object_new_object();
		const struct pcilu_topology *t = pcilu_iommu_topology(r);

		pcilu_json_schema(root, "pcilu-groups/2");
		pcilu_json_add(root, "source", pcilu_json_source(t));
		pcilu_json_add(root, "iommu", json_object_new_string(on ? "on" : "off"));
		pcilu_json_add(root, "iommu_from", json_object_new_string(pcilu_fact_origin_name(from)));
		pcilu_json_add(root, "groups", groups_json(r, o->sel));
		pcilu_json_add(root, "devices", devices_json(r, o->sel, o->names));
		pcilu_json_add(root, "ungrouped", ungrouped_json(r, o->sel));
		pcilu_json_add(root, "assumptions", pcilu_json_assumptions(r));
		if (extra)
			pcilu_json_add(root, "compare", extra);
		pcilu_json_add(root, "diagnostics", pcilu_diag_json(d));
		return pcilu_json_print(f, root);
	}
	/* Lead with the fact the groups rest on; a default is named in the notes. */
	if (from != PCILU_FROM_DEFAULT)
		fprintf(f, "IOMMU: %s (%s)%s\n\n", on ? "on" : "off", pcilu_fact_origin_text(from, on),
			on ? "" : "; below, the groups an IOMMU would give");
	for (size_t g = 0, shown = 0; g < pcilu_iommu_ngroups(r); g++) {
		if (!group_selected(pcilu_iommu_topology(r), pcilu_iommu_group(r, (int32_t)g), o->sel))
			continue;
		if (shown++)
			fputc('\n', f);
		print_group_text(f, r, g, o);
	}
	print_ungrouped_text(f, r, o);
	print_assumptions_text(f, r);
	json_object_put(extra);
	return 0;
}

int pcilu_print_explain(FILE *f, const struct pcilu_iommu *r, int32_t dev, const struct pcilu_out_opts *o)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	const struct pcilu_reason *j = pcilu_iommu_join(r, dev);
	int32_t g = pcilu_iommu_group_of(r, dev), fail;
	struct pcilu_acs_eval e;
	char bdf[24], text[1024];
	int32_t up = pcilu_upstream_bridge(t, dev);

	if (!j)
		return -EINVAL;
	if (o->json) {
		struct json_object *root = json_object_new_object();

		pcilu_json_schema(root, "pcilu-groups/2");
		pcilu_json_add(root, "source", pcilu_json_source(t));
		pcilu_json_add(root, "bdf", pcilu_json_bdf(&t->devs[dev]));
		pcilu_json_add(root, "kernel_group", t->devs[dev].kernel_group >= 0 ?
			       json_object_new_int(t->devs[dev].kernel_group) : NULL);
		pcilu_json_add(root, "group", group_j(g));
		pcilu_json_add(root, "join", reason_json(r, j));
		pcilu_json_add(root, "relies_on_quirk", json_object_new_boolean(pcilu_iommu_relies_on_quirk(r, dev)));
		pcilu_json_add(root, "members", pcilu_vfio_json(r, dev, o->names));
		return pcilu_json_print(f, root);
	}
	if (g == PCILU_NONE)
		fprintf(f, "%s is in no IOMMU group: vfio cannot use it.\n", pcilu_bdf(&t->devs[dev], bdf, sizeof(bdf)));
	else if (t->devs[dev].kernel_group >= 0)
		fprintf(f, "%s is in the kernel's IOMMU group %d (/sys/kernel/iommu_groups/%d); pcilu's is %d.\n",
			pcilu_bdf(&t->devs[dev], bdf, sizeof(bdf)), t->devs[dev].kernel_group,
			t->devs[dev].kernel_group, g);
	else
		fprintf(f, "%s is in IOMMU group %d (pcilu's number: the source has no kernel group for it).\n",
			pcilu_bdf(&t->devs[dev], bdf, sizeof(bdf)), g);
	fprintf(f, "Why: %s\n", pcilu_reason_str(r, j, text, sizeof(text)));
	e = pcilu_acs_enabled(r, dev, PCILU_REQ_ACS_FLAGS);
	fprintf(f, "Own ACS: %s\n", pcilu_acs_eval_str(r, dev, &e, text, sizeof(text)));
	if (up != PCILU_NONE) {
		if (pcilu_acs_path_enabled(r, up, PCILU_REQ_ACS_FLAGS, &fail, &e))
			fprintf(f, "Upstream path from %s: ACS-isolated up to the root.\n",
				pcilu_bdf(&t->devs[up], bdf, sizeof(bdf)));
		else
			fprintf(f, "Upstream path: first failing bridge: %s\n",
				pcilu_acs_eval_str(r, fail, &e, text, sizeof(text)));
	}
	if (pcilu_iommu_relies_on_quirk(r, dev))
		fprintf(f, "Its group's isolation relies on a device-specific ACS quirk.\n");
	pcilu_print_vfio(f, r, dev, o->names);
	return 0;
}
