// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The VFIO user's answer for one device: every member of its group with its
 * driver, what each needs before vfio can own the group (pcilu_dma_owner_of()),
 * and the vfio-pci.ids= and driverctl lines that would do it.
 */
#include "output_int.h"
#include <pcilu/iommu.h>

#include <string.h>

/* What the person must do with a member, in words. */
static const char *action(const struct pcilu_topology *t, const struct pcilu_dev *d)
{
	switch (pcilu_dma_owner_of(t, d)) {
	case PCILU_DMA_VFIO:
		return "nothing: bound to vfio-pci";
	case PCILU_DMA_MANAGED:
		return pcilu_is_bridge(d) ? "nothing: a bridge, its driver manages DMA itself" :
		       "nothing: its driver manages DMA itself (driver_managed_dma)";
	case PCILU_DMA_UNBOUND:
		return pcilu_is_bridge(d) ? "nothing: a bridge" : "nothing, or bind to vfio-pci to use it";
	case PCILU_DMA_KERNEL:
		return pcilu_is_bridge(d) ? "unbind it: its driver uses the kernel's DMA API" : "bind to vfio-pci";
	default:
		return pcilu_is_bridge(d) ? "nothing if unbound or bound to pcieport (the source does not say)" :
		       "bind to vfio-pci (the source does not say its driver)";
	}
}

/* A member vfio-pci should be bound to: an endpoint not already free for vfio. */
static bool needs_bind(const struct pcilu_topology *t, const struct pcilu_dev *d)
{
	enum pcilu_dma_owner o = pcilu_dma_owner_of(t, d);

	return !pcilu_is_bridge(d) && (o == PCILU_DMA_KERNEL || o == PCILU_DMA_UNKNOWN);
}

static bool id_listed(const struct pcilu_topology *t, const struct pcilu_group *g, size_t upto, const struct pcilu_dev *d)
{
	for (size_t k = 0; k < upto; k++) {
		const struct pcilu_dev *o = &t->devs[g->members[k]];

		if (needs_bind(t, o) && o->vendor == d->vendor && o->device == d->device)
			return true;
	}
	return false;
}

/* Devices outside the group that vfio-pci.ids= would claim too (same vendor:device). */
static size_t also_claimed(const struct pcilu_topology *t, const struct pcilu_group *g, int32_t *first)
{
	size_t n = 0;

	*first = PCILU_NONE;
	for (size_t i = 0; i < t->ndevs; i++) {
		bool member = false, same = false;

		for (size_t k = 0; k < g->nmembers && !member; k++)
			member = g->members[k] == (int32_t)i;
		for (size_t k = 0; k < g->nmembers && !member && !same; k++) {
			const struct pcilu_dev *m = &t->devs[g->members[k]];

			same = needs_bind(t, m) && m->vendor == t->devs[i].vendor && m->device == t->devs[i].device;
		}
		if (!member && same && !n++)
			*first = (int32_t)i;
	}
	return n;
}

static void print_binding(FILE *f, const struct pcilu_topology *t, const struct pcilu_group *g)
{
	char bdf[24];
	size_t nbind = 0, extra;
	int32_t first;

	for (size_t k = 0; k < g->nmembers; k++)
		nbind += needs_bind(t, &t->devs[g->members[k]]);
	if (!nbind) {
		fprintf(f, "Nothing to bind: vfio can own this group as it is.\n");
		return;
	}
	fprintf(f, "To bind them, either on the kernel command line:\n  vfio-pci.ids=");
	for (size_t k = 0, n = 0; k < g->nmembers; k++) {
		const struct pcilu_dev *d = &t->devs[g->members[k]];

		if (needs_bind(t, d) && !id_listed(t, g, k, d))
			fprintf(f, "%s%04x:%04x", n++ ? "," : "", d->vendor, d->device);
	}
	fputc('\n', f);
	extra = also_claimed(t, g, &first);
	if (extra)
		fprintf(f, "  (this also claims %zu device%s outside the group with the same ids, such as %s)\n", extra,
			extra == 1 ? "" : "s", pcilu_bdf(&t->devs[first], bdf, sizeof(bdf)));
	fprintf(f, "or now and at every boot (driverctl):\n");
	for (size_t k = 0; k < g->nmembers; k++)
		if (needs_bind(t, &t->devs[g->members[k]]))
			fprintf(f, "  driverctl set-override %s vfio-pci\n",
				pcilu_bdf(&t->devs[g->members[k]], bdf, sizeof(bdf)));
}

void pcilu_print_vfio(FILE *f, const struct pcilu_iommu *r, int32_t dev, struct pcilu_names *n)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	const struct pcilu_group *g = pcilu_iommu_group(r, pcilu_iommu_group_of(r, dev));
	char bdf[24], label[384], drv[160];

	if (!g)
		return;
	fprintf(f, "Members of the group (%zu); vfio owns a group only when none is bound to a driver using the "
		"kernel's DMA API:\n", g->nmembers);
	for (size_t k = 0; k < g->nmembers; k++) {
		const struct pcilu_dev *d = &t->devs[g->members[k]];

		if (d->driver)
			snprintf(drv, sizeof(drv), "driver %s", PCILU_ESC(d->driver, label));
		else
			snprintf(drv, sizeof(drv), "%s", t->has_drivers ? "no driver" : "driver unknown");
		fprintf(f, "  %s %s\n      %s; %s\n", pcilu_bdf(d, bdf, sizeof(bdf)),
			pcilu_dev_label(d, n, label, sizeof(label)), drv, action(t, d));
	}
	print_binding(f, t, g);
}

void pcilu_vfio_jw(struct pcilu_jw *w, const struct pcilu_iommu *r, int32_t dev, struct pcilu_names *n)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	const struct pcilu_group *g = pcilu_iommu_group(r, pcilu_iommu_group_of(r, dev));

	pcilu_jw_arr(w);
	for (size_t k = 0; g && k < g->nmembers; k++) {
		const struct pcilu_dev *d = &t->devs[g->members[k]];

		pcilu_jw_obj(w);
		pcilu_jw_dev_fields(w, d, n);
		pcilu_jw_kstr(w, "dma_owner", pcilu_dma_owner_name(pcilu_dma_owner_of(t, d)));
		pcilu_jw_kbool(w, "bind_vfio", needs_bind(t, d));
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_arr(w);
}
