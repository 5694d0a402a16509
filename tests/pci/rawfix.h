/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test fixture of the tests that feed the pci layer raw config space (filled
 * with cfgbuild.h): the raw host, what pcilu builds from it, its messages.
 */
#ifndef PCILU_TEST_RAWFIX_H
#define PCILU_TEST_RAWFIX_H

#include <stdlib.h>

#include <pcilu/pci.h>

struct rawfix {
	struct pcilu_raw_host h;
	struct pcilu_topology *t;	/* built by the test, or NULL */
	struct pcilu_dev dev;		/* decoded in place; cfg stays the raw host's */
	struct pcilu_diag d;
};

/* Called from each test file's cmocka setup with the source its messages name. */
static inline int rawfix_setup(void **state, enum pcilu_source_kind kind, const char *name)
{
	struct rawfix *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	pcilu_raw_host_init(&f->h, kind, name);
	pcilu_diag_init(&f->d);
	*state = f;
	return 0;
}

static inline int rawfix_teardown(void **state)
{
	struct rawfix *f = *state;

	pcilu_raw_host_free(&f->h);
	pcilu_topology_free(f->t);
	pcilu_diag_free(&f->d);
	free(f);
	return 0;
}

#endif
