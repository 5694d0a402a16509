// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu simulate [SOURCE] --preserve BDF[,BDF...]: the next kernel's view of the host. */
#include "cli.h"

#include <pcilu/liveupdate.h>
#include <pcilu/simulate.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char simulate_help[] =
	"Usage: pcilu simulate [OPTIONS] --preserve BDF[,BDF...] [SOURCE]\n"
	"What the next kernel of a Live Update would make of this host: ACS Control as its\n"
	"pci_enable_acs() programs it from what this kernel leaves, preserved nodes inheriting\n"
	"theirs, then groups and eligibility again. Exit 1 if a preserved device is not isolated.\n"
	"  --preserve BDF[,BDF...]  devices to preserve (repeatable)\n"
	"  --cmdline \"...\"       the next kernel's command line (default: the one SOURCE records)\n"
	"  --rules linux|acs-override[=downstream,multifunction,id:vvvv:dddd]  the next kernel's rules\n"
	"  --no-inherit           the next kernel lacks the PCI Live Update series (mainline 7.2)\n"
	"  --profile v4|next|iommufd  the eligibility rules (pcilu check; default v4)\n"
	"  --add JSON|@FILE       a device appears after the kexec: {\"under\": \"BDF\", \"device\": {spec}}\n"
	"  --sriov BDF=N          N VFs are enabled on a PF after the kexec (repeatable)\n"
	"  --json                 machine-readable output (schema pcilu-simulate/2)\n"
	"  --lenient              skip malformed records instead of failing\n"
	"  --no-names             vendor and device ids only\n";

struct sim_args {
	struct pcilu_sim_opts so;
	const char **preserve;
	size_t npreserve;
	const char **adds;
	char **files;		/* contents of --add @FILE, owned */
	size_t nadds;
	struct pcilu_sim_sriov *sriov;
	size_t nsriov;
};

static int push(void *arr, size_t *n, size_t size)
{
	void **a = arr;
	void *p = realloc(*a, (*n + 1) * size);

	if (!p)
		return -ENOMEM;
	*a = p;
	(*n)++;
	return 0;
}

static int add_fragment(struct sim_args *a, const char *arg, struct pcilu_diag *d)
{
	/* n counts what is kept, grown what was added: both start at the old count. */
	// cppcheck-suppress duplicateAssignExpression
	size_t n = a->nadds, grown = a->nadds, len;
	char *buf = NULL;

	if (push(&a->adds, &grown, sizeof(*a->adds)) || push(&a->files, &a->nadds, sizeof(*a->files)))
		return cli_fail("simulate", -ENOMEM, NULL, 0);
	a->files[n] = NULL;
	a->adds[n] = arg;
	if (arg[0] == '@') {
		if (pcilu_read_file(arg + 1, &buf, &len, d)) {
			cli_print_diag(d, PCILU_NOTE);
			char esc[512];

			fprintf(stderr, "pcilu simulate: cannot read %s\n", pcilu_escape(arg + 1, esc, sizeof(esc)));
			return CLI_ERROR;
		}
		a->files[n] = buf;
		a->adds[n] = buf;
	}
	return CLI_OK;
}

static int add_sriov(struct sim_args *a, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char bdf[32], *end;
	struct pcilu_sim_sriov e;
	unsigned long num;

	if (!eq || (size_t)(eq - arg) >= sizeof(bdf))
		return cli_usage_error("simulate", "--sriov takes BDF=N");
	memcpy(bdf, arg, (size_t)(eq - arg));
	bdf[eq - arg] = 0;
	errno = 0;
	num = strtoul(eq + 1, &end, 10);
	if (pcilu_parse_bdf(bdf, &e.seg, &e.bus, &e.devfn) || !eq[1] || *end || errno || num > 65535)
		return cli_usage_error("simulate", "--sriov takes BDF=N, N a decimal count of VFs");
	e.num = (uint16_t)num;
	if (push(&a->sriov, &a->nsriov, sizeof(*a->sriov)))
		return cli_fail("simulate", -ENOMEM, NULL, 0);
	a->sriov[a->nsriov - 1] = e;
	return CLI_OK;
}

static int parse_opt(int c, const char *arg, struct sim_args *a, struct pcilu_diag *d)
{
	switch (c) {
	case 'p':
		if (push(&a->preserve, &a->npreserve, sizeof(*a->preserve)))
			return cli_fail("simulate", -ENOMEM, NULL, 0);
		a->preserve[a->npreserve - 1] = arg;
		return CLI_OK;
	case 'k':
		a->so.cmdline = arg;
		return CLI_OK;
	case 'r':
		a->so.rules = arg;
		return CLI_OK;
	case 'n':
		a->so.no_inherit = true;
		return CLI_OK;
	case 'P':
		if (pcilu_lu_profile_parse(arg) < 0)
			return cli_usage_error("simulate", "--profile takes v4, next or iommufd");
		a->so.profile = (unsigned)pcilu_lu_profile_parse(arg);
		return CLI_OK;
	case 'a':
		return add_fragment(a, arg, d);
	case 's':
		return add_sriov(a, arg);
	}
	return cli_usage_error("simulate", "unknown option");
}

/* "BDF,BDF" lists, possibly several --preserve options, to device indices: joined, then one parse. */
static int resolve_preserve(const struct sim_args *a, const struct pcilu_topology *t,
			    int32_t **devs, size_t *n)
{
	size_t len = 1;
	char *all;
	int ret;

	*devs = NULL;
	*n = 0;
	for (size_t i = 0; i < a->npreserve; i++)
		len += strlen(a->preserve[i]) + 1;
	all = calloc(1, len);
	if (!all)
		return cli_fail("simulate", -ENOMEM, NULL, 0);
	for (size_t i = 0; i < a->npreserve; i++) {
		strcat(all, a->preserve[i]);
		strcat(all, ",");
	}
	ret = cli_find_devs(t, NULL, 0, all, devs, n);
	free(all);
	if (ret == CLI_OK && !*n)
		return cli_usage_error("simulate", "--preserve lists no device");
	return ret;
}

static int run(struct sim_args *a, const char *source, const struct cli_common *co, struct pcilu_diag *d)
{
	struct pcilu_topology *t = NULL;
	struct pcilu_sim *s = NULL;
	struct pcilu_out_opts o;
	int32_t *devs = NULL;
	size_t n = 0;
	int ret = cli_load(source, co, &t, d);

	if (ret == CLI_OK)
		ret = resolve_preserve(a, t, &devs, &n);
	if (ret == CLI_OK) {
		a->so.adds = a->adds;
		a->so.nadds = a->nadds;
		a->so.sriov = a->sriov;
		a->so.nsriov = a->nsriov;
		size_t mark = d->count;
		int err = pcilu_simulate(t, devs, n, &a->so, &s, d);

		if (err)
			ret = cli_fail("simulate", err, d, mark);
	}
	if (ret == CLI_OK) {
		int err;

		cli_out_open(co, &o);
		err = pcilu_print_simulate(stdout, s, d, &o);
		ret = err ? cli_fail("simulate", err, NULL, 0) : s->failing ? CLI_NEGATIVE : CLI_OK;
		cli_out_close(&o);
	}
	pcilu_sim_free(s);
	free(devs);
	pcilu_topology_free(t);
	return ret;
}

int cmd_simulate(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "preserve", required_argument, NULL, 'p' }, { "cmdline", required_argument, NULL, 'k' },
		{ "rules", required_argument, NULL, 'r' }, { "no-inherit", no_argument, NULL, 'n' },
		{ "add", required_argument, NULL, 'a' }, { "profile", required_argument, NULL, 'P' }, { "sriov", required_argument, NULL, 's' },
		{ 0 }
	};
	struct cli_common co = { 0 };
	struct sim_args a = { 0 };
	struct pcilu_diag d;
	int c, ret = CLI_OK;

	pcilu_diag_init(&d);
	while (ret == CLI_OK && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_common_opt(c, &co))
			continue;
		if (c == 'h') {
			fputs(simulate_help, stdout);
			ret = -1;
			break;
		}
		ret = parse_opt(c, optarg, &a, &d);
	}
	if (ret == CLI_OK && argc - optind > 1)
		ret = cli_usage_error("simulate", "at most one SOURCE");
	if (ret == CLI_OK && !a.npreserve)
		ret = cli_usage_error("simulate", "--preserve BDF[,BDF...] is required");
	if (ret == CLI_OK)
		ret = run(&a, optind < argc ? argv[optind] : NULL, &co, &d);
	for (size_t i = 0; i < a.nadds; i++)
		free(a.files[i]);
	free(a.files);
	free(a.adds);
	free(a.preserve);
	free(a.sriov);
	pcilu_diag_free(&d);
	return ret < 0 ? CLI_OK : ret;
}
