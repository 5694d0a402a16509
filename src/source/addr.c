// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one grammar of a PCI address, [SEGMENT:]BUS:SLOT.FUNCTION in hex with
 * a decimal function digit, as the kernel names devices
 * ("%04x:%02x:%02x.%d", pci_setup_device() and lspci). Files (sysfs names,
 * lspci headers, captures, specs) are read with the widths the kernel
 * prints; what a user types may drop leading zeros. Both are this one scan.
 */
#include "source_int.h"

#include <stddef.h>
#include <string.h>

/* Up to @max hex digits of @p[0..len); how many were read. */
static size_t hex_digits(const char *p, size_t len, size_t max, uint32_t *v)
{
	size_t n = 0;

	*v = 0;
	while (n < len && n < max && pcilu_hexval(p[n]) >= 0)
		*v = *v << 4 | (uint32_t)pcilu_hexval(p[n++]);
	return n;
}

static bool width_ok(size_t n, size_t min, size_t max)
{
	return n >= min && n <= max;
}

size_t pcilu_src_scan_bdf(const char *p, size_t len, bool typed, struct pcilu_src_bdf *a)
{
	/* A segment of 4..6 digits: 16-bit PCI segments, VMD's 0x10000 and up. */
	size_t seg_min = typed ? 1 : 4, seg_max = typed ? 8 : 6, two_min = typed ? 1 : 2;
	uint32_t first, second, slot;
	size_t nf = hex_digits(p, len, 8, &first), ns, i;

	if (!nf || nf == len || p[nf] != ':')
		return 0;
	i = nf + 1;
	ns = hex_digits(p + i, len - i, 2, &second);
	if (!ns || i + ns >= len)
		return 0;
	i += ns;
	a->has_seg = p[i] == ':';
	if (a->has_seg) {		/* SEG:BUS:SLOT.F */
		size_t nslot;

		if (!width_ok(nf, seg_min, seg_max) || !width_ok(ns, two_min, 2))
			return 0;
		a->seg = first;
		a->bus = (uint8_t)second;
		i++;
		nslot = hex_digits(p + i, len - i, 2, &slot);
		if (!width_ok(nslot, two_min, 2) || i + nslot >= len)
			return 0;
		i += nslot;
	} else {			/* BUS:SLOT.F; typed, the bus may carry leading zeros */
		if (!(typed ? first <= 0xff : nf == 2) || !width_ok(ns, two_min, 2))
			return 0;
		a->bus = (uint8_t)first;
		slot = second;
	}
	if (p[i] != '.' || i + 1 >= len || p[i + 1] < '0' || p[i + 1] > '9')
		return 0;
	a->slot = (uint8_t)slot;
	a->fn = (uint8_t)(p[i + 1] - '0');
	a->bad = slot > 0x1f || a->fn > 7;
	a->devfn = (uint8_t)(slot << 3 | (a->fn & 7));
	return i + 2;
}

size_t pcilu_src_parse_bdf(const char *p, size_t len, uint32_t *seg, bool *has_seg,
			   uint8_t *bus, uint8_t *devfn, bool *bad)
{
	struct pcilu_src_bdf a;
	size_t n = pcilu_src_scan_bdf(p, len, false, &a);

	if (!n)
		return 0;
	*has_seg = a.has_seg;
	if (a.has_seg)
		*seg = a.seg;
	*bus = a.bus;
	*devfn = a.devfn;
	*bad |= a.bad;
	return n;
}

/*
 * DDDD:BB:DD.F by hand: an address is formatted for nearly every line pcilu
 * prints, and snprintf() cost ~2,000 instructions each (bench/RESULTS.md).
 * A segment above 0xffff (VMD) takes as many digits as it needs, as %04x.
 */
char *pcilu_src_bdf_fmt(uint32_t seg, uint8_t bus, uint8_t devfn, char *buf, size_t len)
{
	static const char hx[] = "0123456789abcdef";
	char tmp[24];
	size_t n = 0, sd = 4;

	while (sd < 8 && seg >> (4 * sd))
		sd++;
	for (size_t i = sd; i-- > 0;)
		tmp[n++] = hx[(seg >> (4 * i)) & 15];
	tmp[n++] = ':';
	tmp[n++] = hx[bus >> 4];
	tmp[n++] = hx[bus & 15];
	tmp[n++] = ':';
	tmp[n++] = hx[PCI_SLOT(devfn) >> 4];
	tmp[n++] = hx[PCI_SLOT(devfn) & 15];
	tmp[n++] = '.';
	tmp[n++] = (char)('0' + PCI_FUNC(devfn));
	tmp[n] = '\0';
	if (len) {
		size_t k = n < len ? n : len - 1;

		memcpy(buf, tmp, k);
		buf[k] = '\0';
	}
	return buf;
}
