// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The common lspci row, " hh" sixteen times (48 characters), decoded in one
 * go. Nearly every line of an `lspci -xxxx` dump is such a row, so this is
 * where reading a dump spends its time. The vector paths check all 48
 * characters with a dozen operations and, where the CPU has SSSE3 (asked at
 * run time), combine the digit pairs with byte shuffles; SSE2, the x86-64
 * baseline, combines them one by one. The scalar path does the same per
 * character, and is what other machines and the tests check the others with. Either says false for any row
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

/* The 48 characters' digit values in v[3], or false when the row is not " hh" x 16. */
static inline bool row_values(const unsigned char *q, __m128i v[3])
{
	/* Bit i set: character i is a space (i % 3 == 0), else a hex digit. */
	static const uint64_t spaces = 0x249249249249ull;
	const uint64_t all = (1ull << 48) - 1;
	uint64_t sp = 0, hex = 0;

	for (size_t i = 0; i < 3; i++) {
		__m128i c = _mm_loadu_si128((const __m128i *)(const void *)(q + (size_t)16 * i)), ok;

		v[i] = hexval(c, &ok);
		sp |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c, _mm_set1_epi8(' '))) << (16 * i);
		hex |= (uint64_t)(unsigned)_mm_movemask_epi8(ok) << (16 * i);
	}
	return sp == spaces && (hex & (all & ~spaces)) == (all & ~spaces);
}

bool pcilu_hexrow16_sse2(const unsigned char *q, uint8_t *dst)
{
	uint8_t b[48];
	__m128i v[3];

	if (!row_values(q, v))
		return false;
	for (size_t i = 0; i < 3; i++)
		_mm_storeu_si128((__m128i *)(void *)(b + (size_t)16 * i), v[i]);
	/* SSE2 has no byte shuffle: the digit pairs are combined one by one. */
	for (unsigned k = 0; k < 16; k++)
		dst[k] = (uint8_t)(b[3 * k + 1] << 4 | b[3 * k + 2]);
	return true;
}

/* gcc and clang declare the SSSE3 intrinsics whatever -m flags are set; a function asks for them. */
#if defined(__GNUC__) && !defined(__SSSE3__)
#define PCILU_SSSE3_DISPATCH 1
#endif
#if defined(__SSSE3__) || defined(PCILU_SSSE3_DISPATCH)
#include <tmmintrin.h>
#endif

#if defined(__SSSE3__) || defined(PCILU_SSSE3_DISPATCH)
/*
 * SSSE3's byte shuffle first gathers the high digits (characters 3k + 1) and
 * the low digits (3k + 2) of the three 16-byte blocks into two vectors, so 32
 * characters are converted instead of 48, and the 16 spaces are checked with
 * one compare per block; the pair is combined with a shift and an or.
 * -1 (0x80 set) clears a lane.
 */
__attribute__((target("ssse3")))
static __m128i gather3(__m128i a, __m128i b, __m128i c, __m128i ma, __m128i mb, __m128i mc)
{
	return _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(a, ma), _mm_shuffle_epi8(b, mb)), _mm_shuffle_epi8(c, mc));
}

/* hexval(), with *bad gathering 0xff where a byte is no digit. */
__attribute__((target("ssse3")))
static __m128i digits(__m128i c, __m128i *bad)
{
	__m128i ok, v = hexval(c, &ok);

	*bad = _mm_or_si128(*bad, _mm_xor_si128(ok, _mm_set1_epi8(-1)));
	return v;
}

__attribute__((target("ssse3")))
static bool hexrow16_ssse3(const unsigned char *q, uint8_t *dst)
{
	const __m128i c0 = _mm_loadu_si128((const __m128i *)(const void *)q);
	const __m128i c1 = _mm_loadu_si128((const __m128i *)(const void *)(q + 16));
	const __m128i c2 = _mm_loadu_si128((const __m128i *)(const void *)(q + 32));
	const __m128i x = _mm_set1_epi8(-1);
	__m128i sp = gather3(c0, c1, c2,
			     _mm_setr_epi8(0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1),
			     _mm_setr_epi8(-1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14, -1, -1, -1, -1, -1),
			     _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 4, 7, 10, 13));
	__m128i hi = gather3(c0, c1, c2,
			     _mm_setr_epi8(1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1),
			     _mm_setr_epi8(-1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1),
			     _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14));
	__m128i lo = gather3(c0, c1, c2,
			     _mm_setr_epi8(2, 5, 8, 11, 14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1),
			     _mm_setr_epi8(-1, -1, -1, -1, -1, 1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1),
			     _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15));
	__m128i bad = _mm_xor_si128(_mm_cmpeq_epi8(sp, _mm_set1_epi8(' ')), x);

	hi = digits(hi, &bad);
	lo = digits(lo, &bad);
	if (_mm_movemask_epi8(bad))
		return false;
	/* Digits are at most 15: shifting 16-bit lanes by 4 keeps each inside its byte. */
	_mm_storeu_si128((__m128i *)(void *)dst, _mm_or_si128(_mm_slli_epi16(hi, 4), lo));
	return true;
}
#endif

pcilu_hexrow16_fn *pcilu_hexrow16_pick(void)
{
#if defined(__SSSE3__)
	return hexrow16_ssse3;
#elif defined(PCILU_SSSE3_DISPATCH)
	/* Every x86-64 since 2006 but the first Opterons has SSSE3; asked of the CPU, not assumed. */
	return __builtin_cpu_supports("ssse3") ? hexrow16_ssse3 : pcilu_hexrow16_sse2;
#else
	return pcilu_hexrow16_sse2;
#endif
}
#else
pcilu_hexrow16_fn *pcilu_hexrow16_pick(void)
{
	return pcilu_hexrow16_scalar;
}
#endif
