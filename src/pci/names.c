// SPDX-License-Identifier: GPL-2.0-or-later
/* Vendor and device names from pci.ids, through libpci's lookup. */
#include "pci_int.h"

#include <pci/pci.h>
#include <stdio.h>
#include <stdlib.h>

struct pcilu_names {
	struct pci_access *pacc;
};

/* libpci reports a missing pci.ids through this hook; names then fall back to ids. */
static void quiet(char *msg, ...)
{
	(void)msg;
}

struct pcilu_names *pcilu_names_open(void)
{
	struct pcilu_names *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->pacc = pci_alloc();
	if (!n->pacc) {
		free(n);
		return NULL;
	}
	/* Without pci_init() (which would probe hardware) these hooks are unset. */
	n->pacc->warning = quiet;
	n->pacc->debug = quiet;
	n->pacc->id_lookup_mode = PCI_LOOKUP_NO_NUMBERS;
	return n;
}

void pcilu_names_close(struct pcilu_names *n)
{
	if (!n)
		return;
	pci_cleanup(n->pacc);
	free(n);
}

const char *pcilu_name_vendor(struct pcilu_names *n, uint16_t vendor, char *buf, size_t len)
{
	const char *s = NULL;

	if (n)
		s = pci_lookup_name(n->pacc, buf, (int)len, PCI_LOOKUP_VENDOR, vendor);
	if (!s) {
		snprintf(buf, len, "%04x", vendor);
		s = buf;
	}
	return s;
}

const char *pcilu_name_device(struct pcilu_names *n, uint16_t vendor, uint16_t device,
			      char *buf, size_t len)
{
	const char *s = NULL;

	if (n)
		s = pci_lookup_name(n->pacc, buf, (int)len, PCI_LOOKUP_DEVICE, vendor, device);
	if (!s) {
		snprintf(buf, len, "%04x", device);
		s = buf;
	}
	return s;
}
