// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The common lspci row, " hh" sixteen times (48 characters), decoded in one
 * go. Nearly every line of an `lspci -xxxx` dump is such a row, so this is
 * where reading a dump spends its time. The SSE2 path (the x86-64 baseline)
 * checks and converts all 48 characters with a dozen vector operations;
 * the scalar path does the same per character, and is what other machines
 * and the tests use to check the vector one. Either says false for any row
 * that is not exactly the common form: the caller's checking parser then
 * names what is wrong, so diagnostics never depend on the path.
 */
#include "source_int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

bool pcilu_hexrow16_scalar(const unsigned char *q, uint8_t *dst)
{
	for (unsigned k = 0; k < 16; k++, q += 3) {
		int a = pcilu_hexval((char)q[1]), b = pcilu_hexval((char)q[2]);

		if (q[0] != ' ' || a < 0 || b < 0)
			return false;
		dst[k] = (uint8_t)(a << 4 | b);
	}
	return true;
}

#ifdef __SSE2__
/* Per byte: its value as a hex digit, and in *ok 0xff where it is one. */
static __m128i hexval(__m128i c, __m128i *ok)
{
	__m128i d = _mm_sub_epi8(c, _mm_set1_epi8('0'));
	__m128i l = _mm_sub_epi8(_mm_or_si128(c, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
	/* unsigned x <= n as min(x, n) == x */
	__m128i isd = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
	__m128i isl = _mm_cmpeq_epi8(_mm_min_epu8(l, _mm_set1_epi8(5)), l);

	*ok = _mm_or_si128(isd, isl);
	return _mm_or_si128(_mm_and_si128(isd, d), _mm_and_si128(isl, _mm_add_epi8(l, _mm_set1_epi8(10))));
}

bool pcilu_hexrow16(const unsigned char *q, uint8_t *dst)
{
	/* Bit i set: character i is a space (i % 3 == 0), else a hex digit. */
	static const uint64_t spaces = 0x249249249249ull;
	const uint64_t all = (1ull << 48) - 1;
	uint8_t v[48];
	uint64_t sp = 0, hex = 0;

	for (size_t i = 0; i < 3; i++) {
		__m128i c = _mm_loadu_si128((const __m128i *)(const void *)(q + 16 * i)), ok;

		_mm_storeu_si128((__m128i *)(void *)(v + 16 * i), hexval(c, &ok));
		sp |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c, _mm_set1_epi8(' '))) << (16 * i);
		hex |= (uint64_t)(unsigned)_mm_movemask_epi8(ok) << (16 * i);
	}
	if (sp != spaces || (hex & (all & ~spaces)) != (all & ~spaces))
		return false;
	for (unsigned k = 0; k < 16; k++)
		dst[k] = (uint8_t)(v[3 * k + 1] << 4 | v[3 * k + 2]);
	return true;
}
#else
bool pcilu_hexrow16(const unsigned char *q, uint8_t *dst)
{
	return pcilu_hexrow16_scalar(q, dst);
}
#endif
