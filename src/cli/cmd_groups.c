// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu groups [SOURCE]: IOMMU groups as Linux 7.2 forms them, and why. */
#include "cli.h"

#include <pcilu/iommu.h>

#include <errno.h>
#include <string.h>

static const char groups_help[] =
	"Usage: pcilu groups [OPTIONS] [SOURCE]\n"
	"The IOMMU groups Linux 7.2 forms from this config space, each with the reasons.\n"
	"  --explain BDF        why this device is in its group\n"
	"  --dot                Graphviz: groups as clusters, isolation-breaking links in red\n"
	"  --compare            differences from the kernel's own groups in SOURCE (exit 1 if any,\n"
	"                       2 if SOURCE has none)\n"
	"  --acs=as-read|linux  ACS Control as read (default) or as pci_enable_acs() would set it\n"
	"  --fw-base=as-read|zero  with --acs=linux: the value Linux starts from\n"
	"  --cmdline \"...\"      kernel command line (default: the one SOURCE records, if any)\n"
	"  --rules linux|acs-override[=downstream,multifunction,id:vvvv:dddd]\n"
	"  --iommu=auto|on|off  whether an IOMMU is on (auto: from the command line)\n"
	"  --json               machine-readable output (schema pcilu-groups/1)\n"
	"  --lenient            skip malformed records instead of failing\n"
	"  --no-names           vendor and device ids only\n";

struct groups_opts {
	const char *explain, *cmdline, *rules;
	bool dot, compare;
};

static int parse_opt(int c, const char *arg, struct groups_opts *g, struct pcilu_policy *p)
{
	switch (c) {
	case 'e':
		g->explain = arg;
		return 0;
	case 'd':
		g->dot = true;
		return 0;
	case 'c':
		g->compare = true;
		return 0;
	case 'k':
		g->cmdline = arg;
		return 0;
	case 'r':
		g->rules = arg;
		return 0;
	case 'a':
		if (!strcmp(arg, "as-read") || !strcmp(arg, "linux")) {
			p->acs = arg[0] == 'l' ? PCILU_ACS_LINUX : PCILU_ACS_AS_READ;
			return 0;
		}
		return cli_usage_error("groups", "--acs takes as-read or linux");
	case 'f':
		if (!strcmp(arg, "as-read") || !strcmp(arg, "zero")) {
			p->fw_base = arg[0] == 'z' ? PCILU_FW_ZERO : PCILU_FW_AS_READ;
			return 0;
		}
		return cli_usage_error("groups", "--fw-base takes as-read or zero");
	case 'i':
		if (!strcmp(arg, "auto") || !strcmp(arg, "on") || !strcmp(arg, "off")) {
			p->iommu = !strcmp(arg, "on") ? PCILU_ON : !strcmp(arg, "off") ? PCILU_OFF : PCILU_AUTO;
			return 0;
		}
		return cli_usage_error("groups", "--iommu takes auto, on or off");
	}
	return cli_usage_error("groups", "unknown option");
}

static int apply_policy(const struct groups_opts *g, const struct pcilu_topology *t,
			struct pcilu_policy *p, struct pcilu_diag *d)
{
	const char *cl = g->cmdline ? g->cmdline : t->cmdline;

	if (cl && pcilu_policy_parse_cmdline(p, cl, d))
		return CLI_ERROR;
	if (g->rules && pcilu_policy_parse_rules(p, g->rules, d))
		return CLI_ERROR;
	return CLI_OK;
}

static int output(const struct groups_opts *g, const struct pcilu_iommu *r, const struct pcilu_diag *d,
		  const struct cli_common *co, struct pcilu_out_opts *o)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	struct json_object *cmp = NULL;
	int32_t dev;
	int n = 0;

	if (g->explain) {
		if (cli_find_dev(t, g->explain, &dev))
			return CLI_ERROR;
		return pcilu_print_explain(stdout, r, dev, o) ? CLI_ERROR : CLI_OK;
	}
	if (g->dot)
		return pcilu_print_groups_dot(stdout, r, o) ? CLI_ERROR : CLI_OK;
	if (g->compare) {
		if (!co->json)
			printf("Differences from the kernel's groups:\n");
		n = pcilu_groups_compare(stdout, r, co->json, &cmp);
		if (n == -ENODATA) {
			fprintf(stderr, "pcilu: groups --compare: the source carries no kernel IOMMU groups\n");
			return CLI_ERROR;
		}
		if (n < 0)
			return CLI_ERROR;
		if (!co->json) {
			printf(n ? "%d difference(s)\n" : "  none: the partitions are identical\n", n);
			return n ? CLI_NEGATIVE : CLI_OK;
		}
	}
	if (pcilu_print_groups(stdout, r, d, o, cmp))
		return CLI_ERROR;
	return n ? CLI_NEGATIVE : CLI_OK;
}

int cmd_groups(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "explain", required_argument, NULL, 'e' }, { "dot", no_argument, NULL, 'd' },
		{ "compare", no_argument, NULL, 'c' }, { "cmdline", required_argument, NULL, 'k' },
		{ "rules", required_argument, NULL, 'r' }, { "acs", required_argument, NULL, 'a' },
		{ "fw-base", required_argument, NULL, 'f' }, { "iommu", required_argument, NULL, 'i' },
		{ 0 }
	};
	struct cli_common co = { 0 };
	struct groups_opts g = { 0 };
	struct pcilu_topology *t = NULL;
	struct pcilu_iommu *r = NULL;
	struct pcilu_policy p;
	struct pcilu_diag d;
	struct pcilu_out_opts o;
	int c, ret;

	pcilu_policy_init(&p);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_common_opt(c, &co))
			continue;
		if (c == 'h') {
			fputs(groups_help, stdout);
			pcilu_policy_free(&p);
			return CLI_OK;
		}
		if ((ret = parse_opt(c, optarg, &g, &p))) {
			pcilu_policy_free(&p);
			return ret;
		}
	}
	if (argc - optind > 1) {
		pcilu_policy_free(&p);
		return cli_usage_error("groups", "at most one SOURCE");
	}
	pcilu_diag_init(&d);
	ret = cli_load(optind < argc ? argv[optind] : NULL, &co, &t, &d);
	if (ret == CLI_OK)
		ret = apply_policy(&g, t, &p, &d);
	if (ret == CLI_OK && pcilu_iommu_compute(t, &p, &r, &d))
		ret = CLI_ERROR;
	if (ret == CLI_OK) {
		cli_out_open(&co, &o);
		ret = output(&g, r, &d, &co, &o);
		cli_out_close(&o);
	} else {
		cli_print_diag(&d, PCILU_ERROR);
	}
	pcilu_iommu_free(r);
	pcilu_topology_free(t);
	pcilu_policy_free(&p);
	pcilu_diag_free(&d);
	return ret;
}
