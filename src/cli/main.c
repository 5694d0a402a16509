// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu: the command-line tool over libpcilu. One file per command. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

static const struct cli_command commands[] = {
	{ "tree", cmd_tree, "[SOURCE]", "draw the hierarchy with ACS per bridge" },
	{ "show", cmd_show, "BDF [SOURCE]", "decode one device" },
	{ "plan", cmd_plan, "BDF[,BDF] [SOURCE]", "check and write the handover manifest" },
	{ "verify", cmd_verify, "FILE [SOURCE]", "after kexec: compare with the manifest" },
	{ "groups", cmd_groups, "[SOURCE] [BDF]", "IOMMU groups as Linux 7.2 forms them; BDF: what to bind" },
	{ "check", cmd_check, "[SOURCE] [BDF...]", "which devices a Live Update can preserve, and why not" },
	{ "simulate", cmd_simulate, "--preserve BDF [SOURCE]", "the next kernel's groups after a Live Update" },
	{ "diff", cmd_diff, "A B", "what changed between two snapshots" },
	{ "draw", cmd_draw, "[SOURCE] -o FILE", "the host as a picture (svg, png, dot)" },
	{ "report", cmd_report, "[SOURCE] -o FILE", "one self-contained HTML page for a ticket" },
	{ "capture", cmd_capture, "[-o FILE]", "this host's /sys in one file, a SOURCE for any command" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: pcilu COMMAND [OPTIONS] [ARGS]\n"
		"Which PCI devices can stay running across a Live Update, and did the new kernel\n"
		"keep what was promised. pcilu never writes to PCI config space or any device.\n\nCommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %-22s %s\n", commands[i].name, commands[i].args, commands[i].summary);
	fprintf(f, "\nSOURCE: a sysfs tree, a capture, an lspci -x/-xxx/-xxxx dump or -vv text, a topology\n"
		"spec, or -;\n"
		"default: the live /sys. 'pcilu COMMAND --help' for options.\n"
		"Exit status: 0 success, 1 negative verdict, 2 usage or input error, 3 undecided.\n");
}

/*
 * Whatever a command decided, output that did not reach stdout (a full disk,
 * a closed pipe) is an error the caller must see: exit 2, with the reason.
 */
static int finish_stdout(int ret)
{
	int e = fflush(stdout) ? errno : 0;

	if (!e && !ferror(stdout))
		return ret;
	fprintf(stderr, "pcilu: cannot write standard output: %s\n", strerror(e ? e : EIO));
	return CLI_ERROR;
}

int main(int argc, char **argv)
{
	/* A closed pipe is a write error (EPIPE, exit 2), not a silent death by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return CLI_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return finish_stdout(CLI_OK);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("pcilu %s\n", PCILU_VERSION_STRING);
		return finish_stdout(CLI_OK);
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return finish_stdout(commands[i].run(argc - 1, argv + 1));
	fprintf(stderr, "pcilu: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CLI_ERROR;
}
