// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcilu tree: the hierarchy as lspci -t draws it, with the ACS state of every
 * bridge, since ACS on the path is what decides isolation.
 */
#include "output_int.h"

#define TREE_COLS 160

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* VFs listed under their PF: vfs[first[pf] .. first[pf+1]). */
struct vf_index {
	int32_t *first;
	int32_t *vfs;
};

static int vf_index_build(const struct pcilu_topology *t, struct vf_index *x)
{
	x->first = calloc(t->ndevs + 1, sizeof(*x->first));
	x->vfs = malloc((t->ndevs ? t->ndevs : 1) * sizeof(*x->vfs));
	if (!x->first || !x->vfs)
		return -ENOMEM;
	for (size_t i = 0; i < t->ndevs; i++)
		if (t->devs[i].is_virtfn && t->devs[i].physfn != PCILU_NONE)
			x->first[t->devs[i].physfn + 1]++;
	for (size_t i = 0; i < t->ndevs; i++)
		x->first[i + 1] += x->first[i];
	int32_t *fill = calloc(t->ndevs + 1, sizeof(*fill));

	if (!fill)
		return -ENOMEM;
	for (size_t i = 0; i < t->ndevs; i++) {	/* probe order = VF index order */
		int32_t pf = t->devs[i].physfn;

		if (t->devs[i].is_virtfn && pf != PCILU_NONE)
			x->vfs[x->first[pf] + fill[pf]++] = (int32_t)i;
	}
	free(fill);
	return 0;
}

static void vf_index_free(struct vf_index *x)
{
	free(x->first);
	free(x->vfs);
}

static bool listed_under_pf(const struct pcilu_dev *d)
{
	return d->is_virtfn && d->physfn != PCILU_NONE;
}

struct tree_ctx {
	FILE *f;
	const struct pcilu_topology *t;
	const struct pcilu_out_opts *o;
	struct vf_index vf;
	uint8_t *keep;		/* with a selection: the devices selected and those above them */
	char prefix[4 * 257 + 1];
};

/*
 * -s/-d/--driver: draw the selected devices and the bridges (and PFs) above
 * them, so every selected device keeps its path. Returns 0 or -ENOMEM.
 */
static int keep_build(struct tree_ctx *c)
{
	const struct pcilu_topology *t = c->t;

	if (!c->o->sel)
		return 0;
	c->keep = calloc(t->ndevs ? t->ndevs : 1, 1);
	if (!c->keep)
		return -ENOMEM;
	for (size_t i = 0; i < t->ndevs; i++) {
		int32_t k = (int32_t)i;

		if (!pcilu_select_match(c->o->sel, &t->devs[i]))
			continue;
		if (t->devs[i].is_virtfn && t->devs[i].physfn != PCILU_NONE)
			c->keep[t->devs[i].physfn] = 1;
		for (; k != PCILU_NONE && !c->keep[k]; k = pcilu_upstream_bridge(t, k))
			c->keep[k] = 1;
	}
	return 0;
}

static bool kept(const struct tree_ctx *c, int32_t i)
{
	return !c->keep || c->keep[i];
}

static bool bus_kept(const struct tree_ctx *c, const struct pcilu_bus *b)
{
	for (uint32_t k = 0; c->keep && k < b->count; k++)
		if (c->keep[c->t->bus_devs[b->first + k]])
			return true;
	return !c->keep;
}

static void text_device(struct tree_ctx *c, int32_t i, bool last, size_t depth);

/* VFs appear under their PF; with --bridges only bridges appear at all. */
static bool shown_in_tree(const struct tree_ctx *c, const struct pcilu_dev *d)
{
	return !listed_under_pf(d) && (!c->o->bridges_only || pcilu_is_bridge(d)) && kept(c, (int32_t)(d - c->t->devs));
}

/* With --bridges: how many functions below a bus are left out of the drawing. */
static size_t hidden_on_bus(const struct tree_ctx *c, const struct pcilu_bus *b)
{
	size_t n = 0;

	for (uint32_t k = 0; k < b->count; k++)
		n += !pcilu_is_bridge(&c->t->devs[c->t->bus_devs[b->first + k]]);
	return n;
}

static void text_children(struct tree_ctx *c, const int32_t *list, size_t n, size_t depth)
{
	size_t shown = 0, total = 0;

	for (size_t k = 0; k < n; k++)
		total += shown_in_tree(c, &c->t->devs[list[k]]);
	for (size_t k = 0; k < n; k++)
		if (shown_in_tree(c, &c->t->devs[list[k]]))
			text_device(c, list[k], ++shown == total, depth);
}

static void text_device(struct tree_ctx *c, int32_t i, bool last, size_t depth)
{
	const struct pcilu_dev *d = &c->t->devs[i];
	char label[320], acs[96], bdf[24], tail[256];
	size_t plen = strlen(c->prefix), at, room;

	at = (size_t)snprintf(tail, sizeof(tail), "  %s", pcilu_dev_type_name(d));
	if (d->is_virtfn && at < sizeof(tail))
		at += (size_t)snprintf(tail + at, sizeof(tail) - at, " VF of %s", d->physfn == PCILU_NONE ? "?" :
				       pcilu_bdf(&c->t->devs[d->physfn], bdf, sizeof(bdf)));
	if ((pcilu_is_bridge(d) || d->acs_pos || (d->ext_state == PCILU_EXT_UNKNOWN && d->multifunction)) &&
	    at < sizeof(tail))
		at += (size_t)snprintf(tail + at, sizeof(tail) - at, "  [%s]", pcilu_acs_summary(d, acs, sizeof(acs)));
	if (d->child_bus != PCILU_NONE && at < sizeof(tail))
		at += (size_t)snprintf(tail + at, sizeof(tail) - at, "  -> bus %02x-%02x", d->secondary, d->subordinate);
	if (c->o->bridges_only && d->child_bus != PCILU_NONE && at < sizeof(tail))
		snprintf(tail + at, sizeof(tail) - at, "  (%zu other function%s)",
			 hidden_on_bus(c, &c->t->buses[d->child_bus]),
			 hidden_on_bus(c, &c->t->buses[d->child_bus]) == 1 ? "" : "s");
	/* Lines stay within TREE_COLS: the name gives way, the facts do not. */
	pcilu_dev_label(d, c->o->names, label, sizeof(label));
	at = plen + 12 + strlen(tail);
	room = at < TREE_COLS - 16 ? TREE_COLS - at : 16;
	pcilu_fit_cols(label, room);
	fprintf(c->f, "%s%s %02x:%02x.%u %s%s\n", c->prefix, last ? "`--" : "+--", d->bus,
		(unsigned)PCI_SLOT(d->devfn), (unsigned)PCI_FUNC(d->devfn), label, tail);
	/* Bus numbers only grow downstream, so 256 levels always fit. */
	if (plen + 5 > sizeof(c->prefix))
		return;
	memcpy(c->prefix + plen, last ? "    " : "|   ", 5);
	size_t nvf = (size_t)(c->vf.first[i + 1] - c->vf.first[i]);

	if (nvf && !c->o->bridges_only) {
		size_t nkept = 0, shown = 0;

		for (size_t k = 0; k < nvf; k++)
			nkept += kept(c, c->vf.vfs[c->vf.first[i] + k]);
		for (size_t k = 0; k < nvf; k++)
			if (kept(c, c->vf.vfs[c->vf.first[i] + k]))
				text_device(c, c->vf.vfs[c->vf.first[i] + k],
					    ++shown == nkept && d->child_bus == PCILU_NONE, depth + 1);
	}
	if (d->child_bus != PCILU_NONE) {
		const struct pcilu_bus *b = &c->t->buses[d->child_bus];

		text_children(c, c->t->bus_devs + b->first, b->count, depth + 1);
	}
	c->prefix[plen] = '\0';
}

static void text_tree(struct tree_ctx *c)
{
	const struct pcilu_topology *t = c->t;
	char name[512];

	fprintf(c->f, "# %s: %zu functions%s\n", PCILU_ESC(t->name ? t->name : "?", name), t->ndevs,
		t->config_truncated ? " (config space truncated: capabilities unknown, run as root)" : "");
	for (size_t k = 0; k < t->nbuses; k++) {
		const struct pcilu_bus *b = &t->buses[k];

		if (!pcilu_is_root_bus(b) || b->is_virtual || !bus_kept(c, b))
			continue;
		if (c->o->bridges_only)
			fprintf(c->f, "[%04x:%02x] root bus (%zu other functions)\n", b->seg, b->number,
				hidden_on_bus(c, b));
		else
			fprintf(c->f, "[%04x:%02x] root bus\n", b->seg, b->number);
		c->prefix[0] = '\0';
		text_children(c, t->bus_devs + b->first, b->count, 0);
	}
	for (size_t k = 0; k < t->nunreachable; k++) {
		char bdf[24];

		fprintf(c->f, "unreachable: %s (no bridge leads to bus %02x)\n",
			pcilu_bdf(&t->unreachable[k], bdf, sizeof(bdf)), t->unreachable[k].bus);
	}
}

static void device_w(struct pcilu_jw *w, struct tree_ctx *c, int32_t i, size_t depth);

static void list_w(struct pcilu_jw *w, struct tree_ctx *c, const int32_t *list, size_t n, size_t depth)
{
	pcilu_jw_arr(w);
	for (size_t k = 0; k < n; k++)
		if (!listed_under_pf(&c->t->devs[list[k]]) && kept(c, list[k]))
			device_w(w, c, list[k], depth);
	pcilu_jw_end_arr(w);
}

static void device_w(struct pcilu_jw *w, struct tree_ctx *c, int32_t i, size_t depth)
{
	const struct pcilu_dev *d = &c->t->devs[i];
	size_t nvf = (size_t)(c->vf.first[i + 1] - c->vf.first[i]);

	pcilu_jw_obj(w);
	pcilu_jw_dev_fields(w, d, c->o->names);
	if (d->is_virtfn) {
		pcilu_jw_key(w, "physfn");
		pcilu_jw_bdf_at(w, c->t, d->physfn);
	}
	if (d->child_bus != PCILU_NONE) {
		pcilu_jw_khex(w, "secondary_bus", d->secondary, 2);
		pcilu_jw_khex(w, "subordinate_bus", d->subordinate, 2);
	}
	/* Deeper than bus numbers allow: a bug upstream; the device without what is below it. */
	if (depth <= 256 && nvf) {
		pcilu_jw_karr(w, "vfs");
		for (size_t k = 0; k < nvf; k++)
			if (kept(c, c->vf.vfs[c->vf.first[i] + k]))
				device_w(w, c, c->vf.vfs[c->vf.first[i] + k], depth + 1);
		pcilu_jw_end_arr(w);
	}
	if (depth <= 256 && d->child_bus != PCILU_NONE) {
		const struct pcilu_bus *b = &c->t->buses[d->child_bus];

		pcilu_jw_key(w, "children");
		list_w(w, c, c->t->bus_devs + b->first, b->count, depth + 1);
	}
	pcilu_jw_end_obj(w);
}

static int tree_json(FILE *f, struct tree_ctx *c, const struct pcilu_diag *d)
{
	const struct pcilu_topology *t = c->t;
	struct pcilu_jw *w = pcilu_jw_doc(f, "pcilu-tree/1");

	if (!w)
		return -ENOMEM;
	pcilu_jw_key(w, "source");
	pcilu_jw_source(w, t);
	pcilu_jw_kint(w, "functions", (int64_t)t->ndevs);
	pcilu_jw_kbool(w, "config_truncated", t->config_truncated);
	pcilu_jw_karr(w, "roots");
	for (size_t k = 0; k < t->nbuses; k++) {
		const struct pcilu_bus *b = &t->buses[k];
		char name[16];

		if (!pcilu_is_root_bus(b) || b->is_virtual || !bus_kept(c, b))
			continue;
		snprintf(name, sizeof(name), "%04x:%02x", b->seg, b->number);
		pcilu_jw_obj(w);
		pcilu_jw_kstr(w, "bus", name);
		pcilu_jw_key(w, "devices");
		list_w(w, c, t->bus_devs + b->first, b->count, 0);
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_arr(w);
	pcilu_jw_karr(w, "unreachable");
	for (size_t k = 0; k < t->nunreachable; k++)
		pcilu_jw_bdf(w, &t->unreachable[k]);
	pcilu_jw_end_arr(w);
	return pcilu_jw_finish_diag(w, d);
}

int pcilu_print_tree(FILE *f, const struct pcilu_topology *t, const struct pcilu_diag *d,
		     const struct pcilu_out_opts *o)
{
	struct tree_ctx c = { .f = f, .t = t, .o = o };
	int ret = vf_index_build(t, &c.vf);

	if (!ret)
		ret = keep_build(&c);
	if (!ret) {
		if (o->json)
			ret = tree_json(f, &c, d);
		else
			text_tree(&c);
	}
	vf_index_free(&c.vf);
	free(c.keep);
	return ret;
}
