/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal header of the CLI: a thin layer over libpcilu. */
#ifndef PCILU_CLI_H
#define PCILU_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <pcilu/iommu.h>
#include <pcilu/output.h>
#include <pcilu/pci.h>
#include <pcilu/source.h>

/* Exit status every command keeps (README, "Exit status"). */
enum {
	CLI_OK = 0,		/* success, all good */
	CLI_NEGATIVE = 1,	/* a negative verdict: not eligible, drift, difference */
	CLI_ERROR = 2,		/* usage or input error */
	CLI_UNDECIDED = 3,	/* not enough information: some verdict is undecided, none negative */
};

/* Options every command takes; parse with cli_common_opt() from a getopt loop. */
struct cli_common {
	bool json;
	bool lenient;
	bool no_names;
};

#define CLI_COMMON_LONGOPTS \
	{ "json", no_argument, NULL, 'J' }, \
	{ "lenient", no_argument, NULL, 'L' }, \
	{ "no-names", no_argument, NULL, 'N' }, \
	{ "help", no_argument, NULL, 'h' }

/* Handle a common option; returns true when @c was one of them. */
bool cli_common_opt(int c, struct cli_common *co);

/*
 * Load SOURCE (NULL = live /sys) and build the topology. Prints diagnostics
 * to stderr (unless they go into JSON). Returns CLI_OK or CLI_ERROR; without
 * --lenient any input error is CLI_ERROR.
 */
int cli_load(const char *source, const struct cli_common *co,
	     struct pcilu_topology **t, struct pcilu_diag *d);
void cli_print_diag(const struct pcilu_diag *d, enum pcilu_severity min);
/* The messages @d gained from message @from on (those before were printed already). */
void cli_print_diag_from(const struct pcilu_diag *d, size_t from, enum pcilu_severity min);
/*
 * A library call of command @cmd failed with @err (negative errno): print the
 * errors @d gained from message @mark on, or, when it gained none (out of
 * memory, an output error), @err itself, so no failure exits silently.
 * @d may be NULL. Returns CLI_ERROR.
 */
int cli_fail(const char *cmd, int err, const struct pcilu_diag *d, size_t mark);
/* An operand is SOURCE unless it reads as a PCI address and names no file. */
bool cli_is_source(const char *arg);
/* Resolve a BDF argument to a device index, printing an error if absent. */
int cli_find_dev(const struct pcilu_topology *t, const char *arg, int32_t *idx);
/*
 * BDF operands and a "BDF,BDF,..." list (either may be empty) as device
 * indices, in order, duplicates kept (*out malloc'd even on error).
 */
int cli_find_devs(const struct pcilu_topology *t, char **args, int nargs, const char *list,
		  int32_t **out, size_t *n);

/* The policy options groups, check and plan share: --acs, --fw-base, --cmdline, --rules, --iommu. */
struct cli_policy {
	struct pcilu_policy p;
	const char *cmdline, *rules;
};

enum { CLI_OPT_CMDLINE = 0x100, CLI_OPT_RULES, CLI_OPT_ACS, CLI_OPT_FW_BASE, CLI_OPT_IOMMU, CLI_OPT_KREL };

#define CLI_POLICY_LONGOPTS \
	{ "cmdline", required_argument, NULL, CLI_OPT_CMDLINE }, \
	{ "rules", required_argument, NULL, CLI_OPT_RULES }, \
	{ "acs", required_argument, NULL, CLI_OPT_ACS }, \
	{ "fw-base", required_argument, NULL, CLI_OPT_FW_BASE }, \
	{ "iommu", required_argument, NULL, CLI_OPT_IOMMU }, \
	{ "kernel-release", required_argument, NULL, CLI_OPT_KREL }

/* The help lines of those options. */
#define CLI_POLICY_HELP \
	"  --acs=as-read|linux  ACS Control as read (default) or as pci_enable_acs() would set it\n" \
	"  --fw-base=as-read|zero  with --acs=linux: the value Linux starts from\n" \
	"  --cmdline \"...\"      kernel command line (default: the one SOURCE records, if any)\n" \
	"  --rules linux|acs-override[=downstream,multifunction,id:vvvv:dddd]\n" \
	"  --iommu=auto|on|off  whether an IOMMU is on (auto: from the command line)\n" \
	"  --kernel-release 7.2|7.3  whose quirk tables apply (default: the release SOURCE records, else 7.2)\n"

/*
 * Which devices a listing command shows: lspci's -s and -d, --driver, and
 * --all (platform functions too, which check leaves out by default).
 */
struct cli_select {
	struct pcilu_select s;
	bool all;
};

enum { CLI_OPT_DRIVER = 0x120, CLI_OPT_ALL };

#define CLI_SELECT_SHORTOPTS "s:d:"
#define CLI_SELECT_LONGOPTS \
	{ "driver", required_argument, NULL, CLI_OPT_DRIVER }, \
	{ "all", no_argument, NULL, CLI_OPT_ALL }

#define CLI_SELECT_HELP \
	"  -s [[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]]  only these devices (lspci's -s grammar)\n" \
	"  -d [VENDOR]:[DEVICE][:CLASS[:PROG-IF]]  only these ids and classes (lspci's -d)\n" \
	"  --driver NAME        only devices bound to driver NAME\n"

void cli_select_init(struct cli_select *s);
/* Handle a selection option of command @cmd: true when @c was one (*ret: CLI_OK or CLI_ERROR). */
bool cli_select_opt(int c, const char *arg, const char *cmd, struct cli_select *s, int *ret);
/*
 * The endpoints (pcilu_dev_is_endpoint) @s selects, in probe order; platform
 * functions only with --all (*skipped counts those left out). CLI_ERROR when
 * a selection matches none.
 */
int cli_select_endpoints(const struct pcilu_topology *t, const struct cli_select *s, int32_t **out, size_t *n,
			 size_t *skipped);

void cli_policy_init(struct cli_policy *cp);
void cli_policy_free(struct cli_policy *cp);
/* Handle a policy option of command @cmd: true when @c was one (*ret: CLI_OK or CLI_ERROR). */
bool cli_policy_opt(int c, const char *arg, const char *cmd, struct cli_policy *cp, int *ret);
/* Parse --cmdline (default: @t's own) and --rules into cp->p; 0 or a negative errno, the reason in @d. */
int cli_policy_apply(struct cli_policy *cp, const struct pcilu_topology *t, struct pcilu_diag *d);
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Output options with names from pci.ids unless --no-names; close with cli_out_close(). */
void cli_out_open(const struct cli_common *co, struct pcilu_out_opts *o);
void cli_out_close(struct pcilu_out_opts *o);

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;
	const char *summary;
};

int cmd_tree(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_groups(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_draw(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
