// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcilu groups --dot: the topology for Graphviz with every IOMMU group as a
 * cluster. Links that break isolation are red (an upstream bridge without
 * working ACS, a bridge taking over requester IDs); shared groups between
 * functions or DMA aliases are orange dashed edges.
 */
#include "output_int.h"
#include <pcilu/iommu.h>

#include <errno.h>
#include <string.h>

static void node(FILE *f, const struct pcilu_iommu *r, int32_t i, struct pcilu_names *n)
{
	const struct pcilu_dev *d = &pcilu_iommu_topology(r)->devs[i];
	char bdf[24], label[256];

	pcilu_dev_label(d, n, label, sizeof(label));
	for (char *p = label; *p; p++)	/* keep DOT strings simple */
		if (*p == '"' || *p == '\\')
			*p = '\'';
	fprintf(f, "    \"%s\" [label=\"%s\\n%s\\n%s\"%s];\n", pcilu_bdf(d, bdf, sizeof(bdf)), bdf,
		pcilu_dev_type_name(d), label, pcilu_is_bridge(d) ? ", shape=box" : "");
}

static void edges(FILE *f, const struct pcilu_iommu *r, int32_t i)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	const struct pcilu_reason *j = pcilu_iommu_join(r, i);
	int32_t up = pcilu_upstream_bridge(t, i);
	char a[24], b[24], miss[64];

	pcilu_bdf(&t->devs[i], b, sizeof(b));
	if (up != PCILU_NONE) {
		pcilu_bdf(&t->devs[up], a, sizeof(a));
		if (j->kind == PCILU_R_PATH && j->other == up)
			fprintf(f, "  \"%s\" -> \"%s\" [color=red, penwidth=2, label=\"not isolated%s%s\"];\n",
				a, b, j->eval.missing ? ": missing " : "",
				j->eval.missing ? pcilu_acs_flags_str(j->eval.missing, miss, sizeof(miss)) : "");
		else if (j->kind == PCILU_R_DMA_ALIAS_WALK && j->other == up)
			fprintf(f, "  \"%s\" -> \"%s\" [color=red, penwidth=2, label=\"requester ID alias\"];\n",
				a, b);
		else
			fprintf(f, "  \"%s\" -> \"%s\";\n", a, b);
	}
	if ((j->kind == PCILU_R_FUNCTION || j->kind == PCILU_R_ALIAS) && j->other != PCILU_NONE)
		fprintf(f, "  \"%s\" -> \"%s\" [color=orange, style=dashed, dir=none, constraint=false, "
			"label=\"%s\"];\n", b, pcilu_bdf(&t->devs[j->other], a, sizeof(a)),
			j->kind == PCILU_R_FUNCTION ? "functions not isolated" : "DMA alias");
}

int pcilu_print_groups_dot(FILE *f, const struct pcilu_iommu *r, const struct pcilu_out_opts *o)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);

	fprintf(f, "digraph pcilu_groups {\n  rankdir=TB;\n  node [fontsize=10];\n");
	for (size_t g = 0; g < pcilu_iommu_ngroups(r); g++) {
		const struct pcilu_group *gr = pcilu_iommu_group(r, (int32_t)g);

		fprintf(f, "  subgraph cluster_%zu {\n    label=\"group %d%s\";\n    style=rounded;\n", g,
			gr->id, gr->flags & (PCILU_RF_UNKNOWN | PCILU_RF_ASSUMED) ? " (assumed)" : "");
		for (size_t i = 0; i < gr->nmembers; i++)
			node(f, r, gr->members[i], o->names);
		fprintf(f, "  }\n");
	}
	for (size_t i = 0; i < t->ndevs; i++)
		edges(f, r, (int32_t)i);
	fprintf(f, "}\n");
	return ferror(f) ? -EIO : 0;
}
