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

static void flags_w(struct pcilu_jw *w, uint8_t flags)
{
	pcilu_jw_arr(w);
	for (unsigned i = 0; i < 4; i++)
		if (flags & (1u << i))
			pcilu_jw_str(w, flag_names[i]);
	pcilu_jw_end_arr(w);
}

static void reason_w(struct pcilu_jw *w, const struct pcilu_iommu *r, const struct pcilu_reason *rs)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	char text[1024];

	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "kind", pcilu_reason_kind_name(rs->kind));
	pcilu_jw_key(w, "device");
	pcilu_jw_bdf(w, &t->devs[rs->dev]);
	pcilu_jw_key(w, "other");
	pcilu_jw_bdf_at(w, t, rs->other);
	pcilu_jw_key(w, "bridge");
	pcilu_jw_bdf_at(w, t, rs->bridge);
	if (rs->kind == PCILU_R_PATH || rs->kind == PCILU_R_FUNCTION) {
		pcilu_jw_key(w, "missing");
		pcilu_jw_acs_flags(w, rs->eval.missing);
		pcilu_jw_kstr(w, "quirk", rs->eval.quirk >= 0 ? pcilu_acs_quirk_name(rs->eval.quirk) : NULL);
	}
	pcilu_jw_key(w, "flags");
	flags_w(w, rs->flags);
	pcilu_jw_kstr(w, "text", pcilu_reason_str(r, rs, text, sizeof(text)));
	pcilu_jw_end_obj(w);
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

static void groups_w(struct pcilu_jw *w, const struct pcilu_iommu *r, const struct pcilu_select *sel)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);

	pcilu_jw_arr(w);
	for (size_t g = 0; g < pcilu_iommu_ngroups(r); g++) {
		const struct pcilu_group *gr = pcilu_iommu_group(r, (int32_t)g);
		int32_t k = kernel_number(t, gr);

		if (!group_selected(t, gr, sel))
			continue;
		pcilu_jw_obj(w);
		pcilu_jw_kint(w, "id", gr->id);
		pcilu_jw_key(w, "kernel_group");
		pcilu_jw_opt_int(w, k >= 0, k);
		pcilu_jw_karr(w, "devices");
		for (size_t i = 0; i < gr->nmembers; i++)
			pcilu_jw_bdf(w, &t->devs[gr->members[i]]);
		pcilu_jw_end_arr(w);
		pcilu_jw_key(w, "flags");
		flags_w(w, gr->flags);
		pcilu_jw_karr(w, "reasons");
		for (size_t i = 0; i < gr->nreasons; i++)
			reason_w(w, r, &gr->reasons[i]);
		pcilu_jw_end_arr(w);
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_arr(w);
}

/* Devices no IOMMU translates: in no group, each with why (reason kind not-translated). */
static void ungrouped_w(struct pcilu_jw *w, const struct pcilu_iommu *r, const struct pcilu_select *sel)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);

	pcilu_jw_arr(w);
	for (size_t i = 0; i < t->ndevs; i++) {
		if (pcilu_iommu_group_of(r, (int32_t)i) != PCILU_NONE || (sel && !pcilu_select_match(sel, &t->devs[i])))
			continue;
		pcilu_jw_obj(w);
		pcilu_jw_key(w, "bdf");
		pcilu_jw_bdf(w, &t->devs[i]);
		pcilu_jw_key(w, "reason");
		reason_w(w, r, pcilu_iommu_join(r, (int32_t)i));
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_arr(w);
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

static void devices_w(struct pcilu_jw *w, const struct pcilu_iommu *r, const struct pcilu_select *sel,
		      struct pcilu_names *names)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);

	pcilu_jw_arr(w);
	for (size_t i = 0; i < t->ndevs; i++) {
		const struct pcilu_dev *d = &t->devs[i];
		int32_t g = pcilu_iommu_group_of(r, (int32_t)i);

		if (sel && !pcilu_select_match(sel, d))
			continue;
		pcilu_jw_obj(w);
		pcilu_jw_dev_fields(w, d, names);
		pcilu_jw_key(w, "group");
		pcilu_jw_opt_int(w, g != PCILU_NONE, g);
		pcilu_jw_key(w, "acs_ctrl");
		if (d->acs_pos)
			pcilu_jw_acs_flags(w, pcilu_iommu_acs_ctrl(r, (int32_t)i));
		else
			pcilu_jw_null(w);
		pcilu_jw_kbool(w, "relies_on_quirk", pcilu_iommu_relies_on_quirk(r, (int32_t)i));
		pcilu_jw_key(w, "join");
		reason_w(w, r, pcilu_iommu_join(r, (int32_t)i));
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_arr(w);
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

static int groups_json(FILE *f, const struct pcilu_iommu *r, const struct pcilu_diag *d,
		       const struct pcilu_out_opts *o, bool compare)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	struct pcilu_jw *w = pcilu_jw_doc(f, "pcilu-groups/2");
	uint8_t from;
	bool on = pcilu_iommu_is_on(r, &from);

	if (!w)
		return -ENOMEM;
	pcilu_jw_key(w, "source");
	pcilu_jw_source(w, t);
	pcilu_jw_kstr(w, "iommu", on ? "on" : "off");
	pcilu_jw_kstr(w, "iommu_from", pcilu_fact_origin_name(from));
	pcilu_jw_key(w, "groups");
	groups_w(w, r, o->sel);
	pcilu_jw_key(w, "devices");
	devices_w(w, r, o->sel, o->names);
	pcilu_jw_key(w, "ungrouped");
	ungrouped_w(w, r, o->sel);
	pcilu_jw_key(w, "assumptions");
	pcilu_jw_assumptions(w, r);
	if (compare) {
		int n;

		pcilu_jw_karr(w, "compare");
		n = pcilu_groups_compare_jw(w, r);
		if (n < 0 && !w->err)
			w->err = n;
		pcilu_jw_end_arr(w);
	}
	return pcilu_jw_finish_diag(w, d);
}

int pcilu_print_groups(FILE *f, const struct pcilu_iommu *r, const struct pcilu_diag *d,
		       const struct pcilu_out_opts *o, bool compare)
{
	uint8_t from;
	bool on = pcilu_iommu_is_on(r, &from);

	if (o->json)
		return groups_json(f, r, d, o, compare);
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
	return 0;
}

static int explain_json(FILE *f, const struct pcilu_iommu *r, int32_t dev, const struct pcilu_out_opts *o)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	int32_t g = pcilu_iommu_group_of(r, dev);
	struct pcilu_jw *w = pcilu_jw_doc(f, "pcilu-groups/2");

	if (!w)
		return -ENOMEM;
	pcilu_jw_key(w, "source");
	pcilu_jw_source(w, t);
	pcilu_jw_key(w, "bdf");
	pcilu_jw_bdf(w, &t->devs[dev]);
	pcilu_jw_key(w, "kernel_group");
	pcilu_jw_opt_int(w, t->devs[dev].kernel_group >= 0, t->devs[dev].kernel_group);
	pcilu_jw_key(w, "group");
	pcilu_jw_opt_int(w, g != PCILU_NONE, g);
	pcilu_jw_key(w, "join");
	reason_w(w, r, pcilu_iommu_join(r, dev));
	pcilu_jw_kbool(w, "relies_on_quirk", pcilu_iommu_relies_on_quirk(r, dev));
	pcilu_jw_key(w, "members");
	pcilu_vfio_jw(w, r, dev, o->names);
	return pcilu_jw_finish(w);
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
	if (o->json)
		return explain_json(f, r, dev, o);
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
