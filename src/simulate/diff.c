// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Two snapshots of one host (before and after a kernel or firmware update):
 * each is evaluated with the command line it records and its ACS Control as
 * read, then compared device by device and group by group.
 */
#include "simulate_int.h"

#include <pcilu/iommu.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * @t's groups under @cmdline, with ACS as @base says (as read, or as a fresh
 * boot programs it), in @p (initialised, owned by the diff).
 */
static int side_with(const struct pcilu_topology *t, const char *cmdline, const struct pcilu_policy *base,
		     struct pcilu_policy *p, struct pcilu_iommu **r, struct pcilu_diag *d)
{
	if (base) {
		p->acs = base->acs;
		p->fw_base = base->fw_base;
		p->fresh_boot = base->acs == PCILU_ACS_LINUX;
	}
	if (cmdline && pcilu_policy_parse_cmdline(p, cmdline, d))
		return -EINVAL;
	return pcilu_iommu_compute(t, p, r, d);
}

static int side(const struct pcilu_topology *t, struct pcilu_policy *p, struct pcilu_iommu **r,
		struct pcilu_diag *d)
{
	return side_with(t, t->cmdline, NULL, p, r, d);
}

/* A diff and its two policies, both initialised so that pcilu_diff_free() can always free them. */
static struct pcilu_diff *diff_alloc(void)
{
	struct pcilu_diff *df = calloc(1, sizeof(*df));

	if (df)
		df->own = calloc(2, sizeof(*df->own));
	if (!df || !df->own) {
		free(df);
		return NULL;
	}
	pcilu_policy_init(&df->own[0]);
	pcilu_policy_init(&df->own[1]);
	return df;
}

static void host_notes(const struct pcilu_topology *a, const struct pcilu_topology *b, struct pcilu_diag *d)
{
	const char *ka = a->kernel_release ? a->kernel_release : "unknown";
	const char *kb = b->kernel_release ? b->kernel_release : "unknown";
	const char *ca = a->cmdline ? a->cmdline : "", *cb = b->cmdline ? b->cmdline : "";

	if (strcmp(ka, kb))
		pcilu_diag_add(d, PCILU_NOTE, NULL, 0, -1, "kernel %s -> %s", ka, kb);
	if (strcmp(ca, cb))
		pcilu_diag_add(d, PCILU_NOTE, NULL, 0, -1, "command line \"%s\" -> \"%s\"", ca, cb);
}

/*
 * Compare the two sides. Two snapshots (@snapshots) can differ in anything;
 * one host under two command lines only in groups and ACS, and its devices
 * map one to one without looking for moves.
 */
static int compare(struct pcilu_diff *df, bool snapshots)
{
	struct lu_cmp c = { .ra = df->ra, .rb = df->rb, .a = df->a, .b = df->b, .out = &df->ch };
	int ret = pcilu_cmp_map(&c, snapshots);

	if (!ret && snapshots)
		ret = pcilu_cmp_presence(&c);
	if (!ret)
		ret = pcilu_cmp_groups(&c);
	if (!ret)
		ret = pcilu_cmp_registers(&c);
	pcilu_cmp_free(&c);
	return ret;
}

/* Hand @df over in *out, or free it on error. */
static int done(struct pcilu_diff *df, int ret, struct pcilu_diff **out)
{
	if (ret) {
		pcilu_diff_free(df);
		return ret;
	}
	*out = df;
	return 0;
}

int pcilu_diff(const struct pcilu_topology *a, const struct pcilu_topology *b,
	       struct pcilu_diff **out, struct pcilu_diag *d)
{
	struct pcilu_diff *df = diff_alloc();
	int ret;

	*out = NULL;
	if (!df)
		return -ENOMEM;
	df->a = a;
	df->b = b;
	ret = side(a, &df->own[0], &df->ra, d);
	ret = ret ?: side(b, &df->own[1], &df->rb, d);
	ret = ret ?: compare(df, true);
	if (!ret)
		host_notes(a, b, d);
	return done(df, ret, out);
}

int pcilu_diff_cmdline(const struct pcilu_topology *t, const struct pcilu_policy *base, const char *cmdline,
		       struct pcilu_diff **out, struct pcilu_diag *d)
{
	struct pcilu_diff *df = diff_alloc();
	int ret;

	*out = NULL;
	if (!df)
		return -ENOMEM;
	df->a = df->b = t;
	ret = side_with(t, t->cmdline, base, &df->own[0], &df->ra, d);
	ret = ret ?: side_with(t, cmdline, base, &df->own[1], &df->rb, d);
	ret = ret ?: compare(df, false);
	return done(df, ret, out);
}

void pcilu_diff_free(struct pcilu_diff *df)
{
	if (!df)
		return;
	pcilu_iommu_free(df->ra);
	pcilu_iommu_free(df->rb);
	if (df->own) {
		pcilu_policy_free(&df->own[0]);
		pcilu_policy_free(&df->own[1]);
		free(df->own);
	}
	pcilu_changes_free(&df->ch);
	free(df);
}

const char *pcilu_change_kind_name(enum pcilu_change_kind k)
{
	static const char *const names[] = {
		[PCILU_CH_LOST_ISOLATION] = "lost-isolation", [PCILU_CH_NOT_ELIGIBLE] = "not-eligible",
		[PCILU_CH_JOINED] = "joined", [PCILU_CH_GROUP_SPLIT] = "group-split",
		[PCILU_CH_GROUP_MERGED] = "group-merged", [PCILU_CH_ROUTING] = "routing",
		[PCILU_CH_ACS] = "acs", [PCILU_CH_ARI] = "ari", [PCILU_CH_BUS_NUMBERS] = "bus-numbers",
		[PCILU_CH_APPEARED] = "appeared", [PCILU_CH_DISAPPEARED] = "disappeared",
		[PCILU_CH_MOVED] = "moved", [PCILU_CH_IDS] = "ids",
	};

	return k > 0 && (size_t)k < sizeof(names) / sizeof(names[0]) && names[k] ? names[k] : "unknown";
}
