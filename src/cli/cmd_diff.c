// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu diff A B: what changed between two snapshots of a host. */
#include "cli.h"

#include <pcilu/liveupdate.h>
#include <pcilu/simulate.h>

static const char diff_help[] =
	"Usage: pcilu diff [OPTIONS] A B\n"
	"Compare two snapshots of a host (before and after a kernel or firmware update): groups\n"
	"split or merged, ACS Control, ARI Forwarding and bus numbers changed, devices appeared,\n"
	"disappeared or moved. Each side is read with the command line it records and its ACS\n"
	"Control as read. Exit 1 when anything differs.\n"
	"  --json       machine-readable output (schema pcilu-diff/2)\n"
	"  --lenient    skip malformed records instead of failing\n"
	"  --no-names   vendor and device ids only\n";

int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = { CLI_COMMON_LONGOPTS, { 0 } };
	struct cli_common co = { 0 };
	struct pcilu_topology *a = NULL, *b = NULL;
	struct pcilu_diff *df = NULL;
	struct pcilu_out_opts o;
	struct pcilu_diag d, db;
	int c, ret, err;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_common_opt(c, &co))
			continue;
		if (c == 'h') {
			fputs(diff_help, stdout);
			return CLI_OK;
		}
		return cli_usage_error("diff", "unknown option");
	}
	if (argc - optind != 2)
		return cli_usage_error("diff", "two sources, A and B");
	pcilu_diag_init(&d);
	pcilu_diag_init(&db);
	/* one diagnostics list per source, so each is printed once */
	ret = cli_load(argv[optind], &co, &a, &d);
	if (ret == CLI_OK)
		ret = cli_load(argv[optind + 1], &co, &b, &db);
	if (ret == CLI_OK && (err = pcilu_diff(a, b, &df, &d)))
		ret = cli_fail("diff", err, &d, d.count);
	if (ret == CLI_OK) {
		cli_out_open(&co, &o);
		err = pcilu_print_diff(stdout, df, &d, &o);
		ret = err ? cli_fail("diff", err, NULL, 0) : df->ch.count ? CLI_NEGATIVE : CLI_OK;
		cli_out_close(&o);
	}
	pcilu_diff_free(df);
	pcilu_topology_free(a);
	pcilu_topology_free(b);
	pcilu_diag_free(&d);
	pcilu_diag_free(&db);
	return ret;
}
