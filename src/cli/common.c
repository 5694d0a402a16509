// SPDX-License-Identifier: GPL-2.0-or-later
/* What every command shares: options, loading, diagnostics. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

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
	char buf[1024];

	for (size_t i = 0; i < d->count; i++) {
		if (d->msgs[i].sev < min)
			continue;
		pcilu_diag_format(&d->msgs[i], buf, sizeof(buf));
		fprintf(stderr, "pcilu: %s\n", buf);
	}
	if (d->lost)
		fprintf(stderr, "pcilu: some messages were lost (out of memory)\n");
}

int cli_load(const char *source, const struct cli_common *co,
	     struct pcilu_topology **t, struct pcilu_diag *d)
{
	struct pcilu_source_opts so = { .lenient = co->lenient };
	struct pcilu_raw_host raw;
	int ret;

	*t = NULL;
	ret = pcilu_load_any(source, &so, &raw, d);
	if (ret) {
		pcilu_raw_host_free(&raw);
		cli_print_diag(d, PCILU_NOTE);
		if (!d->errors)
			fprintf(stderr, "pcilu: %s: %s\n", source ? source : "/sys", pcilu_strerror(ret));
		return CLI_ERROR;
	}
	ret = pcilu_topology_build(&raw, t, d);
	if (ret) {
		cli_print_diag(d, PCILU_NOTE);
		fprintf(stderr, "pcilu: %s: %s\n", source ? source : "/sys", pcilu_strerror(ret));
		return CLI_ERROR;
	}
	/* Warnings and errors always reach the user; notes only in text mode. */
	cli_print_diag(d, co->json ? PCILU_WARN : PCILU_NOTE);
	if (d->errors && !co->lenient) {
		fprintf(stderr, "pcilu: %zu input error(s); --lenient skips the bad records and goes on\n",
			d->errors);
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
		fprintf(stderr, "pcilu: '%s' is not a PCI address (DDDD:BB:DD.F or BB:DD.F)\n", arg);
		return CLI_ERROR;
	}
	*idx = pcilu_topology_find(t, seg, bus, devfn);
	if (*idx == PCILU_NONE) {
		char bdf[24];

		fprintf(stderr, "pcilu: no device %s in %s\n", pcilu_bdf_fmt(seg, bus, devfn, bdf, sizeof(bdf)),
			t->name ? t->name : "the source");
		return CLI_ERROR;
	}
	return CLI_OK;
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
