// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcilu check: per device the verdict of each rule profile first, then the
 * reasons in the kernel's order with their remedies; slots; a preserve
 * sequence (schema pcilu-check/2).
 */
#include "output_int.h"
#include <pcilu/iommu.h>
#include <pcilu/liveupdate.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Sentences from the rules are wrapped here; device lines are kept one per line. */
#define WRAP_COLS 156

static const char *bdf_s(const struct pcilu_topology *t, int32_t dev, char *buf)
{
	return dev == PCILU_NONE ? "-" : pcilu_bdf(&t->devs[dev], buf, 24);
}

void pcilu_check_errno_jw(struct pcilu_jw *w, int err)
{
	pcilu_jw_kint(w, "errno", err);
	pcilu_jw_kstr(w, "errno_name", err ? pcilu_errno_name(err) : NULL);
}

static void reason_w(struct pcilu_jw *w, const struct pcilu_lu_check *c, const struct pcilu_lu_reason *r)
{
	char *text, *remedy;
	int ret = pcilu_lu_reason_words(c, r, &text, &remedy);

	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "rule", pcilu_lu_rule_name(r->rule));
	pcilu_jw_kstr(w, "severity", pcilu_lu_severity_name(r->sev));
	pcilu_jw_kstr(w, "basis", pcilu_lu_basis_name(r->basis));
	pcilu_jw_kbool(w, "unknown", (r->flags & PCILU_RF_UNKNOWN) != 0);
	pcilu_check_errno_jw(w, r->err);
	pcilu_jw_key(w, "device");
	pcilu_jw_bdf_at(w, c->t, r->dev);
	pcilu_jw_key(w, "other");
	pcilu_jw_bdf_at(w, c->t, r->other);
	if (r->rule == PCILU_LUR_ACS_PATH) {
		pcilu_jw_key(w, "missing");
		pcilu_jw_acs_flags(w, r->missing);
	}
	/* Out of memory for the words: the document cannot be complete. */
	if (ret)
		w->err = ret;
	pcilu_jw_kstr(w, "text", ret ? NULL : text);
	pcilu_jw_kstr(w, "remedy", ret ? NULL : remedy);
	if (!ret) {
		free(text);
		free(remedy);
	}
	pcilu_jw_end_obj(w);
}

void pcilu_check_reasons_jw(struct pcilu_jw *w, const struct pcilu_lu_check *c, const struct pcilu_lu_reason *r,
			    size_t n)
{
	pcilu_jw_arr(w);
	for (size_t i = 0; i < n; i++)
		reason_w(w, c, &r[i]);
	pcilu_jw_end_arr(w);
}

static void device_w(struct pcilu_jw *w, const struct pcilu_lu_check *c, const struct pcilu_lu_devcheck *dc,
		     struct pcilu_names *n)
{
	const struct pcilu_group *g;

	pcilu_jw_obj(w);
	pcilu_jw_dev_fields(w, &c->t->devs[dc->dev], n);
	pcilu_jw_key(w, "group");
	pcilu_jw_opt_int(w, dc->group != PCILU_NONE, dc->group);
	/* The computed group rests on bytes the source did not show (docs/json.md). */
	g = c->iommu_on ? pcilu_iommu_group(c->r, pcilu_iommu_group_of(c->r, dc->dev)) : NULL;
	pcilu_jw_kbool(w, "group_unknown", g && (g->flags & PCILU_RF_UNKNOWN));
	pcilu_jw_karr(w, "verdicts");
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		const struct pcilu_lu_verdict *v = &dc->v[p];

		if (!(c->profiles & (1u << p)))
			continue;
		pcilu_jw_obj(w);
		pcilu_jw_kstr(w, "profile", pcilu_lu_profile_name(p));
		pcilu_jw_kstr(w, "state", pcilu_lu_state_name(v->state));
		pcilu_jw_kbool(w, "eligible", v->eligible);
		pcilu_check_errno_jw(w, v->err);
		pcilu_jw_key(w, "reasons");
		pcilu_check_reasons_jw(w, c, v->reasons, v->nreasons);
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_arr(w);
	pcilu_jw_end_obj(w);
}

static void profile_flags_w(struct pcilu_jw *w, const struct pcilu_lu_check *c, const bool *ok)
{
	pcilu_jw_obj(w);
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++)
		if (c->profiles & (1u << p))
			pcilu_jw_kbool(w, pcilu_lu_profile_name(p), ok[p]);
	pcilu_jw_end_obj(w);
}

static void slot_w(struct pcilu_jw *w, const struct pcilu_lu_check *c, const struct pcilu_lu_slot *s)
{
	const struct pcilu_topology *t = c->t;
	const struct pcilu_dev *p = &t->devs[s->port];
	char *text = NULL;
	int ret;

	pcilu_jw_obj(w);
	pcilu_jw_key(w, "port");
	pcilu_jw_bdf(w, p);
	pcilu_jw_kstr(w, "type", pcilu_dev_type_name(p));
	pcilu_jw_karr(w, "occupants");
	if (p->child_bus != PCILU_NONE)
		for (uint32_t k = 0; k < t->buses[p->child_bus].count; k++)
			pcilu_jw_bdf(w, &t->devs[t->bus_devs[t->buses[p->child_bus].first + k]]);
	pcilu_jw_end_arr(w);
	pcilu_jw_kbool(w, "singleton", s->singleton);
	pcilu_jw_key(w, "acs_fail");
	pcilu_jw_bdf_at(w, t, s->acs_fail);
	pcilu_jw_key(w, "quirk_bridge");
	pcilu_jw_bdf_at(w, t, s->quirk);
	pcilu_jw_key(w, "eligible");
	profile_flags_w(w, c, s->ok);
	ret = pcilu_lu_slot_words(c, s, &text);
	if (ret)
		w->err = ret;
	pcilu_jw_kstr(w, "text", ret ? NULL : text);
	free(text);
	pcilu_jw_end_obj(w);
}

static void preserve_w(struct pcilu_jw *w, const struct pcilu_lu_check *c)
{
	const struct pcilu_topology *t = c->t;

	pcilu_jw_arr(w);
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		const struct pcilu_lu_preserve *pr = &c->pres[p];

		if (!(c->profiles & (1u << p)))
			continue;
		pcilu_jw_obj(w);
		pcilu_jw_kstr(w, "profile", pcilu_lu_profile_name(p));
		pcilu_jw_kbool(w, "ok", pr->ok);
		pcilu_jw_kstr(w, "state", pcilu_lu_state_name(pr->state));
		pcilu_jw_karr(w, "requests");
		for (size_t i = 0; i < pr->nreqs; i++) {
			pcilu_jw_obj(w);
			pcilu_jw_key(w, "device");
			pcilu_jw_bdf(w, &t->devs[pr->reqs[i].dev]);
			pcilu_jw_kstr(w, "state", pcilu_lu_state_name(pr->reqs[i].state));
			pcilu_check_errno_jw(w, pr->reqs[i].err);
			pcilu_jw_kstr(w, "rule", pr->reqs[i].rule ? pcilu_lu_rule_name(pr->reqs[i].rule) : NULL);
			pcilu_jw_end_obj(w);
		}
		pcilu_jw_end_arr(w);
		pcilu_jw_karr(w, "nodes");
		for (size_t i = 0; i < pr->set.count; i++) {
			pcilu_jw_obj(w);
			pcilu_jw_key(w, "device");
			pcilu_jw_bdf(w, &t->devs[pr->set.nodes[i].dev]);
			pcilu_jw_kstr(w, "role", pcilu_lu_role_name(pr->set.nodes[i].role));
			pcilu_jw_kint(w, "refcount", pr->set.nodes[i].refcount);
			pcilu_jw_end_obj(w);
		}
		pcilu_jw_end_arr(w);
		pcilu_jw_key(w, "conflicts");
		pcilu_check_reasons_jw(w, c, pr->conflicts, pr->nconflicts);
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_arr(w);
}

/* What the source says of its kernel, shared with plan (schema pcilu-check/2 "host"). */
void pcilu_check_host_jw(struct pcilu_jw *w, const struct pcilu_lu_check *c)
{
	const struct pcilu_topology *t = c->t;
	const struct pcilu_lu_kernel *k = &c->kernel;
	bool iommu_on = c->iommu_on;
	uint8_t from = c->iommu_from;
	char buf[512];

	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "iommu", iommu_on ? "on" : "off");
	pcilu_jw_kstr(w, "iommu_from", pcilu_fact_origin_name(from));
	pcilu_jw_kstr(w, "iommu_text", pcilu_fact_origin_text(from, iommu_on));
	pcilu_jw_kstr(w, "capture_iommu", c->capture_off ? "off" : iommu_on ? "on" : "off");
	pcilu_jw_kstr(w, "capture_iommu_from", pcilu_fact_origin_name(c->capture_off ? c->capture_from : from));
	pcilu_jw_kstr(w, "kernel_release", k->release[0] ? k->release : NULL);
	pcilu_jw_kstr(w, "cmdline", t->cmdline);
	pcilu_jw_kbool(w, "live", t->live);
	pcilu_jw_kstr(w, "pci_liveupdate", pcilu_lu_klu_name(k->pci_lu));
	pcilu_jw_kstr(w, "pci_liveupdate_by", pcilu_lu_klu_how_name(k->how));
	pcilu_jw_kstr(w, "pci_liveupdate_text", pcilu_lu_kernel_text(k, buf, sizeof(buf)));
	pcilu_jw_key(w, "luo");
	if (k->luo < 0)
		pcilu_jw_null(w);
	else
		pcilu_jw_bool(w, k->luo);
	pcilu_jw_kbool(w, "config_truncated", t->config_truncated);
	pcilu_jw_kint(w, "dead_functions", (int64_t)t->ndead);
	pcilu_jw_end_obj(w);
}

static void counts_w(struct pcilu_jw *w, const struct pcilu_lu_check *c)
{
	pcilu_jw_obj(w);
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		const size_t *n = c->nstate[p];

		if (!(c->profiles & (1u << p)))
			continue;
		pcilu_jw_kobj(w, pcilu_lu_profile_name(p));
		pcilu_jw_kint(w, "eligible", (int64_t)n[PCILU_LU_ELIGIBLE]);
		pcilu_jw_kint(w, "refused", (int64_t)n[PCILU_LU_REFUSED]);
		pcilu_jw_kint(w, "undecided", (int64_t)n[PCILU_LU_UNDECIDED]);
		pcilu_jw_kstr(w, "basis", pcilu_lu_profile_basis(p));
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_obj(w);
}

static int print_json(FILE *f, const struct pcilu_lu_check *c, const struct pcilu_diag *d,
		      const struct pcilu_out_opts *o, bool slots)
{
	struct pcilu_jw *w = pcilu_jw_doc(f, "pcilu-check/3");

	if (!w)
		return -ENOMEM;
	pcilu_jw_key(w, "source");
	pcilu_jw_source(w, c->t);
	pcilu_jw_key(w, "host");
	pcilu_check_host_jw(w, c);
	pcilu_jw_karr(w, "profiles");
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++)
		if (c->profiles & (1u << p))
			pcilu_jw_str(w, pcilu_lu_profile_name(p));
	pcilu_jw_end_arr(w);
	pcilu_jw_kbool(w, "iommu_on", c->iommu_on);
	pcilu_jw_kstr(w, "state", pcilu_lu_state_name(c->state));
	pcilu_jw_kbool(w, "eligible", c->eligible);
	pcilu_jw_key(w, "counts");
	counts_w(w, c);
	pcilu_jw_kint(w, "platform_skipped", (int64_t)o->platform_skipped);
	pcilu_jw_karr(w, "devices");
	for (size_t i = 0; i < c->ndevs; i++)
		device_w(w, c, &c->devs[i], o->names);
	pcilu_jw_end_arr(w);
	if (slots) {
		pcilu_jw_karr(w, "slots");
		for (size_t i = 0; i < c->nslots; i++)
			slot_w(w, c, &c->slots[i]);
		pcilu_jw_end_arr(w);
	}
	if (c->has_preserve) {
		pcilu_jw_key(w, "preserve");
		preserve_w(w, c);
	}
	pcilu_jw_key(w, "assumptions");
	pcilu_jw_assumptions(w, c->r);
	return pcilu_jw_finish_diag(w, d);
}

void pcilu_check_print_reasons(FILE *f, const struct pcilu_lu_check *c, const struct pcilu_lu_reason *r, size_t n,
			       const char *ind)
{
	static const char *const tag[] = { "", "why", "caveat", "note", "unknown" };

	for (size_t i = 0; i < n; i++) {
		char *text, *remedy;
		int ret = pcilu_lu_reason_words(c, &r[i], &text, &remedy);

		fprintf(f, "%s%s%s: %s\n", ind, tag[r[i].sev <= 4 ? r[i].sev : 3],
			r[i].basis == PCILU_LU_POLICY ? " (policy)" : "", ret ? "(out of memory)" : text);
		if (!ret && remedy)
			fprintf(f, "%s  fix: %s\n", ind, remedy);
		if (!ret) {
			free(text);
			free(remedy);
		}
	}
}

void pcilu_check_print_device(FILE *f, const struct pcilu_lu_check *c, const struct pcilu_lu_devcheck *dc,
			      struct pcilu_names *n)
{
	char b[24], label[384];
	const char *sep = "";

	fprintf(f, "%s %s: ", bdf_s(c->t, dc->dev, b), pcilu_dev_label(&c->t->devs[dc->dev], n, label, sizeof(label)));
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		if (!(c->profiles & (1u << p)))
			continue;
		if (dc->v[p].state == PCILU_LU_ELIGIBLE)
			fprintf(f, "%s%s eligible", sep, pcilu_lu_profile_name(p));
		else if (dc->v[p].state == PCILU_LU_UNDECIDED)
			fprintf(f, "%s%s UNDECIDED", sep, pcilu_lu_profile_name(p));
		else
			fprintf(f, "%s%s REFUSED (-%s)", sep, pcilu_lu_profile_name(p), pcilu_errno_name(dc->v[p].err));
		sep = ", ";
	}
	fputc('\n', f);
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		const struct pcilu_lu_verdict *v = &dc->v[p];

		if (!(c->profiles & (1u << p)))
			continue;
		if (v->state == PCILU_LU_ELIGIBLE)
			fprintf(f, "  %-8s eligible\n", pcilu_lu_profile_name(p));
		else if (v->state == PCILU_LU_UNDECIDED)
			fprintf(f, "  %-8s undecided: the source lacks what a rule needs\n", pcilu_lu_profile_name(p));
		else
			fprintf(f, "  %-8s refused: -%s (%d)\n", pcilu_lu_profile_name(p),
				pcilu_errno_name(v->err), v->err);
		pcilu_check_print_reasons(f, c, v->reasons, v->nreasons, "    ");
	}
	if (c->t->devs[dc->dev].kernel_group >= 0)
		fprintf(f, "  IOMMU group %d (the kernel's number; pcilu's is %d)\n", c->t->devs[dc->dev].kernel_group,
			dc->group);
	else if (dc->group != PCILU_NONE)
		fprintf(f, "  IOMMU group %d (pcilu's number)\n", dc->group);
	fputc('\n', f);
}

/* "slot 4", or "on-board" for a port without Slot Implemented. */
static const char *slot_word(const struct pcilu_dev *p, char *buf, size_t len)
{
	struct pcilu_link_info li;

	if (pcilu_pcie_link_info(p, &li))
		return "?";
	if (!li.slot)
		return "on-board";
	snprintf(buf, len, "slot %u", li.slot_number);
	return buf;
}

static const char *link_word(const struct pcilu_dev *p, char *buf, size_t len)
{
	struct pcilu_link_info li;

	if (pcilu_pcie_link_info(p, &li) || !li.cap_width)
		return "link ?";
	return pcilu_link_str(li.cap_speed, li.cap_width, buf, len);
}

static void print_slots(FILE *f, const struct pcilu_lu_check *c)
{
	char b[24], o[24], sw[24], lw[32];

	fprintf(f, "Slots: what a single-function card placed below each port would get (slot number and\n"
		"link from Slot and Link Capabilities; own group: an immutable singleton group)\n");
	for (size_t i = 0; i < c->nslots; i++) {
		const struct pcilu_lu_slot *s = &c->slots[i];
		const struct pcilu_dev *p = &c->t->devs[s->port];
		char *text;
		bool empty = p->child_bus == PCILU_NONE || !c->t->buses[p->child_bus].count;

		char occ[40] = "empty";

		if (!empty)
			snprintf(occ, sizeof(occ), "holds %s%s",
				 pcilu_bdf(&c->t->devs[c->t->bus_devs[c->t->buses[p->child_bus].first]], o, sizeof(o)),
				 c->t->buses[p->child_bus].count > 1 ? "+" : "");
		fprintf(f, "  %s %-15s %-20s %-9s %-12s own group: %-3s", bdf_s(c->t, s->port, b),
			pcilu_dev_type_name(p), occ, slot_word(p, sw, sizeof(sw)), link_word(p, lw, sizeof(lw)),
			s->singleton ? "yes" : "no");
		for (unsigned k = 0; k < PCILU_LU_NPROFILES; k++)
			if (c->profiles & (1u << k))
				fprintf(f, " %s:%s", pcilu_lu_profile_name(k), s->ok[k] ? "yes" : "no");
		fputc('\n', f);
		text = NULL;
		if (!pcilu_lu_slot_words(c, s, &text) && text)
			pcilu_out_wrap(f, "      ", text, "      ", WRAP_COLS);
		free(text);
	}
	fputc('\n', f);
}

static void print_preserve(FILE *f, const struct pcilu_lu_check *c)
{
	char b[24];

	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		const struct pcilu_lu_preserve *pr = &c->pres[p];

		if (!(c->profiles & (1u << p)))
			continue;
		fprintf(f, "Preserve sequence under %s: %s\n", pcilu_lu_profile_name(p),
			!pr->ok ? "FAILS" : pr->state == PCILU_LU_UNDECIDED ? "UNDECIDED" : "OK");
		for (size_t i = 0; i < pr->nreqs; i++) {
			const struct pcilu_lu_request *rq = &pr->reqs[i];

			if (!rq->err && rq->state == PCILU_LU_UNDECIDED)
				fprintf(f, "  %zu. %s undecided (%s)\n", i + 1, bdf_s(c->t, rq->dev, b),
					pcilu_lu_rule_name(rq->rule));
			else if (!rq->err)
				fprintf(f, "  %zu. %s preserved\n", i + 1, bdf_s(c->t, rq->dev, b));
			else
				fprintf(f, "  %zu. %s -%s (%d): %s\n", i + 1, bdf_s(c->t, rq->dev, b),
					pcilu_errno_name(rq->err), rq->err,
					rq->rule == PCILU_LUR_BUSY ? "already preserved (an endpoint preserved twice)" :
					pcilu_lu_rule_name(rq->rule));
		}
		fprintf(f, "  preserved nodes:%s\n", pr->set.count ? "" : " none");
		for (size_t i = 0; i < pr->set.count; i++)
			fprintf(f, "    %s %-8s refcount %u\n", bdf_s(c->t, pr->set.nodes[i].dev, b),
				pcilu_lu_role_name(pr->set.nodes[i].role), pr->set.nodes[i].refcount);
		pcilu_check_print_reasons(f, c, pr->conflicts, pr->nconflicts, "  ");
		fputc('\n', f);
	}
}

/* The facts the verdicts rest on, once, before any device (shared with plan). */
void pcilu_check_print_facts(FILE *f, const struct pcilu_lu_check *c)
{
	const struct pcilu_topology *t = c->t;
	char buf[640], name[512], desc[256], edesc[512];
	const char *coverage = NULL;
	size_t nas;
	const struct pcilu_assumption *as = pcilu_iommu_assumptions(c->r, &nas);

	/* What the IOMMU covers belongs with whether it is on. */
	for (size_t i = 0; i < nas && c->iommu_on; i++)
		if (as[i].kind == PCILU_AS_COVERAGE)
			coverage = as[i].text;

	fprintf(f, "Source: %s (%s)\n", PCILU_ESC(t->name ? t->name : "/sys", name),
		PCILU_ESC(pcilu_source_desc(t, desc, sizeof(desc)), edesc));
	snprintf(buf, sizeof(buf), "%s (%s)%s%s", c->iommu_on ? "on" : "off",
		 pcilu_fact_origin_text(c->iommu_from, c->iommu_on), coverage ? "; " : "", coverage ? coverage : "");
	pcilu_out_wrap(f, "IOMMU: ", buf, "  ", WRAP_COLS);
	if (c->capture_off)
		fprintf(f, "  but the source itself had no IOMMU on (%s): the verdicts are for the boot asked "
			"about, not for the one captured\n", pcilu_fact_origin_text(c->capture_from, false));
	pcilu_out_wrap(f, "Kernel: ", PCILU_ESC(pcilu_lu_kernel_text(&c->kernel, buf, sizeof(buf)), name), "  ",
		       WRAP_COLS);
	if (t->config_truncated)
		fprintf(f, "Config space: some devices show only 64 bytes (a non-root read or lspci -x): what "
			"needs more is undecided; run as root or capture with lspci -xxxx\n");
	if (t->ndead)
		fprintf(f, "Config space: %zu function%s read%s all-ones (powered down): kept, undecided\n",
			t->ndead, t->ndead == 1 ? "" : "s", t->ndead == 1 ? "s" : "");
}

static void print_totals(FILE *f, const struct pcilu_lu_check *c, bool verbose)
{
	/* What each profile stands for, short enough for one line (the full basis: --verbose, JSON). */
	static const char *const brief[] = {
		[PCILU_LU_V4] = "PCI Live Update v4 as posted, never merged",
		[PCILU_LU_NEXT] = "PCI Live Update v9, staged for 7.4",
		[PCILU_LU_IOMMUFD] = "next + iommufd as posted + singleton group (policy)",
	};

	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		const size_t *n = c->nstate[p];

		if (!(c->profiles & (1u << p)))
			continue;
		fprintf(f, "%-8s %zu of %zu can be preserved", pcilu_lu_profile_name(p), n[PCILU_LU_ELIGIBLE], c->ndevs);
		if (n[PCILU_LU_REFUSED])
			fprintf(f, ", %zu refused", n[PCILU_LU_REFUSED]);
		if (n[PCILU_LU_UNDECIDED])
			fprintf(f, ", %zu undecided", n[PCILU_LU_UNDECIDED]);
		fprintf(f, "   [%s]\n", verbose ? pcilu_lu_profile_basis(p) : brief[p]);
	}
	fputc('\n', f);
}

/* lspci's short form while the segment is 0 (buf: 24 bytes). */
static const char *short_addr(const struct pcilu_dev *d, char *buf)
{
	pcilu_bdf(d, buf, 24);
	return d->seg ? buf : buf + 5;
}

/* The words of a device's note after its "DDDD:BB:DD.F: " prefix, or NULL. */
static const char *note_body(const struct pcilu_lu_check *c, const struct pcilu_assumption *a)
{
	char bdf[24];
	size_t l;

	if (a->dev == PCILU_NONE)
		return NULL;
	l = strlen(pcilu_bdf(&c->t->devs[a->dev], bdf, sizeof(bdf)));
	return !strncmp(a->text, bdf, l) && !strncmp(a->text + l, ": ", 2) ? a->text + l + 2 : NULL;
}

/* A device's note whose words an earlier device's note already said. */
static bool note_said_before(const struct pcilu_lu_check *c, const struct pcilu_assumption *as, size_t i)
{
	const char *b = note_body(c, &as[i]), *e;

	for (size_t k = 0; b && k < i; k++)
		if (as[k].kind == as[i].kind && (e = note_body(c, &as[k])) && !strcmp(e, b))
			return true;
	return false;
}

/* One note; the devices that share its words are named together. */
static void print_note(FILE *f, const struct pcilu_lu_check *c, const struct pcilu_assumption *as, size_t n,
		       size_t i)
{
	const char *b = note_body(c, &as[i]), *e;
	char lead[256], bdf[24];
	size_t at;

	if (!b) {
		pcilu_out_wrap(f, "  * ", as[i].text, "    ", WRAP_COLS);
		return;
	}
	at = (size_t)snprintf(lead, sizeof(lead), "  * %s", short_addr(&c->t->devs[as[i].dev], bdf));
	for (size_t k = i + 1; k < n && at < sizeof(lead) - 32; k++)
		if (as[k].kind == as[i].kind && (e = note_body(c, &as[k])) && !strcmp(e, b))
			at += (size_t)snprintf(lead + at, sizeof(lead) - at, ", %s", short_addr(&c->t->devs[as[k].dev], bdf));
	snprintf(lead + at, sizeof(lead) - at, ": ");
	pcilu_out_wrap(f, lead, b, "    ", WRAP_COLS);
}

int pcilu_print_check(FILE *f, const struct pcilu_lu_check *c, const struct pcilu_diag *d,
		      const struct pcilu_out_opts *o, bool slots)
{
	size_t n;
	const struct pcilu_assumption *as;

	if (o->json)
		return print_json(f, c, d, o, slots);
	pcilu_check_print_facts(f, c);
	if (o->verbose)
		fputc('\n', f);
	print_totals(f, c, o->verbose);
	if (o->verbose)
		for (size_t i = 0; i < c->ndevs; i++)
			pcilu_check_print_device(f, c, &c->devs[i], o->names);
	else
		pcilu_check_print_summary(f, c, o);
	if (slots)
		print_slots(f, c);
	if (c->has_preserve)
		print_preserve(f, c);
	as = pcilu_iommu_assumptions(c->r, &n);
	for (size_t i = 0, shown = 0; i < n; i++) {
		/* Whether the IOMMU is on, and what it covers, was said once, at the top. */
		if (as[i].kind == PCILU_AS_IOMMU_DEFAULT || as[i].kind == PCILU_AS_IOMMU_OFF ||
		    as[i].kind == PCILU_AS_COVERAGE ||
		    note_said_before(c, as, i))
			continue;
		if (!shown++)
			fprintf(f, "\nNotes:\n");
		print_note(f, c, as, n, i);
	}
	if (!o->verbose)
		fprintf(f, "\nEach device's reasons and fixes: pcilu check [SOURCE] BDF..., or --verbose.\n");
	return 0;
}
