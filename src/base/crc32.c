// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zlib's crc32 (the IEEE 802.3 polynomial, reflected), folded with
 * carry-less multiplication where the CPU has it: a manifest of a few
 * thousand nodes is sealed on write and checked on read, ~600 KB each
 * time, and zlib's table-driven loop costs about 4 instructions a byte
 * there. The folding is the one of Intel's "Fast CRC Computation for
 * Generic Polynomials Using PCLMULQDQ Instruction" (2009), with that
 * paper's constants for this polynomial, as Chromium's zlib and the
 * kernel's crc32-pclmul have it; zlib does the head and tail.
 */
#include "base_int.h"

#include <zlib.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <emmintrin.h>
#include <wmmintrin.h>

#define FOLD_MIN 64u	/* the fold starts from four 16-byte lanes */

__attribute__((target("pclmul,sse2")))
static __m128i fold16(__m128i x, __m128i k, __m128i data)
{
	return _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11)),
			     data);
}

/*
 * The crc register (not inverted) of @len bytes, @len a multiple of 16 and
 * at least FOLD_MIN, from register value @crc.
 */
__attribute__((target("pclmul,sse2")))
static uint32_t fold(const uint8_t *buf, size_t len, uint32_t crc)
{
	const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
	const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
	const __m128i k5k0 = _mm_set_epi64x(0, 0x0163cd6124);
	const __m128i poly = _mm_set_epi64x(0x01f7011641, 0x01db710641);
	const __m128i low32 = _mm_setr_epi32(~0, 0, ~0, 0);
	__m128i x1, x2, x3, x4, t;

	x1 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)buf), _mm_cvtsi32_si128((int)crc));
	x2 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 16));
	x3 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 32));
	x4 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 48));
	for (buf += 64, len -= 64; len >= 64; buf += 64, len -= 64) {
		x1 = fold16(x1, k1k2, _mm_loadu_si128((const __m128i *)(const void *)buf));
		x2 = fold16(x2, k1k2, _mm_loadu_si128((const __m128i *)(const void *)(buf + 16)));
		x3 = fold16(x3, k1k2, _mm_loadu_si128((const __m128i *)(const void *)(buf + 32)));
		x4 = fold16(x4, k1k2, _mm_loadu_si128((const __m128i *)(const void *)(buf + 48)));
	}
	/* Four lanes into one, then the 16-byte blocks left. */
	x1 = fold16(x1, k3k4, x2);
	x1 = fold16(x1, k3k4, x3);
	x1 = fold16(x1, k3k4, x4);
	for (; len >= 16; buf += 16, len -= 16)
		x1 = fold16(x1, k3k4, _mm_loadu_si128((const __m128i *)(const void *)buf));
	/* 128 bits to 64, then Barrett's reduction to 32. */
	x2 = _mm_clmulepi64_si128(x1, k3k4, 0x10);
	x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x2);
	x2 = _mm_srli_si128(x1, 4);
	x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, low32), k5k0, 0x00), x2);
	t = _mm_clmulepi64_si128(_mm_and_si128(x1, low32), poly, 0x10);
	t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), poly, 0x00);
	x1 = _mm_xor_si128(x1, t);
	return (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(x1, 4));
}

uint32_t pcilu_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *buf = data;
	size_t bulk = len & ~(size_t)15;

	if (bulk < FOLD_MIN || !__builtin_cpu_supports("pclmul"))
		return (uint32_t)crc32_z(crc, buf, len);
	/* zlib's value is the register inverted before and after. */
	crc = ~fold(buf, bulk, ~crc);
	return len == bulk ? crc : (uint32_t)crc32_z(crc, buf + bulk, len - bulk);
}
#else
uint32_t pcilu_crc32(uint32_t crc, const void *data, size_t len)
{
	return (uint32_t)crc32_z(crc, data, len);
}
#endif
