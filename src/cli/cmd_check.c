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
	"  --slots              every root and downstream port: would a card placed there pass?\n"
	"  --preserve BDF[,BDF...]  preserve these in sequence as the kernel would: refcounts,\n"
	"                       -EBUSY on duplicates, split IOMMU groups\n"
	"  --acs=as-read|linux  ACS Control as read (default) or as pci_enable_acs() would set it\n"
	"  --fw-base=as-read|zero  with --acs=linux: the value Linux starts from\n"
	"  --cmdline \"...\"      kernel command line (default: the one SOURCE records, if any)\n"
	"  --rules linux|acs-override[=downstream,multifunction,id:vvvv:dddd]\n"
	"  --iommu=auto|on|off  whether an IOMMU is on (auto: from the command line)\n"
	"  --json               machine-readable output (schema pcilu-check/1)\n"
	"  --lenient            skip malformed records instead of failing\n"
	"  --no-names           vendor and device ids only\n"
	"Exit status: 0 every device eligible under the selected profile(s), 1 some are not,\n"
	"2 usage or input error.\n";

struct check_opts {
	const char *cmdline, *rules, *preserve;
	unsigned profiles;
	bool slots;
};

static int parse_opt(int c, const char *arg, struct check_opts *g, struct pcilu_policy *p)
{
	int prof;

	switch (c) {
	case 'K':
		prof = pcilu_lu_profile_parse(arg);
		if (prof < 0)
			return cli_usage_error("check", "--kernel takes v4, next or iommufd");
		g->profiles |= 1u << prof;
		return 0;
	case 's':
		g->slots = true;
		return 0;
	case 'p':
		g->preserve = arg;
		return 0;
	case 'k':
		g->cmdline = arg;
		return 0;
	case 'r':
		g->rules = arg;
		return 0;
	case 'a':
		if (strcmp(arg, "as-read") && strcmp(arg, "linux"))
			return cli_usage_error("check", "--acs takes as-read or linux");
		p->acs = arg[0] == 'l' ? PCILU_ACS_LINUX : PCILU_ACS_AS_READ;
		return 0;
	case 'f':
		if (strcmp(arg, "as-read") && strcmp(arg, "zero"))
			return cli_usage_error("check", "--fw-base takes as-read or zero");
		p->fw_base = arg[0] == 'z' ? PCILU_FW_ZERO : PCILU_FW_AS_READ;
		return 0;
	case 'i':
		if (strcmp(arg, "auto") && strcmp(arg, "on") && strcmp(arg, "off"))
			return cli_usage_error("check", "--iommu takes auto, on or off");
		p->iommu = !strcmp(arg, "on") ? PCILU_ON : !strcmp(arg, "off") ? PCILU_OFF : PCILU_AUTO;
		return 0;
	}
	return cli_usage_error("check", "unknown option");
}

/* The first operand is SOURCE unless it reads as a PCI address and names no file. */
static bool is_source(const char *arg)
{
	uint32_t seg;
	uint8_t bus, devfn;
	struct stat st;

	return pcilu_parse_bdf(arg, &seg, &bus, &devfn) || !stat(arg, &st) || !strcmp(arg, "-");
}

/* BDF operands, or the --preserve list ("a,b,c"), as device indices. */
static int collect(const struct pcilu_topology *t, char **args, int nargs, const char *list,
		   int32_t **out, size_t *n)
{
	char *copy = list ? strdup(list) : NULL, *save = NULL, *tok;
	size_t cap = (size_t)nargs + (list ? strlen(list) / 2 + 1 : 0);
	int ret = CLI_OK;

	*n = 0;
	*out = malloc((cap ? cap : 1) * sizeof(**out));
	if (!*out || (list && !copy)) {
		free(copy);
		fprintf(stderr, "pcilu: out of memory\n");
		return CLI_ERROR;
	}
	for (int i = 0; i < nargs && ret == CLI_OK; i++)
		ret = cli_find_dev(t, args[i], &(*out)[(*n)++]);
	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && ret == CLI_OK;
	     tok = strtok_r(NULL, ",", &save))
		ret = cli_find_dev(t, tok, &(*out)[(*n)++]);
	free(copy);
	if (ret == CLI_OK && list && !*n)
		ret = cli_usage_error("check", "--preserve needs at least one BDF");
	return ret;
}

static int run_check(const struct check_opts *g, struct pcilu_topology *t, char **bdfs, int nbdfs,
		     struct pcilu_policy *p, struct pcilu_diag *d, const struct cli_common *co)
{
	const char *cl = g->cmdline ? g->cmdline : t->cmdline;
	struct pcilu_iommu *r = NULL;
	struct pcilu_lu_check *c = NULL;
	struct pcilu_out_opts o;
	int32_t *devs = NULL;
	size_t n = 0;
	int ret;

	if ((cl && pcilu_policy_parse_cmdline(p, cl, d)) || (g->rules && pcilu_policy_parse_rules(p, g->rules, d))) {
		cli_print_diag(d, PCILU_ERROR);
		return CLI_ERROR;
	}
	ret = collect(t, bdfs, nbdfs, g->preserve, &devs, &n);
	if (ret == CLI_OK && (pcilu_iommu_compute(t, p, &r, d) ||
			      pcilu_lu_check_run(r, p, g->profiles, devs, n, g->preserve != NULL, &c, d))) {
		cli_print_diag(d, PCILU_ERROR);
		ret = CLI_ERROR;
	}
	if (ret == CLI_OK) {
		cli_out_open(co, &o);
		ret = pcilu_print_check(stdout, c, d, &o, g->slots) ? CLI_ERROR :
		      c->eligible ? CLI_OK : CLI_NEGATIVE;
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
		{ "kernel", required_argument, NULL, 'K' }, { "slots", no_argument, NULL, 's' },
		{ "preserve", required_argument, NULL, 'p' }, { "cmdline", required_argument, NULL, 'k' },
		{ "rules", required_argument, NULL, 'r' }, { "acs", required_argument, NULL, 'a' },
		{ "fw-base", required_argument, NULL, 'f' }, { "iommu", required_argument, NULL, 'i' },
		{ 0 }
	};
	struct cli_common co = { 0 };
	struct check_opts g = { 0 };
	struct pcilu_topology *t = NULL;
	struct pcilu_policy p;
	struct pcilu_diag d;
	const char *source = NULL;
	int c, ret = CLI_OK;

	pcilu_policy_init(&p);
	while (ret == CLI_OK && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_common_opt(c, &co))
			continue;
		if (c == 'h') {
			fputs(check_help, stdout);
			pcilu_policy_free(&p);
			return CLI_OK;
		}
		ret = parse_opt(c, optarg, &g, &p);
	}
	if (ret == CLI_OK && optind < argc && is_source(argv[optind]))
		source = argv[optind++];
	if (ret == CLI_OK && g.preserve && optind < argc)
		ret = cli_usage_error("check", "--preserve lists the devices itself; no BDF operands with it");
	if (!g.profiles)
		g.profiles = PCILU_LU_ALL_PROFILES;
	pcilu_diag_init(&d);
	if (ret == CLI_OK)
		ret = cli_load(source, &co, &t, &d);
	if (ret == CLI_OK)
		ret = run_check(&g, t, argv + optind, argc - optind, &p, &d, &co);
	pcilu_topology_free(t);
	pcilu_policy_free(&p);
	pcilu_diag_free(&d);
	return ret;
}
