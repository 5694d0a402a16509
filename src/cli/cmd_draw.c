// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcilu draw [SOURCE] -o FILE: the host as a picture (svg, png, dot);
 * pcilu report [SOURCE] -o FILE.html: one self-contained page for a ticket.
 */
#include "cli.h"

#include <pcilu/iommu.h>
#include <pcilu/liveupdate.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char draw_help[] =
	"Usage: pcilu draw [OPTIONS] [SOURCE] -o FILE.svg|.png|.dot\n"
	"The host as a picture that fits a screen: the hierarchy top to bottom, one column per\n"
	"root port, wrapping; shared IOMMU groups shaded; endpoints coloured by the verdict of\n"
	"one profile, the reason on hover; links that break isolation red with the missing\n"
	"ACS bits; ACS by quirk dashed; slots and on-board ports named.\n"
	"  -o, --output FILE    written atomically; the format from the extension\n"
	"  --format svg|png|dot without -o: DOT only, to standard output\n"
	"  --kernel PROFILE     whose verdicts colour the endpoints (default iommufd)\n"
	CLI_POLICY_HELP
	"  --lenient            skip malformed records instead of failing\n"
	"  --no-names           vendor and device ids only\n"
	"Exit status: 0 written, 2 usage or input error.\n";

static const char report_help[] =
	"Usage: pcilu report [OPTIONS] [SOURCE] -o FILE.html\n"
	"One self-contained HTML page for a ticket or a change request: the source's facts,\n"
	"the answer per profile, the picture, a row per judged device (click one to find it\n"
	"in the picture), the shared groups with members and drivers, the assumptions.\n"
	"No network, no external scripts or fonts.\n"
	"  -o, --output FILE    written atomically (- for standard output)\n"
	"  --kernel PROFILE     whose verdicts colour the picture (default iommufd)\n"
	CLI_POLICY_HELP
	"  --all                also judge platform functions (class 06/08/11 on a root bus)\n"
	"  --lenient            skip malformed records instead of failing\n"
	"  --no-names           vendor and device ids only\n"
	"Exit status: 0 written, 2 usage or input error.\n";

struct draw_opts {
	bool report;
	const char *output, *format;
	int profile;
	struct cli_select sel;
};

enum { OPT_FORMAT = 0x140 };

static const char *format_of(const struct draw_opts *g)
{
	const char *dot;

	if (g->format)
		return g->format;
	dot = g->output ? strrchr(g->output, '.') : NULL;
	return dot ? dot + 1 : "";
}

static int write_out(const char *cmd, const char *path, const char *data, size_t len, struct pcilu_diag *d)
{
	size_t mark = d->count;
	int err;

	if (!strcmp(path, "-")) {
		if (fwrite(data, 1, len, stdout) != len)
			return cli_fail(cmd, -errno, NULL, 0);
		return CLI_OK;
	}
	err = pcilu_write_atomic(path, data, len, 0644, d);
	return err ? cli_fail(cmd, err, d, mark) : CLI_OK;
}

/* The picture or the page into memory, then to the file in one atomic write. */
static int produce(const struct draw_opts *g, const struct pcilu_iommu *r, const struct pcilu_lu_check *c,
		   const struct cli_common *co, struct pcilu_diag *d)
{
	const char *cmd = g->report ? "report" : "draw";
	struct pcilu_out_opts o;
	char *data = NULL;
	size_t len = 0;
	int err, ret;

	cli_out_open(co, &o);
	if (g->report) {
		FILE *m = open_memstream(&data, &len);

		err = m ? pcilu_print_report(m, r, c, (unsigned)g->profile, &o) : -ENOMEM;
		if (m && fclose(m) && !err)
			err = -ENOMEM;
	} else {
		err = pcilu_draw_render(r, c, (unsigned)g->profile, &o, format_of(g), &data, &len);
	}
	cli_out_close(&o);
	if (err == -ENOTSUP)
		ret = cli_usage_error(cmd, "this pcilu was built without Graphviz's library: only .dot");
	else if (err)
		ret = cli_fail(cmd, err, NULL, 0);
	else
		ret = write_out(cmd, g->output ? g->output : "-", data, len, d);
	free(data);
	return ret;
}

static int run(const struct draw_opts *g, const char *source, struct cli_policy *cp, const struct cli_common *co)
{
	struct pcilu_topology *t = NULL;
	struct pcilu_iommu *r = NULL;
	struct pcilu_lu_check *c = NULL;
	struct pcilu_diag d;
	int32_t *devs = NULL;
	size_t n = 0, skipped = 0, mark;
	int ret, err = 0;

	pcilu_diag_init(&d);
	ret = cli_load(source, co, &t, &d);
	mark = d.count;
	if (ret == CLI_OK && (err = cli_policy_apply(cp, t, &d)))
		ret = cli_fail(g->report ? "report" : "draw", err, &d, mark);
	if (ret == CLI_OK)
		ret = cli_select_endpoints(t, &g->sel, &devs, &n, &skipped);
	if (ret == CLI_OK && ((err = pcilu_iommu_compute(t, &cp->p, &r, &d)) ||
			      (err = pcilu_lu_check_run(r, &cp->p, PCILU_LU_ALL_PROFILES, devs, n, false, &c, &d))))
		ret = cli_fail(g->report ? "report" : "draw", err, &d, mark);
	if (ret == CLI_OK && c)
		ret = produce(g, r, c, co, &d);
	pcilu_lu_check_free(c);
	pcilu_iommu_free(r);
	pcilu_topology_free(t);
	pcilu_diag_free(&d);
	free(devs);
	return ret;
}

static int draw_main(int argc, char **argv, bool report)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS, CLI_POLICY_LONGOPTS, CLI_SELECT_LONGOPTS,
		{ "output", required_argument, NULL, 'o' }, { "format", required_argument, NULL, OPT_FORMAT },
		{ "kernel", required_argument, NULL, 'K' }, { 0 }
	};
	const char *cmd = report ? "report" : "draw", *fmt;
	struct draw_opts g = { .report = report, .profile = PCILU_LU_IOMMUFD };
	struct cli_common co = { 0 };
	struct cli_policy p;
	int c, ret = CLI_OK;

	cli_policy_init(&p);
	cli_select_init(&g.sel);
	while (ret == CLI_OK && (c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		if (cli_common_opt(c, &co) || cli_policy_opt(c, optarg, cmd, &p, &ret) ||
		    cli_select_opt(c, optarg, cmd, &g.sel, &ret))
			continue;
		if (c == 'h') {
			fputs(report ? report_help : draw_help, stdout);
			cli_policy_free(&p);
			return CLI_OK;
		}
		if (c == 'o')
			g.output = optarg;
		else if (c == OPT_FORMAT && !report)
			g.format = optarg;
		else if (c == 'K' && (g.profile = pcilu_lu_profile_parse(optarg)) < 0)
			ret = cli_usage_error(cmd, "--kernel takes v4, next or iommufd");
		else if (c != 'o' && c != 'K' && !(c == OPT_FORMAT && !report))
			ret = cli_usage_error(cmd, "unknown option");
	}
	fmt = format_of(&g);
	if (ret == CLI_OK && co.json)
		ret = cli_usage_error(cmd, "the %s is not JSON: pcilu check --json has the same facts",
				      report ? "report" : "picture");
	else if (ret == CLI_OK && argc - optind > 1)
		ret = cli_usage_error(cmd, "at most one SOURCE");
	else if (ret == CLI_OK && !report && !g.output && strcmp(fmt, "dot"))
		ret = cli_usage_error(cmd, "-o FILE.svg|.png|.dot, or --format dot for standard output");
	else if (ret == CLI_OK && !report && strcmp(fmt, "svg") && strcmp(fmt, "png") && strcmp(fmt, "dot"))
		ret = cli_usage_error(cmd, "the format (from -o's extension or --format) is svg, png or dot");
	else if (ret == CLI_OK && report && !g.output)
		ret = cli_usage_error(cmd, "-o FILE.html (or -o - for standard output)");
	if (ret == CLI_OK)
		ret = run(&g, optind < argc ? argv[optind] : NULL, &p, &co);
	cli_policy_free(&p);
	return ret;
}

int cmd_draw(int argc, char **argv)
{
	return draw_main(argc, argv, false);
}

int cmd_report(int argc, char **argv)
{
	return draw_main(argc, argv, true);
}
