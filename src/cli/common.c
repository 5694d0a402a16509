// SPDX-License-Identifier: GPL-2.0-or-later
/* What every command shares: options, loading, diagnostics. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool cli_common_opt(int c, struct cli_common *co)
{
	switch (c) {
	case 'J':
		co->json = true;
		return true;
	case 'L':
		co->lenient = true;
		return true;
	case 'N':
		co->no_names = true;
		return true;
	default:
		return false;
	}
}

void cli_print_diag(const struct pcilu_diag *d, enum pcilu_severity min)
{
	cli_print_diag_from(d, 0, min);
}

void cli_print_diag_from(const struct pcilu_diag *d, size_t from, enum pcilu_severity min)
{
	char buf[1024];

	for (size_t i = from; i < d->count; i++) {
		if (d->msgs[i].sev < min)
			continue;
		pcilu_diag_format(&d->msgs[i], buf, sizeof(buf));
		fprintf(stderr, "pcilu: %s\n", buf);
	}
	if (d->lost)
		fprintf(stderr, "pcilu: some messages were lost (out of memory)\n");
}

int cli_fail(const char *cmd, int err, const struct pcilu_diag *d, size_t mark)
{
	char buf[1024];
	bool said = false;

	/*
	 * A document cut short because stdout failed (a full disk, a closed
	 * pipe): said once, as main() says it, with the write's errno, which
	 * main()'s last fflush() would no longer see.
	 */
	if (err < 0 && err != -ENOMEM && ferror(stdout)) {
		fprintf(stderr, "pcilu: cannot write standard output: %s\n", strerror(-err));
		clearerr(stdout);
		return CLI_ERROR;
	}
	for (size_t i = mark; d && i < d->count; i++) {
		if (d->msgs[i].sev < PCILU_ERROR)
			continue;
		pcilu_diag_format(&d->msgs[i], buf, sizeof(buf));
		fprintf(stderr, "pcilu: %s\n", buf);
		said = true;
	}
	if (!said || (d && d->lost))
		fprintf(stderr, "pcilu %s: %s\n", cmd, pcilu_strerror(err < 0 ? err : -EIO));
	return CLI_ERROR;
}

/* With --json, an input error still gives a document on stdout (pcilu-error/1). */
static void json_error(const struct cli_common *co, const char *source, int err, const struct pcilu_diag *d)
{
	if (co->json)
		pcilu_print_error_json(stdout, source ? source : "/sys", err, d);
}

int cli_load(const char *source, const struct cli_common *co,
	     struct pcilu_topology **t, struct pcilu_diag *d)
{
	struct pcilu_source_opts so = { .lenient = co->lenient };
	struct pcilu_raw_host raw;
	char esc[512];
	int ret;

	*t = NULL;
	ret = pcilu_load_any(source, &so, &raw, d);
	if (ret) {
		pcilu_raw_host_free(&raw);
		cli_print_diag(d, PCILU_NOTE);
		if (!d->errors)
			fprintf(stderr, "pcilu: %s: %s\n", pcilu_escape(source ? source : "/sys", esc, sizeof(esc)),
				pcilu_strerror(ret));
		json_error(co, source, ret, d);
		return CLI_ERROR;
	}
	ret = pcilu_topology_build(&raw, t, d);
	if (ret) {
		cli_print_diag(d, PCILU_NOTE);
		fprintf(stderr, "pcilu: %s: %s\n", pcilu_escape(source ? source : "/sys", esc, sizeof(esc)),
			pcilu_strerror(ret));
		json_error(co, source, ret, d);
		return CLI_ERROR;
	}
	/* Warnings and errors always reach the user; notes only in text mode. */
	cli_print_diag(d, co->json ? PCILU_WARN : PCILU_NOTE);
	if (d->errors && !co->lenient) {
		fprintf(stderr, "pcilu: %zu input error(s); --lenient skips the bad records and goes on\n",
			d->errors);
		json_error(co, source, -EINVAL, d);
		pcilu_topology_free(*t);
		*t = NULL;
		return CLI_ERROR;
	}
	return CLI_OK;
}

int cli_find_dev(const struct pcilu_topology *t, const char *arg, int32_t *idx)
{
	uint32_t seg;
	uint8_t bus, devfn;

	if (pcilu_parse_bdf(arg, &seg, &bus, &devfn)) {
		char esc[256];

		fprintf(stderr, "pcilu: '%s' is not a PCI address (DDDD:BB:DD.F or BB:DD.F)\n",
			pcilu_escape(arg, esc, sizeof(esc)));
		return CLI_ERROR;
	}
	*idx = pcilu_topology_find(t, seg, bus, devfn);
	if (*idx == PCILU_NONE) {
		char bdf[24], esc[512];

		fprintf(stderr, "pcilu: no device %s in %s\n", pcilu_bdf_fmt(seg, bus, devfn, bdf, sizeof(bdf)),
			pcilu_escape(t->name ? t->name : "the source", esc, sizeof(esc)));
		return CLI_ERROR;
	}
	return CLI_OK;
}

int cli_find_devs(const struct pcilu_topology *t, char **args, int nargs, const char *list,
		  int32_t **out, size_t *n)
{
	char *copy = list ? strdup(list) : NULL, *save = NULL, *tok;
	size_t cap = (size_t)nargs + (list ? strlen(list) / 2 + 1 : 0);
	int ret = CLI_OK;

	*n = 0;
	*out = malloc((cap ? cap : 1) * sizeof(**out));
	if (!*out || (list && !copy)) {
		free(copy);
		fprintf(stderr, "pcilu: out of memory\n");
		return CLI_ERROR;
	}
	for (int i = 0; i < nargs && ret == CLI_OK; i++)
		ret = cli_find_dev(t, args[i], &(*out)[(*n)++]);
	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && ret == CLI_OK;
	     tok = strtok_r(NULL, ",", &save))
		ret = cli_find_dev(t, tok, &(*out)[(*n)++]);
	free(copy);
	return ret;
}

bool cli_is_source(const char *arg)
{
	uint32_t seg;
	uint8_t bus, devfn;
	struct stat st;

	return pcilu_parse_bdf(arg, &seg, &bus, &devfn) || !stat(arg, &st) || !strcmp(arg, "-");
}

void cli_select_init(struct cli_select *s)
{
	memset(s, 0, sizeof(*s));
	pcilu_select_init(&s->s);
}

bool cli_select_opt(int c, const char *arg, const char *cmd, struct cli_select *s, int *ret)
{
	const char *why = NULL;
	char esc[256];

	*ret = CLI_OK;
	switch (c) {
	case 's':
		if (pcilu_select_parse_slot(&s->s, arg, &why))
			*ret = cli_usage_error(cmd, "-s %s: %s", pcilu_escape(arg, esc, sizeof(esc)), why);
		return true;
	case 'd':
		if (pcilu_select_parse_id(&s->s, arg, &why))
			*ret = cli_usage_error(cmd, "-d %s: %s", pcilu_escape(arg, esc, sizeof(esc)), why);
		return true;
	case CLI_OPT_DRIVER:
		s->s.driver = arg;
		return true;
	case CLI_OPT_ALL:
		s->all = true;
		return true;
	}
	return false;
}

int cli_select_endpoints(const struct pcilu_topology *t, const struct cli_select *s, int32_t **out, size_t *n,
			 size_t *skipped)
{
	size_t matched = 0;

	*n = *skipped = 0;
	*out = malloc((t->ndevs ? t->ndevs : 1) * sizeof(**out));
	if (!*out) {
		fprintf(stderr, "pcilu: out of memory\n");
		return CLI_ERROR;
	}
	for (size_t i = 0; i < t->ndevs; i++) {
		const struct pcilu_dev *d = &t->devs[i];

		if (!pcilu_dev_is_endpoint(d) || !pcilu_select_match(&s->s, d))
			continue;
		matched++;
		if (!s->all && pcilu_dev_is_platform(t, d))
			(*skipped)++;
		else
			(*out)[(*n)++] = (int32_t)i;
	}
	if (!matched && pcilu_select_active(&s->s)) {
		fprintf(stderr, "pcilu: no endpoint matches the selection (-s, -d, --driver)\n");
		return CLI_ERROR;
	}
	/* Nothing but platform functions: judge them rather than nothing. */
	if (!*n && matched) {
		for (size_t i = 0; i < t->ndevs; i++)
			if (pcilu_dev_is_endpoint(&t->devs[i]) && pcilu_select_match(&s->s, &t->devs[i]))
				(*out)[(*n)++] = (int32_t)i;
		*skipped = 0;
	}
	return CLI_OK;
}

void cli_policy_init(struct cli_policy *cp)
{
	memset(cp, 0, sizeof(*cp));
	pcilu_policy_init(&cp->p);
}

void cli_policy_free(struct cli_policy *cp)
{
	pcilu_policy_free(&cp->p);
}

/* @arg is one of the @n words of @words: its index, or -1 after a usage message. */
static int pick(const char *cmd, const char *opt, const char *arg, const char *const *words, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(arg, words[i]))
			return i;
	cli_usage_error(cmd, "%s takes %s%s%s%s%s", opt, words[0], n > 2 ? ", " : " or ", words[1],
			n > 2 ? " or " : "", n > 2 ? words[2] : "");
	return -1;
}

bool cli_policy_opt(int c, const char *arg, const char *cmd, struct cli_policy *cp, int *ret)
{
	static const char *const acs[] = { "as-read", "linux" }, *const fw[] = { "as-read", "zero" },
			  *const iommu[] = { "auto", "on", "off" };
	static const enum pcilu_tristate tri[] = { PCILU_AUTO, PCILU_ON, PCILU_OFF };
	int k = 0;

	switch (c) {
	case CLI_OPT_CMDLINE:
		cp->cmdline = arg;
		break;
	case CLI_OPT_RULES:
		cp->rules = arg;
		break;
	case CLI_OPT_ACS:
		k = pick(cmd, "--acs", arg, acs, 2);
		if (k >= 0)
			cp->p.acs = k ? PCILU_ACS_LINUX : PCILU_ACS_AS_READ;
		cp->p.fresh_boot = k == 1;
		break;
	case CLI_OPT_FW_BASE:
		k = pick(cmd, "--fw-base", arg, fw, 2);
		if (k >= 0)
			cp->p.fw_base = k ? PCILU_FW_ZERO : PCILU_FW_AS_READ;
		break;
	case CLI_OPT_IOMMU:
		k = pick(cmd, "--iommu", arg, iommu, 3);
		if (k >= 0)
			cp->p.iommu = tri[k];
		break;
	case CLI_OPT_KREL:
		k = pcilu_policy_parse_release(&cp->p, arg, NULL);
		if (k < 0)
			cli_usage_error(cmd, "--kernel-release takes 7.2 or 7.3 (the releases whose tables pcilu has)");
		break;
	default:
		return false;
	}
	*ret = k < 0 ? CLI_ERROR : CLI_OK;
	return true;
}

int cli_policy_apply(struct cli_policy *cp, const struct pcilu_topology *t, struct pcilu_diag *d)
{
	const char *cl = cp->cmdline ? cp->cmdline : t->cmdline;
	size_t seen = d->count;
	int ret;

	if (cl && (ret = pcilu_policy_parse_cmdline(&cp->p, cl, d)))
		return ret;
	/* Another command line than the source's: what the source observed of its IOMMU no longer holds. */
	cp->p.cmdline_foreign = cp->cmdline && (!t->cmdline || strcmp(cp->cmdline, t->cmdline));
	ret = cp->rules ? pcilu_policy_parse_rules(&cp->p, cp->rules, d) : 0;
	/* cli_load() printed the loader's messages; those of --cmdline and --rules come now. */
	for (char buf[1024]; seen < d->count; seen++) {
		if (d->msgs[seen].sev != PCILU_WARN)
			continue;
		pcilu_diag_format(&d->msgs[seen], buf, sizeof(buf));
		fprintf(stderr, "pcilu: %s\n", buf);
	}
	return ret;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pcilu %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'pcilu %s --help'.\n", cmd);
	return CLI_ERROR;
}

void cli_out_open(const struct cli_common *co, struct pcilu_out_opts *o)
{
	o->json = co->json;
	o->names = co->no_names ? NULL : pcilu_names_open();
}

void cli_out_close(struct pcilu_out_opts *o)
{
	pcilu_names_close(o->names);
	o->names = NULL;
}
