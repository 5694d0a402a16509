// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which devices an IOMMU translates. The kernel gives a group only to a device
 * its IOMMU driver accepts in iommu_probe_device(); the others stay outside
 * every group. Where the source carries the kernel's groups they decide. Else
 * the firmware's table decides, read as the 7.2 drivers read it:
 *
 * - Intel DMAR: device_lookup_iommu(), drivers/iommu/intel/iommu.c: the device
 *   (its real DMA device, and for a VF its PF) is a DRHD scope's device, lies
 *   below a scope's bridge (is_downstream_to_pci_bridge()), or its segment has
 *   a DRHD with INCLUDE_PCI_ALL. Scope paths resolve as dmar_match_pci_path().
 * - AMD IVRS: check_device(), drivers/iommu/amd/iommu.c: the device's own ID
 *   (VFs are not redirected) has an rlookup entry: set by the IVHD device
 *   entries of the highest supported IVHD type (init_iommu_from_acpi()) up to
 *   the segment's last_bdf, then cleared for each IOMMU's own ID
 *   (init_iommu_one_late()).
 * - VIOT: viot_pci_dev_iommu_init(), drivers/acpi/viot.c: the device's ID lies
 *   in a PCI range whose output node is a virtio-iommu, and it is not that
 *   virtio-iommu itself. (The kernel checks each DMA alias the same way; every
 *   range QEMU writes spans whole host bridges, so the device's own ID is
 *   taken for its aliases.)
 *
 * The IVRS table also names DMA aliases; the AMD driver makes those on the
 * device's own bus PCI DMA aliases before grouping (ivrs_aliases()).
 *
 * Without either, only an IOMMU's own function is known (config space), and
 * coverage is otherwise assumed complete, said once. Every table is bounds
 * checked; a malformed one is named and not used.
 */
#include "iommu_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ACPI_HDR	36
#define TABLE_HDR	48	/* DMAR, IVRS: header + 12 bytes; VIOT has its own node offset */

/* The table's own length, bounded by the bytes read; 0 when not a usable @sig table. */
static size_t table_len(const struct pcilu_blob *b, const char *sig)
{
	size_t n;

	if (!b->data || b->len < TABLE_HDR || memcmp(b->data, sig, 4))
		return 0;
	n = pcilu_le32(b->data + 4);
	return n >= TABLE_HDR && n <= b->len ? n : 0;
}

/* ---- Intel DMAR ---------------------------------------------------------- */

/* The device a scope path names: the start bus, then one (device, function) per hop. */
static int32_t scope_dev(const struct pcilu_topology *t, uint16_t seg, const uint8_t *s, size_t slen)
{
	unsigned bus = s[5];
	int32_t dev = PCILU_NONE;

	for (size_t at = 6; at + 2 <= slen; at += 2) {
		if (dev != PCILU_NONE) {
			const struct pcilu_dev *d = &t->devs[dev];

			if (d->child_bus == PCILU_NONE)
				return PCILU_NONE;
			bus = d->secondary;
		}
		dev = pcilu_topology_find(t, seg, (uint8_t)bus, (uint8_t)PCI_DEVFN(s[at], s[at + 1]));
		if (dev == PCILU_NONE)
			return PCILU_NONE;
	}
	return dev;
}

/* is_downstream_to_pci_bridge(): @dev's bus within @br's secondary..subordinate. */
static bool below(const struct pcilu_topology *t, int32_t dev, int32_t br)
{
	const struct pcilu_dev *b = &t->devs[br];
	unsigned busnr = t->devs[dev].bus;

	return b->child_bus != PCILU_NONE && b->secondary <= busnr && b->subordinate >= busnr;
}

/*
 * The DMAR table read once: each DRHD's device scopes resolved to devices
 * (dmar_insert_dev_scope() does it as devices appear) and the segments with
 * an INCLUDE_PCI_ALL unit. A device is then tested against these, not
 * against the table's bytes again.
 */
struct dmar {
	int32_t *scope;		/* devices named by endpoint and bridge scopes, in table order */
	uint8_t *ignored;	/* per scope: its DRHD is ignored (drhd->ignored) */
	size_t nscope;
	uint16_t *all;		/* segments of INCLUDE_PCI_ALL units */
	size_t nall;
};

/*
 * init_no_remapping_devices(), drivers/iommu/intel/iommu.c, 7.2: a unit whose
 * existing scope devices are all display controllers is gfx_dedicated, and
 * with intel_iommu=igfx_off ignored. device_lookup_iommu() still finds it for
 * them (for_each_iommu() does not skip ignored units), but an ignored unit has
 * no registered IOMMU, so intel_iommu_probe_device() returns -ENODEV: no group.
 */
static void gfx_units(const struct pcilu_topology *t, struct dmar *m, size_t first, bool igfx_off)
{
	bool gfx = igfx_off && first < m->nscope;

	for (size_t i = first; gfx && i < m->nscope; i++)
		gfx = t->devs[m->scope[i]].class >> 16 == 0x03;
	for (size_t i = first; gfx && i < m->nscope; i++)
		m->ignored[i] = 1;
}

static int dmar_read(const struct pcilu_topology *t, const uint8_t *tb, size_t len, bool igfx_off, struct dmar *m)
{
	size_t cap = len / 6 + 1;	/* a scope is at least 6 bytes, a DRHD at least 16 */

	m->scope = malloc(cap * sizeof(*m->scope));
	m->ignored = calloc(cap, sizeof(*m->ignored));
	m->all = malloc(cap * sizeof(*m->all));
	if (!m->scope || !m->ignored || !m->all)
		return -ENOMEM;
	for (size_t at = TABLE_HDR; at + 4 <= len; at += pcilu_le16(tb + at + 2)) {
		const uint8_t *u = tb + at;
		size_t ulen = pcilu_le16(u + 2);
		uint16_t seg;

		if (pcilu_le16(u) != 0)
			continue;	/* not a DRHD (RMRR, ATSR ...) */
		size_t first = m->nscope;

		seg = pcilu_le16(u + 6);
		if (u[4] & 1)	/* DMAR_INCLUDE_PCI_ALL for this segment */
			m->all[m->nall++] = seg;
		for (size_t s = 16; s < ulen; s += u[s + 1]) {
			/* ACPI_DMAR_SCOPE_TYPE_ENDPOINT, _BRIDGE; IOAPIC, HPET, namespace are not PCI devices. */
			int32_t dev = u[s] == 1 || u[s] == 2 ? scope_dev(t, seg, u + s, u[s + 1]) : PCILU_NONE;

			if (dev != PCILU_NONE)
				m->scope[m->nscope++] = dev;
		}
		if (!(u[4] & 1))
			gfx_units(t, m, first, igfx_off);
	}
	return 0;
}

static unsigned dmar_untranslated(const struct pcilu_iommu *r, const struct dmar *m, int32_t dev)
{
	const struct pcilu_topology *t = r->t;
	int32_t d = r->real_dma[dev];

	/* VFs are not in scope tables: device_lookup_iommu() looks up the PF. */
	if (t->devs[d].is_virtfn && t->devs[d].physfn != PCILU_NONE)
		d = t->devs[d].physfn;
	/* The first unit whose scope names it, in table order, as device_lookup_iommu() walks them. */
	for (size_t i = 0; i < m->nscope; i++)
		if (m->scope[i] == d || (t->devs[m->scope[i]].seg == t->devs[d].seg && below(t, d, m->scope[i])))
			return m->ignored[i] ? PCILU_UNTR_DMAR : 0;	/* a scope's device lies in its DRHD's segment */
	for (size_t i = 0; i < m->nall; i++)
		if (m->all[i] == t->devs[d].seg)
			return 0;
	return PCILU_UNTR_DMAR;
}

/* Every remapping structure and every scope inside its bounds. */
static bool dmar_valid(const uint8_t *tb, size_t len)
{
	for (size_t at = TABLE_HDR; at < len;) {
		size_t ulen = at + 4 <= len ? pcilu_le16(tb + at + 2) : 0;

		if (ulen < 4 || at + ulen > len)
			return false;
		if (pcilu_le16(tb + at) == 0) {
			if (ulen < 16)
				return false;
			for (size_t s = 16; s < ulen; s += tb[at + s + 1])
				if (s + 2 > ulen || tb[at + s + 1] < 6 || s + tb[at + s + 1] > ulen)
					return false;
		}
		at += ulen;
	}
	return true;
}

/* ---- AMD IVRS ------------------------------------------------------------ */

struct ivrs_seg {
	uint16_t seg;
	int32_t last_bdf;	/* find_last_devid_acpi(): -1 until an entry names an ID */
	uint8_t map[8192];	/* rlookup_table[]: one bit per device ID */
	uint32_t *alias;	/* alias_table[]: the alias + 1 per ID, 0 itself; NULL until one is named */
};

struct ivrs {
	struct ivrs_seg *segs;
	size_t nsegs;
	uint8_t target;		/* get_highest_supported_ivhd_type() */
};

static size_t ivhd_hdr_size(uint8_t type)
{
	return type == 0x10 ? 24 : type == 0x11 || type == 0x40 ? 40 : 0;
}

/* ivhd_entry_length(): 0 for a type it cannot size (the table is then not used). */
static size_t entry_len(const uint8_t *e, size_t room)
{
	if (e[0] < 0x80)
		return (size_t)4 << (e[0] >> 6);
	if (e[0] == 0xf0)
		return room > 21 ? (size_t)e[21] + 22 : 0;
	return 0;
}

static struct ivrs_seg *ivrs_seg(struct ivrs *v, uint16_t seg)
{
	struct ivrs_seg *n;

	for (size_t i = 0; i < v->nsegs; i++)
		if (v->segs[i].seg == seg)
			return &v->segs[i];
	n = realloc(v->segs, (v->nsegs + 1) * sizeof(*n));
	if (!n)
		return NULL;
	v->segs = n;
	n = &v->segs[v->nsegs++];
	memset(n, 0, sizeof(*n));
	n->seg = seg;
	n->last_bdf = -1;
	return n;
}

static void mark(struct ivrs_seg *s, unsigned first, unsigned last, bool set)
{
	for (unsigned id = first; id <= last && id <= 0xffff; id++) {
		if (set)
			s->map[id >> 3] = (uint8_t)(s->map[id >> 3] | 1u << (id & 7));
		else
			s->map[id >> 3] = (uint8_t)(s->map[id >> 3] & ~(1u << (id & 7)));
	}
}

/* alias_table[id] = @to for @first..@last (init_iommu_from_acpi(), IVHD_DEV_ALIAS and _ALIAS_RANGE). */
static bool set_alias(struct ivrs_seg *s, unsigned first, unsigned last, unsigned to)
{
	if (!s->alias && !(s->alias = calloc(0x10000, sizeof(*s->alias))))
		return false;
	for (unsigned id = first; id <= last && id <= 0xffff; id++)
		s->alias[id] = to + 1;
	return true;
}

/*
 * One IVHD's device entries: pass 0 finds its last device ID
 * (find_last_devid_from_ivhd()), pass 1 marks the IDs and records the
 * aliases as init_iommu_from_acpi() sets them. -EINVAL when an entry runs
 * past the block, -ENOMEM.
 */
static int ivhd_entries(const uint8_t *h, size_t hlen, struct ivrs_seg *s, int pass)
{
	unsigned start = 0, to = 0;
	bool alias = false;

	for (size_t at = ivhd_hdr_size(h[0]); at < hlen;) {
		const uint8_t *e = h + at;
		size_t n = entry_len(e, hlen - at);
		unsigned id;

		if (!n || at + n > hlen)
			return -EINVAL;
		id = pcilu_le16(e + 1);
		if (pass == 0) {
			if (e[0] == 0x01)
				s->last_bdf = 0xffff;
			else if ((e[0] == 0x02 || e[0] == 0x04 || e[0] == 0x42 || e[0] == 0x46) && (int32_t)id > s->last_bdf)
				s->last_bdf = (int32_t)id;
		} else if (e[0] == 0x01) {			/* IVHD_DEV_ALL */
			mark(s, 0, (unsigned)s->last_bdf, true);
		} else if (e[0] == 0x02 || e[0] == 0x46) {	/* SELECT, EXT_SELECT */
			mark(s, id, id, true);
		} else if (e[0] == 0x03 || e[0] == 0x47) {	/* range starts */
			start = id;
			alias = false;
		} else if (e[0] == 0x43) {			/* ALIAS_RANGE */
			start = id;
			to = pcilu_le16(e + 5);
			alias = true;
		} else if (e[0] == 0x42) {			/* ALIAS: the ID and its alias */
			mark(s, id, id, true);
			mark(s, pcilu_le16(e + 5), pcilu_le16(e + 5), true);
			if (!set_alias(s, id, id, pcilu_le16(e + 5)))
				return -ENOMEM;
		} else if (e[0] == 0x04) {			/* RANGE_END */
			if (alias) {
				mark(s, to, to, true);
				if (!set_alias(s, start, id, to))
					return -ENOMEM;
			}
			mark(s, start, id, true);
		} else if (e[0] == 0x48) {			/* SPECIAL: IOAPIC, HPET */
			mark(s, pcilu_le16(e + 5), pcilu_le16(e + 5), true);
		}
		at += n;
	}
	return 0;
}

/* The IVHD blocks of the target type, in table order; -EINVAL when malformed. */
static int ivrs_parse(const uint8_t *tb, size_t len, struct ivrs *v)
{
	uint16_t first_id;

	if (len < TABLE_HDR + 6)
		return -EINVAL;	/* not even one IVHD header */
	first_id = pcilu_le16(tb + TABLE_HDR + 4);
	v->target = tb[TABLE_HDR];
	for (size_t at = TABLE_HDR; at + 6 <= len && tb[at] <= 0x40; at += pcilu_le16(tb + at + 2)) {
		if (pcilu_le16(tb + at + 2) < 4)
			return -EINVAL;
		if (pcilu_le16(tb + at + 4) == first_id)
			v->target = tb[at];
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t at = TABLE_HDR; at < len;) {
			const uint8_t *h = tb + at;
			size_t hlen = at + 4 <= len ? pcilu_le16(h + 2) : 0;
			struct ivrs_seg *s;

			if (hlen < 4 || at + hlen > len)
				return -EINVAL;
			if (h[0] == v->target) {
				if (!ivhd_hdr_size(h[0]) || hlen < ivhd_hdr_size(h[0]))
					return -EINVAL;
				s = ivrs_seg(v, pcilu_le16(h + 16));
				if (!s)
					return -ENOMEM;
				int ret = ivhd_entries(h, hlen, s, pass);

				if (ret)
					return ret;
				if (pass == 1)
					mark(s, pcilu_le16(h + 4), pcilu_le16(h + 4), false);	/* the IOMMU itself */
			}
			at += hlen;
		}
	}
	return 0;
}

static void ivrs_free(struct ivrs *v)
{
	for (size_t i = 0; i < v->nsegs; i++)
		free(v->segs[i].alias);
	free(v->segs);
}

static unsigned ivrs_untranslated(const struct ivrs *v, const struct pcilu_dev *d)
{
	unsigned id = (unsigned)d->bus << 8 | d->devfn;

	for (size_t i = 0; i < v->nsegs; i++)
		if (v->segs[i].seg == d->seg)
			return (int32_t)id <= v->segs[i].last_bdf && v->segs[i].map[id >> 3] & 1u << (id & 7) ?
			       0 : PCILU_UNTR_IVRS;
	return PCILU_UNTR_IVRS;
}

/* ---- VIOT ---------------------------------------------------------------- */

/* The virtio-iommu a PCI range sends to: its device index, or PCILU_NONE (MMIO or absent). */
static bool viot_iommu(const struct pcilu_topology *t, const uint8_t *tb, size_t len, unsigned off, int32_t *dev)
{
	*dev = PCILU_NONE;
	if (off + 4 > len || pcilu_le16(tb + off + 2) < 4 || off + pcilu_le16(tb + off + 2) > len)
		return false;
	if (tb[off] == 4)
		return pcilu_le16(tb + off + 2) >= 16;	/* virtio-mmio IOMMU */
	if (tb[off] != 3 || pcilu_le16(tb + off + 2) < 16)
		return false;
	/* viot_get_pci_iommu_fwnode(): the device must exist. */
	*dev = pcilu_topology_find(t, pcilu_le16(tb + off + 4), (uint8_t)(tb[off + 7]), tb[off + 6]);
	return *dev != PCILU_NONE;
}

static int viot_untranslated(const struct pcilu_topology *t, const uint8_t *tb, size_t len, int32_t dev,
			     unsigned *untr)
{
	const struct pcilu_dev *d = &t->devs[dev];
	unsigned id = (unsigned)d->bus << 8 | d->devfn, off = pcilu_le16(tb + ACPI_HDR + 2);

	*untr = PCILU_UNTR_VIOT;
	for (unsigned i = 0, count = pcilu_le16(tb + ACPI_HDR); i < count; i++) {
		unsigned nlen = off + 4 <= len ? pcilu_le16(tb + off + 2) : 0;
		int32_t viommu;

		if (nlen < 4 || off + nlen > len)
			return -EINVAL;
		if (tb[off] == 1 && nlen >= 24 && d->seg >= pcilu_le16(tb + off + 8) && d->seg <= pcilu_le16(tb + off + 10) &&
		    id >= pcilu_le16(tb + off + 12) && id <= pcilu_le16(tb + off + 14) &&
		    viot_iommu(t, tb, len, pcilu_le16(tb + off + 16), &viommu)) {
			*untr = viommu == dev ? PCILU_UNTR_VIOT : 0;	/* "not translating ourself" */
			return 0;
		}
		off += nlen;
	}
	return 0;
}

/* ---- the decision -------------------------------------------------------- */

static void table_unusable(struct pcilu_iommu *r, enum pcilu_acpi_table which, const char *why)
{
	pcilu_assume(r, PCILU_AS_COVERAGE_TABLE, PCILU_NONE,
		     "the source's %s table %s: which devices an IOMMU translates is taken from config "
		     "space alone", pcilu_acpi_table_name(which), why);
}

/* The table Linux's IOMMU driver would read: AMD's, Intel's, then virtio-iommu's. */
static int pick_table(struct pcilu_iommu *r, enum pcilu_acpi_table *which, size_t *len)
{
	static const enum pcilu_acpi_table order[] = { PCILU_ACPI_IVRS, PCILU_ACPI_DMAR, PCILU_ACPI_VIOT };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct pcilu_blob *b = &r->t->acpi[order[i]];

		if (!b->data)
			continue;
		*len = table_len(b, pcilu_acpi_table_name(order[i]));
		if (!*len) {
			table_unusable(r, order[i], "is cut short or not that table");
			return -1;
		}
		*which = order[i];
		return 0;
	}
	return -1;
}

/* @v, @vret: the IVRS table as coverage_run() parsed it once, for aliases and coverage. */
static int from_table(struct pcilu_iommu *r, enum pcilu_acpi_table which, const uint8_t *tb, size_t len,
		      const struct ivrs *v, int vret)
{
	struct dmar m = { 0 };
	int ret = 0;

	if (which == PCILU_ACPI_DMAR)
		ret = dmar_valid(tb, len) ? dmar_read(r->t, tb, len, r->p->intel_igfx_off, &m) : -EINVAL;
	if (which == PCILU_ACPI_IVRS)
		ret = vret;
	for (size_t i = 0; !ret && i < r->n; i++) {
		unsigned u = 0;

		if (which == PCILU_ACPI_DMAR)
			u = dmar_untranslated(r, &m, (int32_t)i);
		else if (which == PCILU_ACPI_IVRS)
			u = ivrs_untranslated(v, &r->t->devs[i]);
		else
			ret = viot_untranslated(r->t, tb, len, (int32_t)i, &u);
		r->untr[i] = (uint8_t)u;
	}
	free(m.scope);
	free(m.ignored);
	free(m.all);
	if (ret == -EINVAL) {
		memset(r->untr, 0, r->n);
		table_unusable(r, which, "is malformed (a structure runs past its end)");
	}
	return ret == -ENOMEM ? ret : ret ? 1 : 0;
}

/*
 * setup_aliases(), drivers/iommu/amd/iommu.c, 7.2: when the AMD IOMMU driver
 * probes a device its IVRS table covers, an IVRS alias on the device's own bus
 * becomes a DMA alias (pci_add_dma_alias()) before the device is grouped: "the
 * IVRS table may know about a quirk that we don't". Aliases on other buses
 * only program the device table (clone_aliases()), no group changes.
 */
static int ivrs_aliases(struct pcilu_iommu *r, const struct ivrs *v)
{
	int ret = 0;

	for (size_t i = 0; !ret && i < r->n; i++) {
		const struct pcilu_dev *d = &r->t->devs[i];
		unsigned id = (unsigned)d->bus << 8 | d->devfn, to;

		for (size_t k = 0; k < v->nsegs; k++) {
			const struct ivrs_seg *sg = &v->segs[k];

			if (sg->seg != d->seg || !sg->alias || !sg->alias[id] || ivrs_untranslated(v, d))
				continue;
			to = sg->alias[id] - 1;
			if (to != id && to >> 8 == d->bus) {
				ret = pcilu_add_dma_alias(r, (int32_t)i, to & 0xff, 1);
				r->fw_alias[i] = 1;
			}
		}
	}
	return ret;
}

static int coverage(struct pcilu_iommu *r, const struct ivrs *v, int vret)
{
	const struct pcilu_topology *t = r->t;
	enum pcilu_acpi_table which = PCILU_ACPI_DMAR;
	size_t len = 0, n = 0;
	bool any = false;
	int ret;

	if (t->has_kernel_groups) {
		for (size_t i = 0; i < r->n; i++)
			r->untr[i] = t->devs[i].kernel_group == PCILU_NO_GROUP ? PCILU_UNTR_KERNEL : 0;
		return 0;
	}
	for (size_t i = 0; i < PCILU_ACPI_NTABLES; i++)
		any |= t->acpi[i].data != NULL;
	if (!pick_table(r, &which, &len)) {
		ret = from_table(r, which, t->acpi[which].data, len, v, vret);
		if (ret <= 0)
			return ret;
	}
	for (size_t i = 0; i < r->n; i++) {
		r->untr[i] = pcilu_iommu_function(&t->devs[i]) ? PCILU_UNTR_IOMMU_FN : 0;
		n += r->untr[i] != 0;
	}
	if (r->iommu_on && !any)
		pcilu_assume(r, PCILU_AS_COVERAGE, PCILU_NONE,
			     "coverage assumed complete%s: neither kernel groups nor an IOMMU table in the source",
			     n ? " but for an IOMMU's own function" : "");
	return 0;
}

/*
 * The IVRS table is read once, for two uses: the AMD driver's aliases, which
 * apply whenever it runs (the IOMMU on), and, unless the kernel's groups are
 * in the source, coverage. A malformed table gives no aliases; coverage names it.
 */
int pcilu_coverage_run(struct pcilu_iommu *r)
{
	const struct pcilu_blob *b = &r->t->acpi[PCILU_ACPI_IVRS];
	size_t len = b->data && (r->iommu_on || !r->t->has_kernel_groups) ? table_len(b, "IVRS") : 0;
	struct ivrs v = { 0 };
	int vret = len ? ivrs_parse(b->data, len, &v) : -EINVAL;
	int ret = vret == -ENOMEM ? vret : 0;

	if (!ret && !vret && r->iommu_on)
		ret = ivrs_aliases(r, &v);
	if (!ret)
		ret = coverage(r, &v, vret);
	ivrs_free(&v);
	return ret;
}

unsigned pcilu_iommu_untranslated(const struct pcilu_iommu *r, int32_t dev)
{
	return dev >= 0 && (size_t)dev < r->n ? r->untr[dev] : 0;
}
