/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal header of the source layer. */
#ifndef PCILU_SOURCE_INT_H
#define PCILU_SOURCE_INT_H

#include "../base/base_int.h"
#include <pcilu/regs.h>
#include <pcilu/source.h>

/*
 * One address as lspci and sysfs print it: [DDDD[DD]:]BB:DD.F (a domain has
 * 4 to 6 hex digits). Returns the length parsed, or 0 when the text is not an
 * address; *bad is set when it is address-shaped but out of range (slot above
 * 0x1f, function above 7). *seg is set only when *has_seg.
 */
size_t pcilu_src_parse_bdf(const char *p, size_t len, uint32_t *seg, bool *has_seg,
			   uint8_t *bus, uint8_t *devfn, bool *bad);

#endif
