// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcilu draw: the host as a picture that fits a screen. The hierarchy runs
 * top to bottom; each root port's subtree (and each root bus's integrated
 * functions) is a column, and columns wrap into rows of about ROW_LEAVES
 * leaves, held in place by invisible edges from the deepest node of one row
 * to the tops of the next. IOMMU groups of more than one device are shaded
 * clusters; endpoints are coloured by the verdict of one profile with the
 * reason in the tooltip (SVG <title>); links that break isolation are red
 * with the ACS bits missing. Each device is one node named by its address.
 */
#include "output_int.h"
#include <pcilu/iommu.h>
#include <pcilu/liveupdate.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ROW_LEAVES 6
#define NAME_CHARS 18
#define STACK 5

static const char *const verdict_fill[] = {
	[PCILU_LU_ELIGIBLE] = "#b7e4b0", [PCILU_LU_REFUSED] = "#f4b6b0", [PCILU_LU_UNDECIDED] = "#d9d9d9",
};

/* @s in a DOT quoted string: quotes and backslashes escaped, control bytes as \xNN text. */
static void dot_str(FILE *f, const char *s)
{
	char esc[1024];

	pcilu_escape(s, esc, sizeof(esc));
	for (const char *p = esc; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		fputc(*p, f);
	}
}

struct draw {
	FILE *f;
	const struct pcilu_topology *t;
	const struct pcilu_iommu *r;
	const struct pcilu_lu_check *c;
	unsigned profile;
	struct pcilu_names *n;
	int32_t *verdict_of;	/* device -> index in c->devs, or -1 */
	int32_t *unit;		/* device -> column (its top), -1 spine, -2 - bus integrated */
	uint32_t *leaves;	/* leaves of the subtree below a device */
	uint32_t *depth;
	uint8_t *labelled;	/* bridge whose red link is labelled already */
};

static const char *short_addr(const struct pcilu_dev *d, char *buf)
{
	pcilu_bdf(d, buf, 24);
	return d->seg ? buf : buf + 5;
}

/* A port's slot in a few words: "slot 4", "on-board". */
static void slot_words(FILE *f, const struct pcilu_dev *d)
{
	struct pcilu_link_info li;

	if ((d->pcie_type != PCI_EXP_TYPE_ROOT_PORT && d->pcie_type != PCI_EXP_TYPE_DOWNSTREAM) ||
	    pcilu_pcie_link_info(d, &li))
		return;
	if (li.slot)
		fprintf(f, "\\nslot %u", li.slot_number);
	else
		fprintf(f, "\\non-board");
}

static void node(struct draw *w, int32_t i)
{
	const struct pcilu_dev *d = &w->t->devs[i];
	char bdf[24], name[128], acs[96];
	int32_t k = w->verdict_of[i];

	pcilu_bdf(d, bdf, sizeof(bdf));
	if (w->n)
		pcilu_name_device(w->n, d->vendor, d->device, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "%04x:%04x", d->vendor, d->device);
	fprintf(w->f, "  \"%s\" [label=\"%s\\n", bdf, short_addr(d, acs));
	pcilu_fit_cols(name, NAME_CHARS);
	dot_str(w->f, name);
	if (pcilu_is_bridge(d)) {
		fprintf(w->f, "\\n%s", pcilu_dev_type_name(d));
		slot_words(w->f, d);
		fprintf(w->f, "\", shape=box, style=\"filled%s\", fillcolor=\"#ffffff\"",
			pcilu_iommu_relies_on_quirk(w->r, i) ? ",dashed" : "");
	} else if (k >= 0) {
		uint8_t st = w->c->devs[k].v[w->profile].state;

		fprintf(w->f, "\", shape=box, style=\"rounded,filled%s\", fillcolor=\"%s\"",
			pcilu_iommu_relies_on_quirk(w->r, i) ? ",dashed" : "", verdict_fill[st <= 2 ? st : 2]);
	} else {
		fprintf(w->f, "\", shape=box, style=\"rounded,filled\", fillcolor=\"#f2f2f2\"");
	}
	/* The tooltip: full name, verdict and the lead reason, driver, ACS. */
	fprintf(w->f, ", tooltip=\"%s ", bdf);
	pcilu_dev_label(d, w->n, name, sizeof(name));
	dot_str(w->f, name);
	if (d->driver) {
		fprintf(w->f, " [");
		dot_str(w->f, d->driver);
		fprintf(w->f, "]");
	}
	if (k >= 0) {
		const struct pcilu_lu_verdict *v = &w->c->devs[k].v[w->profile];
		const struct pcilu_lu_reason *lead = pcilu_lu_verdict_lead(v);
		char *text;

		fprintf(w->f, "&#10;%s: %s", pcilu_lu_profile_name(w->profile), pcilu_lu_state_name(v->state));
		if (lead) {
			fprintf(w->f, ": ");
			if (!pcilu_lu_reason_words(w->c, lead, &text, NULL)) {
				dot_str(w->f, text);
				free(text);
			}
		}
	}
	if (pcilu_is_bridge(d) || d->acs_pos)
		fprintf(w->f, "&#10;%s", pcilu_acs_summary(d, acs, sizeof(acs)));
	fprintf(w->f, "\"];\n");
}

/*
 * Columns: the highest subtrees at most ROW_LEAVES leaves wide; the bridges
 * above them (a root port over a big switch fabric) form a spine (-1) that
 * the edges hold above its columns. Integrated functions of a root bus are
 * one column (-2 - bus); VFs go with their PF.
 */
static void assign_units(struct draw *w)
{
	const struct pcilu_topology *t = w->t;

	for (size_t k = t->ndevs; k-- > 0;) {
		const struct pcilu_dev *d = &t->devs[k];
		int32_t up = pcilu_upstream_bridge(t, (int32_t)k);

		if (!d->is_virtfn && (d->child_bus == PCILU_NONE || !t->buses[d->child_bus].count))
			w->leaves[k]++;
		if (up != PCILU_NONE && (size_t)up < k)
			w->leaves[up] += w->leaves[k];
	}
	for (size_t i = 0; i < t->ndevs; i++) {
		const struct pcilu_dev *d = &t->devs[i];
		int32_t up = pcilu_upstream_bridge(t, (int32_t)i);

		if (d->is_virtfn && d->physfn != PCILU_NONE && (size_t)d->physfn < i)
			w->unit[i] = w->unit[d->physfn];
		else if (up == PCILU_NONE && !pcilu_is_bridge(d))
			w->unit[i] = -2 - d->bus_idx;
		else if (up != PCILU_NONE && (size_t)up < i && w->unit[up] >= 0)
			w->unit[i] = w->unit[up];
		else
			w->unit[i] = w->leaves[i] <= ROW_LEAVES ? (int32_t)i : -1;
	}
}

static void edges(struct draw *w, int32_t i)
{
	const struct pcilu_reason *j = pcilu_iommu_join(w->r, i);
	int32_t up = pcilu_upstream_bridge(w->t, i);
	char a[24], b[24], miss[64];

	if (up == PCILU_NONE)
		return;
	pcilu_bdf(&w->t->devs[up], a, sizeof(a));
	pcilu_bdf(&w->t->devs[i], b, sizeof(b));
	/* VFs hang below their PF in a grid (vf_stacks()): no line from the port to each. */
	if (w->t->devs[i].is_virtfn && w->t->devs[i].physfn != PCILU_NONE)
		return;
	/* The missing bits once per bridge: the first red link below it carries the label. */
	if (j && j->kind == PCILU_R_PATH && j->other == up && !w->labelled[up]) {
		w->labelled[up] = 1;
		fprintf(w->f, "  \"%s\" -> \"%s\" [color=red, penwidth=2, fontcolor=red, label=\"not isolated%s%s\"];\n",
			a, b, j->eval.missing ? ": no " : "",
			j->eval.missing ? pcilu_acs_flags_str(j->eval.missing, miss, sizeof(miss)) : "");
	} else if (j && j->kind == PCILU_R_PATH && j->other == up)
		fprintf(w->f, "  \"%s\" -> \"%s\" [color=red, penwidth=2];\n", a, b);
	else if (j && j->kind == PCILU_R_DMA_ALIAS_WALK && j->other == up)
		fprintf(w->f, "  \"%s\" -> \"%s\" [color=red, penwidth=2, fontcolor=red, label=\"requester ID alias\"];\n",
			a, b);
	else
		fprintf(w->f, "  \"%s\" -> \"%s\";\n", a, b);
}

static void groups(struct draw *w)
{
	for (size_t g = 0; g < pcilu_iommu_ngroups(w->r); g++) {
		const struct pcilu_group *gr = pcilu_iommu_group(w->r, (int32_t)g);
		int32_t k = gr->nmembers ? w->t->devs[gr->members[0]].kernel_group : -1;

		if (gr->nmembers < 2)
			continue;
		fprintf(w->f, "  subgraph \"cluster_g%d\" {\n  style=filled; color=\"#c9d4f0\"; fillcolor=\"#eef2fb\";\n"
			"  label=\"IOMMU group %d%s\"; fontsize=10;\n", gr->id, k >= 0 ? k : gr->id,
			k >= 0 ? " (kernel)" : "");
		for (size_t m = 0; m < gr->nmembers; m++)
			node(w, gr->members[m]);
		fprintf(w->f, "  }\n");
	}
}

/* How tall a PF's grid of VFs is: at most ROW_LEAVES columns, at least STACK deep. */
static size_t vf_height(size_t nvf)
{
	size_t h = (nvf + ROW_LEAVES - 1) / ROW_LEAVES;

	return h > STACK ? h : STACK;
}

/*
 * VFs of a PF in a grid below it: each VF under the one before, a new column
 * every vf_height(); a dashed grey line from the PF to the top of each column.
 */
static int vf_stacks(struct draw *w)
{
	const struct pcilu_topology *t = w->t;
	size_t n = t->ndevs ? t->ndevs : 1;
	/* each PF's VFs in probe order, listed once: scanning every device per PF was quadratic */
	int32_t *head = malloc(n * sizeof(*head)), *next = malloc(n * sizeof(*next));
	char a[24], b[24];

	if (!head || !next) {
		free(head);
		free(next);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		head[i] = next[i] = PCILU_NONE;
	for (size_t v = t->ndevs; v-- > 0;) {
		int32_t pf = t->devs[v].physfn;

		if (t->devs[v].is_virtfn && pf != PCILU_NONE) {
			next[v] = head[pf];
			head[pf] = (int32_t)v;
		}
	}
	for (size_t i = 0; i < t->ndevs; i++) {
		int32_t prev = PCILU_NONE;
		size_t k = 0, h;

		if (!t->devs[i].sriov.pos)
			continue;
		for (int32_t v = head[i]; v != PCILU_NONE; v = next[v])
			k++;
		h = vf_height(k);
		k = 0;
		for (int32_t v = head[i]; v != PCILU_NONE; v = next[v], k++) {
			fprintf(w->f, "  \"%s\" -> \"%s\" [%s];\n",
				pcilu_bdf(&t->devs[k % h ? prev : (int32_t)i], a, sizeof(a)), pcilu_bdf(&t->devs[v], b, sizeof(b)),
				k % h ? "style=invis" : "style=dashed, color=\"#999999\", arrowhead=none");
			prev = v;
		}
	}
	free(head);
	free(next);
	return 0;
}

/* A column's slot in the per-column arrays: its top device, or after them its root bus. */
static size_t unit_slot(const struct draw *w, int32_t u)
{
	return u >= 0 ? (size_t)u : w->t->ndevs + (size_t)(-2 - u);
}

/*
 * Leaves of each column (what sits at its bottom, which is what makes it
 * wide) and its deepest node (the first of the greatest depth), in one pass:
 * a scan of the devices per column was quadratic.
 */
static void unit_widths(const struct draw *w, uint32_t *width, int32_t *deepest)
{
	const struct pcilu_topology *t = w->t;

	for (size_t k = 0; k < t->ndevs + t->nbuses; k++)
		deepest[k] = PCILU_NONE;
	for (size_t k = 0; k < t->ndevs; k++) {
		int32_t u = w->unit[k];
		size_t s;

		if (u == -1)
			continue;
		s = unit_slot(w, u);
		if (u < -1)
			width[s] += w->depth[k] == 0;	/* a stack is one leaf wide */
		else if (!t->devs[k].is_virtfn &&
			 (t->devs[k].child_bus == PCILU_NONE || !t->buses[t->devs[k].child_bus].count))
			width[s]++;
		if (deepest[s] == PCILU_NONE || w->depth[k] > w->depth[deepest[s]])
			deepest[s] = (int32_t)k;
	}
}

/* Wrap the columns into rows: an invisible edge from the deepest node of a row to each top of the next. */
static int rows(struct draw *w)
{
	const struct pcilu_topology *t = w->t;
	int32_t above = PCILU_NONE, row_deepest = PCILU_NONE, deepest;
	size_t nslots = t->ndevs + t->nbuses ? t->ndevs + t->nbuses : 1;
	bool *started = calloc(t->nbuses ? t->nbuses : 1, sizeof(*started));
	uint32_t *widths = calloc(nslots, sizeof(*widths));
	int32_t *deepests = malloc(nslots * sizeof(*deepests));
	size_t leaves = 0;
	char a[24], b[24];

	if (!started || !widths || !deepests) {
		free(started);
		free(widths);
		free(deepests);
		return -ENOMEM;
	}
	unit_widths(w, widths, deepests);
	for (size_t i = 0; i < t->ndevs; i++) {
		int32_t u = w->unit[i];
		size_t width;

		/* A column starts at its top, or at the first integrated function of a root bus. */
		if (u == -1 || (u >= 0 && u != (int32_t)i))
			continue;
		if (u < -1) {
			if (started[-2 - u])
				continue;
			started[-2 - u] = true;
		}
		width = widths[unit_slot(w, u)];
		deepest = deepests[unit_slot(w, u)];
		if (leaves && leaves + width > ROW_LEAVES) {
			above = row_deepest;
			row_deepest = PCILU_NONE;
			leaves = 0;
		}
		leaves += width;
		if (above != PCILU_NONE)
			fprintf(w->f, "  \"%s\" -> \"%s\" [style=invis];\n", pcilu_bdf(&t->devs[above], a, sizeof(a)),
				pcilu_bdf(&t->devs[i], b, sizeof(b)));
		if (deepest != PCILU_NONE && (row_deepest == PCILU_NONE || w->depth[deepest] > w->depth[row_deepest]))
			row_deepest = deepest;
	}
	for (size_t i = 1; i < t->ndevs; i++)
		if (w->unit[i] < -1 && w->unit[i - 1] == w->unit[i] && w->depth[i])
			fprintf(w->f, "  \"%s\" -> \"%s\" [style=invis];\n", pcilu_bdf(&t->devs[i - 1], a, sizeof(a)),
				pcilu_bdf(&t->devs[i], b, sizeof(b)));
	free(started);
	free(widths);
	free(deepests);
	return 0;
}

static void legend(struct draw *w)
{
	fprintf(w->f, "  subgraph cluster_legend {\n  label=\"%s verdicts\"; fontsize=10; color=\"#999999\";\n"
		"  legend_ok [label=\"can be preserved\", shape=box, style=\"rounded,filled\", fillcolor=\"%s\"];\n"
		"  legend_no [label=\"refused\", shape=box, style=\"rounded,filled\", fillcolor=\"%s\"];\n"
		"  legend_un [label=\"undecided\", shape=box, style=\"rounded,filled\", fillcolor=\"%s\"];\n"
		"  legend_br [label=\"bridge\\n(dashed: ACS by quirk)\", shape=box, style=\"filled,dashed\", "
		"fillcolor=\"#ffffff\"];\n"
		"  legend_ok -> legend_no [color=red, penwidth=2, fontcolor=red, label=\"not isolated\"];\n"
		"  legend_un -> legend_br [style=invis];\n  }\n", pcilu_lu_profile_name(w->profile),
		verdict_fill[PCILU_LU_ELIGIBLE], verdict_fill[PCILU_LU_REFUSED], verdict_fill[PCILU_LU_UNDECIDED]);
}

static int prepare(struct draw *w)
{
	size_t n = w->t->ndevs ? w->t->ndevs : 1;

	w->verdict_of = malloc(n * sizeof(*w->verdict_of));
	w->unit = malloc(n * sizeof(*w->unit));
	w->depth = calloc(n, sizeof(*w->depth));
	w->labelled = calloc(n, 1);
	w->leaves = calloc(n, sizeof(*w->leaves));
	if (!w->verdict_of || !w->unit || !w->depth || !w->labelled || !w->leaves)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		w->unit[i] = -1;
	assign_units(w);
	for (size_t i = 0; i < w->t->ndevs; i++) {
		int32_t up = pcilu_upstream_bridge(w->t, (int32_t)i);

		w->verdict_of[i] = -1;
		/* Probe order puts a bridge before what is below it. */
		w->depth[i] = up != PCILU_NONE && (size_t)up < i ? w->depth[up] + 1 : 0;
	}
	/* Integrated functions of a root bus stand in stacks of STACK: a narrow column, not a row. */
	for (size_t i = 0, run = 0; i < w->t->ndevs; i++) {
		if (w->unit[i] >= -1)
			continue;
		run = i && w->unit[i - 1] == w->unit[i] ? run + 1 : 0;
		w->depth[i] = (uint32_t)(run % STACK);
	}
	for (size_t k = 0; w->c && k < w->c->ndevs; k++)
		w->verdict_of[w->c->devs[k].dev] = (int32_t)k;
	return 0;
}

int pcilu_print_draw_dot(FILE *f, const struct pcilu_iommu *r, const struct pcilu_lu_check *c, unsigned profile,
			 const struct pcilu_out_opts *o)
{
	struct draw w = { .f = f, .r = r, .t = pcilu_iommu_topology(r), .c = c, .profile = profile, .n = o->names };
	int ret = prepare(&w);

	if (!ret) {
		fprintf(f, "digraph pcilu {\n  rankdir=TB; newrank=true; nodesep=0.15; ranksep=0.35;\n"
			"  node [fontsize=9, fontname=\"Helvetica\", margin=\"0.05,0.02\"];\n"
			"  edge [fontsize=8, fontname=\"Helvetica\", arrowsize=0.5];\n  label=\"");
		dot_str(f, w.t->name ? w.t->name : "/sys");
		fprintf(f, ": %zu functions, %s verdicts\"; labelloc=t; fontname=\"Helvetica\";\n", w.t->ndevs,
			pcilu_lu_profile_name(profile));
		legend(&w);
		groups(&w);
		/* Every device exactly once: the members of shared groups were drawn in their cluster. */
		for (size_t i = 0; i < w.t->ndevs; i++) {
			const struct pcilu_group *gr = pcilu_iommu_group(r, pcilu_iommu_group_of(r, (int32_t)i));

			if (!gr || gr->nmembers < 2)
				node(&w, (int32_t)i);
		}
		for (size_t i = 0; i < w.t->ndevs; i++)
			edges(&w, (int32_t)i);
		ret = rows(&w);
		ret = ret ?: vf_stacks(&w);
		fprintf(f, "}\n");
	}
	free(w.verdict_of);
	free(w.unit);
	free(w.depth);
	free(w.labelled);
	free(w.leaves);
	return ret;
}
