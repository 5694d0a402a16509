// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Topology specs: one function (a node of the tree) and the functions of one
 * bus, with per-kind defaults and the checks that keep a spec to what the
 * kernel's scan would find.
 */
#include "source_int.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[SPEC_NKINDS] = {
	[SPEC_ENDPOINT] = "endpoint",		[SPEC_RCIEP] = "rciep",
	[SPEC_PCI] = "pci",			[SPEC_ROOT_PORT] = "root_port",
	[SPEC_SWITCH] = "switch",		[SPEC_DOWNSTREAM] = "downstream_port",
	[SPEC_PCIE_PCI_BRIDGE] = "pcie_pci_bridge", [SPEC_PCI_BRIDGE] = "pci_bridge",
};

/* Kind of bus a node sits on; decides its default kind and what may sit there. */

#define K(x)	(1u << (x))
#define K_BRIDGES (K(SPEC_ROOT_PORT) | K(SPEC_SWITCH) | K(SPEC_DOWNSTREAM) | \
		   K(SPEC_PCIE_PCI_BRIDGE) | K(SPEC_PCI_BRIDGE))
#define K_ALL	((1u << SPEC_NKINDS) - 1)
#define K_PCIE	(K_ALL & ~(K(SPEC_PCI) | K(SPEC_PCI_BRIDGE)))
#define K_PORTS	(K(SPEC_ROOT_PORT) | K(SPEC_DOWNSTREAM))
#define K_FUNCS	(K(SPEC_ENDPOINT) | K(SPEC_RCIEP))

static const unsigned ctx_allows[] = {
	[CTX_ROOT] = K(SPEC_ENDPOINT) | K(SPEC_RCIEP) | K(SPEC_PCI) | K(SPEC_ROOT_PORT) |
		     K(SPEC_PCIE_PCI_BRIDGE) | K(SPEC_PCI_BRIDGE),
	[CTX_LINK] = K(SPEC_ENDPOINT) | K(SPEC_SWITCH) | K(SPEC_PCIE_PCI_BRIDGE),
	[CTX_SWITCH] = K(SPEC_DOWNSTREAM) | K(SPEC_ENDPOINT),
	[CTX_PCI] = K(SPEC_PCI) | K(SPEC_PCI_BRIDGE),
};
static const enum spec_kind ctx_default[] = {
	[CTX_ROOT] = SPEC_RCIEP, [CTX_LINK] = SPEC_ENDPOINT,
	[CTX_SWITCH] = SPEC_DOWNSTREAM, [CTX_PCI] = SPEC_PCI,
};
static const char *const ctx_names[] = {
	[CTX_ROOT] = "a root bus", [CTX_LINK] = "a PCIe link below a port",
	[CTX_SWITCH] = "a switch's internal bus", [CTX_PCI] = "a conventional PCI bus",
};

/* Defaults per kind: QEMU's models for bridges, virtio-net for functions. */
static const struct {
	uint16_t vendor, device;
	uint32_t class;
	uint8_t width;
} kind_defaults[SPEC_NKINDS] = {
	[SPEC_ENDPOINT] = { 0x1af4, 0x1041, 0x020000, 4 },
	[SPEC_RCIEP] = { 0x1af4, 0x1041, 0x020000, 0 },
	[SPEC_PCI] = { 0x1af4, 0x1000, 0x020000, 0 },
	[SPEC_ROOT_PORT] = { 0x1b36, 0x000c, 0x060400, 16 },
	[SPEC_SWITCH] = { 0x104c, 0x8232, 0x060400, 16 },
	[SPEC_DOWNSTREAM] = { 0x104c, 0x8233, 0x060400, 16 },
	[SPEC_PCIE_PCI_BRIDGE] = { 0x1b36, 0x000e, 0x060400, 1 },
	[SPEC_PCI_BRIDGE] = { 0x1b36, 0x0001, 0x060400, 0 },
};

/* Which node keys each kind accepts. */
static const struct {
	const char *key;
	unsigned kinds;
} node_keys[] = {
	{ "kind", K_ALL }, { "slot", K_ALL }, { "dev", K_ALL }, { "fn", K_ALL },
	{ "id", K_ALL }, { "vendor", K_ALL }, { "device", K_ALL }, { "class", K_ALL },
	{ "subsystem", K_ALL }, { "revision", K_ALL }, { "multifunction", K_ALL },
	{ "iommu_group", K_ALL }, { "driver", K_ALL }, { "numa_node", K_ALL },
	{ "config_bytes", K_ALL }, { "comment", K_ALL }, { "name", K_ALL },
	{ "acs", K_PCIE }, { "egress_bits", K_PCIE }, { "aer", K_PCIE }, { "ari", K_PCIE },
	{ "link", K_PCIE & ~K(SPEC_RCIEP) },
	{ "ari_forwarding", K_PORTS }, { "physical_slot", K_PORTS },
	{ "children", K_BRIDGES }, { "bus", K_BRIDGES }, { "subordinate", K_BRIDGES },
	{ "sriov", K_FUNCS },
};

/*
 * Count @more functions of @cfg_bytes each. A few bytes of spec can ask for
 * millions of functions, so both the count and the config space they expand
 * to are bounded here, before anything is synthesised: at most as much config
 * space as pcilu would read from any one input file.
 */
static bool count_funcs(struct spec_parse *p, const char *path, size_t more, unsigned cfg_bytes)
{
	struct spec_host *s = p->s;

	if (s->nfuncs > PCILU_MAX_DEVICES || s->cfg_total > PCILU_MAX_INPUT_SIZE)
		return false;	/* reported already */
	s->nfuncs += more;
	s->cfg_total += (uint64_t)more * cfg_bytes;
	if (s->nfuncs > PCILU_MAX_DEVICES) {
		spec_err(p, path, "more than %u functions (the limit PCILU_MAX_DEVICES)", PCILU_MAX_DEVICES);
		return false;
	}
	if (s->cfg_total > PCILU_MAX_INPUT_SIZE) {
		spec_err(p, path, "the spec expands to more than %llu bytes of config space (%zu functions so far): "
			 "the limit of one input", (unsigned long long)PCILU_MAX_INPUT_SIZE, s->nfuncs);
		return false;
	}
	return true;
}

static void node_defaults(struct spec_node *n, enum spec_kind kind, int32_t numa)
{
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->vendor = kind_defaults[kind].vendor;
	n->device = kind_defaults[kind].device;
	n->class = kind_defaults[kind].class;
	n->link_width = kind_defaults[kind].width;
	n->link_speed = n->link_width ? 3 : 0;
	n->multifunction = -1;
	n->aer = (K(kind) & K_PCIE) != 0;
	if (K(kind) & K_PORTS) {
		n->acs = true;
		n->acs_cap = n->acs_ctrl = PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF;
	}
	n->phys_slot = n->pin_bus = n->pin_sub = -1;
	n->group = PCILU_NO_GROUP;
	n->numa = numa;
}


static bool node_key(struct spec_parse *p, const char *path, struct spec_node *n, const char *key,
		     json_object *v, bool *has_id)
{
	int64_t x;
	const char *str;

	/* Read by parse_node itself. */
	if (!strcmp(key, "kind") || !strcmp(key, "children") || !strcmp(key, "slot") ||
	    !strcmp(key, "dev") || !strcmp(key, "fn") || !strcmp(key, "sriov"))
		return true;
	if (!strcmp(key, "comment") || !strcmp(key, "name"))
		return spec_get_str(p, path, key, v, &str);
	if (!strcmp(key, "id")) {
		*has_id = true;
		return spec_get_pair(p, path, key, v, &n->vendor, &n->device);
	}
	if (!strcmp(key, "subsystem"))
		return (n->has_subsys = spec_get_pair(p, path, key, v, &n->ss_vendor, &n->ss_device));
	if (!strcmp(key, "driver"))
		return spec_get_driver(p, path, key, v, &n->driver);
	if (!strcmp(key, "acs"))
		return spec_parse_acs(p, path, v, n);
	if (!strcmp(key, "link"))
		return spec_parse_link(p, path, v, n);
	if (!strcmp(key, "multifunction") || !strcmp(key, "aer") || !strcmp(key, "ari")) {
		bool b;

		if (!spec_get_bool(p, path, key, v, &b))
			return false;
		if (key[0] == 'm')
			n->multifunction = b;
		else if (key[1] == 'e')
			n->aer = b;
		else
			n->ari = b;
		return true;
	}
	if (!strcmp(key, "ari_forwarding")) {
		if (json_object_is_type(v, json_type_string) &&
		    !strcmp(json_object_get_string(v), "supported") &&
		    spec_str_whole(p, path, "ari_forwarding", v)) {
			n->ari_fwd = 1;
			return true;
		}
		bool b;

		if (!json_object_is_type(v, json_type_boolean)) {
			spec_err(p, path, "\"ari_forwarding\": expected true, false or \"supported\"");
			return false;
		}
		b = json_object_get_boolean(v);
		n->ari_fwd = b ? 2 : 0;
		return true;
	}
	static const struct {
		const char *key;
		int64_t min, max;
		bool hex;
	} nums[] = {
		{ "vendor", 1, 0xfffe, true }, { "device", 0, 0xffff, true },
		{ "class", 0, 0xffffff, true }, { "revision", 0, 0xff, true },
		{ "iommu_group", 0, INT32_MAX, false }, { "numa_node", -1, 65535, false },
		{ "config_bytes", 64, 4096, false }, { "egress_bits", 1, 256, false },
		{ "physical_slot", 0, 8191, false }, { "bus", 1, 255, true },
		{ "subordinate", 1, 255, true },
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (strcmp(key, nums[i].key))
			continue;
		if (!spec_get_num(p, path, key, v, nums[i].min, nums[i].max, nums[i].hex, &x))
			return false;
		switch (i) {
		case 0: n->vendor = (uint16_t)x; *has_id = true; break;
		case 1: n->device = (uint16_t)x; *has_id = true; break;
		case 2: n->class = (uint32_t)x; break;
		case 3: n->revision = (uint8_t)x; break;
		case 4: n->group = (int32_t)x; break;
		case 5: n->numa = (int32_t)x; break;
		case 6:
			if (x != 64 && x != 256 && x != 4096) {
				spec_err(p, path, "\"config_bytes\": must be 64, 256 or 4096");
				return false;
			}
			n->cfg_bytes = (unsigned)x;
			break;
		case 7: n->egress_bits = (unsigned)x; break;
		case 8: n->phys_slot = (int32_t)x; break;
		case 9: n->pin_bus = (int32_t)x; break;
		default: n->pin_sub = (int32_t)x; break;
		}
		return true;
	}
	return false;	/* not reached: node_keys lists every key */
}

static enum spec_ctx child_ctx(enum spec_kind k)
{
	switch (k) {
	case SPEC_ROOT_PORT:
	case SPEC_DOWNSTREAM:
		return CTX_LINK;
	case SPEC_SWITCH:
		return CTX_SWITCH;
	default:
		return CTX_PCI;
	}
}

static bool parse_kind(struct spec_parse *p, const char *path, json_object *o, enum spec_ctx ctx,
		       enum spec_kind *kind)
{
	json_object *v;
	const char *s;

	*kind = ctx_default[ctx];
	if (json_object_object_get_ex(o, "kind", &v)) {
		size_t i;

		if (!spec_get_str(p, path, "kind", v, &s))
			return false;
		for (i = 0; i < SPEC_NKINDS; i++)
			if (!strcmp(s, kind_names[i]))
				break;
		if (i == SPEC_NKINDS) {
			spec_err(p, path, "\"kind\": unknown kind \"%s\" (known: endpoint, rciep, pci, "
			     "root_port, switch, downstream_port, pcie_pci_bridge, pci_bridge)", s);
			return false;
		}
		*kind = (enum spec_kind)i;
	}
	if (!(ctx_allows[ctx] & K(*kind))) {
		spec_err(p, path, "a %s cannot sit on %s", kind_names[*kind], ctx_names[ctx]);
		return false;
	}
	return true;
}

static bool parse_address(struct spec_parse *p, const char *path, json_object *o, struct spec_node *n)
{
	json_object *slot, *dev, *fn;
	bool has_slot = json_object_object_get_ex(o, "slot", &slot);
	bool has_dev = json_object_object_get_ex(o, "dev", &dev);
	bool has_fn = json_object_object_get_ex(o, "fn", &fn);
	int64_t d = 0, f = 0;

	if (has_slot && (has_dev || has_fn)) {
		spec_err(p, path, "give either \"slot\" or \"dev\"/\"fn\", not both");
		return false;
	}
	if (has_slot)
		return spec_parse_slot(p, path, slot, &n->devfn);
	if ((has_dev && !spec_get_num(p, path, "dev", dev, 0, 31, true, &d)) ||
	    (has_fn && !spec_get_num(p, path, "fn", fn, 0, 7, false, &f)))
		return false;
	n->devfn = (uint8_t)PCI_DEVFN(d, f);
	return true;
}

static bool parse_node(struct spec_parse *p, const char *path, json_object *o, enum spec_ctx ctx,
		       unsigned depth, int32_t numa, struct spec_node *n)
{
	enum spec_kind kind;
	bool ok, has_id = false;
	json_object *v;

	/* Defaults first, so that a node refused half-way is still safe to free. */
	node_defaults(n, SPEC_ENDPOINT, numa);
	n->path = strdup(path);
	if (!n->path)
		return false;
	if (!json_object_is_type(o, json_type_object)) {
		spec_err(p, path, "expected an object describing a function");
		return false;
	}
	if (!parse_kind(p, path, o, ctx, &kind))
		return false;
	{
		char *keep = n->path;

		node_defaults(n, kind, numa);
		n->path = keep;
	}
	ok = parse_address(p, path, o, n);
	json_object_object_foreach(o, key, val) {
		size_t i;

		for (i = 0; i < sizeof(node_keys) / sizeof(node_keys[0]); i++)
			if (!strcmp(key, node_keys[i].key))
				break;
		if (i == sizeof(node_keys) / sizeof(node_keys[0])) {
			spec_err(p, path, "unknown key \"%s\"", key);
			ok = false;
		} else if (!(node_keys[i].kinds & K(kind))) {
			spec_err(p, path, "\"%s\" does not apply to a %s", key, kind_names[kind]);
			ok = false;
		} else {
			ok = node_key(p, path, n, key, val, &has_id) && ok;
		}
	}
	if (json_object_object_get_ex(o, "sriov", &v) && ok)
		ok = spec_parse_sriov(p, path, v, n);
	if (n->egress_bits && !(n->acs_cap & PCI_ACS_EC)) {
		spec_err(p, path, "\"egress_bits\" needs EC in the ACS capability");
		ok = false;
	}
	if (n->pin_bus >= 0 && n->pin_sub >= 0 && n->pin_sub < n->pin_bus) {
		spec_err(p, path, "\"subordinate\" %02x is below \"bus\" %02x", n->pin_sub, n->pin_bus);
		ok = false;
	}
	if (!count_funcs(p, path, 1 + (n->has_sriov ? n->sriov.num : 0),
			 n->cfg_bytes ? n->cfg_bytes : p->s->cfg_bytes))
		return false;
	if (json_object_object_get_ex(o, "children", &v) && (K(kind) & K_BRIDGES)) {
		if (depth >= PCILU_MAX_SPEC_DEPTH) {
			spec_err(p, path, "bridges nest deeper than %d levels", PCILU_MAX_SPEC_DEPTH);
			return false;
		}
		ok = spec_parse_devices(p, path, "children", v, child_ctx(kind), depth + 1,
				   n->numa, n->ari_fwd, &n->kids, &n->nkids) && ok;
	}
	(void)has_id;
	return ok;
}

static int cmp_node(const void *a, const void *b)
{
	const struct spec_node *x = a, *y = b;

	return (x->devfn > y->devfn) - (x->devfn < y->devfn);
}

/*
 * What the kernel's scan of this bus would find: function 0 of every slot
 * (pci_scan_slot()), only device 0 below a PCIe downstream port
 * (only_one_child()) unless ARI lets the scan follow Next Function numbers
 * (next_fn(), drivers/pci/probe.c, 7.2). Anything else would be invisible.
 */
static bool check_bus(struct spec_parse *p, struct spec_node *v, size_t n,
		      enum spec_ctx ctx, uint8_t ari_fwd, uint32_t host_fn0)
{
	bool ok = true;
	bool ari = ctx == CTX_LINK && ari_fwd == 2;
	int f0_slot = -1;

	for (size_t i = 0; i < n; i++) {
		if (i && v[i].devfn == v[i - 1].devfn) {
			spec_err(p, v[i].path, "same slot %02x.%x as %s", PCI_SLOT(v[i].devfn),
			     PCI_FUNC(v[i].devfn), v[i - 1].path);
			ok = false;
			continue;
		}
		if (ari && !v[i].ari && v[i].devfn > 7 && (K(v[i].kind) & K_PCIE)) {
			spec_err(p, v[i].path, "function %02x needs \"ari\": true to be found behind "
			     "an ARI port", v[i].devfn);
			ok = false;
		} else if (ctx == CTX_LINK && !ari && PCI_SLOT(v[i].devfn)) {
			spec_err(p, v[i].path, "below a PCIe port the kernel scans only device 0 "
			     "(only_one_child()); use slot 00.x or ARI");
			ok = false;
		}
		if (!PCI_FUNC(v[i].devfn))
			f0_slot = PCI_SLOT(v[i].devfn);
		else if (!ari && f0_slot != PCI_SLOT(v[i].devfn) && !(host_fn0 >> PCI_SLOT(v[i].devfn) & 1)) {
			spec_err(p, v[i].path, "slot %02x has no function 0; the kernel would not scan "
			     "it (pci_scan_slot())", PCI_SLOT(v[i].devfn));
			ok = false;
		}
	}
	if (ari && n && v[0].devfn) {
		spec_err(p, v[0].path, "an ARI device needs function 0");
		ok = false;
	}
	return ok;
}

bool spec_parse_devices(struct spec_parse *p, const char *path, const char *key, json_object *v,
			  enum spec_ctx ctx, unsigned depth, int32_t numa, uint8_t ari_fwd,
			  struct spec_node **out, size_t *nout)
{
	size_t n;
	bool ok = true;

	if (!json_object_is_type(v, json_type_array)) {
		spec_err(p, path, "\"%s\": expected an array", key);
		return false;
	}
	n = json_object_array_length(v);
	*out = calloc(n ? n : 1, sizeof(**out));
	if (!*out)
		return false;
	*nout = n;
	for (size_t i = 0; i < n; i++) {
		char *sub = spec_subpath(path, key, (long)i);

		if (!sub) {
			node_defaults(&(*out)[i], SPEC_ENDPOINT, numa);
			return false;
		}
		ok = parse_node(p, sub, json_object_array_get_idx(v, i), ctx, depth, numa,
				&(*out)[i]) && ok;
		free(sub);
		if (p->s->nfuncs > PCILU_MAX_DEVICES) {
			*nout = i + 1;
			return false;
		}
	}
	qsort(*out, n, sizeof(**out), cmp_node);
	return check_bus(p, *out, n, ctx, ari_fwd, depth == 1 ? p->s->host_fn0 : 0) && ok;
}
