// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Decoded lspci text: the fields of one device record (vvtext.c reads the
 * lines and records). Labels and flag tokens are matched, not columns, so
 * the differences between pciutils 3.5 and 3.13 (tokens added, reordered)
 * do no harm; every problem is reported with its line through vv_error().
 */
#include "source_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool vv_is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hexval(char c)
{
	return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

/* @n hex digits at @p exactly (the next byte not hex); false otherwise. */
bool vv_hex_n(const char *p, size_t len, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	if (len < n || (len > n && vv_is_hex(p[n])))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!vv_is_hex(p[i]))
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

const char *vv_find(const char *p, size_t len, const char *lit)
{
	return memmem(p, len, lit, strlen(lit));
}

bool vv_starts(const char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && !memcmp(p, lit, n);
}

/* The decimal after @key in the line; false if @key is absent or no number follows. */
static bool num_after(const char *p, size_t len, const char *key, uint32_t *out)
{
	const char *k = vv_find(p, len, key);

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

/*
 * The device part: "Vendor Device [vvvv:dddd] (rev xx) (prog-if xx [...])".
 * The ids are the last "[hhhh:hhhh]"; names may hold brackets of their own.
 */
void vv_parse_desc(struct vv_rec *r, const char *p, size_t len)
{
	const char *k;
	uint32_t v, w;

	/* lspci -n prints the ids alone: "vvvv:dddd (rev xx)" */
	if (len >= 9 && p[4] == ':' && vv_hex_n(p, 4, 4, &v) && vv_hex_n(p + 5, len - 5, 4, &w)) {
		r->vendor = (uint16_t)v;
		r->device = (uint16_t)w;
		r->ids_known = true;
	}
	for (size_t i = 0; i + 11 <= len; i++) {
		if (p[i] == '[' && p[i + 5] == ':' && p[i + 10] == ']' &&
		    vv_hex_n(p + i + 1, 4, 4, &v) && vv_hex_n(p + i + 6, 4, 4, &w)) {
			r->vendor = (uint16_t)v;
			r->device = (uint16_t)w;
			r->ids_known = true;
		}
	}
	k = vv_find(p, len, "(rev ");
	if (k && vv_hex_n(k + 5, (size_t)(p + len - k - 5), 2, &v))
		r->rev = (uint8_t)v;
	k = vv_find(p, len, "(prog-if ");
	if (k && vv_hex_n(k + 9, (size_t)(p + len - k - 9), 2, &v))
		r->class = (r->class & ~0xffu) | v;
	if (!r->ids_known)
		r->vendor = pcilu_vv_vendor(p, len);
}

/* "[pos]" or "[pos vN]" then the name: a capability of the list. */
static void parse_cap_header(struct vv_parser *s, const char *p, size_t len)
{
	struct vv_rec *r = &s->r;
	uint32_t pos = 0, ver = 0;
	size_t i = 1, n = 0;
	bool ext;

	s->sub = VS_NONE;
	s->cap = VC_OTHER;
	if (vv_starts(p, len, "<access denied>")) {
		r->denied = true;
		s->cap = VC_NONE;
		return;
	}
	while (i < len && n < 4 && vv_is_hex(p[i]))
		pos = pos << 4 | hexval(p[i++]), n++;
	if (!vv_starts(p, len, "[") || !n || n > 3 || i == len) {
		vv_error(s, "malformed capability line: expected '[offset]' after 'Capabilities: '");
		return;
	}
	ext = p[i] == ' ';
	if (ext) {
		size_t m;

		if (i + 2 >= len || p[i + 1] != 'v' || !(m = dec(p + i + 2, len - i - 2, &ver))) {
			vv_error(s, "malformed capability line: expected '[offset vN]'");
			return;
		}
		i += 2 + m;
	}
	if (i + 1 >= len || p[i] != ']' || p[i + 1] != ' ') {
		vv_error(s, "malformed capability line: expected ']' and a name");
		return;
	}
	ext = ext || pos >= PCILU_CFG_SIZE;
	if (ext ? (pos < PCILU_CFG_SIZE || pos > PCILU_CFG_EXP_SIZE - 4 || (pos & 3)) :
		  (pos < PCI_STD_HEADER_SIZEOF || pos > PCILU_CFG_SIZE - 4)) {
		vv_error(s, "%s offset 0x%x is outside %s", ext ? "extended capability" : "capability",
			  pos, ext ? "0x100-0xffc (dword aligned)" : "0x40-0xfc");
		return;
	}
	struct vv_cap *list = ext ? r->ecaps : r->caps;
	unsigned *cnt = ext ? &r->necaps : &r->ncaps;
	unsigned max = ext ? VV_MAX_ECAPS : VV_MAX_CAPS;

	for (unsigned k = 0; k < *cnt; k++) {
		if (list[k].pos == pos) {
			vv_error(s, "capability offset 0x%x listed twice (first at line %ld)",
				  pos, list[k].line);
			return;
		}
	}
	if (*cnt == max) {
		vv_error(s, "more than %u %scapabilities listed", max, ext ? "extended " : "");
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
			vv_error(s, "a second PCI Express capability (first at 0x%x)", r->pcie_pos);
			return;
		}
		r->pcie_pos = c->pos;
		s->cap = VC_PCIE;
		if (!pcilu_vv_pcie_type(name, nl, &r->pcie_ver, &r->pcie_ver_known, &r->pcie_type))
			vv_error(s, "PCI Express capability of unknown version or port type");
		r->pcie_slot = vv_find(name, nl, "(Slot+)") != NULL;
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

		vv_parse_desc(&t, name, nl);
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
void vv_parse_cap_field(struct vv_parser *s, const char *p, size_t len, unsigned level)
{
	struct vv_rec *r = &s->r;
	uint32_t a, b, c;
	int f;

	if (s->cap == VC_PCIE) {
		if (level == 2)
			s->sub = vv_starts(p, len, "DevCap2:") ? VS_DEVCAP2 :
				 vv_starts(p, len, "DevCtl2:") ? VS_DEVCTL2 : VS_OTHER;
		f = flag(p, len, "ARIFwd");
		if (f >= 0 && s->sub == VS_DEVCAP2)
			r->ari_cap2 = (int8_t)f;
		else if (f >= 0 && s->sub == VS_DEVCTL2)
			r->ari_ctl2 = (int8_t)f;
	} else if (s->cap == VC_ACS && level == 2) {
		bool cap = vv_starts(p, len, "ACSCap:"), ctl = vv_starts(p, len, "ACSCtl:");

		if ((cap || ctl) && !acs_bits(p, len, cap ? &r->acs_cap : &r->acs_ctl))
			vv_error(s, "%s line without its seven flags (SrcValid+/- ... DirectTrans+/-)",
				  cap ? "ACSCap" : "ACSCtl");
		r->acs_cap_known |= cap;
		r->acs_ctl_known |= ctl;
	} else if (s->cap == VC_ARI && vv_starts(p, len, "ARICap:")) {
		if (num_after(p, len, "Next Function: ", &a) && a <= 0xff)
			r->ari_nfn = (uint8_t)a;
		else
			vv_error(s, "ARICap line without 'Next Function: N'");
	} else if (s->cap == VC_SRIOV) {
		if (vv_starts(p, len, "IOVCtl:")) {
			int bits[5] = { flag(p, len, "Enable"), flag(p, len, "Migration"),
					flag(p, len, "Interrupt"), flag(p, len, "MSE"),
					flag(p, len, "ARIHierarchy") };

			if (bits[0] < 0) {
				vv_error(s, "IOVCtl line without 'Enable+' or 'Enable-'");
				return;
			}
			r->sriov_ctrl = 0;
			for (unsigned i = 0; i < 5; i++)
				r->sriov_ctrl |= (uint16_t)((bits[i] == 1) << i);
			r->sriov_ctl_known = true;
		} else if (vv_starts(p, len, "Initial VFs: ")) {
			if (!num_after(p, len, "Initial VFs: ", &a) || !num_after(p, len, "Total VFs: ", &b) ||
			    !num_after(p, len, "Number of VFs: ", &c) || a > 0xffff || b > 0xffff || c > 0xffff) {
				vv_error(s, "malformed SR-IOV 'Initial VFs: N, Total VFs: N, Number of VFs: N'");
				return;
			}
			r->sriov_initial = (uint16_t)a, r->sriov_total = (uint16_t)b, r->sriov_num = (uint16_t)c;
			r->sriov_vfs_known = true;
		} else if (vv_starts(p, len, "VF offset: ")) {
			const char *k = vv_find(p, len, "Device ID: ");

			if (!num_after(p, len, "VF offset: ", &a) || !num_after(p, len, "stride: ", &b) ||
			    a > 0xffff || b > 0xffff || !k ||
			    !vv_hex_n(k + 11, (size_t)(p + len - k - 11), 4, &c)) {
				vv_error(s, "malformed SR-IOV 'VF offset: N, stride: N, Device ID: hhhh'");
				return;
			}
			r->sriov_offset = (uint16_t)a, r->sriov_stride = (uint16_t)b;
			r->sriov_vfdev = (uint16_t)c;
			r->sriov_off_known = true;
		}
	}
}

/* The kernel's facts (ls-kernel.c): group, NUMA node, driver. */
static int parse_kernel_field(struct vv_parser *s, const char *p, size_t len)
{
	struct vv_rec *r = &s->r;
	uint32_t v;
	size_t n;

	if (vv_starts(p, len, "IOMMU group: ")) {
		n = dec(p + 13, len - 13, &v);
		if (!n || n != len - 13 || v > INT32_MAX)
			vv_error(s, "IOMMU group '%.*s' is not a group number",
				  (int)(len - 13 > 40 ? 40 : len - 13), p + 13);
		else
			r->group = (int32_t)v;
	} else if (vv_starts(p, len, "NUMA node: ")) {
		n = dec(p + 11, len - 11, &v);
		/* sysfs says -1 for "no node"; not part of any rule, so a warning */
		if (n && n == len - 11 && v <= INT32_MAX)
			r->node = (int32_t)v;
		else if (!(len - 11 == 2 && !memcmp(p + 11, "-1", 2)))
			pcilu_diag_add(s->d, PCILU_WARN, s->name, s->line, -1,
				       "NUMA node '%.*s' is not a node number; taken as unknown",
				       (int)(len - 11 > 40 ? 40 : len - 11), p + 11);
	} else if (vv_starts(p, len, "Kernel driver in use: ")) {
		free(r->driver);
		r->driver = strndup(p + 22, len - 22);
		if (!r->driver)
			return -ENOMEM;
	} else if (vv_starts(p, len, "Flags: ") && num_after(p, len, ", IOMMU group ", &v) &&
		   v <= INT32_MAX) {
		r->group = (int32_t)v;	/* lspci -v prints it in the Flags line */
	}
	return 0;
}

/* A line one level deep: a field of the device. */
int vv_parse_dev_field(struct vv_parser *s, const char *p, size_t len)
{
	struct vv_rec *r = &s->r;
	uint32_t a, b, c;

	s->cap = VC_NONE;
	if (vv_starts(p, len, "Capabilities: ")) {
		parse_cap_header(s, p + 14, len - 14);
	} else if (vv_starts(p, len, "Status: ")) {
		r->cap_list = flag(p, len, "Cap") == 1;
	} else if (vv_starts(p, len, "Bus: primary=")) {
		if (!vv_hex_n(p + 13, len - 13, 2, &a) || !vv_starts(p + 15, len - 15, ", secondary=") ||
		    !vv_hex_n(p + 27, len - 27, 2, &b) || !vv_starts(p + 29, len - 29, ", subordinate=") ||
		    !vv_hex_n(p + 43, len - 43, 2, &c)) {
			vv_error(s, "malformed 'Bus: primary=XX, secondary=XX, subordinate=XX'");
			return 0;
		}
		r->bridge = true;
		r->primary = (uint8_t)a, r->secondary = (uint8_t)b, r->subordinate = (uint8_t)c;
	} else if (vv_starts(p, len, "Subsystem: ")) {
		struct vv_rec t = { 0 };

		vv_parse_desc(&t, p + 11, len - 11);
		if (t.ids_known) {
			r->ss_vendor = t.vendor, r->ss_device = t.device;
			r->ss_known = true;
		}
	} else if (vv_starts(p, len, "!!! Unknown header type 7f")) {
		r->dead = true;	/* config reads all-ones: the kernel enumerated it, it is gone */
	} else {
		return parse_kernel_field(s, p, len);
	}
	return 0;
}

