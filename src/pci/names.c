// SPDX-License-Identifier: GPL-2.0-or-later
/* Vendor and device names from pci.ids, through libpci's lookup. */
#include "pci_int.h"

#include <pci/pci.h>
#include <stdarg.h>
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

/*
 * libpci calls this on a fatal error (out of memory while loading pci.ids)
 * and requires that it not return; its default exits with status 1, which
 * pcilu's callers would read as a negative verdict. Say what happened and
 * exit 2 (an error) instead: the one place the library exits, by libpci's
 * contract, not by choice.
 */
__attribute__((noreturn, format(printf, 1, 2)))
static void fatal(char *msg, ...)
{
	va_list ap;

	fputs("pcilu: libpci (reading pci.ids for names): ", stderr);
	va_start(ap, msg);
	vfprintf(stderr, msg, ap);
	va_end(ap);
	fputs("; --no-names avoids it\n", stderr);
	exit(2);
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
	n->pacc->error = fatal;
	/*
	 * pci.ids only: the same names on every machine, and libpci 3.9 leaks a
	 * udev handle per lookup when the udev hwdb cannot be opened.
	 */
	n->pacc->id_lookup_mode = PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB;
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
