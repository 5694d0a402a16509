// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcilu capture [-o FILE] [SYSFS]: this host's /sys as one portable file that
 * every command reads as SOURCE with the answers it gives here.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char capture_help[] =
	"Usage: pcilu capture [OPTIONS] [SYSFS]\n"
	"What pcilu reads from this host, in one file (pcilu-capture/1, docs/capture.md): every\n"
	"function's config space, the kernel's IOMMU groups and their types, drivers, NUMA\n"
	"nodes, VFs, the kernel release and command line, /dev/liveupdate, the kernel config's\n"
	"CONFIG_PCI_LIVEUPDATE, the board (DMI), boot id and time; sealed with a crc32.\n"
	"Every command takes the file as SOURCE. Run as root: without, config space stops at\n"
	"64 bytes and the capture says so.\n"
	"  -o, --output FILE  written atomically (default: standard output)\n"
	"  --json             with -o: what was written, as JSON (pcilu-capture-run/1)\n"
	"Exit status: 0 written, 2 usage or input error, 3 written but partial (not root).\n";

static int report(const char *out, size_t n, size_t partial, bool json)
{
	if ((json || strcmp(out, "-")) && pcilu_print_capture_run(stdout, out, n, partial, json))
		return cli_fail("capture", -EIO, NULL, 0);
	if (partial)
		fprintf(stderr, "pcilu capture: %zu of %zu functions have fewer than 256 bytes of config space "
			"(not run as root?): the capture records that, and readers will say so; capture as root\n",
			partial, n);
	return partial ? CLI_UNDECIDED : CLI_OK;
}

static int capture(const char *root, const char *out, bool json)
{
	struct pcilu_diag d;
	char *text = NULL;
	size_t len, n, partial;
	int err, ret;

	pcilu_diag_init(&d);
	err = pcilu_capture_text(root, &text, &len, &n, &partial, &d);
	if (err) {
		ret = cli_fail("capture", err, &d, 0);
	} else {
		cli_print_diag(&d, PCILU_WARN);
		if (!strcmp(out, "-"))
			err = fwrite(text, 1, len, stdout) == len ? 0 : -EIO;
		else
			err = pcilu_write_atomic(out, text, len, 0600, &d);
		ret = err ? cli_fail("capture", err, &d, d.count ? d.count - 1 : 0) : report(out, n, partial, json);
	}
	free(text);
	pcilu_diag_free(&d);
	return ret;
}

int cmd_capture(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS, { "output", required_argument, NULL, 'o' }, { 0 }
	};
	struct cli_common co = { 0 };
	const char *out = "-";
	int c, ret = CLI_OK;

	while (ret == CLI_OK && (c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(capture_help, stdout);
			return CLI_OK;
		}
		if (c == 'o')
			out = optarg;
		else if (!cli_common_opt(c, &co))
			ret = cli_usage_error("capture", "unknown option");
	}
	if (ret != CLI_OK)
		return ret;
	if (argc - optind > 1)
		return cli_usage_error("capture", "at most one SYSFS folder");
	if (co.json && !strcmp(out, "-"))
		return cli_usage_error("capture", "--json reports on a file: give -o FILE (the capture itself is JSON)");
	if (co.lenient)
		return cli_usage_error("capture", "--lenient does not apply: a capture leaves no function out");
	return capture(optind < argc ? argv[optind] : NULL, out, co.json);
}
