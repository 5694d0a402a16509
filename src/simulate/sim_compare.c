// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Comparing two computed views of a host, shared by `pcilu simulate` (the
 * host now against the next kernel's view) and `pcilu diff` (two snapshots):
 * which devices correspond, which registers that route DMA changed, and
 * which IOMMU groups split or merged.
 */
#include "simulate_int.h"

#include <pcilu/iommu.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pcilu_change *pcilu_changes_add(struct pcilu_changes *c, enum pcilu_change_kind k,
				       const struct pcilu_dev *dev, const char *fmt, ...)
{
	struct pcilu_change *ch;
	va_list ap;

	if (c->count == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		struct pcilu_change *n = realloc(c->v, ncap * sizeof(*n));

		if (!n)
			return NULL;
		c->v = n;
		c->cap = ncap;
	}
	ch = &c->v[c->count];
	memset(ch, 0, sizeof(*ch));
	ch->kind = k;
	if (dev)
		ch->addr = pcilu_lu_addr_of(dev);
	va_start(ap, fmt);
	if (vasprintf(&ch->text, fmt, ap) < 0) {
		va_end(ap);
		return NULL;
	}
	va_end(ap);
	c->count++;
	return ch;
}

void pcilu_changes_free(struct pcilu_changes *c)
{
	for (size_t i = 0; i < c->count; i++) {
		free(c->v[i].text);
		free(c->v[i].members);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static int group_change(struct pcilu_changes *out, enum pcilu_change_kind kind,
			const struct pcilu_topology *t, const struct pcilu_group *grp, unsigned parts)
{
	char list[160] = "", bdf[24];
	size_t off = 0;
	struct pcilu_change *ch;

	for (size_t m = 0; m < grp->nmembers && m < 4; m++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", m ? ", " : "",
					pcilu_bdf(&t->devs[grp->members[m]], bdf, sizeof(bdf)));
	if (kind == PCILU_CH_GROUP_SPLIT)
		ch = pcilu_changes_add(out, kind, &t->devs[grp->members[0]],
				       "the group of %s%s splits into %u groups", list,
				       grp->nmembers > 4 ? ", ..." : "", parts);
	else
		ch = pcilu_changes_add(out, kind, &t->devs[grp->members[0]],
				       "%u groups merge into one: %s%s", parts, list,
				       grp->nmembers > 4 ? ", ..." : "");
	if (!ch)
		return -ENOMEM;
	ch->parts = parts;
	ch->members = malloc(grp->nmembers * sizeof(*ch->members));
	if (!ch->members)
		return -ENOMEM;
	for (size_t m = 0; m < grp->nmembers; m++)
		ch->members[m] = pcilu_lu_addr_of(&t->devs[grp->members[m]]);
	ch->nmembers = grp->nmembers;
	return 0;
}

static bool same_ids(const struct pcilu_dev *x, const struct pcilu_dev *y)
{
	return x->vendor == y->vendor && x->device == y->device && x->class == y->class &&
	       x->subsys_vendor == y->subsys_vendor && x->subsys_device == y->subsys_device &&
	       x->revision == y->revision && x->is_virtfn == y->is_virtfn;
}

int pcilu_cmp_map(struct lu_cmp *c, bool moves)
{
	size_t na = c->a->ndevs, nb = c->b->ndevs;

	c->a2b = malloc((na ? na : 1) * sizeof(*c->a2b));
	c->b2a = malloc((nb ? nb : 1) * sizeof(*c->b2a));
	if (!c->a2b || !c->b2a)
		return -ENOMEM;
	for (size_t j = 0; j < nb; j++)
		c->b2a[j] = PCILU_NONE;
	for (size_t i = 0; i < na; i++) {
		const struct pcilu_dev *d = &c->a->devs[i];
		int32_t j = pcilu_topology_find(c->b, d->seg, d->bus, d->devfn);

		c->a2b[i] = PCILU_NONE;
		if (j != PCILU_NONE && same_ids(d, &c->b->devs[j])) {
			c->a2b[i] = j;
			c->b2a[j] = (int32_t)i;
		}
	}
	if (!moves)
		return 0;
	/* What is left: the same device at another address (a slot move, a renumbering). */
	for (size_t i = 0; i < na; i++) {
		if (c->a2b[i] != PCILU_NONE)
			continue;
		for (size_t j = 0; j < nb; j++) {
			const struct pcilu_dev *db = &c->b->devs[j];

			if (c->b2a[j] != PCILU_NONE || !same_ids(&c->a->devs[i], db))
				continue;
			/* an address that exists on both sides holds another device, not a move */
			if (pcilu_topology_find(c->a, db->seg, db->bus, db->devfn) != PCILU_NONE)
				continue;
			c->a2b[i] = (int32_t)j;
			c->b2a[j] = (int32_t)i;
			break;
		}
	}
	return 0;
}

void pcilu_cmp_free(struct lu_cmp *c)
{
	free(c->a2b);
	free(c->b2a);
	c->a2b = c->b2a = NULL;
}

static const char *added_why(const struct lu_cmp *c, int32_t j)
{
	if (!c->added_b)
		return "";
	return c->added_b[j] == 1 ? " (hot-plugged, --add)" : c->added_b[j] == 2 ? " (VF, --sriov)" : "";
}

/* Only what differs: a firmware update that bumps a revision is not a new device. */
static const char *ids_change(const struct pcilu_dev *a, const struct pcilu_dev *b, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = 0;
	if ((a->vendor != b->vendor || a->device != b->device) && at < len)
		at += (size_t)snprintf(buf + at, len - at, "%sids %04x:%04x -> %04x:%04x", at ? ", " : "",
				       a->vendor, a->device, b->vendor, b->device);
	if (a->class != b->class && at < len)
		at += (size_t)snprintf(buf + at, len - at, "%sclass %06x -> %06x", at ? ", " : "", a->class, b->class);
	if ((a->subsys_vendor != b->subsys_vendor || a->subsys_device != b->subsys_device) && at < len)
		at += (size_t)snprintf(buf + at, len - at, "%ssubsystem %04x:%04x -> %04x:%04x", at ? ", " : "",
				       a->subsys_vendor, a->subsys_device, b->subsys_vendor, b->subsys_device);
	if (a->revision != b->revision && at < len)
		at += (size_t)snprintf(buf + at, len - at, "%srevision %02x -> %02x", at ? ", " : "", a->revision,
				       b->revision);
	if (a->is_virtfn != b->is_virtfn && at < len)
		snprintf(buf + at, len - at, "%s%s", at ? ", " : "", b->is_virtfn ? "now a VF" : "no longer a VF");
	return buf;
}

static uint32_t ids_of(const struct pcilu_dev *d)
{
	return (uint32_t)d->vendor << 16 | d->device;
}

int pcilu_cmp_presence(struct lu_cmp *c)
{
	char x[24], y[24];

	for (size_t i = 0; i < c->a->ndevs; i++) {
		const struct pcilu_dev *da = &c->a->devs[i];
		int32_t j = c->a2b[i];
		struct pcilu_change *ch;

		pcilu_bdf(da, x, sizeof(x));
		if (j != PCILU_NONE) {
			const struct pcilu_dev *db = &c->b->devs[j];

			if (db->seg == da->seg && db->bus == da->bus && db->devfn == da->devfn)
				continue;
			ch = pcilu_changes_add(c->out, PCILU_CH_MOVED, db, "%04x:%04x moved from %s to %s",
					       da->vendor, da->device, x, pcilu_bdf(db, y, sizeof(y)));
			if (!ch)
				return -ENOMEM;
			ch->other = pcilu_lu_addr_of(da);
			ch->has_other = true;
			continue;
		}
		j = pcilu_topology_find(c->b, da->seg, da->bus, da->devfn);
		if (j != PCILU_NONE && c->b2a[j] == PCILU_NONE) {
			const struct pcilu_dev *db = &c->b->devs[j];

			char what[160];

			ch = pcilu_changes_add(c->out, PCILU_CH_IDS, db, "%s: %s", x, ids_change(da, db, what,
										       sizeof(what)));
			if (!ch)
				return -ENOMEM;
			ch->before = ids_of(da);
			ch->after = ids_of(db);
			continue;
		}
		ch = pcilu_changes_add(c->out, PCILU_CH_DISAPPEARED, da, "%s %04x:%04x disappeared",
				       x, da->vendor, da->device);
		if (!ch)
			return -ENOMEM;
		ch->before = ids_of(da);
	}
	for (size_t j = 0; j < c->b->ndevs; j++) {
		const struct pcilu_dev *db = &c->b->devs[j];
		struct pcilu_change *ch;

		if (c->b2a[j] != PCILU_NONE ||
		    pcilu_topology_find(c->a, db->seg, db->bus, db->devfn) != PCILU_NONE)
			continue;	/* matched, or reported as IDS above */
		ch = pcilu_changes_add(c->out, PCILU_CH_APPEARED, db, "%s %04x:%04x appeared%s",
				       pcilu_bdf(db, y, sizeof(y)), db->vendor, db->device, added_why(c, (int32_t)j));
		if (!ch)
			return -ENOMEM;
		ch->after = ids_of(db);
	}
	return 0;
}

static bool preserved(const struct lu_cmp *c, int32_t j)
{
	return c->preserved_b && c->preserved_b[j];
}

static int cmp_acs(struct lu_cmp *c, int32_t i, int32_t j)
{
	const struct pcilu_dev *da = &c->a->devs[i], *db = &c->b->devs[j];
	uint16_t before = pcilu_iommu_acs_ctrl(c->ra, i), after = pcilu_iommu_acs_ctrl(c->rb, j);
	char bdf[24], fb[64], fa[64];
	struct pcilu_change *ch;
	bool p = preserved(c, j);

	if ((!da->acs_pos && !db->acs_pos) || (before == after && !da->acs_pos == !db->acs_pos))
		return 0;
	pcilu_bdf(db, bdf, sizeof(bdf));
	pcilu_acs_flags_str(before, fb, sizeof(fb));
	pcilu_acs_flags_str(after, fa, sizeof(fa));
	if (!da->acs_pos != !db->acs_pos)
		ch = pcilu_changes_add(c->out, PCILU_CH_ACS, db, "%s: ACS capability %s", bdf,
				       da->acs_pos ? "gone" : "appeared");
	else
		ch = pcilu_changes_add(c->out, p ? PCILU_CH_ROUTING : PCILU_CH_ACS, db,
				       "%s: ACS Control %s -> %s%s", bdf, fb, fa,
				       p ? " on a preserved node: routing changes under in-flight DMA" : "");
	if (!ch)
		return -ENOMEM;
	ch->preserved = p;
	ch->before = before;
	ch->after = after;
	return 0;
}

static uint32_t buses_of(const struct pcilu_dev *d)
{
	return (uint32_t)d->primary << 16 | (uint32_t)d->secondary << 8 | d->subordinate;
}

static int cmp_bridge(struct lu_cmp *c, int32_t i, int32_t j)
{
	const struct pcilu_dev *da = &c->a->devs[i], *db = &c->b->devs[j];
	char bdf[24];
	struct pcilu_change *ch;

	if (!pcilu_is_bridge(da) || !pcilu_is_bridge(db))
		return 0;
	pcilu_bdf(db, bdf, sizeof(bdf));
	if (da->ari_fwd != db->ari_fwd) {
		ch = pcilu_changes_add(c->out, PCILU_CH_ARI, db, "%s: ARI Forwarding %s%s", bdf,
				       db->ari_fwd ? "enabled" : "disabled (functions past 7 below it "
				       "are no longer reachable)", preserved(c, j) ? " on a preserved bridge" : "");
		if (!ch)
			return -ENOMEM;
		ch->preserved = preserved(c, j);
		ch->before = da->ari_fwd;
		ch->after = db->ari_fwd;
	}
	if (buses_of(da) != buses_of(db)) {
		ch = pcilu_changes_add(c->out, PCILU_CH_BUS_NUMBERS, db,
				       "%s: buses %02x/%02x-%02x -> %02x/%02x-%02x (primary/secondary-subordinate)%s",
				       bdf, da->primary, da->secondary, da->subordinate, db->primary,
				       db->secondary, db->subordinate, preserved(c, j) ? " on a preserved bridge" : "");
		if (!ch)
			return -ENOMEM;
		ch->preserved = preserved(c, j);
		ch->before = buses_of(da);
		ch->after = buses_of(db);
	}
	return 0;
}

int pcilu_cmp_registers(struct lu_cmp *c)
{
	int ret = 0;

	for (size_t i = 0; i < c->a->ndevs && !ret; i++) {
		int32_t j = c->a2b[i];

		if (j == PCILU_NONE)
			continue;
		ret = cmp_acs(c, (int32_t)i, j);
		if (!ret)
			ret = cmp_bridge(c, (int32_t)i, j);
	}
	return ret;
}

/*
 * One group on side @ra whose mapped members lie in several groups of @rb:
 * a split (a -> b) or, with the sides swapped, a merge.
 */
static int one_side(struct lu_cmp *c, const struct pcilu_iommu *ra, const struct pcilu_iommu *rb,
		    const struct pcilu_topology *ta, const int32_t *map, enum pcilu_change_kind kind)
{
	size_t ng = pcilu_iommu_ngroups(ra), nb = pcilu_iommu_ngroups(rb);
	int32_t *stamp = malloc((nb ? nb : 1) * sizeof(*stamp));
	int ret = 0;

	if (!stamp)
		return -ENOMEM;
	for (size_t k = 0; k < nb; k++)
		stamp[k] = PCILU_NONE;
	for (size_t g = 0; g < ng && !ret; g++) {
		const struct pcilu_group *grp = pcilu_iommu_group(ra, (int32_t)g);
		unsigned parts = 0;

		for (size_t m = 0; m < grp->nmembers; m++) {
			int32_t o = map[grp->members[m]], og;

			if (o == PCILU_NONE || (og = pcilu_iommu_group_of(rb, o)) == PCILU_NONE)
				continue;
			if (stamp[og] != (int32_t)g) {
				stamp[og] = (int32_t)g;
				parts++;
			}
		}
		if (parts > 1)
			ret = group_change(c->out, kind, ta, grp, parts);
	}
	free(stamp);
	return ret;
}

int pcilu_cmp_groups(struct lu_cmp *c)
{
	int ret = one_side(c, c->ra, c->rb, c->a, c->a2b, PCILU_CH_GROUP_SPLIT);

	return ret ? ret : one_side(c, c->rb, c->ra, c->b, c->b2a, PCILU_CH_GROUP_MERGED);
}
