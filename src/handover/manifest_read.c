// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a handover manifest. Everything is checked before it is believed:
 * the file may be truncated, corrupt, written by another tool or by a newer
 * pcilu, and a wrong verdict after kexec is worse than a clear refusal.
 */
#include "handover_int.h"

#include <errno.h>
#include <libfdt.h>
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

#define MAX_PROPS 20

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
	const fdt32_t *cells;
	size_t ncells;
};

struct reader {
	const void *fdt;
	const char *file;
	struct pcilu_diag *d;
	char node[96];		/* path of the node being read, for messages */
};

static int bad(struct reader *r, int off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(struct reader *r, int off, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pcilu_diag_add(r->d, PCILU_ERROR, r->file, 0,
		       off >= 0 ? (long)fdt_off_dt_struct(r->fdt) + off : -1,
		       "node %s: %s", r->node[0] ? r->node : "/", text);
	return -EINVAL;
}

static bool string_ok(const char *s, int len)
{
	if (len < 1 || (size_t)len > PCILU_MANIFEST_STR_MAX || s[len - 1] != '\0')
		return false;
	for (int i = 0; i < len - 1; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static int check_value(struct reader *r, int off, const struct pspec *p, const void *v, int len,
		       struct pval *out)
{
	const fdt32_t *c = v;

	switch (p->kind) {
	case P_U32:
		if (len != 4)
			return bad(r, off, "property \"%s\" has %d bytes, expected 4", p->name, len);
		out->u = fdt32_to_cpu(c[0]);
		if (out->u > p->max || out->u < p->min)
			return bad(r, off, "property \"%s\" is %#llx, outside %#x..%#x", p->name,
				   (unsigned long long)out->u, p->min, p->max);
		return 0;
	case P_U64:
		if (len != 8)
			return bad(r, off, "property \"%s\" has %d bytes, expected 8", p->name, len);
		out->u = (uint64_t)fdt32_to_cpu(c[0]) << 32 | fdt32_to_cpu(c[1]);
		return 0;
	case P_STR:
		if (!string_ok(v, len))
			return bad(r, off, "property \"%s\" is not one printable string of at most %u bytes",
				   p->name, PCILU_MANIFEST_STR_MAX - 1);
		out->s = v;
		return 0;
	case P_BUSNUM:
		if (len != 12)
			return bad(r, off, "property \"%s\" has %d bytes, expected 12", p->name, len);
		for (int i = 0; i < 3; i++)
			if (fdt32_to_cpu(c[i]) > 0xff)
				return bad(r, off, "property \"%s\": bus number %#x exceeds 0xff", p->name,
					   fdt32_to_cpu(c[i]));
		out->cells = c;
		return 0;
	case P_ADDRS:
		if (len <= 0 || len % 8 || (size_t)len > (size_t)PCILU_MANIFEST_MAX_GROUP * 8)
			return bad(r, off, "property \"%s\" has %d bytes, expected a multiple of 8 from 8 to %u",
				   p->name, len, PCILU_MANIFEST_MAX_GROUP * 8);
		for (int i = 1; i < len / 4; i += 2)
			if (fdt32_to_cpu(c[i]) > 0xffff)
				return bad(r, off, "property \"%s\": bus/devfn %#x exceeds 0xffff", p->name,
					   fdt32_to_cpu(c[i]));
		out->cells = c;
		out->ncells = (size_t)len / 4;
		return 0;
	}
	return -EINVAL;
}

/* Read every property of @node against @spec: unknown, repeated, malformed and missing ones fail. */
static int read_props(struct reader *r, int node, const struct pspec *spec, size_t n, struct pval *vals)
{
	int off, ret;

	if (n)
		memset(vals, 0, n * sizeof(*vals));
	fdt_for_each_property_offset(off, r->fdt, node) {
		const char *name;
		int len;
		const void *v = fdt_getprop_by_offset(r->fdt, off, &name, &len);
		size_t k;

		if (!v || !name)
			return bad(r, off, "unreadable property");
		for (k = 0; k < n && strcmp(spec[k].name, name); k++)
			;
		if (k == n)
			return bad(r, off, "unknown property \"%.64s\"", name);
		if (vals[k].seen)
			return bad(r, off, "property \"%s\" appears twice", name);
		vals[k].seen = true;
		ret = check_value(r, off, &spec[k], v, len, &vals[k]);
		if (ret)
			return ret;
	}
	if (off != -FDT_ERR_NOTFOUND)
		return bad(r, -1, "property list unreadable (%s)", fdt_strerror(off));
	for (size_t k = 0; k < n; k++)
		if (spec[k].required && !vals[k].seen)
			return bad(r, -1, "required property \"%s\" is missing", spec[k].name);
	return 0;
}

static int set_node_path(struct reader *r, const char *parent, int node)
{
	int len;
	const char *name = fdt_get_name(r->fdt, node, &len);

	if (!name || len < 0)
		return bad(r, -1, "node without a name");
	snprintf(r->node, sizeof(r->node), "%s/%.*s", parent, len > 60 ? 60 : len, name);
	return 0;
}

static int no_subnodes(struct reader *r, int node)
{
	int sub = fdt_first_subnode(r->fdt, node);

	if (sub >= 0) {
		const char *name = fdt_get_name(r->fdt, sub, NULL);

		return bad(r, -1, "unexpected child node \"%.64s\"", name ? name : "?");
	}
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

static int read_host(struct reader *r, int node, struct pcilu_manifest *m)
{
	struct pval v[NHOST_PROPS];
	int ret = set_node_path(r, "", node);

	ret = ret ?: read_props(r, node, host_props, NHOST_PROPS, v);
	ret = ret ?: no_subnodes(r, node);
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
		(*out)[i].seg = fdt32_to_cpu(v->cells[2 * i]);
		(*out)[i].bdf = (uint16_t)fdt32_to_cpu(v->cells[2 * i + 1]);
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

	pcilu_manifest_node_name(n->addr, want, sizeof(want));
	if (strcmp(r->node + strlen("/devices/"), want))
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

static int read_dev(struct reader *r, int node, struct pcilu_manifest_node *n)
{
	struct pval v[D_COUNT];
	int ret = set_node_path(r, "/devices", node);

	ret = ret ?: read_props(r, node, dev_props, D_COUNT, v);
	ret = ret ?: no_subnodes(r, node);
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
		n->primary = (uint8_t)fdt32_to_cpu(v[D_BUSNUM].cells[0]);
		n->secondary = (uint8_t)fdt32_to_cpu(v[D_BUSNUM].cells[1]);
		n->subordinate = (uint8_t)fdt32_to_cpu(v[D_BUSNUM].cells[2]);
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

static uint64_t addr_key(struct pcilu_lu_addr a)
{
	return (uint64_t)a.seg << 16 | a.bdf;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * Across nodes: no address twice, and each bridge's refcount counts the
 * endpoints below it. Sorted keys, not a comparison of every pair: a
 * manifest may hold PCILU_MANIFEST_MAX_NODES nodes.
 */
static int check_set(struct reader *r, const struct pcilu_manifest *m)
{
	uint64_t *all = malloc((m->count ? m->count : 1) * 2 * sizeof(*all)), *ep;
	size_t nep = 0;
	char a[24];
	int ret = 0;

	if (!all)
		return -ENOMEM;
	ep = all + m->count;
	snprintf(r->node, sizeof(r->node), "/devices");
	for (size_t i = 0; i < m->count; i++) {
		all[i] = addr_key(m->nodes[i].addr);
		if (m->nodes[i].role == PCILU_LU_ENDPOINT)
			ep[nep++] = all[i];
	}
	qsort(all, m->count, sizeof(*all), cmp_u64);
	qsort(ep, nep, sizeof(*ep), cmp_u64);
	for (size_t i = 1; !ret && i < m->count; i++)
		if (all[i] == all[i - 1])
			ret = bad(r, -1, "device %s is listed twice",
				  pcilu_lu_addr_fmt((struct pcilu_lu_addr){ .seg = (uint32_t)(all[i] >> 16),
									    .bdf = (uint16_t)all[i] }, a, sizeof(a)));
	for (size_t i = 0; !ret && i < m->count; i++) {
		const struct pcilu_manifest_node *n = &m->nodes[i];
		uint64_t seg = (uint64_t)n->addr.seg << 16;
		uint64_t lo, hi;
		size_t below;

		if (n->role != PCILU_LU_BRIDGE)
			continue;
		/* Endpoints on buses secondary..subordinate of the bridge's segment. */
		hi = seg + ((uint64_t)n->subordinate + 1) * 256;
		lo = seg + (uint64_t)n->secondary * 256;
		below = pcilu_lower_bound(&hi, ep, nep, sizeof(*ep), cmp_u64) -
			pcilu_lower_bound(&lo, ep, nep, sizeof(*ep), cmp_u64);
		if (below != n->refcount)
			ret = bad(r, -1, "bridge %s has refcount %u but %zu preserved endpoint(s) below it",
				  pcilu_lu_addr_fmt(n->addr, a, sizeof(a)), n->refcount, below);
	}
	if (!ret && !nep)
		ret = bad(r, -1, "no preserved endpoint");
	free(all);
	return ret;
}

static int read_devices(struct reader *r, int node, struct pcilu_manifest *m)
{
	int sub, ret = set_node_path(r, "", node);
	size_t count = 0;

	ret = ret ?: read_props(r, node, NULL, 0, NULL);
	if (ret)
		return ret;
	fdt_for_each_subnode(sub, r->fdt, node)
		if (++count > PCILU_MANIFEST_MAX_NODES)
			return bad(r, -1, "more than %u device nodes", PCILU_MANIFEST_MAX_NODES);
	m->nodes = calloc(count ? count : 1, sizeof(*m->nodes));
	if (!m->nodes)
		return -ENOMEM;
	fdt_for_each_subnode(sub, r->fdt, node) {
		ret = read_dev(r, sub, &m->nodes[m->count++]);
		if (ret)
			return ret;
	}
	return check_set(r, m);
}

static int check_compatible(struct reader *r, int root)
{
	int len;
	const char *c = fdt_getprop(r->fdt, root, "compatible", &len);

	if (!c)
		return bad(r, -1, "no \"compatible\" property: not a pcilu manifest");
	if (!string_ok(c, len))
		return bad(r, -1, "\"compatible\" is not a printable string: not a pcilu manifest");
	if (!strncmp(c, "pcilu,manifest-", strlen("pcilu,manifest-")) && strcmp(c, PCILU_MANIFEST_COMPATIBLE))
		return bad(r, -1, "manifest format \"%s\" is not supported (this pcilu reads \"%s\")", c,
			   PCILU_MANIFEST_COMPATIBLE);
	if (strcmp(c, PCILU_MANIFEST_COMPATIBLE))
		return bad(r, -1, "compatible is \"%s\", not \"%s\": not a pcilu manifest", c,
			   PCILU_MANIFEST_COMPATIBLE);
	return 0;
}

static int read_root(struct reader *r, struct pcilu_manifest *m)
{
	struct pval v[5];
	int sub, ret, host = -1, devices = -1;

	r->node[0] = '\0';
	ret = check_compatible(r, 0);
	ret = ret ?: read_props(r, 0, root_props, 5, v);
	if (ret)
		return ret;
	fdt_for_each_subnode(sub, r->fdt, 0) {
		const char *name = fdt_get_name(r->fdt, sub, NULL);
		int *slot = !name ? NULL : !strcmp(name, "host") ? &host : !strcmp(name, "devices") ? &devices : NULL;

		if (!slot)
			return bad(r, -1, "unexpected child node \"%.64s\"", name ? name : "?");
		if (*slot >= 0)
			return bad(r, -1, "node \"%s\" appears twice", name);
		*slot = sub;
	}
	if (host < 0 || devices < 0)
		return bad(r, -1, "required node \"%s\" is missing", host < 0 ? "host" : "devices");
	if (pcilu_lu_profile_parse(v[2].s) < 0)
		return bad(r, -1, "property \"rule-profile\" is \"%s\", expected \"v4\", \"next\" or \"iommufd\"",
			   v[2].s);
	m->pcilu_version = dup_str(&v[1], &ret);
	m->profile = dup_str(&v[2], &ret);
	m->forced = v[3].u;
	ret = ret ?: read_host(r, host, m);
	return ret ?: read_devices(r, devices, m);
}

int pcilu_manifest_decode(const void *buf, size_t len, const char *name,
			  struct pcilu_manifest *m, struct pcilu_diag *d)
{
	struct reader r = { .file = name, .d = d };
	void *copy;
	int ret;

	memset(m, 0, sizeof(*m));
	if (len > PCILU_MANIFEST_MAX_SIZE) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "%zu bytes: larger than any manifest (limit %u)",
			       len, PCILU_MANIFEST_MAX_SIZE);
		return -E2BIG;
	}
	/* libfdt wants the blob 8-byte aligned; the caller's buffer may not be. */
	copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	r.fdt = copy;
	ret = pcilu_manifest_check_container(copy, len, name, d);
	ret = ret ?: pcilu_manifest_check_crc(copy, len, name, d);
	ret = ret ?: read_root(&r, m);
	free(copy);
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
