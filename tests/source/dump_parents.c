// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: load an lspci dump or a sysfs tree through the library, build
 * the topology and print one line per device: "DDDD:BB:DD.F PARENT", where
 * PARENT is pcilu_upstream_bridge()'s address or "-" for a root-bus device.
 * Diagnostics go to stderr. Exit 0, or 2 when the input did not load.
 *
 *   dump-parents [--lenient] [--sysfs] FILE|DIR
 */
#include <pcilu/pci.h>
#include <pcilu/source.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_diag(const struct pcilu_diag *d)
{
	char buf[1024];

	for (size_t i = 0; i < d->count; i++) {
		pcilu_diag_format(&d->msgs[i], buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
	}
}

int main(int argc, char **argv)
{
	struct pcilu_source_opts opts = { 0 };
	struct pcilu_raw_host raw;
	struct pcilu_topology *t = NULL;
	struct pcilu_diag d;
	bool sysfs = false;
	int i, ret;

	for (i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--lenient"))
			opts.lenient = true;
		else if (!strcmp(argv[i], "--sysfs"))
			sysfs = true;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: dump-parents [--lenient] [--sysfs] FILE|DIR\n");
		return 2;
	}
	pcilu_diag_init(&d);
	if (sysfs)
		ret = pcilu_load_sysfs(argv[argc - 1], &opts, &raw, &d);
	else
		ret = pcilu_load_any(argv[argc - 1], &opts, &raw, &d);
	if (!ret)
		ret = pcilu_topology_build(&raw, &t, &d);
	pcilu_raw_host_free(&raw);
	print_diag(&d);
	pcilu_diag_free(&d);
	if (ret) {
		fprintf(stderr, "dump-parents: %s\n", pcilu_strerror(ret));
		return 2;
	}
	for (size_t k = 0; k < t->ndevs; k++) {
		char a[24], b[24] = "-";
		int32_t up = pcilu_upstream_bridge(t, (int32_t)k);

		if (up != PCILU_NONE)
			pcilu_bdf(&t->devs[up], b, sizeof(b));
		printf("%s %s\n", pcilu_bdf(&t->devs[k], a, sizeof(a)), b);
	}
	for (size_t k = 0; k < t->nunreachable; k++) {
		char a[24];

		printf("%s ?\n", pcilu_bdf(&t->unreachable[k], a, sizeof(a)));
	}
	pcilu_topology_free(t);
	return 0;
}
