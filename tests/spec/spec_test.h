/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the spec tests. */
#ifndef PCILU_SPEC_TEST_H
#define PCILU_SPEC_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pcilu/pci.h>
#include <pcilu/source.h>

static inline int spec_load(const char *json, struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	pcilu_diag_init(d);
	return pcilu_load_spec("spec.json", json, strlen(json), NULL, h, d);
}

/* Load a spec that must be valid; prints the diagnostics if it is not. */
static inline void spec_load_ok(const char *json, struct pcilu_raw_host *h)
{
	struct pcilu_diag d;
	int ret = spec_load(json, h, &d);

	for (size_t i = 0; i < d.count; i++) {
		char buf[1024];

		pcilu_diag_format(&d.msgs[i], buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
	}
	assert_int_equal(ret, 0);
	assert_int_equal(d.errors, 0);
	pcilu_diag_free(&d);
}

static inline struct pcilu_raw_dev *spec_dev(struct pcilu_raw_host *h, uint32_t seg,
					     unsigned bus, unsigned slot, unsigned fn)
{
	for (size_t i = 0; i < h->count; i++)
		if (h->devs[i].seg == seg && h->devs[i].bus == bus &&
		    h->devs[i].devfn == ((slot << 3) | fn))
			return &h->devs[i];
	fail_msg("no device %04x:%02x:%02x.%x", seg, bus, slot, fn);
	return NULL;
}

static inline unsigned le16(const uint8_t *c, unsigned off) { return c[off] | c[off + 1] << 8; }
static inline uint32_t le32(const uint8_t *c, unsigned off)
{
	return (uint32_t)le16(c, off) | (uint32_t)le16(c, off + 2) << 16;
}

#endif
