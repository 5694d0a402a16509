// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu check [SOURCE] [BDF...]: which devices a Live Update can preserve, and why not. */
#include "cli.h"

#include <pcilu/iommu.h>
#include <pcilu/liveupdate.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char check_help[] =
	"Usage: pcilu check [OPTIONS] [SOURCE] [BDF...]\n"
	"Whether each device (default: every endpoint) can be preserved across a Live Update,\n"
	"under each rule profile: the verdict, the errno the kernel returns, the reasons, the fix.\n"
	"  --kernel PROFILE     v4 (PCI v4: immutable singleton group), next (liveupdate.git next:\n"
	"                       no VFs, no ACS quirks on the path), iommufd (next + the singleton\n"
	"                       group checked by iommufd); default: all three\n"
	"  -v, --verbose        every device's reasons and fixes (the default with BDF operands)\n"
	CLI_SELECT_HELP
	"  --all                also judge platform functions (class 06/08/11 on a root bus)\n"
	"  --slots              every root and downstream port: would a card placed there pass?\n"
	"  --preserve BDF[,BDF...]  preserve these in sequence as the kernel would: refcounts,\n"
	"                       -EBUSY on duplicates, split IOMMU groups\n"
	CLI_POLICY_HELP
	"  --json               machine-readable output (schema pcilu-check/3)\n"
	"  --json-lines         one JSON object per device with the host facts (pcilu-fleet/1)\n"
	"  --lenient            skip malformed records instead of failing\n"
	"  --no-names           vendor and device ids only\n"
	"Exit status: 0 every device eligible under the selected profile(s), 1 some device (or the\n"
	"preserve sequence) is refused, 2 usage or input error, 3 undecided: none refused, but\n"
	"some verdict needs what the source lacks (full config space, a function reading all-ones).\n";

struct check_opts {
	const char *preserve;
	unsigned profiles;
	bool slots, verbose, lines;
	struct cli_select sel;
};

enum { OPT_SLOTS = 0x140, OPT_LINES };

static int parse_opt(int c, const char *arg, struct check_opts *g, struct cli_policy *cp)
{
	int prof, ret;

	if (cli_policy_opt(c, arg, "check", cp, &ret) || cli_select_opt(c, arg, "check", &g->sel, &ret))
		return ret;
	switch (c) {
	case 'v':
		g->verbose = true;
		return 0;
	case 'K':
		prof = pcilu_lu_profile_parse(arg);
		if (prof < 0)
			return cli_usage_error("check", "--kernel takes v4, next or iommufd");
		g->profiles |= 1u << prof;
		return 0;
	case OPT_LINES:
		g->lines = true;
		return 0;
	case OPT_SLOTS:
		g->slots = true;
		return 0;
	case 'p':
		g->preserve = arg;
		return 0;
	}
	return cli_usage_error("check", "unknown option");
}

static int run_check(const struct check_opts *g, struct pcilu_topology *t, char **bdfs, int nbdfs,
		     struct cli_policy *cp, struct pcilu_diag *d, const struct cli_common *co)
{
	struct pcilu_iommu *r = NULL;
	struct pcilu_lu_check *c = NULL;
	struct pcilu_out_opts o;
	int32_t *devs = NULL;
	size_t n = 0, mark = d->count, skipped = 0;
	int ret, err;

	if ((err = cli_policy_apply(cp, t, d)))
		return cli_fail("check", err, d, mark);
	if (nbdfs || g->preserve)
		ret = cli_find_devs(t, bdfs, nbdfs, g->preserve, &devs, &n);
	else
		ret = cli_select_endpoints(t, &g->sel, &devs, &n, &skipped);
	if (ret == CLI_OK && g->preserve && !n)
		ret = cli_usage_error("check", "--preserve needs at least one BDF");
	if (ret == CLI_OK && ((err = pcilu_iommu_compute(t, &cp->p, &r, d)) ||
			      (err = pcilu_lu_check_run(r, &cp->p, g->profiles, devs, n, g->preserve != NULL, &c, d))))
		ret = cli_fail("check", err, d, mark);
	if (ret == CLI_OK && !c)
		ret = cli_fail("check", -EIO, d, mark);
	if (ret == CLI_OK && c) {
		cli_out_open(co, &o);
		o.verbose = g->verbose || nbdfs;
		o.platform_skipped = skipped;
		err = g->lines ? pcilu_print_check_lines(stdout, c, &o) : pcilu_print_check(stdout, c, d, &o, g->slots);
		ret = err ? cli_fail("check", err, NULL, 0) :
		      c->state == PCILU_LU_REFUSED ? CLI_NEGATIVE :
		      c->state == PCILU_LU_UNDECIDED ? CLI_UNDECIDED : CLI_OK;
		if (ret == CLI_NEGATIVE || ret == CLI_UNDECIDED)
			fprintf(stderr, "pcilu check: %zu device(s) refused, %zu undecided (of %zu)%s\n",
				c->nrefused, c->nundecided, c->ndevs,
				c->nrefused || c->nundecided ? "" : "; the preserve sequence decides");
		cli_out_close(&o);
	}
	pcilu_lu_check_free(c);
	pcilu_iommu_free(r);
	free(devs);
	return ret;
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "kernel", required_argument, NULL, 'K' }, { "slots", no_argument, NULL, OPT_SLOTS },
		{ "verbose", no_argument, NULL, 'v' }, CLI_SELECT_LONGOPTS,
		{ "json-lines", no_argument, NULL, OPT_LINES },
		{ "preserve", required_argument, NULL, 'p' }, CLI_POLICY_LONGOPTS,
		{ 0 }
	};
	struct cli_common co = { 0 };
	struct check_opts g = { 0 };
	struct pcilu_topology *t = NULL;
	struct cli_policy p;
	struct pcilu_diag d;
	const char *source = NULL;
	int c, ret = CLI_OK;

	cli_policy_init(&p);
	cli_select_init(&g.sel);
	while (ret == CLI_OK && (c = getopt_long(argc, argv, "hv" CLI_SELECT_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(c, &co))
			continue;
		if (c == 'h') {
			fputs(check_help, stdout);
			cli_policy_free(&p);
			return CLI_OK;
		}
		ret = parse_opt(c, optarg, &g, &p);
	}
	if (ret == CLI_OK && optind < argc && cli_is_source(argv[optind]))
		source = argv[optind++];
	if (ret == CLI_OK && g.preserve && optind < argc)
		ret = cli_usage_error("check", "--preserve lists the devices itself; no BDF operands with it");
	if (ret == CLI_OK && (g.preserve || optind < argc) && (pcilu_select_active(&g.sel.s) || g.sel.all))
		ret = cli_usage_error("check", "-s, -d, --driver and --all select among every endpoint; "
				      "BDF operands and --preserve name the devices themselves");
	if (ret == CLI_OK && g.lines && (co.json || g.slots || g.preserve))
		ret = cli_usage_error("check", "--json-lines is one object per device: not with --json, --slots or --preserve");
	/* Said, not silently dropped: JSON always carries every reason. */
	if (ret == CLI_OK && g.verbose && (co.json || g.lines))
		fprintf(stderr, "pcilu check: note: --verbose changes the text only; the JSON holds every reason\n");
	co.json |= g.lines;	/* diagnostics and input errors as for --json */
	if (!g.profiles)
		g.profiles = PCILU_LU_ALL_PROFILES;
	pcilu_diag_init(&d);
	if (ret == CLI_OK)
		ret = cli_load(source, &co, &t, &d);
	if (ret == CLI_OK)
		ret = run_check(&g, t, argv + optind, argc - optind, &p, &d, &co);
	pcilu_topology_free(t);
	cli_policy_free(&p);
	pcilu_diag_free(&d);
	return ret;
}
