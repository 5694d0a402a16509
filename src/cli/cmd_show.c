// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu show BDF [SOURCE]: one device decoded. */
#include "cli.h"

static const char show_help[] =
	"Usage: pcilu show [OPTIONS] BDF [SOURCE]   (or SOURCE BDF: an operand naming a file is the source)\n"
	"Decode one device: header, capabilities, ACS, ARI, SR-IOV, its path to the root.\n"
	"BDF: DDDD:BB:DD.F or BB:DD.F (segment 0).\n"
	"  --json       machine-readable output (schema pcilu-show/1)\n"
	"  --lenient    skip malformed records instead of failing\n"
	"  --no-names   vendor and device ids only\n";

int cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = { CLI_COMMON_LONGOPTS, { 0 } };
	struct cli_common co = { 0 };
	struct pcilu_topology *t;
	struct pcilu_diag d;
	struct pcilu_out_opts o;
	const char *bdf, *source;
	int32_t idx;
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_common_opt(c, &co))
			continue;
		if (c == 'h') {
			fputs(show_help, stdout);
			return CLI_OK;
		}
		return cli_usage_error("show", "unknown option");
	}
	if (argc - optind < 1 || argc - optind > 2)
		return cli_usage_error("show", "expects BDF [SOURCE]");
	/* As check takes them (SOURCE BDF) or as documented (BDF SOURCE): the file decides. */
	if (argc - optind == 2 && cli_is_source(argv[optind]) && !cli_is_source(argv[optind + 1])) {
		bdf = argv[optind + 1];
		source = argv[optind];
	} else {
		bdf = argv[optind];
		source = argc - optind == 2 ? argv[optind + 1] : NULL;
	}
	pcilu_diag_init(&d);
	ret = cli_load(source, &co, &t, &d);
	if (ret == CLI_OK)
		ret = cli_find_dev(t, bdf, &idx);
	if (ret == CLI_OK) {
		int err;

		cli_out_open(&co, &o);
		err = pcilu_print_show(stdout, t, idx, &o);

		ret = err ? cli_fail("show", err, NULL, 0) : CLI_OK;
		cli_out_close(&o);
	}
	pcilu_topology_free(t);
	pcilu_diag_free(&d);
	return ret;
}
