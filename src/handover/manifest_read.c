// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a handover manifest. Everything is checked before it is believed:
 * the file may be truncated, corrupt, written by another tool or by a newer
 * pcilu, and a wrong verdict after kexec is worse than a clear refusal.
 * The blob is read in one pass (manifest_scan.c gives each tag once,
 * checked), in place at any alignment: the seal first, as soon as the root's
 * properties end, then each node as it comes; the checks across nodes
 * (manifest_set.c) when the blob has ended.
 */
#include "handover_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum pkind { P_U32, P_U64, P_STR, P_ADDRS, P_BUSNUM };

struct pspec {
	const char *name;
	enum pkind kind;
	bool required;
	uint32_t max;		/* P_U32: largest value allowed */
	uint32_t min;
};

static const struct pspec root_props[] = {
	{ "compatible", P_STR, true, 0, 0 },
	{ "pcilu-version", P_STR, true, 0, 0 },
	{ "rule-profile", P_STR, true, 0, 0 },
	{ "forced", P_U32, true, 1, 0 },
	{ "crc32", P_U32, false, UINT32_MAX, 0 },	/* pcilu 0.2 on; checked first, by pcilu_manifest_check_crc() */
};

static const struct pspec host_props[] = {
	{ "kernel-release", P_STR, false, 0, 0 },
	{ "boot-id", P_STR, false, 0, 0 },
	{ "machine-id", P_STR, false, 0, 0 },
	{ "time", P_U64, true, 0, 0 },
	{ "source", P_STR, false, 0, 0 },	/* absent in manifests of pcilu 0.1.0 */
	{ "iommu", P_STR, false, 0, 0 },	/* "iommu" and "pci-liveupdate": pcilu 0.2 on */
	{ "pci-liveupdate", P_STR, false, 0, 0 },
};
#define NHOST_PROPS (sizeof(host_props) / sizeof(host_props[0]))

/* "no", "yes", "unknown" as pcilu_lu_klu_name() writes them; -1 for anything else. */
static int klu_parse(const char *s)
{
	for (unsigned v = PCILU_KLU_UNKNOWN; v <= PCILU_KLU_YES; v++)
		if (!strcmp(s, pcilu_lu_klu_name(v)))
			return (int)v;
	return -1;
}

enum {
	D_SEG, D_BUS, D_DEVFN, D_VENDOR, D_DEVICE, D_SVENDOR, D_SDEVICE, D_CLASS, D_REV, D_ROLE,
	D_REF, D_ACSCAP, D_ACSCTRL, D_BUSNUM, D_ARI, D_GROUP, D_KGROUP, D_KMEMBERS, D_COUNT
};

static const struct pspec dev_props[D_COUNT] = {
	[D_SEG] = { "segment", P_U32, true, UINT32_MAX, 0 },
	[D_BUS] = { "bus", P_U32, true, 0xff, 0 },
	[D_DEVFN] = { "devfn", P_U32, true, 0xff, 0 },
	[D_VENDOR] = { "vendor-id", P_U32, true, 0xfffe, 0 },
	[D_DEVICE] = { "device-id", P_U32, true, 0xffff, 0 },
	[D_SVENDOR] = { "subsystem-vendor-id", P_U32, true, 0xffff, 0 },
	[D_SDEVICE] = { "subsystem-id", P_U32, true, 0xffff, 0 },
	[D_CLASS] = { "class-code", P_U32, true, 0xffffff, 0 },
	[D_REV] = { "revision-id", P_U32, true, 0xff, 0 },
	[D_ROLE] = { "role", P_STR, true, 0, 0 },
	[D_REF] = { "refcount", P_U32, true, PCILU_MANIFEST_MAX_NODES, 1 },
	[D_ACSCAP] = { "acs-cap", P_U32, false, 0xffff, 0 },
	[D_ACSCTRL] = { "acs-ctrl", P_U32, false, 0xffff, 0 },
	[D_BUSNUM] = { "bus-numbers", P_BUSNUM, false, 0xff, 0 },
	[D_ARI] = { "ari-forwarding", P_U32, true, 1, 0 },
	[D_GROUP] = { "iommu-group", P_ADDRS, false, 0, 0 },
	[D_KGROUP] = { "kernel-iommu-group", P_U32, false, INT32_MAX, 0 },
	[D_KMEMBERS] = { "kernel-iommu-group-members", P_ADDRS, false, 0, 0 },
};

struct pval {
	bool seen;
	uint64_t u;
	const char *s;
	const uint8_t *cells;	/* big-endian, at any alignment */
	size_t ncells;
};

/*
 * The reader takes each tag once, from the one pass of manifest_scan.c, in
 * the order of the blob: a node's properties, then its children.
 */
struct reader {
	struct pcilu_fdt_scan s;
	struct pcilu_fdt_tok t;		/* the tag being looked at */
	const char *parent;		/* path of the node's parent, for messages: "" or "/devices" */
	const char *name;		/* the node's name, NULL for the root */
	uint32_t namelen;
	const char *dev_name[D_COUNT];	/* where each device property's name was last found */
};

static void enter(struct reader *r, const char *parent, const char *name, uint32_t namelen)
{
	r->parent = parent;
	r->name = name;
	r->namelen = namelen;
}

/* @off: of the tag in the structure block, or -1. */
static int bad(struct reader *r, long off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(struct reader *r, long off, const char *fmt, ...)
{
	char text[512], node[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (r->name)
		snprintf(node, sizeof(node), "%s/%.*s", r->parent, r->namelen > 60 ? 60 : (int)r->namelen, r->name);
	else
		snprintf(node, sizeof(node), "/");
	pcilu_diag_add(r->s.d, PCILU_ERROR, r->s.file, 0, off >= 0 ? (long)r->s.st + off : -1, "node %s: %s",
		       node, text);
	return -EINVAL;
}

static bool string_ok(const char *s, uint32_t len)
{
	if (len < 1 || len > PCILU_MANIFEST_STR_MAX || s[len - 1] != '\0')
		return false;
	for (uint32_t i = 0; i < len - 1; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static int check_value(struct reader *r, const struct pcilu_fdt_tok *t, const struct pspec *p, struct pval *out)
{
	const uint8_t *c = t->val;
	long off = t->off;
	uint32_t len = t->len;

	switch (p->kind) {
	case P_U32:
		if (len != 4)
			return bad(r, off, "property \"%s\" has %u bytes, expected 4", p->name, len);
		out->u = pcilu_be32(c);
		if (out->u > p->max || out->u < p->min)
			return bad(r, off, "property \"%s\" is %#llx, outside %#x..%#x", p->name,
				   (unsigned long long)out->u, p->min, p->max);
		return 0;
	case P_U64:
		if (len != 8)
			return bad(r, off, "property \"%s\" has %u bytes, expected 8", p->name, len);
		out->u = (uint64_t)pcilu_be32(c) << 32 | pcilu_be32(c + 4);
		return 0;
	case P_STR:
		if (!string_ok((const char *)c, len))
			return bad(r, off, "property \"%s\" is not one printable string of at most %u bytes",
				   p->name, PCILU_MANIFEST_STR_MAX - 1);
		out->s = (const char *)c;
		return 0;
	case P_BUSNUM:
		if (len != 12)
			return bad(r, off, "property \"%s\" has %u bytes, expected 12", p->name, len);
		for (size_t i = 0; i < 12; i += 4)
			if (pcilu_be32(c + i) > 0xff)
				return bad(r, off, "property \"%s\": bus number %#x exceeds 0xff", p->name,
					   pcilu_be32(c + i));
		out->cells = c;
		return 0;
	case P_ADDRS:
		if (len == 0 || len % 8 || len > PCILU_MANIFEST_MAX_GROUP * 8)
			return bad(r, off, "property \"%s\" has %u bytes, expected a multiple of 8 from 8 to %u",
				   p->name, len, PCILU_MANIFEST_MAX_GROUP * 8);
		for (uint32_t i = 4; i < len; i += 8)
			if (pcilu_be32(c + i) > 0xffff)
				return bad(r, off, "property \"%s\": bus/devfn %#x exceeds 0xffff", p->name,
					   pcilu_be32(c + i));
		out->cells = c;
		out->ncells = len / 4;
		return 0;
	}
	return -EINVAL;
}

/*
 * One property of a node against @spec: unknown, repeated and malformed ones
 * fail. pcilu writes them in @spec's order, so the search starts after the
 * last one found (*hint) and usually succeeds at once.
 */
static int take_prop(struct reader *r, const struct pcilu_fdt_tok *t, const struct pspec *spec, size_t n,
		     struct pval *vals, size_t *hint)
{
	size_t k = n, i;

	/* Names are shared in the blob: the one found at this spot before is the same pointer. */
	if (*hint < n && spec == dev_props && r->dev_name[*hint] == t->name) {
		k = *hint;
		i = 0;
	} else {
		for (i = 0; i < n; i++) {
			k = (*hint + i) % n;
			if (!strcmp(spec[k].name, t->name))
				break;
		}
	}
	if (i == n)
		return bad(r, t->off, "unknown property \"%.64s\"", t->name);
	if (spec == dev_props)
		r->dev_name[k] = t->name;
	if (vals[k].seen)
		return bad(r, t->off, "property \"%s\" appears twice", t->name);
	vals[k].seen = true;
	*hint = k + 1;
	return check_value(r, t, &spec[k], &vals[k]);
}

static int required(struct reader *r, const struct pspec *spec, size_t n, const struct pval *vals)
{
	for (size_t k = 0; k < n; k++)
		if (spec[k].required && !vals[k].seen)
			return bad(r, -1, "required property \"%s\" is missing", spec[k].name);
	return 0;
}

/* The properties that open the node just begun; leaves the first other tag in r->t. */
static int read_props(struct reader *r, const struct pspec *spec, size_t n, struct pval *vals)
{
	size_t hint = 0;
	int ret;

	if (n)
		memset(vals, 0, n * sizeof(*vals));
	for (;;) {
		ret = pcilu_fdt_scan_next(&r->s, &r->t);
		if (ret)
			return ret;
		if (r->t.tag != PCILU_FDT_PROP)
			break;
		ret = take_prop(r, &r->t, spec, n, vals, &hint);
		if (ret)
			return ret;
	}
	return required(r, spec, n, vals);
}

/* After a host or device node's properties: its end, not a child. */
static int no_subnodes(struct reader *r)
{
	if (r->t.tag == PCILU_FDT_BEGIN_NODE)
		return bad(r, -1, "unexpected child node \"%.64s\"", r->t.name);
	return 0;
}

static char *dup_str(const struct pval *v, int *ret)
{
	char *s;

	if (!v->seen)
		return NULL;
	s = strdup(v->s);
	if (!s)
		*ret = -ENOMEM;
	return s;
}

static int read_host(struct reader *r, struct pcilu_manifest *m)
{
	struct pval v[NHOST_PROPS];
	int ret;

	enter(r, "", r->t.name, r->t.len);
	ret = read_props(r, host_props, NHOST_PROPS, v);
	ret = ret ?: no_subnodes(r);
	if (ret)
		return ret;
	if (v[4].seen && !strcmp(v[4].s, "live"))
		m->host.source = PCILU_HOST_LIVE;
	else if (v[4].seen && !strcmp(v[4].s, "capture"))
		m->host.source = PCILU_HOST_CAPTURE;
	else if (v[4].seen)
		return bad(r, -1, "property \"source\" is \"%s\", expected \"live\" or \"capture\"", v[4].s);
	if (v[5].seen != v[6].seen)
		return bad(r, -1, "properties \"iommu\" and \"pci-liveupdate\" come together");
	if (v[5].seen) {
		int k = klu_parse(v[6].s);

		if (strcmp(v[5].s, "on") && strcmp(v[5].s, "off"))
			return bad(r, -1, "property \"iommu\" is \"%s\", expected \"on\" or \"off\"", v[5].s);
		if (k < 0)
			return bad(r, -1, "property \"pci-liveupdate\" is \"%s\", expected \"no\", \"yes\" or "
				   "\"unknown\"", v[6].s);
		m->host.facts_recorded = true;
		m->host.iommu_on = !strcmp(v[5].s, "on");
		m->host.pci_lu = (uint8_t)k;
	}
	m->host.kernel_release = dup_str(&v[0], &ret);
	m->host.boot_id = dup_str(&v[1], &ret);
	m->host.machine_id = dup_str(&v[2], &ret);
	m->host.time = v[3].u;
	return ret;
}

static int copy_addrs(struct reader *r, const struct pval *v, struct pcilu_lu_addr self, const char *prop,
		      struct pcilu_lu_addr **out, size_t *n)
{
	bool has_self = false;

	*n = v->ncells / 2;
	*out = malloc(*n * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		(*out)[i].seg = pcilu_be32(v->cells + 8 * i);
		(*out)[i].bdf = (uint16_t)pcilu_be32(v->cells + 8 * i + 4);
		has_self |= pcilu_lu_addr_eq((*out)[i], self);
		for (size_t j = 0; j < i; j++)
			if (pcilu_lu_addr_eq((*out)[i], (*out)[j]))
				return bad(r, -1, "property \"%s\" lists a device twice", prop);
	}
	if (!has_self)
		return bad(r, -1, "property \"%s\" does not list the device itself", prop);
	return 0;
}

static int dev_semantics(struct reader *r, const struct pval *v, struct pcilu_manifest_node *n)
{
	char want[PCILU_MANIFEST_NODE_NAME_LEN];
	size_t wlen = pcilu_manifest_node_name(n->addr, want);

	if (r->namelen != wlen || memcmp(r->name, want, wlen))
		return bad(r, -1, "name does not match segment/bus/devfn (expected %s)", want);
	if (!strcmp(v[D_ROLE].s, "endpoint"))
		n->role = PCILU_LU_ENDPOINT;
	else if (!strcmp(v[D_ROLE].s, "bridge"))
		n->role = PCILU_LU_BRIDGE;
	else
		return bad(r, -1, "property \"role\" is \"%s\", expected \"endpoint\" or \"bridge\"", v[D_ROLE].s);
	if (v[D_ACSCAP].seen != v[D_ACSCTRL].seen)
		return bad(r, -1, "properties \"acs-cap\" and \"acs-ctrl\" come together");
	if (v[D_KGROUP].seen != v[D_KMEMBERS].seen)
		return bad(r, -1, "properties \"kernel-iommu-group\" and \"kernel-iommu-group-members\" come together");
	if (n->role == PCILU_LU_ENDPOINT && n->refcount != 1)
		return bad(r, -1, "an endpoint's refcount must be 1, not %u", n->refcount);
	if (n->role == PCILU_LU_BRIDGE && !v[D_BUSNUM].seen)
		return bad(r, -1, "required property \"bus-numbers\" of a bridge is missing");
	if (n->role == PCILU_LU_ENDPOINT && v[D_BUSNUM].seen)
		return bad(r, -1, "an endpoint has no \"bus-numbers\"");
	if (n->is_bridge && (n->secondary <= (n->addr.bdf >> 8) || n->secondary > n->subordinate))
		return bad(r, -1, "property \"bus-numbers\" <%u %u %u> is not a valid range below bus %u",
			   n->primary, n->secondary, n->subordinate, n->addr.bdf >> 8);
	return 0;
}

static int read_dev(struct reader *r, struct pcilu_manifest_node *n)
{
	struct pval v[D_COUNT];
	int ret;

	enter(r, "/devices", r->t.name, r->t.len);
	ret = read_props(r, dev_props, D_COUNT, v);
	ret = ret ?: no_subnodes(r);
	if (ret)
		return ret;
	n->addr.seg = (uint32_t)v[D_SEG].u;
	n->addr.bdf = (uint16_t)(v[D_BUS].u << 8 | v[D_DEVFN].u);
	n->vendor = (uint16_t)v[D_VENDOR].u;
	n->device = (uint16_t)v[D_DEVICE].u;
	n->subsys_vendor = (uint16_t)v[D_SVENDOR].u;
	n->subsys_device = (uint16_t)v[D_SDEVICE].u;
	n->class = (uint32_t)v[D_CLASS].u;
	n->revision = (uint8_t)v[D_REV].u;
	n->refcount = (uint32_t)v[D_REF].u;
	n->has_acs = v[D_ACSCAP].seen;
	n->acs_cap = (uint16_t)v[D_ACSCAP].u;
	n->acs_ctrl = (uint16_t)v[D_ACSCTRL].u;
	n->is_bridge = v[D_BUSNUM].seen;
	if (n->is_bridge) {
		n->primary = (uint8_t)pcilu_be32(v[D_BUSNUM].cells);
		n->secondary = (uint8_t)pcilu_be32(v[D_BUSNUM].cells + 4);
		n->subordinate = (uint8_t)pcilu_be32(v[D_BUSNUM].cells + 8);
	}
	n->ari_fwd = v[D_ARI].u;
	n->kgroup_id = v[D_KGROUP].seen ? (int32_t)v[D_KGROUP].u : -1;
	ret = dev_semantics(r, v, n);
	if (!ret && v[D_GROUP].seen) {
		n->group_known = true;
		ret = copy_addrs(r, &v[D_GROUP], n->addr, "iommu-group", &n->group, &n->ngroup);
	}
	if (!ret && v[D_KMEMBERS].seen) {
		n->kgroup_known = true;
		ret = copy_addrs(r, &v[D_KMEMBERS], n->addr, "kernel-iommu-group-members", &n->kgroup,
				 &n->nkgroup);
	}
	return ret;
}

/*
 * The smallest device node a manifest can hold: its tags, a 16-character
 * name, 11 cells and the role ("bridge"). The structure block's size over
 * it bounds the node count, so the nodes are allocated once: calloc() of a
 * large block costs no clearing, and no node is copied as an array grows.
 */
#define MIN_DEV_NODE (4 + 20 + 11 * 16 + 20 + 4)

static int read_devices(struct reader *r, struct pcilu_manifest *m)
{
	size_t cap = r->s.st_size / MIN_DEV_NODE + 1;
	int ret;

	enter(r, "", r->t.name, r->t.len);
	if (cap > PCILU_MANIFEST_MAX_NODES)
		cap = PCILU_MANIFEST_MAX_NODES;
	m->nodes = calloc(cap, sizeof(*m->nodes));
	if (!m->nodes)
		return -ENOMEM;
	ret = read_props(r, NULL, 0, NULL);
	while (!ret && r->t.tag == PCILU_FDT_BEGIN_NODE) {
		/* The limit, or more valid nodes than the block can hold: not reached before an error. */
		if (m->count >= cap) {
			enter(r, "", "devices", 7);
			return bad(r, -1, "more than %zu device nodes", cap);
		}
		ret = read_dev(r, &m->nodes[m->count++]);
		ret = ret ?: pcilu_fdt_scan_next(&r->s, &r->t);
	}
	return ret;
}

static int check_compatible(struct reader *r, const struct pcilu_fdt_tok *t)
{
	const char *c = t ? (const char *)t->val : NULL;

	if (!c)
		return bad(r, -1, "no \"compatible\" property: not a pcilu manifest");
	if (!string_ok(c, t->len))
		return bad(r, -1, "\"compatible\" is not a printable string: not a pcilu manifest");
	if (!strncmp(c, "pcilu,manifest-", strlen("pcilu,manifest-")) && strcmp(c, PCILU_MANIFEST_COMPATIBLE))
		return bad(r, -1, "manifest format \"%s\" is not supported (this pcilu reads \"%s\")", c,
			   PCILU_MANIFEST_COMPATIBLE);
	if (strcmp(c, PCILU_MANIFEST_COMPATIBLE))
		return bad(r, -1, "compatible is \"%s\", not \"%s\": not a pcilu manifest", c,
			   PCILU_MANIFEST_COMPATIBLE);
	return 0;
}

/*
 * The root's properties are kept until they end, because two of them come
 * before the others are believed: the seal (the first "crc32") and
 * "compatible". Only ROOT_KEEP are kept: with more than root_props[] names,
 * one of the first ROOT_KEEP is unknown or repeated and fails below.
 */
#define NROOT_PROPS (sizeof(root_props) / sizeof(root_props[0]))
#define ROOT_KEEP 8

struct root_props {
	struct pcilu_fdt_tok p[ROOT_KEEP], crc, compat;
	size_t n;
	bool has_crc, has_compat;
};

static int gather_root(struct reader *r, struct root_props *rp)
{
	int ret;

	for (;;) {
		ret = pcilu_fdt_scan_next(&r->s, &r->t);
		if (ret || r->t.tag != PCILU_FDT_PROP)
			return ret;
		if (rp->n < ROOT_KEEP)
			rp->p[rp->n++] = r->t;
		if (!rp->has_crc && !strcmp(r->t.name, "crc32")) {
			rp->crc = r->t;
			rp->has_crc = true;
		}
		if (!rp->has_compat && !strcmp(r->t.name, "compatible")) {
			rp->compat = r->t;
			rp->has_compat = true;
		}
	}
}

static int read_root_props(struct reader *r, struct pcilu_manifest *m)
{
	struct root_props rp = { .n = 0 };
	struct pval v[NROOT_PROPS] = { 0 };
	size_t hint = 0;
	int ret = gather_root(r, &rp);

	ret = ret ?: pcilu_manifest_check_crc(r->s.blob, r->s.len, r->s.file, rp.has_crc ? rp.crc.val : NULL,
					      rp.crc.len, r->s.d);
	ret = ret ?: check_compatible(r, rp.has_compat ? &rp.compat : NULL);
	for (size_t i = 0; !ret && i < rp.n; i++)
		ret = take_prop(r, &rp.p[i], root_props, NROOT_PROPS, v, &hint);
	ret = ret ?: required(r, root_props, NROOT_PROPS, v);
	if (ret)
		return ret;
	if (pcilu_lu_profile_parse(v[2].s) < 0)
		return bad(r, -1, "property \"rule-profile\" is \"%s\", expected \"v4\", \"next\" or \"iommufd\"",
			   v[2].s);
	m->pcilu_version = dup_str(&v[1], &ret);
	m->profile = dup_str(&v[2], &ret);
	m->forced = v[3].u;
	return ret;
}

/* The root's children, host and devices once each in either order, then the end of the blob. */
static int read_root(struct reader *r, struct pcilu_manifest *m)
{
	bool host = false, devices = false;
	int ret = pcilu_fdt_scan_next(&r->s, &r->t);	/* the root node: the scan starts with it */

	enter(r, "", NULL, 0);
	ret = ret ?: read_root_props(r, m);
	while (!ret && r->t.tag == PCILU_FDT_BEGIN_NODE) {
		const char *name = r->t.name;
		bool *seen = !strcmp(name, "host") ? &host : !strcmp(name, "devices") ? &devices : NULL;

		enter(r, "", NULL, 0);
		if (!seen)
			return bad(r, -1, "unexpected child node \"%.64s\"", name);
		if (*seen)
			return bad(r, -1, "node \"%s\" appears twice", name);
		*seen = true;
		ret = seen == &host ? read_host(r, m) : read_devices(r, m);
		ret = ret ?: pcilu_fdt_scan_next(&r->s, &r->t);
	}
	if (ret)
		return ret;
	enter(r, "", NULL, 0);
	if (!host || !devices)
		return bad(r, -1, "required node \"%s\" is missing", !host ? "host" : "devices");
	/* After the root node the scan allows FDT_END only: the whole blob has been checked. */
	ret = pcilu_fdt_scan_next(&r->s, &r->t);
	return ret ?: pcilu_manifest_check_set(m, r->s.file, r->s.d);
}

int pcilu_manifest_decode(const void *buf, size_t len, const char *name,
			  struct pcilu_manifest *m, struct pcilu_diag *d)
{
	struct reader r;
	int ret;

	memset(m, 0, sizeof(*m));
	memset(&r, 0, sizeof(r));
	if (len > PCILU_MANIFEST_MAX_SIZE) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "%zu bytes: larger than any manifest (limit %u)",
			       len, PCILU_MANIFEST_MAX_SIZE);
		return -E2BIG;
	}
	ret = pcilu_fdt_scan_init(&r.s, buf, len, name, d);
	ret = ret ?: read_root(&r, m);
	if (ret)
		pcilu_manifest_free(m);
	return ret;
}

int pcilu_manifest_read_file(const char *path, struct pcilu_manifest *m, struct pcilu_diag *d)
{
	struct stat st;
	char *buf;
	size_t len;
	int ret;

	memset(m, 0, sizeof(*m));
	if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size > PCILU_MANIFEST_MAX_SIZE) {
		pcilu_diag_add(d, PCILU_ERROR, path, 0, -1, "%lld bytes: larger than any manifest (limit %u)",
			       (long long)st.st_size, PCILU_MANIFEST_MAX_SIZE);
		return -E2BIG;
	}
	/* The limit applies while reading too: stdin and odd files have no size to check first. */
	ret = pcilu_read_file_max(path, PCILU_MANIFEST_MAX_SIZE, &buf, &len, d);
	if (ret)
		return ret;
	ret = pcilu_manifest_decode(buf, len, path, m, d);
	free(buf);
	return ret;
}
