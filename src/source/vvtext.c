// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Decoded lspci text without hex rows: `lspci -vv`, `-vvv`, with or without
 * -nn, -k, -D, as pciutils 3.5 to 3.13 print it (ls-caps.c, ls-ecaps.c,
 * ls-kernel.c). This is what people paste when they ask why a device shares
 * an IOMMU group, and what hardware databases keep; with pciutils 3.7 and
 * later it carries the kernel's own "IOMMU group: N" line.
 *
 * This file reads the text into one struct vv_rec per device, keeping the
 * line of everything it reports; vvtext_synth.c turns a record into the
 * config bytes the other sources give, so the pci layer cannot tell the
 * difference. What the text cannot carry is assumed there and listed once.
 *
 * The formats of 3.5 to 3.13 differ in details this reader does not depend
 * on: it reads labels ("ACSCap:", "Bus: primary=") and flag tokens
 * ("SrcValid+"), not columns, so added or reordered tokens do no harm.
 * Indentation may be tabs (as lspci prints) or spaces (pastes).
 */
#include "source_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define VP_MAX_SHOWN	100	/* as lspci.c: a garbage file needs no million messages */

enum vp_cap { VC_NONE, VC_PCIE, VC_ACS, VC_ARI, VC_SRIOV, VC_OTHER };
enum vp_sub { VS_NONE, VS_DEVCAP2, VS_DEVCTL2, VS_OTHER };

struct vp {
	const char *name;
	struct pcilu_raw_host *h;
	struct pcilu_diag *d;
	long line;
	size_t errors, shown, unshown, records, denied;
	long denied_line;
	bool in_dev, bad;
	enum vp_cap cap;
	enum vp_sub sub;
	struct vv_assumed as;
	struct vv_rec r;
};

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hexval(char c)
{
	return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

/* @n hex digits at @p exactly (the next byte not hex); false otherwise. */
static bool hex_n(const char *p, size_t len, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	if (len < n || (len > n && is_hex(p[n])))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_hex(p[i]))
			return false;
		v = v << 4 | hexval(p[i]);
	}
	*out = v;
	return true;
}

/* Unsigned decimal at @p (at most 9 digits); the length read, 0 if none. */
static size_t dec(const char *p, size_t len, uint32_t *out)
{
	size_t i = 0;
	uint32_t v = 0;

	while (i < len && i < 10 && p[i] >= '0' && p[i] <= '9')
		v = v * 10 + (uint32_t)(p[i++] - '0');
	if (i == 10 || (i < len && p[i] >= '0' && p[i] <= '9'))
		return 0;
	*out = v;
	return i;
}

static const char *find(const char *p, size_t len, const char *lit)
{
	return memmem(p, len, lit, strlen(lit));
}

static bool starts(const char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && !memcmp(p, lit, n);
}

/* The decimal after @key in the line; false if @key is absent or no number follows. */
static bool num_after(const char *p, size_t len, const char *key, uint32_t *out)
{
	const char *k = find(p, len, key);

	if (!k)
		return false;
	k += strlen(key);
	return dec(k, (size_t)(p + len - k), out) > 0;
}

/*
 * A flag token "Name+" or "Name-" standing alone (after a blank, tab, or the
 * label's colon): 1, 0, or -1 when the line does not carry it.
 */
static int flag(const char *p, size_t len, const char *name)
{
	size_t n = strlen(name);

	for (const char *k = p; (k = memmem(k, (size_t)(p + len - k), name, n)); k++) {
		size_t at = (size_t)(k - p) + n;

		if (k > p && k[-1] != ' ' && k[-1] != '\t' && k[-1] != ':')
			continue;
		if (at < len && (p[at] == '+' || p[at] == '-') &&
		    (at + 1 == len || p[at + 1] == ' ' || p[at + 1] == ',' || p[at + 1] == '\t'))
			return p[at] == '+';
	}
	return -1;
}

static void bdf_str(const struct vv_rec *r, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%u", r->seg, r->bus, r->devfn >> 3, r->devfn & 7u);
}

/* A problem in the current record: it is dropped (--lenient leaves it out). */
__attribute__((format(printf, 2, 3)))
static void rec_error(struct vp *s, const char *fmt, ...)
{
	char msg[256], bdf[24];
	bool show = s->shown < VP_MAX_SHOWN;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->shown += show;
	s->unshown += !show;
	bdf_str(&s->r, bdf, sizeof(bdf));
	if (show)
		pcilu_diag_add(s->d, PCILU_ERROR, s->name, s->line, -1,
			       "%s: %s%s", bdf, msg, s->bad ? "" :
			       "; the device cannot be read (--lenient leaves it out)");
	if (!s->bad)
		s->errors++;
	s->bad = true;
}

static void reset_record(struct vp *s)
{
	free(s->r.driver);
	memset(&s->r, 0, sizeof(s->r));
	s->r.group = PCILU_NO_GROUP;
	s->r.node = PCILU_NO_NODE;
	s->r.ari_cap2 = s->r.ari_ctl2 = -1;
	s->in_dev = s->bad = false;
	s->cap = VC_NONE;
	s->sub = VS_NONE;
}

static int end_record(struct vp *s)
{
	struct pcilu_raw_dev *rd;
	uint8_t *cfg;
	int ret = 0;

	if (!s->in_dev)
		return 0;
	if (++s->records > PCILU_MAX_DEVICES) {
		pcilu_diag_add(s->d, PCILU_ERROR, s->name, 0, -1,
			       "more than %u devices (the limit PCILU_MAX_DEVICES), the next at line %ld: the text is refused",
			       PCILU_MAX_DEVICES, s->r.line);
		ret = -E2BIG;
		goto out;
	}
	if (s->bad)
		goto out;
	cfg = malloc(PCILU_CFG_EXP_SIZE);
	if (!cfg) {
		ret = -ENOMEM;
		goto out;
	}
	memset(cfg, 0xff, PCILU_CFG_EXP_SIZE);
	rd = pcilu_raw_host_add(s->h);
	if (!rd) {
		free(cfg);
		ret = -ENOMEM;
		goto out;
	}
	/* The multifunction bit is set later, once every function of the slot is known. */
	rd->cfg_len = pcilu_vv_synth(&s->r, cfg, &s->as);
	rd->cfg = cfg;
	rd->seg = s->r.seg;
	rd->bus = s->r.bus;
	rd->devfn = s->r.devfn;
	rd->line = s->r.line;
	rd->kernel_group = s->r.group;
	rd->numa_node = s->r.node;
	rd->driver = s->r.driver;
	s->r.driver = NULL;
	if (rd->kernel_group != PCILU_NO_GROUP)
		s->h->has_kernel_groups = true;
	if (s->r.denied && !s->denied++)
		s->denied_line = s->r.line;
out:
	reset_record(s);
	return ret;
}

/* "[cccc]" at the end of the class part (with -nn). */
static void parse_class(struct vv_rec *r, const char *p, size_t len)
{
	uint32_t v;

	if (len >= 7 && p[len - 1] == ']' && p[len - 6] == '[' && p[len - 7] == ' ' &&
	    hex_n(p + len - 5, 4, 4, &v)) {
		r->class = v << 8;
		r->class_known = true;
		return;
	}
	/* Without -nn only the bridge classes matter: header type comes from "Bus:". */
	if (len == 10 && !memcmp(p, "PCI bridge", 10))
		r->class = 0x060400, r->class_known = true;
	else if (len == 14 && !memcmp(p, "CardBus bridge", 14))
		r->class = 0x060700, r->class_known = true;
	else if (len == 11 && !memcmp(p, "Host bridge", 11))
		r->class = 0x060000, r->class_known = true;
	else if (len == 10 && !memcmp(p, "ISA bridge", 10))
		r->class = 0x060100, r->class_known = true;	/* Intel's LPC: see vvtext_synth.c */
	r->cardbus = (r->class >> 8) == 0x0607;
}

/*
 * The device part: "Vendor Device [vvvv:dddd] (rev xx) (prog-if xx [...])".
 * The ids are the last "[hhhh:hhhh]"; names may hold brackets of their own.
 */
static void parse_desc(struct vv_rec *r, const char *p, size_t len)
{
	const char *k;
	uint32_t v, w;

	for (size_t i = 0; i + 11 <= len; i++) {
		if (p[i] == '[' && p[i + 5] == ':' && p[i + 10] == ']' &&
		    hex_n(p + i + 1, 4, 4, &v) && hex_n(p + i + 6, 4, 4, &w)) {
			r->vendor = (uint16_t)v;
			r->device = (uint16_t)w;
			r->ids_known = true;
		}
	}
	k = find(p, len, "(rev ");
	if (k && hex_n(k + 5, (size_t)(p + len - k - 5), 2, &v))
		r->rev = (uint8_t)v;
	k = find(p, len, "(prog-if ");
	if (k && hex_n(k + 9, (size_t)(p + len - k - 9), 2, &v))
		r->class = (r->class & ~0xffu) | v;
	if (!r->ids_known)
		r->vendor = pcilu_vv_vendor(p, len);
}

static int start_record(struct vp *s, const char *p, size_t len, size_t alen,
			uint32_t seg, uint8_t bus, uint8_t devfn, bool bad)
{
	const char *c;

	reset_record(s);
	s->in_dev = true;
	s->r.seg = seg;
	s->r.bus = bus;
	s->r.devfn = devfn;
	s->r.line = s->line;
	if (bad) {
		rec_error(s, "malformed device address '%.*s' (slot above 1f or function above 7)",
			  (int)alen, p);
		return 0;
	}
	p += alen + 1;
	len -= alen + 1;
	c = find(p, len, ": ");
	if (!c) {
		rec_error(s, "device header without 'class: device' after the address");
		return 0;
	}
	parse_class(&s->r, p, (size_t)(c - p));
	parse_desc(&s->r, c + 2, (size_t)(p + len - c - 2));
	return 0;
}

/* "[pos]" or "[pos vN]" then the name: a capability of the list. */
static void parse_cap_header(struct vp *s, const char *p, size_t len)
{
	struct vv_rec *r = &s->r;
	uint32_t pos = 0, ver = 0;
	size_t i = 1, n = 0;
	bool ext;

	s->sub = VS_NONE;
	s->cap = VC_OTHER;
	if (starts(p, len, "<access denied>")) {
		r->denied = true;
		s->cap = VC_NONE;
		return;
	}
	while (i < len && n < 4 && is_hex(p[i]))
		pos = pos << 4 | hexval(p[i++]), n++;
	if (!starts(p, len, "[") || !n || n > 3 || i == len) {
		rec_error(s, "malformed capability line: expected '[offset]' after 'Capabilities: '");
		return;
	}
	ext = p[i] == ' ';
	if (ext) {
		size_t m;

		if (i + 2 >= len || p[i + 1] != 'v' || !(m = dec(p + i + 2, len - i - 2, &ver))) {
			rec_error(s, "malformed capability line: expected '[offset vN]'");
			return;
		}
		i += 2 + m;
	}
	if (i + 1 >= len || p[i] != ']' || p[i + 1] != ' ') {
		rec_error(s, "malformed capability line: expected ']' and a name");
		return;
	}
	ext = ext || pos >= PCILU_CFG_SIZE;
	if (ext ? (pos < PCILU_CFG_SIZE || pos > PCILU_CFG_EXP_SIZE - 4 || (pos & 3)) :
		  (pos < PCI_STD_HEADER_SIZEOF || pos > PCILU_CFG_SIZE - 4)) {
		rec_error(s, "%s capability offset 0x%x is outside %s", ext ? "extended" : "",
			  pos, ext ? "0x100-0xffc (dword aligned)" : "0x40-0xfc");
		return;
	}
	struct vv_cap *list = ext ? r->ecaps : r->caps;
	unsigned *cnt = ext ? &r->necaps : &r->ncaps;
	unsigned max = ext ? VV_MAX_ECAPS : VV_MAX_CAPS;

	for (unsigned k = 0; k < *cnt; k++) {
		if (list[k].pos == pos) {
			rec_error(s, "capability offset 0x%x listed twice (first at line %ld)",
				  pos, list[k].line);
			return;
		}
	}
	if (*cnt == max) {
		rec_error(s, "more than %u %scapabilities listed", max, ext ? "extended " : "");
		return;
	}
	const char *name = p + i + 2;
	size_t nl = len - i - 2;
	struct vv_cap *c = &list[(*cnt)++];

	c->pos = (uint16_t)(pos & ~3u);
	c->ver = (uint8_t)(ver & 0xf);
	c->line = s->line;
	c->id = pcilu_vv_cap_id(name, nl, ext);
	if (!ext && c->id == PCI_CAP_ID_EXP) {
		if (r->pcie_pos) {
			rec_error(s, "a second PCI Express capability (first at 0x%x)", r->pcie_pos);
			return;
		}
		r->pcie_pos = c->pos;
		s->cap = VC_PCIE;
		if (!pcilu_vv_pcie_type(name, nl, &r->pcie_ver, &r->pcie_type))
			rec_error(s, "PCI Express capability of unknown version or port type");
		r->pcie_slot = flag(name, nl, "(Slot") == 1;
	} else if (ext && c->id == PCI_EXT_CAP_ID_ACS && !r->acs_pos) {
		r->acs_pos = c->pos;
		s->cap = VC_ACS;
	} else if (ext && c->id == PCI_EXT_CAP_ID_ARI && !r->ari_pos) {
		r->ari_pos = c->pos;
		s->cap = VC_ARI;
	} else if (ext && c->id == PCI_EXT_CAP_ID_SRIOV && !r->sriov_pos) {
		r->sriov_pos = c->pos;
		s->cap = VC_SRIOV;
	} else if (!ext && c->id == PCI_CAP_ID_SSVID) {
		/* Bridges name their subsystem here: "Subsystem: ... [ssvv:ssdd]". */
		struct vv_rec t = { 0 };

		parse_desc(&t, name, nl);
		if (t.ids_known) {
			r->ss_vendor = t.vendor, r->ss_device = t.device;
			r->ss_known = true;
		}
	}
}

/* ACS Capability or Control flags, as ls-ecaps.c names bits 0-6. */
static bool acs_bits(const char *p, size_t len, uint16_t *out)
{
	static const char *const names[] = {
		"SrcValid", "TransBlk", "ReqRedir", "CmpltRedir", "UpstreamFwd", "EgressCtrl", "DirectTrans",
	};
	uint16_t v = 0;
	unsigned seen = 0;

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int f = flag(p, len, names[i]);

		seen += f >= 0;
		if (f == 1)
			v |= (uint16_t)(1u << i);
	}
	*out = v;
	return seen == sizeof(names) / sizeof(names[0]);
}

/* A line two levels deep: a field of the current capability. */
static void parse_cap_field(struct vp *s, const char *p, size_t len, unsigned level)
{
	struct vv_rec *r = &s->r;
	uint32_t a, b, c;
	int f;

	if (s->cap == VC_PCIE) {
		if (level == 2)
			s->sub = starts(p, len, "DevCap2:") ? VS_DEVCAP2 :
				 starts(p, len, "DevCtl2:") ? VS_DEVCTL2 : VS_OTHER;
		f = flag(p, len, "ARIFwd");
		if (f >= 0 && s->sub == VS_DEVCAP2)
			r->ari_cap2 = (int8_t)f;
		else if (f >= 0 && s->sub == VS_DEVCTL2)
			r->ari_ctl2 = (int8_t)f;
	} else if (s->cap == VC_ACS && level == 2) {
		bool cap = starts(p, len, "ACSCap:"), ctl = starts(p, len, "ACSCtl:");

		if ((cap || ctl) && !acs_bits(p, len, cap ? &r->acs_cap : &r->acs_ctl))
			rec_error(s, "%s line without its seven flags (SrcValid+/- ... DirectTrans+/-)",
				  cap ? "ACSCap" : "ACSCtl");
		r->acs_cap_known |= cap;
		r->acs_ctl_known |= ctl;
	} else if (s->cap == VC_ARI && starts(p, len, "ARICap:")) {
		if (num_after(p, len, "Next Function: ", &a) && a <= 0xff)
			r->ari_nfn = (uint8_t)a;
		else
			rec_error(s, "ARICap line without 'Next Function: N'");
	} else if (s->cap == VC_SRIOV) {
		if (starts(p, len, "IOVCtl:")) {
			int bits[5] = { flag(p, len, "Enable"), flag(p, len, "Migration"),
					flag(p, len, "Interrupt"), flag(p, len, "MSE"),
					flag(p, len, "ARIHierarchy") };

			if (bits[0] < 0) {
				rec_error(s, "IOVCtl line without 'Enable+' or 'Enable-'");
				return;
			}
			r->sriov_ctrl = 0;
			for (unsigned i = 0; i < 5; i++)
				r->sriov_ctrl |= (uint16_t)((bits[i] == 1) << i);
			r->sriov_ctl_known = true;
		} else if (starts(p, len, "Initial VFs: ")) {
			if (!num_after(p, len, "Initial VFs: ", &a) || !num_after(p, len, "Total VFs: ", &b) ||
			    !num_after(p, len, "Number of VFs: ", &c) || a > 0xffff || b > 0xffff || c > 0xffff) {
				rec_error(s, "malformed SR-IOV 'Initial VFs: N, Total VFs: N, Number of VFs: N'");
				return;
			}
			r->sriov_initial = (uint16_t)a, r->sriov_total = (uint16_t)b, r->sriov_num = (uint16_t)c;
			r->sriov_vfs_known = true;
		} else if (starts(p, len, "VF offset: ")) {
			const char *k = find(p, len, "Device ID: ");

			if (!num_after(p, len, "VF offset: ", &a) || !num_after(p, len, "stride: ", &b) ||
			    a > 0xffff || b > 0xffff || !k ||
			    !hex_n(k + 11, (size_t)(p + len - k - 11), 4, &c)) {
				rec_error(s, "malformed SR-IOV 'VF offset: N, stride: N, Device ID: hhhh'");
				return;
			}
			r->sriov_offset = (uint16_t)a, r->sriov_stride = (uint16_t)b;
			r->sriov_vfdev = (uint16_t)c;
			r->sriov_off_known = true;
		}
	}
}

/* The kernel's facts (ls-kernel.c): group, NUMA node, driver. */
static int parse_kernel_field(struct vp *s, const char *p, size_t len)
{
	struct vv_rec *r = &s->r;
	uint32_t v;
	size_t n;

	if (starts(p, len, "IOMMU group: ")) {
		n = dec(p + 13, len - 13, &v);
		if (!n || n != len - 13 || v > INT32_MAX)
			rec_error(s, "IOMMU group '%.*s' is not a group number",
				  (int)(len - 13 > 40 ? 40 : len - 13), p + 13);
		else
			r->group = (int32_t)v;
	} else if (starts(p, len, "NUMA node: ")) {
		n = dec(p + 11, len - 11, &v);
		/* sysfs says -1 for "no node"; not part of any rule, so a warning */
		if (n && n == len - 11 && v <= INT32_MAX)
			r->node = (int32_t)v;
		else if (!(len - 11 == 2 && !memcmp(p + 11, "-1", 2)))
			pcilu_diag_add(s->d, PCILU_WARN, s->name, s->line, -1,
				       "NUMA node '%.*s' is not a node number; taken as unknown",
				       (int)(len - 11 > 40 ? 40 : len - 11), p + 11);
	} else if (starts(p, len, "Kernel driver in use: ")) {
		free(r->driver);
		r->driver = strndup(p + 22, len - 22);
		if (!r->driver)
			return -ENOMEM;
	} else if (starts(p, len, "Flags: ") && num_after(p, len, ", IOMMU group ", &v) &&
		   v <= INT32_MAX) {
		r->group = (int32_t)v;	/* lspci -v prints it in the Flags line */
	}
	return 0;
}

/* A line one level deep: a field of the device. */
static int parse_dev_field(struct vp *s, const char *p, size_t len)
{
	struct vv_rec *r = &s->r;
	uint32_t a, b, c;

	s->cap = VC_NONE;
	if (starts(p, len, "Capabilities: ")) {
		parse_cap_header(s, p + 14, len - 14);
	} else if (starts(p, len, "Status: ")) {
		r->cap_list = flag(p, len, "Cap") == 1;
	} else if (starts(p, len, "Bus: primary=")) {
		if (!hex_n(p + 13, len - 13, 2, &a) || !starts(p + 15, len - 15, ", secondary=") ||
		    !hex_n(p + 27, len - 27, 2, &b) || !starts(p + 29, len - 29, ", subordinate=") ||
		    !hex_n(p + 43, len - 43, 2, &c)) {
			rec_error(s, "malformed 'Bus: primary=XX, secondary=XX, subordinate=XX'");
			return 0;
		}
		r->bridge = true;
		r->primary = (uint8_t)a, r->secondary = (uint8_t)b, r->subordinate = (uint8_t)c;
	} else if (starts(p, len, "Subsystem: ")) {
		struct vv_rec t = { 0 };

		parse_desc(&t, p + 11, len - 11);
		if (t.ids_known) {
			r->ss_vendor = t.vendor, r->ss_device = t.device;
			r->ss_known = true;
		}
	} else if (starts(p, len, "!!! Unknown header type 7f")) {
		r->dead = true;	/* config reads all-ones: the kernel enumerated it, it is gone */
	} else {
		return parse_kernel_field(s, p, len);
	}
	return 0;
}

/* Indentation depth: tabs as lspci prints, or spaces as pastes turn them into. */
static unsigned indent(const char *p, size_t len, size_t *skip)
{
	size_t i = 0, tabs = 0, spaces = 0;

	while (i < len && (p[i] == '\t' || p[i] == ' ')) {
		tabs += p[i] == '\t';
		spaces += p[i] == ' ';
		i++;
	}
	*skip = i;
	if (tabs)
		return (unsigned)(tabs > 3 ? 3 : tabs);
	if (!spaces)
		return 0;
	return spaces < 12 ? 1 : spaces < 20 ? 2 : 3;
}

static int parse_line(struct vp *s, const char *p, size_t len)
{
	size_t skip;
	unsigned level;

	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (!len)
		return end_record(s);
	level = indent(p, len, &skip);
	if (!level) {
		uint32_t seg = 0;
		uint8_t bus, devfn;
		bool has_seg, bad = false;
		size_t alen = pcilu_src_parse_bdf(p, len, &seg, &has_seg, &bus, &devfn, &bad);

		/* Anything else at column 0 (a wrapped header, a prompt) is not ours. */
		if (!alen || alen == len || p[alen] != ' ')
			return 0;
		int ret = end_record(s);

		return ret ? ret : start_record(s, p, len, alen, has_seg ? seg : 0, bus, devfn, bad);
	}
	if (!s->in_dev || s->bad)
		return 0;
	p += skip;
	len -= skip;
	if (level == 1)
		return parse_dev_field(s, p, len);
	parse_cap_field(s, p, len, level);
	return 0;
}

/*
 * Decoded text, not a hex dump: some line is a device header, and no line
 * is a hex row ("00: 86 80 ..."), which every -x dump has.
 */
bool pcilu_lspci_is_text(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	bool header = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p), i = 0;

		while (i < n && i < 9 && is_hex(p[i]))
			i++;
		if (i >= 2 && i < n && p[i] == ':' && (i + 1 == n || p[i + 1] == ' ' || p[i + 1] == '\r'))
			return false;
		if (i >= 2 && i < n && p[i] == ':') {
			uint32_t seg;
			uint8_t bus, devfn;
			bool has_seg, bad = false;
			size_t a = pcilu_src_parse_bdf(p, n, &seg, &has_seg, &bus, &devfn, &bad);

			header = header || (a && a < n && p[a] == ' ');
		}
		p = nl ? nl + 1 : end;
	}
	return header;
}

int pcilu_load_lspci_text(const char *name, const char *text, size_t len,
			  const struct pcilu_source_opts *opts,
			  struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	const char *p = text, *end = text + len;
	struct vp *s;
	int ret = 0;

	pcilu_raw_host_init(h, PCILU_SRC_LSPCI, name);
	if (name && !h->name)
		return -ENOMEM;
	if (!name)
		name = "<input>";
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->name = name;
	s->h = h;
	s->d = d;
	reset_record(s);
	/* Whether the kernel formed groups decides an assumption made per device. */
	s->as.groups = memmem(text, len, "IOMMU group", 11) != NULL;
	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (le > p && le[-1] == '\r')
			le--;
		s->line++;
		ret = parse_line(s, p, (size_t)(le - p));
		p = nl ? nl + 1 : end;
	}
	if (!ret)
		ret = end_record(s);
	reset_record(s);
	if (!ret)
		ret = pcilu_vv_finish(h, name, &s->as, d);
	if (!ret && s->denied) {
		h->config_truncated = true;
		pcilu_diag_add(d, PCILU_WARN, name, s->denied_line, -1,
			       "capabilities of %zu device%s read '<access denied>' (lspci was not run as root): "
			       "whether they are PCI Express, and their ACS, ARI and SR-IOV, are unknown, never taken as absent; "
			       "run 'sudo lspci -vv'", s->denied, s->denied == 1 ? "" : "s");
	}
	if (s->unshown)
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "%zu more errors not shown", s->unshown);
	if (!ret && !h->count) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "no devices found");
		ret = -EINVAL;
	}
	if (!ret && s->errors && !(opts && opts->lenient))
		ret = -EINVAL;
	free(s);
	return ret;
}
