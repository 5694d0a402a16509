// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu groups [SOURCE]: IOMMU groups as Linux 7.2 forms them, and why. */
#include "cli.h"

#include <pcilu/iommu.h>
#include <pcilu/liveupdate.h>
#include <pcilu/simulate.h>

#include <errno.h>
#include <string.h>

static const char groups_help[] =
	"Usage: pcilu groups [OPTIONS] [SOURCE] [BDF]\n"
	"The IOMMU groups Linux 7.2 forms from this config space, each with the reasons.\n"
	"With BDF (or --explain BDF): why the device is in its group, every member with its\n"
	"driver, which must be bound to vfio-pci, and the vfio-pci.ids= and driverctl lines.\n"
	"  --explain BDF        the same as the BDF operand\n"
	"  --diff               with --cmdline: what that command line changes against the one\n"
	"                       SOURCE records, in one run (exit 1 if anything; --acs=linux for a\n"
	"                       cold boot)\n"
	CLI_SELECT_HELP
	"  --dot                Graphviz: groups as clusters, isolation-breaking links in red\n"
	"  --compare            differences from the kernel's own groups in SOURCE (exit 1 if any,\n"
	"                       2 if SOURCE has none)\n"
	CLI_POLICY_HELP
	"  --json               machine-readable output (schema pcilu-groups/2)\n"
	"  --json-lines         one JSON object per device with the host facts (pcilu-groups-line/1)\n"
	"  --lenient            skip malformed records instead of failing\n"
	"  --no-names           vendor and device ids only\n";

struct groups_opts {
	const char *explain;
	bool dot, compare, lines, diff;
	struct cli_select sel;
};

enum { OPT_DOT = 0x140, OPT_LINES, OPT_DIFF };

static int parse_opt(int c, const char *arg, struct groups_opts *g, struct cli_policy *cp)
{
	int ret;

	if (cli_policy_opt(c, arg, "groups", cp, &ret) || cli_select_opt(c, arg, "groups", &g->sel, &ret))
		return ret;
	switch (c) {
	case 'e':
		g->explain = arg;
		return 0;
	case OPT_LINES:
		g->lines = true;
		return 0;
	case OPT_DIFF:
		g->diff = true;
		return 0;
	case OPT_DOT:
		g->dot = true;
		return 0;
	case 'c':
		g->compare = true;
		return 0;
	}
	return cli_usage_error("groups", "unknown option");
}

static int output(const struct groups_opts *g, const struct pcilu_iommu *r, const struct pcilu_diag *d,
		  const struct cli_common *co, struct pcilu_out_opts *o)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	int32_t dev;
	int n = 0, err;

	if (g->explain) {
		if (cli_find_dev(t, g->explain, &dev))
			return CLI_ERROR;
		err = pcilu_print_explain(stdout, r, dev, o);
		return err ? cli_fail("groups", err, NULL, 0) : CLI_OK;
	}
	if (g->lines) {
		err = pcilu_print_groups_lines(stdout, r, o);
		return err ? cli_fail("groups", err, NULL, 0) : CLI_OK;
	}
	if (g->dot) {
		err = pcilu_print_groups_dot(stdout, r, o);
		return err ? cli_fail("groups", err, NULL, 0) : CLI_OK;
	}
	if (g->compare) {
		if (!co->json)
			printf("Differences from the kernel's groups:\n");
		n = pcilu_groups_compare(co->json ? NULL : stdout, r);
		if (n == -ENODATA) {
			fprintf(stderr, "pcilu: groups --compare: the source carries no kernel IOMMU groups\n");
			return CLI_ERROR;
		}
		if (n < 0)
			return cli_fail("groups", n, NULL, 0);
		if (!co->json) {
			printf(n ? "%d difference(s)\n" : "  none: the partitions are identical\n", n);
			return n ? CLI_NEGATIVE : CLI_OK;
		}
	}
	if ((err = pcilu_print_groups(stdout, r, d, o, g->compare)))
		return cli_fail("groups", err, NULL, 0);
	return n ? CLI_NEGATIVE : CLI_OK;
}

/* groups --cmdline X --diff: the recorded command line against X, on this host, in one run. */
static int cmdline_diff(const struct pcilu_topology *t, const struct cli_policy *cp, struct pcilu_diag *d,
			const struct cli_common *co)
{
	struct pcilu_diff *df = NULL;
	struct pcilu_out_opts o;
	size_t mark = d->count;
	int err = pcilu_diff_cmdline(t, &cp->p, cp->cmdline, &df, d), ret;
	bool on_a, on_b;

	if (err)
		return cli_fail("groups", err, d, mark);
	cli_out_open(co, &o);
	if (!co->json) {
		char a[1024], b[1024];

		printf("A: the command line the source records: %s\nB: --cmdline %s\n",
		       t->cmdline ? pcilu_escape(t->cmdline, a, sizeof(a)) : "(none)", pcilu_escape(cp->cmdline, b, sizeof(b)));
	}
	on_a = pcilu_iommu_is_on(df->ra, NULL);
	on_b = pcilu_iommu_is_on(df->rb, NULL);
	/* The partition an IOMMU would give is the same; whether there is one at all is not. */
	if (on_a != on_b)
		fprintf(co->json ? stderr : stdout, "IOMMU: %s -> %s: with B %s\n", on_a ? "on" : "off",
			on_b ? "on" : "off", on_b ? "the groups below exist" : "no device has an IOMMU group at all");
	err = pcilu_print_diff(stdout, df, d, &o);
	ret = err ? cli_fail("groups", err, NULL, 0) : df->ch.count || on_a != on_b ? CLI_NEGATIVE : CLI_OK;
	cli_out_close(&o);
	pcilu_diff_free(df);
	return ret;
}

int cmd_groups(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "explain", required_argument, NULL, 'e' }, { "dot", no_argument, NULL, OPT_DOT },
		{ "compare", no_argument, NULL, 'c' }, CLI_POLICY_LONGOPTS, CLI_SELECT_LONGOPTS,
		{ "json-lines", no_argument, NULL, OPT_LINES }, { "diff", no_argument, NULL, OPT_DIFF },
		{ 0 }
	};
	struct cli_common co = { 0 };
	struct groups_opts g = { 0 };
	struct pcilu_topology *t = NULL;
	struct pcilu_iommu *r = NULL;
	struct cli_policy p;
	struct pcilu_diag d;
	struct pcilu_out_opts o;
	const char *source = NULL;
	int c, ret;

	cli_policy_init(&p);
	cli_select_init(&g.sel);
	while ((c = getopt_long(argc, argv, "h" CLI_SELECT_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(c, &co))
			continue;
		if (c == 'h') {
			fputs(groups_help, stdout);
			cli_policy_free(&p);
			return CLI_OK;
		}
		if ((ret = parse_opt(c, optarg, &g, &p))) {
			cli_policy_free(&p);
			return ret;
		}
	}
	/* SOURCE and BDF in either order: an operand naming a file is the source. */
	if (optind < argc && !cli_is_source(argv[optind]) && !g.explain)
		g.explain = argv[optind++];
	if (optind < argc && cli_is_source(argv[optind]))
		source = argv[optind++];
	if (optind < argc && !g.explain)
		g.explain = argv[optind++];
	if (optind < argc) {
		cli_policy_free(&p);
		return cli_usage_error("groups", "expects [SOURCE] [BDF]");
	}
	/* One view at a time: say so rather than pick one silently. */
	if ((g.explain != NULL) + g.dot + g.compare + g.lines + g.diff > 1 || ((g.dot || g.lines) && co.json) ||
	    (g.diff && !p.cmdline)) {
		cli_policy_free(&p);
		return cli_usage_error("groups", "choose one of BDF (--explain), --dot, --compare, --json-lines, "
				       "--diff; --dot and --json-lines are not --json; --diff needs --cmdline");
	}
	co.json |= g.lines;
	pcilu_diag_init(&d);
	ret = cli_load(source, &co, &t, &d);
	if (ret == CLI_OK && g.diff) {
		ret = cmdline_diff(t, &p, &d, &co);
		goto out;
	}
	if (ret == CLI_OK) {
		size_t mark = d.count;
		int err = cli_policy_apply(&p, t, &d);

		if (!err)
			err = pcilu_iommu_compute(t, &p.p, &r, &d);
		if (err)
			ret = cli_fail("groups", err, &d, mark);
	}
	if (ret == CLI_OK) {
		cli_out_open(&co, &o);
		o.sel = pcilu_select_active(&g.sel.s) ? &g.sel.s : NULL;
		ret = output(&g, r, &d, &co, &o);
		cli_out_close(&o);
	}
out:
	pcilu_iommu_free(r);
	pcilu_topology_free(t);
	cli_policy_free(&p);
	pcilu_diag_free(&d);
	return ret;
}
