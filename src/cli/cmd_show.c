// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu show BDF [SOURCE]: one device decoded. */
#include "cli.h"

static const char show_help[] =
	"Usage: pcilu show [OPTIONS] BDF [SOURCE]   (or SOURCE BDF: an operand naming a file is the source)\n"
	"       pcilu show [OPTIONS] -s|-d|--driver ... [SOURCE]   every device selected\n"
	"Decode one device: header, capabilities, ACS, ARI, SR-IOV, its path to the root.\n"
	"BDF: DDDD:BB:DD.F or BB:DD.F (segment 0).\n"
	CLI_SELECT_HELP
	"  --json       machine-readable output (schema pcilu-show/1)\n"
	"  --lenient    skip malformed records instead of failing\n"
	"  --no-names   vendor and device ids only\n";

/* Every device the selection names, as lspci -v -s does; --json takes exactly one. */
static int show_selected(const struct pcilu_topology *t, const struct cli_select *sel, const struct cli_common *co)
{
	struct pcilu_out_opts o;
	size_t n = 0;
	int err = 0;

	for (size_t i = 0; i < t->ndevs; i++)
		n += pcilu_select_match(&sel->s, &t->devs[i]);
	if (!n) {
		fprintf(stderr, "pcilu: no device matches the selection (-s, -d, --driver)\n");
		return CLI_ERROR;
	}
	if (co->json && n > 1)
		return cli_usage_error("show", "--json shows one device and the selection matches %zu "
				       "(pcilu groups --json-lines lists many)", n);
	cli_out_open(co, &o);
	for (size_t i = 0, k = 0; i < t->ndevs && !err; i++)
		if (pcilu_select_match(&sel->s, &t->devs[i])) {
			if (k++)
				fputc('\n', stdout);
			err = pcilu_print_show(stdout, t, (int32_t)i, &o);
		}
	cli_out_close(&o);
	return err ? cli_fail("show", err, NULL, 0) : CLI_OK;
}

int cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = { CLI_COMMON_LONGOPTS, CLI_SELECT_LONGOPTS, { 0 } };
	struct cli_common co = { 0 };
	struct cli_select sel;
	struct pcilu_topology *t;
	struct pcilu_diag d;
	struct pcilu_out_opts o;
	const char *bdf = NULL, *source;
	int32_t idx;
	int c, ret;
	bool selecting;

	cli_select_init(&sel);
	while ((c = getopt_long(argc, argv, "h" CLI_SELECT_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(c, &co))
			continue;
		if (c == 'h') {
			fputs(show_help, stdout);
			return CLI_OK;
		}
		if (cli_select_opt(c, optarg, "show", &sel, &ret)) {
			if (ret != CLI_OK)
				return ret;
			continue;
		}
		return cli_usage_error("show", "unknown option");
	}
	selecting = pcilu_select_active(&sel.s);
	if (selecting && argc - optind > 1)
		return cli_usage_error("show", "with -s, -d or --driver: at most one SOURCE");
	if (!selecting && (argc - optind < 1 || argc - optind > 2))
		return cli_usage_error("show", "expects BDF [SOURCE], or -s/-d/--driver [SOURCE]");
	/* As check takes them (SOURCE BDF) or as documented (BDF SOURCE): the file decides. */
	if (selecting) {
		source = argc > optind ? argv[optind] : NULL;
	} else if (argc - optind == 2 && cli_is_source(argv[optind]) && !cli_is_source(argv[optind + 1])) {
		bdf = argv[optind + 1];
		source = argv[optind];
	} else {
		bdf = argv[optind];
		source = argc - optind == 2 ? argv[optind + 1] : NULL;
	}
	pcilu_diag_init(&d);
	ret = cli_load(source, &co, &t, &d);
	if (ret == CLI_OK && selecting) {
		ret = show_selected(t, &sel, &co);
		bdf = NULL;
	} else if (ret == CLI_OK) {
		ret = cli_find_dev(t, bdf, &idx);
	}
	if (ret == CLI_OK && bdf) {
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
