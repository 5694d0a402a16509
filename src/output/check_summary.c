// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcilu check, the answer first: per profile a totals line, then one line per
 * device or per run of functions that share a slot (or VFs of one PF) and a
 * verdict, then each failing rule once with how many devices it stops. The
 * reasons and fixes per device stay for `check BDF` and --verbose (check.c).
 */
#include "output_int.h"
#include <pcilu/iommu.h>
#include <pcilu/liveupdate.h>

#include <string.h>

#define NAME_COLS 38

/* What a row stands for: devs[first .. first + n) of the check, all with one verdict. */
struct row {
	size_t first, n;
	bool vfs;
};

/* Two devices print as one row when every selected profile says the same for the same rule. */
static bool same_verdicts(const struct pcilu_lu_check *c, const struct pcilu_lu_devcheck *a,
			  const struct pcilu_lu_devcheck *b, bool vfs)
{
	/* Functions of a slot share a row only within one group; VFs each have their own. */
	if (!vfs && a->group != b->group)
		return false;
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		const struct pcilu_lu_reason *ra, *rb;

		if (!(c->profiles & (1u << p)))
			continue;
		if (a->v[p].state != b->v[p].state || a->v[p].err != b->v[p].err)
			return false;
		ra = pcilu_lu_verdict_lead(&a->v[p]);
		rb = pcilu_lu_verdict_lead(&b->v[p]);
		if (!ra || !rb) {
			if (ra != rb)
				return false;
			continue;
		}
		if (ra->rule != rb->rule)
			return false;
	}
	return true;
}

static bool same_slot(const struct pcilu_dev *a, const struct pcilu_dev *b)
{
	return a->seg == b->seg && a->bus == b->bus && (a->devfn >> 3) == (b->devfn >> 3);
}

/* Functions of one slot, or VFs of one PF, next to each other in probe order. */
static bool same_row(const struct pcilu_lu_check *c, const struct row *r, size_t i)
{
	const struct pcilu_dev *a = &c->t->devs[c->devs[r->first].dev], *b = &c->t->devs[c->devs[i].dev];

	if (!same_verdicts(c, &c->devs[r->first], &c->devs[i], a->is_virtfn && b->is_virtfn))
		return false;
	/* VFs of one PF, or of the PFs of one multi-port card (one slot), share a row. */
	if (a->is_virtfn || b->is_virtfn)
		return a->is_virtfn && b->is_virtfn && a->physfn != PCILU_NONE && b->physfn != PCILU_NONE &&
		       same_slot(&c->t->devs[a->physfn], &c->t->devs[b->physfn]);
	return same_slot(a, b);
}

/* "00:11.0,4", "0001:04:00.0-3": lspci's short form while the segment is 0. */
static const char *row_addr(const struct pcilu_lu_check *c, const struct row *r, char *buf, size_t len)
{
	const struct pcilu_dev *a = &c->t->devs[c->devs[r->first].dev];
	const struct pcilu_dev *z = &c->t->devs[c->devs[r->first + r->n - 1].dev];
	char full[24];
	const char *s = pcilu_bdf(a, full, sizeof(full));
	size_t at;
	bool run = true;

	if (!a->seg)
		s += 5;
	snprintf(buf, len, "%s", s);
	if (r->n == 1)
		return buf;
	if (r->vfs) {
		/* VFs of two PFs interleave in routing IDs: the range is lowest to highest. */
		for (size_t i = 0; i < r->n; i++) {
			const struct pcilu_dev *v = &c->t->devs[c->devs[r->first + i].dev];

			if ((v->bus << 8 | v->devfn) < (a->bus << 8 | a->devfn))
				a = v;
			if ((v->bus << 8 | v->devfn) > (z->bus << 8 | z->devfn))
				z = v;
		}
		s = pcilu_bdf(a, full, sizeof(full));
		snprintf(buf, len, "%s", a->seg ? s : s + 5);
		pcilu_bdf(z, full, sizeof(full));
		at = strlen(buf);
		snprintf(buf + at, len - at, "-%s", full + (z->seg ? 0 : 5) + (z->bus == a->bus ? 3 : 0));
		return buf;
	}
	for (size_t i = 1; i < r->n; i++)
		run = run && (c->t->devs[c->devs[r->first + i].dev].devfn & 7) == (a->devfn & 7) + i;
	at = strlen(buf);
	if (run) {
		snprintf(buf + at, len - at, "-%d", z->devfn & 7);
		return buf;
	}
	for (size_t i = 1; i < r->n && at < len; i++) {
		snprintf(buf + at, len - at, ",%d", c->t->devs[c->devs[r->first + i].dev].devfn & 7);
		at = strlen(buf);
	}
	return buf;
}

/* Bytes of @s that fill at most @cols columns (one per character). */
static size_t fit(const char *s, size_t cols)
{
	size_t k = 0;

	for (size_t c = 0; s[k] && c < cols; c++) {
		size_t l = pcilu_utf8_len((const unsigned char *)s + k, strlen(s + k));

		k += l ? l : 1;
	}
	return k;
}

/* The device's name from pci.ids, cut at a character boundary to fit its column. */
static const char *short_name(const struct pcilu_dev *d, struct pcilu_names *n, char *buf, size_t len)
{
	char raw[128], esc[256];

	if (d->dead)
		return snprintf(buf, len, "(reads all-ones)"), buf;
	if (!n)
		return snprintf(buf, len, "%04x:%04x", d->vendor, d->device), buf;
	PCILU_ESC(pcilu_name_device(n, d->vendor, d->device, raw, sizeof(raw)), esc);
	if (!esc[fit(esc, NAME_COLS)])
		snprintf(buf, len, "%.*s", (int)strlen(esc), esc);
	else
		snprintf(buf, len, "%.*s...", (int)fit(esc, NAME_COLS - 3), esc);
	return buf;
}

/* The group a person can find: the kernel's number when the source has it. */
static const char *group_label(const struct pcilu_lu_check *c, const struct pcilu_lu_devcheck *dc, char *buf,
			       size_t len)
{
	int32_t kg = c->t->devs[dc->dev].kernel_group;

	if (kg >= 0)
		snprintf(buf, len, "kernel group %d", kg);
	else if (dc->group != PCILU_NONE)
		snprintf(buf, len, "group %d", dc->group);
	else
		snprintf(buf, len, "no group");
	return buf;
}

static const char *short_bdf(const struct pcilu_topology *t, int32_t dev, char *buf)
{
	if (dev == PCILU_NONE)
		return "-";
	pcilu_bdf(&t->devs[dev], buf, 24);
	return t->devs[dev].seg ? buf : buf + 5;
}

/* Whether every other member of the row's group is in the row itself. */
static bool group_is_row(const struct pcilu_lu_check *c, const struct row *r)
{
	const struct pcilu_group *g;

	if (!c->iommu_on || r->n < 2)
		return false;
	g = pcilu_iommu_group(c->r, pcilu_iommu_group_of(c->r, c->devs[r->first].dev));
	return g && g->nmembers == r->n;
}

/* The "why" column: the lead reason in a few words, with the device it names. */
static void why_words(FILE *f, const struct pcilu_lu_check *c, const struct row *r, const struct pcilu_lu_reason *x)
{
	const struct pcilu_lu_devcheck *dc = &c->devs[r->first];
	char b[24], g[40], fl[64];

	switch (x->rule) {
	case PCILU_LUR_GROUP:
		if (group_is_row(c, r))
			fprintf(f, "the functions share %s", group_label(c, dc, g, sizeof(g)));
		else
			fprintf(f, "%s also holds %s", group_label(c, dc, g, sizeof(g)), short_bdf(c->t, x->other, b));
		break;
	case PCILU_LUR_ACS_PATH:
		fprintf(f, "ACS %s not enabled at %s", pcilu_acs_flags_str(x->missing, fl, sizeof(fl)),
			short_bdf(c->t, x->dev, b));
		break;
	case PCILU_LUR_ACS_QUIRK:
		fprintf(f, "ACS by quirk at %s", short_bdf(c->t, x->dev, b));
		break;
	case PCILU_LUR_VF:
		fprintf(f, x->dev == dc->dev ? "VFs are never preserved" : "a VF bridge on the path");
		break;
	case PCILU_LUR_DMA_ALIAS:
		fprintf(f, "DMA aliased by %s", short_bdf(c->t, x->other != PCILU_NONE ? x->other : x->dev, b));
		break;
	case PCILU_LUR_NO_GROUP:
		fprintf(f, "no IOMMU group");
		break;
	case PCILU_LUR_UNREADABLE:
		fprintf(f, "reads all-ones");
		break;
	default:
		fprintf(f, "%s", pcilu_lu_rule_name(x->rule));
	}
	if (x->flags & PCILU_RF_UNKNOWN || x->sev == PCILU_LUS_UNDECIDED)
		fprintf(f, " (config space incomplete)");
}

static const char *state_word(uint8_t state)
{
	return state == PCILU_LU_ELIGIBLE ? "eligible" : state == PCILU_LU_REFUSED ? "refused" : "undecided";
}

static void print_row(FILE *f, const struct pcilu_lu_check *c, const struct row *r, struct pcilu_names *n)
{
	const struct pcilu_lu_devcheck *dc = &c->devs[r->first];
	const struct pcilu_dev *d = &c->t->devs[dc->dev];
	const struct pcilu_lu_reason *shown[PCILU_LU_NPROFILES] = { NULL };
	size_t nshown = 0;
	char addr[48], name[160];

	row_addr(c, r, addr, sizeof(addr));
	if (r->vfs && r->n > 1) {
		char pf[24];

		const struct pcilu_dev *z = &c->t->devs[c->devs[r->first + r->n - 1].dev];

		if (z->physfn == d->physfn)
			snprintf(name, sizeof(name), "%zu VFs of %s", r->n, short_bdf(c->t, d->physfn, pf));
		else
			snprintf(name, sizeof(name), "%zu VFs of %s-%d", r->n, short_bdf(c->t, d->physfn, pf),
				 c->t->devs[z->physfn].devfn & 7);
	} else {
		short_name(d, n, name, sizeof(name));
	}
	fprintf(f, "  %-17s %-*s", addr, NAME_COLS, name);
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		/* No padding after the last column when no reason follows it. */
		bool last = !(c->profiles >> (p + 1)) && !pcilu_lu_verdict_lead(&dc->v[p]) && !(p && pcilu_lu_verdict_lead(&dc->v[0]));

		if (c->profiles & (1u << p))
			fprintf(f, last ? " %s" : " %-9s", state_word(dc->v[p].state));
	}
	/* Each profile's lead reason once; a later profile's only where it differs. */
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		const struct pcilu_lu_reason *x = (c->profiles & (1u << p)) ? pcilu_lu_verdict_lead(&dc->v[p]) : NULL;
		bool dup = false;

		for (size_t k = 0; x && k < nshown; k++)
			dup |= shown[k]->rule == x->rule;
		if (!x || dup)
			continue;
		/* "undecided" fills its 9 columns: a space keeps it apart from the reason. */
		fprintf(f, "%s", nshown ? "; " : " ");
		if (nshown)
			fprintf(f, "%s: ", pcilu_lu_profile_name(p));
		why_words(f, c, r, x);
		shown[nshown++] = x;
	}
	fputc('\n', f);
}

static void print_rows(FILE *f, const struct pcilu_lu_check *c, struct pcilu_names *n)
{
	struct row r = { 0 };

	fprintf(f, "  %-17s %-*s", "DEVICE", NAME_COLS, "NAME");
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++)
		if (c->profiles & (1u << p))
			fprintf(f, " %-9s", pcilu_lu_profile_name(p));
	fprintf(f, " WHY\n");
	for (size_t i = 0; i < c->ndevs; i++) {
		if (r.n && same_row(c, &r, i)) {
			r.n++;
			continue;
		}
		if (r.n)
			print_row(f, c, &r, n);
		r = (struct row){ .first = i, .n = 1, .vfs = c->t->devs[c->devs[i].dev].is_virtfn };
	}
	if (r.n)
		print_row(f, c, &r, n);
}

/* One line per rule that stops a device: how many, under which profiles, on what basis. */
static void print_rules(FILE *f, const struct pcilu_lu_check *c)
{
	static const char *const what[] = {
		[PCILU_LUR_BRIDGE] = "a bridge was asked for: only endpoints are preserved",
		[PCILU_LUR_VF] = "a VF, or a VF on the path: VFs are never preserved",
		[PCILU_LUR_ACS_QUIRK] = "isolation rests on a device-specific ACS quirk on the path",
		[PCILU_LUR_NO_GROUP] = "no IOMMU group: no IOMMU translates the device",
		[PCILU_LUR_GROUP] = "the IOMMU group holds other devices",
		[PCILU_LUR_ACS_PATH] = "ACS SV, RR, CR, UF not all enabled up to the root port",
		[PCILU_LUR_DMA_ALIAS] = "DMA can carry another requester ID",
		[PCILU_LUR_UNREADABLE] = "the function reads all-ones: nothing can be decided",
	};
	size_t count[32][PCILU_LU_NPROFILES] = { { 0 } };
	bool policy[32][PCILU_LU_NPROFILES] = { { false } }, any = false;

	for (size_t i = 0; i < c->ndevs; i++)
		for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
			const struct pcilu_lu_reason *x = (c->profiles & (1u << p)) ? pcilu_lu_verdict_lead(&c->devs[i].v[p]) : NULL;

			if (x && x->rule < 32) {
				count[x->rule][p]++;
				policy[x->rule][p] |= x->basis == PCILU_LU_POLICY;
				any = true;
			}
		}
	if (!any)
		return;
	fprintf(f, "\nWhy, by rule (devices stopped per profile; the rule's name is its JSON code):\n");
	for (unsigned k = 1; k < 32; k++) {
		const char *sep = "";
		bool used = false;

		for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++)
			used |= count[k][p] != 0;
		if (!used)
			continue;
		fprintf(f, "  %-13s ", pcilu_lu_rule_name(k));
		for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++)
			if (count[k][p]) {
				fprintf(f, "%s%s %zu%s", sep, pcilu_lu_profile_name(p), count[k][p],
					policy[k][p] ? " (policy)" : "");
				sep = ", ";
			}
		fprintf(f, ": %s\n", k < sizeof(what) / sizeof(what[0]) && what[k] ? what[k] : pcilu_lu_rule_name(k));
	}
}

void pcilu_check_print_summary(FILE *f, const struct pcilu_lu_check *c, const struct pcilu_out_opts *o)
{
	if (c->ndevs)
		print_rows(f, c, o->names);
	if (o->platform_skipped)
		fprintf(f, "  (%zu platform function%s not judged: class 06/08/11 on a root bus, such as CPU uncore "
			"and chipset functions; --all judges them)\n", o->platform_skipped,
			o->platform_skipped == 1 ? "" : "s");
	print_rules(f, c);
}
