// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Config space stored once per distinct content.
 *
 * A million-function host holds a million config spaces of 4 KiB, and most
 * are the same bytes: the VFs of one PF read alike (ids ~0, the same
 * capabilities), so do the drives of one model. Keeping one copy of each
 * distinct content is exact: every device still has all cfg_len readable
 * bytes, as read; nothing is trimmed or guessed. The price is that a pooled
 * config is shared and must not be written (pcilu_dev.cfg is const; the one
 * writer, the simulation, asks for a private copy first).
 */
#include "source_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define POOL_CHUNK	(1u << 20)	/* bytes per arena block: one allocation per 256 distinct 4 KiB */
#define POOL_ALIGN	8u

struct pool_chunk {
	struct pool_chunk *next;
	size_t used, size;
	uint8_t data[];
};

struct pool_slot {
	uint8_t *p;	/* NULL: empty slot */
	uint64_t hash;
	size_t len;
};

struct pcilu_cfg_pool {
	struct pool_chunk *chunks;	/* the newest first: allocations come from its tail */
	struct pool_slot *slots;	/* open addressing, a power of two, at most half full */
	size_t nslots, nused;
};

struct pcilu_cfg_pool *pcilu_cfg_pool_new(void)
{
	return calloc(1, sizeof(struct pcilu_cfg_pool));
}

void pcilu_cfg_pool_free(struct pcilu_cfg_pool *p)
{
	if (!p)
		return;
	for (struct pool_chunk *c = p->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(p->slots);
	free(p);
}

void pcilu_cfg_pool_adopt(struct pcilu_cfg_pool *p, struct pcilu_cfg_pool *q)
{
	struct pool_chunk **tail = &p->chunks;

	if (!q)
		return;
	/* After @p's own chunks: the first stays the one allocations come from. */
	while (*tail)
		tail = &(*tail)->next;
	*tail = q->chunks;
	free(q->slots);
	free(q);
}

uint8_t *pcilu_cfg_pool_alloc(struct pcilu_cfg_pool *p, size_t len)
{
	struct pool_chunk *c = p->chunks;
	size_t need = (len + POOL_ALIGN - 1) & ~(size_t)(POOL_ALIGN - 1);
	uint8_t *mem;

	if (!need)
		need = POOL_ALIGN;
	if (!c || c->size - c->used < need) {
		size_t size = need > POOL_CHUNK ? need : POOL_CHUNK;

		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = size;
		c->next = p->chunks;
		p->chunks = c;
	}
	mem = c->data + c->used;
	c->used += need;
	return mem;
}

/*
 * Zero words are skipped (most of a 4 KiB extended space is zero) but their
 * place is not lost: each word is mixed with its offset and the length is
 * the seed. Equal hashes are confirmed byte for byte. Where SSE2 is, zero
 * 16-byte blocks are passed over with one compare: the hash is over ~4,000
 * functions' bytes for every dump read.
 */
#define GOLDEN 0x9e3779b97f4a7c15ull	/* 2^64 / phi: odd, bits well spread */

static uint64_t mix(uint64_t h, uint64_t w, size_t i)
{
	h = (h ^ (w + i)) * GOLDEN;
	return h ^ h >> 31;
}

static uint64_t cfg_hash(const uint8_t *c, size_t len)
{
	uint64_t h = (uint64_t)len * GOLDEN, w;
	size_t i = 0;

#ifdef __SSE2__
	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(c + i));

		if (_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) == 0xffff)
			continue;
		for (size_t k = i; k < i + 16; k += sizeof(w)) {
			memcpy(&w, c + k, sizeof(w));
			if (w)
				h = mix(h, w, k);
		}
	}
#endif
	for (; i + sizeof(w) <= len; i += sizeof(w)) {
		memcpy(&w, c + i, sizeof(w));
		if (w)
			h = mix(h, w, i);
	}
	for (; i < len; i++)
		h = (h ^ ((uint64_t)c[i] << 8 | (i & 0xff))) * GOLDEN;
	return h ^ h >> 29;
}

static int grow(struct pcilu_cfg_pool *p)
{
	size_t n = p->nslots ? p->nslots * 2 : 1024;
	struct pool_slot *s = calloc(n, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < p->nslots; i++) {
		size_t j = p->slots[i].hash & (n - 1);

		if (!p->slots[i].p)
			continue;
		while (s[j].p)
			j = (j + 1) & (n - 1);
		s[j] = p->slots[i];
	}
	free(p->slots);
	p->slots = s;
	p->nslots = n;
	return 0;
}

uint8_t *pcilu_cfg_pool_intern(struct pcilu_cfg_pool *p, const uint8_t *cfg, size_t len)
{
	uint64_t h = cfg_hash(cfg, len);
	uint8_t *mem;
	size_t j;

	if (2 * (p->nused + 1) > p->nslots && grow(p))
		return NULL;
	for (j = h & (p->nslots - 1); p->slots[j].p; j = (j + 1) & (p->nslots - 1))
		if (p->slots[j].hash == h && p->slots[j].len == len && !memcmp(p->slots[j].p, cfg, len))
			return p->slots[j].p;
	mem = pcilu_cfg_pool_alloc(p, len);
	if (!mem)
		return NULL;
	memcpy(mem, cfg, len);
	p->slots[j] = (struct pool_slot){ .p = mem, .hash = h, .len = len };
	p->nused++;
	return mem;
}

int pcilu_raw_dev_set_cfg(struct pcilu_raw_host *h, struct pcilu_raw_dev *r, const uint8_t *cfg,
			  uint16_t len)
{
	uint8_t *mem;

	if (!h->cfg_pool && !(h->cfg_pool = pcilu_cfg_pool_new()))
		return -ENOMEM;
	mem = pcilu_cfg_pool_intern(h->cfg_pool, cfg, len);
	if (!mem)
		return -ENOMEM;
	if (!r->cfg_pooled)
		free(r->cfg);
	r->cfg = mem;
	r->cfg_len = len;
	r->cfg_pooled = true;
	return 0;
}

uint8_t *pcilu_raw_dev_cfg_private(struct pcilu_raw_dev *r)
{
	uint8_t *own;

	if (!r->cfg_pooled)
		return r->cfg;
	own = malloc(r->cfg_len ? r->cfg_len : 1);
	if (!own)
		return NULL;
	memcpy(own, r->cfg, r->cfg_len);
	r->cfg = own;
	r->cfg_pooled = false;
	return own;
}
