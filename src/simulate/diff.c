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

/* @t's groups under @cmdline, with ACS as @base says (as read, or as a fresh boot programs it). */
static int side_with(const struct pcilu_topology *t, const char *cmdline, const struct pcilu_policy *base,
		     struct pcilu_policy **p, struct pcilu_iommu **r, struct pcilu_diag *d)
{
	*p = calloc(1, sizeof(**p));
	if (!*p)
		return -ENOMEM;
	pcilu_policy_init(*p);
	if (base) {
		(*p)->acs = base->acs;
		(*p)->fw_base = base->fw_base;
		(*p)->fresh_boot = base->acs == PCILU_ACS_LINUX;
	}
	if (cmdline && pcilu_policy_parse_cmdline(*p, cmdline, d))
		return -EINVAL;
	return pcilu_iommu_compute(t, *p, r, d);
}

static int side(const struct pcilu_topology *t, struct pcilu_policy **p, struct pcilu_iommu **r,
		struct pcilu_diag *d)
{
	return side_with(t, t->cmdline, NULL, p, r, d);
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

int pcilu_diff(const struct pcilu_topology *a, const struct pcilu_topology *b,
	       struct pcilu_diff **out, struct pcilu_diag *d)
{
	struct pcilu_diff *df = calloc(1, sizeof(*df));
	struct lu_cmp c = { 0 };
	int ret;

	*out = NULL;
	if (!df)
		return -ENOMEM;
	df->a = a;
	df->b = b;
	ret = side(a, &df->pa, &df->ra, d);
	if (!ret)
		ret = side(b, &df->pb, &df->rb, d);
	if (!ret) {
		c = (struct lu_cmp){ .ra = df->ra, .rb = df->rb, .a = a, .b = b, .out = &df->ch };
		ret = pcilu_cmp_map(&c, true);
	}
	if (!ret)
		ret = pcilu_cmp_presence(&c);
	if (!ret)
		ret = pcilu_cmp_groups(&c);
	if (!ret)
		ret = pcilu_cmp_registers(&c);
	pcilu_cmp_free(&c);
	if (ret) {
		pcilu_diff_free(df);
		return ret;
	}
	host_notes(a, b, d);
	*out = df;
	return 0;
}

int pcilu_diff_cmdline(const struct pcilu_topology *t, const struct pcilu_policy *base, const char *cmdline,
		       struct pcilu_diff **out, struct pcilu_diag *d)
{
	struct pcilu_diff *df = calloc(1, sizeof(*df));
	struct lu_cmp c = { 0 };
	int ret;

	*out = NULL;
	if (!df)
		return -ENOMEM;
	df->a = df->b = t;
	ret = side_with(t, t->cmdline, base, &df->pa, &df->ra, d);
	if (!ret)
		ret = side_with(t, cmdline, base, &df->pb, &df->rb, d);
	if (!ret) {
		c = (struct lu_cmp){ .ra = df->ra, .rb = df->rb, .a = t, .b = t, .out = &df->ch };
		ret = pcilu_cmp_map(&c, false);
	}
	/* One host, two command lines: only the groups and ACS can differ. */
	if (!ret)
		ret = pcilu_cmp_groups(&c);
	if (!ret)
		ret = pcilu_cmp_registers(&c);
	pcilu_cmp_free(&c);
	if (ret) {
		pcilu_diff_free(df);
		return ret;
	}
	*out = df;
	return 0;
}

void pcilu_diff_free(struct pcilu_diff *df)
{
	if (!df)
		return;
	pcilu_iommu_free(df->ra);
	pcilu_iommu_free(df->rb);
	if (df->pa)
		pcilu_policy_free(df->pa);
	if (df->pb)
		pcilu_policy_free(df->pb);
	free(df->pa);
	free(df->pb);
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
