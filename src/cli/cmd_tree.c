// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu tree [SOURCE]: the hierarchy with ACS per bridge. */
#include "cli.h"

static const char tree_help[] =
	"Usage: pcilu tree [OPTIONS] [SOURCE]\n"
	"Draw the PCI hierarchy like lspci -t, with each bridge's ACS capability and control.\n"
	"SOURCE: a sysfs tree (directory), an lspci -x/-xxx/-xxxx dump, a topology spec\n"
	"(JSON), or - for stdin; default: the live /sys.\n"
	"  --bridges    bridges only (root ports, switches), each with how many functions below it\n"
	CLI_SELECT_HELP
	"               (the selected devices with the bridges above them)\n"
	"  --json       machine-readable output (schema pcilu-tree/1)\n"
	"  --lenient    skip malformed records instead of failing\n"
	"  --no-names   vendor and device ids only, no pci.ids lookup\n";

int cmd_tree(int argc, char **argv)
{
	static const struct option longopts[] = { CLI_COMMON_LONGOPTS, { "bridges", no_argument, NULL, 'b' },
						  CLI_SELECT_LONGOPTS, { 0 } };
	struct cli_select sel;
	bool bridges = false;
	struct cli_common co = { 0 };
	struct pcilu_topology *t;
	struct pcilu_diag d;
	struct pcilu_out_opts o;
	int c, ret;

	cli_select_init(&sel);
	while ((c = getopt_long(argc, argv, "h" CLI_SELECT_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(c, &co))
			continue;
		if (c == 'h') {
			fputs(tree_help, stdout);
			return CLI_OK;
		}
		if (c == 'b') {
			bridges = true;
			continue;
		}
		if (cli_select_opt(c, optarg, "tree", &sel, &ret)) {
			if (ret != CLI_OK)
				return ret;
			continue;
		}
		return cli_usage_error("tree", "unknown option");
	}
	if (argc - optind > 1)
		return cli_usage_error("tree", "at most one SOURCE");
	if (bridges && co.json)
		return cli_usage_error("tree", "--bridges is a text view; --json always holds every device");
	pcilu_diag_init(&d);
	ret = cli_load(optind < argc ? argv[optind] : NULL, &co, &t, &d);
	if (ret == CLI_OK) {
		int err;

		cli_out_open(&co, &o);
		o.bridges_only = bridges;
		o.sel = pcilu_select_active(&sel.s) ? &sel.s : NULL;
		err = pcilu_print_tree(stdout, t, &d, &o);

		ret = err ? cli_fail("tree", err, NULL, 0) : CLI_OK;
		cli_out_close(&o);
	}
	pcilu_topology_free(t);
	pcilu_diag_free(&d);
	return ret;
}
