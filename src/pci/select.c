// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device selection with lspci's grammar, so people's habits carry over:
 * -s [[[[domain]:]bus]:][slot][.[func]] and -d [vendor]:[device][:class[:prog-if]]
 * as pciutils 3.9 parses them (lib/filter.c, pci_filter_parse_slot/_id and
 * pci_filter_match), plus a driver name. Each field is hexadecimal, empty or
 * "*" for any; tests/cli/test_select.py holds lspci itself as the oracle.
 */
#include "pci_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void pcilu_select_init(struct pcilu_select *s)
{
	memset(s, 0, sizeof(*s));
	s->seg = s->bus = s->slot = s->func = -1;
	s->vendor = s->device = s->class_ = s->prog_if = -1;
	s->class_mask = ~0u;
}

/*
 * One hexadecimal field of at most @max, as pciutils 3.9 reads it: digits only
 * (no "0x"), empty or "*" for any (*out left alone). With @mask, an 'x' digit
 * is a wildcard ("06xx": base class 06) and *mask gets the bits compared.
 */
static bool hex_field(const char *str, size_t len, uint32_t max, int32_t *out, uint32_t *mask)
{
	uint32_t v = 0, m = ~0u, bound = 0;

	if (!len || (len == 1 && *str == '*'))
		return true;
	for (size_t i = 0; i < len; i++) {
		char c = str[i];
		unsigned d;

		if ((c == 'x' || c == 'X') && mask) {
			v <<= 4;
			m <<= 4;
			bound = bound << 4 | 1;	/* a wildcard digit bounds as a 1 */
		} else {
			if (c >= '0' && c <= '9')
				d = (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				d = (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				d = (unsigned)(c - 'A' + 10);
			else
				return false;
			v = v << 4 | d;
			m = m << 4 | 0xf;
			bound = bound << 4 | d;
		}
		if (bound > max)
			return false;
	}
	*out = (int32_t)v;
	if (mask)
		*mask = m;
	return true;
}

/* Split @str at @sep into at most @max fields (start, length); the count, or -1 for too many. */
static int split(const char *str, size_t len, char sep, const char **f, size_t *flen, int max)
{
	int n = 0;

	for (;;) {
		const char *e = memchr(str, sep, len);
		size_t l = e ? (size_t)(e - str) : len;

		if (n == max)
			return -1;
		f[n] = str;
		flen[n++] = l;
		if (!e)
			return n;
		str = e + 1;
		len -= l + 1;
	}
}

static int fail(const char **why, const char *what)
{
	*why = what;
	return -EINVAL;
}

/* "[[[domain]:][bus]:][slot][.[func]]": three fields name the domain, two the bus. */
int pcilu_select_parse_slot(struct pcilu_select *s, const char *str, const char **why)
{
	const char *f[3], *sf[2];
	size_t fl[3], sfl[2], len = strlen(str);
	int n, i = 0;
	int32_t dom = -1;

	*why = NULL;
	if (len >= PCILU_SELECT_MAXLEN)
		return fail(why, "expression too long");
	n = split(str, len, ':', f, fl, 3);
	if (n < 0)
		return fail(why, "too many fields");
	if (n == 3) {
		if (!hex_field(f[0], fl[0], 0x7fffffff, &dom, NULL))
			return fail(why, "invalid domain number");
		if (dom >= 0)
			s->seg = dom;
		i++;
	}
	if (n - i == 2) {
		if (!hex_field(f[i], fl[i], 0xff, &s->bus, NULL))
			return fail(why, "invalid bus number");
		i++;
	}
	if (!fl[i] || (fl[i] == 1 && *f[i] == '*'))
		return 0;
	n = split(f[i], fl[i], '.', sf, sfl, 2);
	if (n < 0)
		return fail(why, "invalid slot/function number");
	if (!hex_field(sf[0], sfl[0], 0x1f, &s->slot, NULL))
		return fail(why, "invalid slot number");
	if (n == 2 && !hex_field(sf[1], sfl[1], 7, &s->func, NULL))
		return fail(why, "invalid function number");
	return 0;
}

/* "[vendor]:[device][:class[:prog-if]]": at least two fields; the class takes 'x' wildcards. */
int pcilu_select_parse_id(struct pcilu_select *s, const char *str, const char **why)
{
	const char *f[4];
	size_t fl[4], len = strlen(str);
	int n;

	*why = NULL;
	if (len >= PCILU_SELECT_MAXLEN)
		return fail(why, "expression too long");
	n = split(str, len, ':', f, fl, 4);
	if (n < 0)
		return fail(why, "too many fields");
	if (n < 2)
		return fail(why, "at least two fields must be given");
	if (!hex_field(f[0], fl[0], 0xffff, &s->vendor, NULL))
		return fail(why, "invalid vendor ID");
	if (!hex_field(f[1], fl[1], 0xffff, &s->device, NULL))
		return fail(why, "invalid device ID");
	if (n > 2 && !hex_field(f[2], fl[2], 0xffff, &s->class_, &s->class_mask))
		return fail(why, "invalid class code");
	if (n > 3 && !hex_field(f[3], fl[3], 0xff, &s->prog_if, NULL))
		return fail(why, "invalid programming interface code");
	return 0;
}

bool pcilu_select_active(const struct pcilu_select *s)
{
	return s->seg >= 0 || s->bus >= 0 || s->slot >= 0 || s->func >= 0 || s->vendor >= 0 ||
	       s->device >= 0 || s->class_ >= 0 || s->prog_if >= 0 || s->driver;
}

bool pcilu_select_match(const struct pcilu_select *s, const struct pcilu_dev *d)
{
	uint32_t cls = d->class >> 8;

	if ((s->seg >= 0 && (int64_t)d->seg != s->seg) || (s->bus >= 0 && d->bus != s->bus) ||
	    (s->slot >= 0 && (d->devfn >> 3) != s->slot) || (s->func >= 0 && (d->devfn & 7) != s->func))
		return false;
	if ((s->vendor >= 0 && d->vendor != s->vendor) || (s->device >= 0 && d->device != s->device))
		return false;
	/* "::06xx": the wildcard digits are left out of the comparison. */
	if (s->class_ >= 0 && ((uint32_t)s->class_ ^ cls) & s->class_mask)
		return false;
	if (s->prog_if >= 0 && (d->class & 0xff) != (uint32_t)s->prog_if)
		return false;
	return !s->driver || (d->driver && !strcmp(d->driver, s->driver));
}

bool pcilu_dev_is_endpoint(const struct pcilu_dev *d)
{
	return !pcilu_is_bridge(d) && (d->class >> 8) != 0x0600;
}

/*
 * Base classes 06 (bridges: ISA/LPC, other), 08 (system peripherals: PIC,
 * timers, IOMMU, CPU uncore "system" functions) and 11 (signal processing:
 * performance counters) on a root bus: built into the CPU or chipset, never
 * handed to a guest or preserved.
 */
bool pcilu_dev_is_platform(const struct pcilu_topology *t, const struct pcilu_dev *d)
{
	uint8_t base = (uint8_t)(d->class >> 16);

	if (base != 0x06 && base != 0x08 && base != 0x11)
		return false;
	return d->bus_idx != PCILU_NONE && pcilu_is_root_bus(&t->buses[d->bus_idx]);
}
