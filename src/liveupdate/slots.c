// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Slots: for every root and downstream port, what a single-function card
 * placed below it would get (remedy.c names the ones that help).
 */
#include "liveupdate_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A single-function endpoint below @port: pci_device_group() gives it a
 * group of its own exactly when pci_acs_path_enabled(port, NULL,
 * REQ_ACS_FLAGS) holds (no sibling functions, no alias), and the next rules
 * look at the port and the bridges above it.
 */
static void slot_eval(const struct pcilu_lu_ctx *c, int32_t port, struct pcilu_lu_slot *s)
{
	int32_t path[LU_MAX_PATH + 1];
	size_t n;

	memset(s, 0, sizeof(*s));
	s->port = port;
	s->quirk = PCILU_NONE;
	path[0] = port;
	n = 1 + pcilu_lu_path(c->t, port, path + 1, LU_MAX_PATH, &s->root);
	s->singleton = pcilu_acs_path_enabled(c->r, port, PCILU_REQ_ACS_FLAGS, &s->acs_fail, NULL);
	for (size_t i = 0; i < n && s->quirk == PCILU_NONE; i++)
		if (pcilu_acs_ops_match(&c->t->devs[path[i]]))
			s->quirk = path[i];
	s->ok[PCILU_LU_NEXT] = s->root && s->quirk == PCILU_NONE;
	s->ok[PCILU_LU_V4] = s->root && c->iommu_on && s->singleton;
	s->ok[PCILU_LU_IOMMUFD] = s->ok[PCILU_LU_NEXT] && s->ok[PCILU_LU_V4];
}

int pcilu_lu_slots_build(const struct pcilu_lu_ctx *c, struct pcilu_lu_slot **out, size_t *n)
{
	struct pcilu_lu_slot *s;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < c->t->ndevs; i++)
		k += pcilu_lu_is_slot_port(&c->t->devs[i]);
	if (!k)
		return 0;
	s = calloc(k, sizeof(*s));
	if (!s)
		return -ENOMEM;
	k = 0;
	for (size_t i = 0; i < c->t->ndevs; i++)
		if (pcilu_lu_is_slot_port(&c->t->devs[i]))
			slot_eval(c, (int32_t)i, &s[k++]);
	*out = s;
	*n = k;
	return 0;
}

void pcilu_lu_slots_free(struct pcilu_lu_slot *s, size_t n)
{
	(void)n;
	free(s);
}
