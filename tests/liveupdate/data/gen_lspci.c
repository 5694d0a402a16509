// SPDX-License-Identifier: GPL-2.0-or-later
/* Regenerates data/*.lspci from fixture.c (not built by meson):
 *   cc -std=gnu17 -Iinclude -Itests/liveupdate tests/liveupdate/data/gen_lspci.c tests/liveupdate/fixture.c \
 *      build/libpcilu.a $(pkg-config --libs libpci json-c) -lfdt -o gen && ./gen host.lspci host-acs-lost.lspci host-refused.lspci */
#include "fixture.h"
#include <stdlib.h>
#include <string.h>
static void dump(const char *path, const struct fx_dev *devs, size_t n)
{
	int32_t *g; struct pcilu_topology *t = fx_build(devs, n, &g); FILE *f = fopen(path, "w"); char b[24];
	for (size_t i = 0; i < t->ndevs; i++) {
		const struct pcilu_dev *d = &t->devs[i];
		fprintf(f, "%s Class %04x: Device %04x:%04x\n", pcilu_bdf(d, b, sizeof b), d->class >> 8, d->vendor, d->device);
		if (d->kernel_group >= 0) fprintf(f, "\tIOMMU group: %d\n", d->kernel_group);
		for (unsigned off = 0; off < d->cfg_len; off += 16) {
			fprintf(f, "%02x:", off < 256 ? off : off); 
			for (unsigned k = 0; k < 16; k++) fprintf(f, " %02x", d->cfg[off + k]);
			fputc('\n', f);
		}
		fputc('\n', f);
	}
	fclose(f); pcilu_topology_free(t); free(g);
}
int main(int argc, char **argv)
{
	struct fx_dev d[FX_REF_COUNT];
	(void)argc;
	dump(argv[1], fx_ref, FX_REF_COUNT);
	memcpy(d, fx_ref, sizeof d);
	d[1].acs_ctrl = PCI_ACS_SV; d[2].kgroup = 1; d[2].group = 1;
	dump(argv[2], d, FX_REF_COUNT);
	memcpy(d, fx_ref, sizeof d);
	d[3].acs_ctrl = PCI_ACS_SV; d[4].kgroup = d[5].kgroup = d[6].kgroup = d[7].kgroup = 3;
	dump(argv[3], d, FX_REF_COUNT);
	return 0;
}
