// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel command line as Linux 7.2 reads the parts that change ACS or
 * whether an IOMMU exists, and the device-selection syntax of
 * pci_dev_str_match(). Every loop advances through a string of bounded
 * length, so hostile input ends in an error message, never a hang.
 */
#include "iommu_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CMDLINE_MAX	4096	/* x86 COMMAND_LINE_SIZE is 2048 */

/* One conversion of the kernel's vsscanf(): "%x" (skips blanks, optional 0x, wraps). */
static const char *scan_hex(const char *s, uint64_t *v)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	if (!isxdigit((unsigned char)*s))
		return NULL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2]))
		s += 2;
	*v = 0;
	while (isxdigit((unsigned char)*s)) {
		int c = tolower((unsigned char)*s++);

		*v = *v * 16 + (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return s;
}

/*
 * A tiny vsscanf() for the formats pci_dev_str_match() uses: 'x' = %x,
 * 'c' = %c, 'n' = %n, any other character must match. Returns the number
 * of conversions as the kernel counts them.
 */
static int scan(const char *s, const char *fmt, uint64_t *vals, int *count, char *c)
{
	const char *start = s;
	int n = 0, nv = 0;

	for (; *fmt; fmt++) {
		if (*fmt == 'n') {
			*count = (int)(s - start);
			continue;
		}
		if (*fmt != 'x' && *fmt != 'c') {
			if (*s != *fmt)
				break;
			s++;
			continue;
		}
		if (!*s)
			break;
		if (*fmt == 'c') {
			*c = *s++;
			n++;
			continue;
		}
		s = scan_hex(s, &vals[nv]);
		if (!s)
			break;
		nv++;
		n++;
	}
	return n;
}

/* pci_dev_str_match_path(), drivers/pci/pci.c, 7.2 */
static int match_path(const struct pcilu_topology *t, int32_t dev, const char *path, const char **end)
{
	char w[CMDLINE_MAX + 1];
	size_t len = strcspn(path, ";");
	uint64_t v[4];
	int cnt = 0;
	char c;

	*end = path + len;
	if (len > CMDLINE_MAX)
		return -EINVAL;
	memcpy(w, path, len);
	w[len] = 0;
	for (;;) {
		char *p = strrchr(w, '/');
		const struct pcilu_dev *d = &t->devs[dev];

		if (!p)
			break;
		if (scan(p, "/x.xc", v, &cnt, &c) != 2)
			return -EINVAL;
		if (d->devfn != PCI_DEVFN((unsigned)v[0], (unsigned)v[1]))
			return 0;
		dev = pcilu_upstream_bridge(t, dev);
		if (dev == PCILU_NONE)
			return 0;
		*p = 0;
	}
	const struct pcilu_dev *d = &t->devs[dev];
	uint32_t seg = 0;

	if (scan(w, "x:x:x.xc", v, &cnt, &c) == 4) {
		seg = (uint32_t)v[0];
		v[0] = v[1], v[1] = v[2], v[2] = v[3];
	} else if (scan(w, "x:x.xc", v, &cnt, &c) != 3) {
		return -EINVAL;
	}
	return seg == d->seg && (uint32_t)v[0] == d->bus &&
	       d->devfn == PCI_DEVFN((unsigned)v[1], (unsigned)v[2]);
}

/* pci_dev_str_match(), drivers/pci/pci.c, 7.2 */
int pcilu_dev_str_match(const struct pcilu_topology *t, int32_t dev, const char *p, const char **end)
{
	const struct pcilu_dev *d = &t->devs[dev];
	uint64_t v[4];
	int count = 0;
	char c;

	if (strncmp(p, "pci:", 4) != 0)
		return match_path(t, dev, p, end);
	p += 4;
	if (scan(p, "x:x:x:xn", v, &count, &c) != 4) {
		if (scan(p, "x:xn", v, &count, &c) != 2)
			return -EINVAL;
		v[2] = v[3] = 0;
	}
	*end = p + count;
	/* %hx stores 16 bits; 0 is a wildcard */
	uint16_t ven = (uint16_t)v[0], did = (uint16_t)v[1], sv = (uint16_t)v[2], sd = (uint16_t)v[3];

	return (!ven || ven == d->vendor) && (!did || did == d->device) &&
	       (!sv || sv == d->subsys_vendor) && (!sd || sd == d->subsys_device);
}

/* The "flags@" prefix of config_acs, read right to left: '1' set, '0' clear, 'x' keep. */
static int parse_acs_flags(const char *p, const char *at, uint16_t *mask, uint16_t *flags)
{
	unsigned shift = 0;

	*mask = *flags = 0;
	for (const char *q = at; q > p; q--, shift++) {
		char ch = q[-1];
		/* bits 16..31 vanish in the kernel's u16; beyond that we refuse */
		uint16_t bit = shift < 16 ? (uint16_t)(1u << shift) : 0;

		if (shift >= 32)
			return -EINVAL;
		if (ch == '0') {
			*mask |= bit;
		} else if (ch == '1') {
			*mask |= bit;
			*flags |= bit;
		} else if (ch != 'x' && ch != 'X') {
			return -EINVAL;
		}
	}
	return 0;
}

/* __pci_config_acs(), drivers/pci/pci.c, 7.2: the matching part. */
int pcilu_config_acs_match(const struct pcilu_topology *t, int32_t dev, const char *p,
			   uint16_t fixed_mask, uint16_t fixed_flags, uint16_t *mask, uint16_t *flags)
{
	int ret = 0;

	*mask = fixed_mask;
	*flags = fixed_flags;
	if (strlen(p) > CMDLINE_MAX)
		return -EINVAL;
	while (*p) {
		if (!fixed_mask) {
			const char *at = strchr(p, '@');

			if (!at || parse_acs_flags(p, at, mask, flags))
				return -EINVAL;	/* "ACS Flags missing" / "Invalid ACS flags" */
			p = at + 1;
		}
		if (*mask & ~(PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF |
			      PCI_ACS_EC | PCI_ACS_DT))
			return -EINVAL;
		ret = pcilu_dev_str_match(t, dev, p, &p);
		if (ret < 0)
			return ret;
		if (ret == 1)
			break;
		if (*p != ';' && *p != ',')
			break;
		p++;
	}
	return ret == 1;
}

/*
 * The device part of one config_acs/disable_acs_redir entry, syntax only:
 * what pci_dev_str_match() would refuse with -EINVAL whatever the device.
 */
static bool dev_str_syntax(const char *p, const char **end)
{
	char w[CMDLINE_MAX + 1];
	uint64_t v[4];
	int cnt = 0;
	char c;

	if (!strncmp(p, "pci:", 4)) {
		p += 4;
		if (scan(p, "x:x:x:xn", v, &cnt, &c) != 4 && scan(p, "x:xn", v, &cnt, &c) != 2)
			return false;
		*end = p + cnt;
		return true;
	}
	size_t len = strcspn(p, ";");
	char *slash;

	*end = p + len;
	if (len > CMDLINE_MAX)
		return false;
	memcpy(w, p, len);
	w[len] = 0;
	while ((slash = strrchr(w, '/'))) {
		if (scan(slash, "/x.xc", v, &cnt, &c) != 2)
			return false;
		*slash = 0;
	}
	return scan(w, "x:x:x.xc", v, &cnt, &c) == 4 || scan(w, "x:x.xc", v, &cnt, &c) == 3;
}

/*
 * __pci_config_acs(), drivers/pci/pci.c, 7.2, walked as if no device matched:
 * the message Linux logs (once per device with ACS) on reaching a bad entry,
 * after which it leaves that device's ACS as firmware set it. NULL if none.
 */
static const char *config_acs_problem(const char *p, bool fixed_mask)
{
	while (*p) {
		if (!fixed_mask) {
			const char *at = strchr(p, '@');
			uint16_t mask, flags;

			if (!at)
				return "ACS Flags missing";
			if (parse_acs_flags(p, at, &mask, &flags))
				return "Invalid ACS flags... Ignoring";
			if (mask & ~(PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF |
				     PCI_ACS_EC | PCI_ACS_DT))
				return "Invalid ACS flags specified";
			p = at + 1;
		}
		if (!dev_str_syntax(p, &p))
			return "PCI: Can't parse ACS command line parameter";
		if (*p != ';' && *p != ',')
			break;
		p++;
	}
	return NULL;
}

static void check_acs_param(const char *name, const char *val, bool fixed_mask, struct pcilu_diag *d)
{
	const char *why = val ? config_acs_problem(val, fixed_mask) : NULL;

	if (why)
		pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1,
			       "pci=%s=%.80s: Linux 7.2 logs \"%s\" for it and leaves ACS of the devices it reaches unchanged",
			       name, val, why);
}

static void set_str(char **dst, const char *s, size_t n, bool *oom)
{
	char *c = strndup(s, n);

	if (!c) {
		*oom = true;
		return;
	}
	free(*dst);
	*dst = c;
}

/* parameq(), kernel/params.c: '-' and '_' are the same in parameter names. */
static bool parameq(const char *a, size_t alen, const char *b)
{
	if (alen != strlen(b))
		return false;
	for (size_t i = 0; i < alen; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return false;
	}
	return true;
}

/*
 * Every pci= option an x86-64 Linux 7.2 accepts, in the order it tries them:
 * pcibios_setup() (arch/x86/pci/common.c, with CONFIG_PCI_DIRECT and
 * CONFIG_PCI_MMCONFIG, without the 32-bit CONFIG_PCI_BIOS), then
 * pci_setup_cardbus() and pci_setup() (drivers/pci). @prefix: matched with
 * strncmp() on the name's length, as the kernel does. @use: what the policy
 * takes from it. @unmodelled: why the option changes what pcilu computes and
 * is not modelled.
 */
enum pci_opt_use {
	PCI_OPT_IGNORED, PCI_OPT_ACS_REDIR, PCI_OPT_CONFIG_ACS, PCI_OPT_NOATS, PCI_OPT_NOARI,
	PCI_OPT_ASSIGN_BUSSES,
};

struct pci_opt {
	const char *name;
	bool prefix;
	enum pci_opt_use use;
	const char *unmodelled;
};

/* Most options change nothing pcilu models: a name, matched whole or as a prefix. */
#define OPT(name) { name, false, PCI_OPT_IGNORED, NULL }
#define OPT_PREFIX(name) { name, true, PCI_OPT_IGNORED, NULL }

static const struct pci_opt pci_known[] = {
	{ "off", false, PCI_OPT_IGNORED,
	  "Linux does not scan PCI at all, so no device gets an IOMMU group" },
	OPT("bfsort"), OPT("nobfsort"),
	OPT("conf1"), OPT("conf2"),
	{ "nommconf", false, PCI_OPT_IGNORED,
	  "without MMCONFIG Linux reads no extended config space, so it finds no ACS capability" },
	OPT("check_enable_amd_mmconf"),
	OPT("noacpi"), OPT("noearly"), OPT("usepirqmask"),
	OPT_PREFIX("irqmask="), OPT_PREFIX("lastbus="),
	OPT("rom"), OPT("norom"), OPT("nobar"),
	{ "assign-busses", false, PCI_OPT_ASSIGN_BUSSES,
	  "Linux renumbers every bridge's buses; pcilu keeps the numbers it read" },
	OPT("use_crs"), OPT("nocrs"),
	OPT("use_e820"), OPT("no_e820"), OPT("big_root_window"),
	OPT("routeirq"), OPT("skip_isa_align"),
	OPT("noioapicquirk"), OPT("ioapicreroute"),
	OPT("noioapicreroute"),
	OPT_PREFIX("cbiosize="), OPT_PREFIX("cbmemsize="),
	OPT("nomsi"), { "noats", true, PCI_OPT_NOATS, NULL }, OPT("noaer"),
	OPT("earlydump"), OPT_PREFIX("realloc="), OPT_PREFIX("realloc"),
	OPT("nodomains"),
	{ "noari", true, PCI_OPT_NOARI,
	  "Linux enables ARI Forwarding on no bridge; pcilu takes ARI Forwarding as read" },
	OPT_PREFIX("notph"), OPT_PREFIX("resource_alignment="), OPT_PREFIX("ecrc="),
	OPT_PREFIX("hpiosize="), OPT_PREFIX("hpmmiosize="), OPT_PREFIX("hpmmioprefsize="),
	OPT_PREFIX("hpmemsize="), OPT_PREFIX("hpbussize="),
	OPT_PREFIX("pcie_bus_tune_off"), OPT_PREFIX("pcie_bus_safe"),
	OPT_PREFIX("pcie_bus_perf"), OPT_PREFIX("pcie_bus_peer2peer"),
	OPT_PREFIX("pcie_scan_all"),
	{ "disable_acs_redir=", true, PCI_OPT_ACS_REDIR, NULL }, { "config_acs=", true, PCI_OPT_CONFIG_ACS, NULL },
};
#undef OPT
#undef OPT_PREFIX

static const struct pci_opt *pci_opt_find(const char *v, size_t n)
{
	for (size_t i = 0; i < sizeof(pci_known) / sizeof(pci_known[0]); i++) {
		const struct pci_opt *o = &pci_known[i];
		size_t l = strlen(o->name);

		if (o->prefix ? n >= l && !strncmp(v, o->name, l) : n == l && !strncmp(v, o->name, l))
			return o;
	}
	return NULL;
}

/* pci_setup(), drivers/pci/pci.c, 7.2: options separated by ','; empty ones skipped. */
static void pci_opts(struct pcilu_policy *p, const char *v, size_t len, bool *oom,
		     struct pcilu_diag *d)
{
	const char *end = v + len;

	while (v < end) {
		const char *k = memchr(v, ',', (size_t)(end - v));
		size_t n = k ? (size_t)(k - v) : (size_t)(end - v);
		const struct pci_opt *o = n ? pci_opt_find(v, n) : NULL;
		size_t l = o ? strlen(o->name) : 0;	/* the value follows the name */
		int shown = (int)(n > 80 ? 80 : n);

		if (n && !o)
			pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1,
				       "pci=%.*s: unknown option; Linux 7.2 logs \"PCI: Unknown option\" and ignores it",
				       shown, v);
		else if (o && o->unmodelled)
			pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1, "pci=%.*s: not modelled: %s",
				       shown, v, o->unmodelled);
		/* what groups do not model, the simulated next kernel may */
		if (o && o->use == PCI_OPT_ACS_REDIR)
			set_str(&p->disable_acs_redir, v + l, n - l, oom);
		else if (o && o->use == PCI_OPT_CONFIG_ACS)
			set_str(&p->config_acs, v + l, n - l, oom);
		else if (o && o->use == PCI_OPT_NOATS)
			p->ats_disabled = true;
		else if (o && o->use == PCI_OPT_NOARI)
			p->noari = true;
		else if (o && o->use == PCI_OPT_ASSIGN_BUSSES)
			p->assign_busses = true;
		v += n + (k != NULL);
	}
}

/* Options of intel_iommu=, amd_iommu=, iommu=: ','-separated, prefix compared. */
static bool has_opt(const char *v, size_t len, const char *opt)
{
	const char *end = v + len;
	size_t ol = strlen(opt);

	while (v < end) {
		const char *k = memchr(v, ',', (size_t)(end - v));
		size_t n = k ? (size_t)(k - v) : (size_t)(end - v);

		if (n >= ol && !strncmp(v, opt, ol))
			return true;
		v += n + (k != NULL);
	}
	return false;
}

/* intel_iommu_setup(), drivers/iommu/intel/iommu.c, 7.2: prefixes it knows, in its order. */
static const char *const intel_known[] = {
	"on", "off", "igfx_off", "intgpu_off", "forcedac", "strict", "sp_off", "sm_on", "sm_off",
	"tboot_noforce",
};

static void intel_opts(struct pcilu_policy *p, const char *v, size_t len, struct pcilu_diag *d)
{
	/* intel_iommu_setup(): options in order, the last on/off wins */
	const char *end = v + len;

	while (v < end) {
		const char *k = memchr(v, ',', (size_t)(end - v));
		size_t n = k ? (size_t)(k - v) : (size_t)(end - v), i;

		for (i = 0; n && i < sizeof(intel_known) / sizeof(intel_known[0]); i++)
			if (n >= strlen(intel_known[i]) && !strncmp(v, intel_known[i], strlen(intel_known[i])))
				break;
		if (i == 0)
			p->intel_off = false, p->intel_on = true;
		else if (i == 1)
			p->intel_off = true, p->intel_on = false;
		else if (i == 2)
			p->intel_igfx_off = true;	/* disable_igfx_iommu */
		else if (n && i == sizeof(intel_known) / sizeof(intel_known[0]))
			pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1,
				       "intel_iommu=: unknown option '%.*s'; Linux 7.2 logs \"Unknown option\" and ignores it",
				       (int)(n > 80 ? 80 : n), v);
		v += n + (k != NULL);
	}
}

static void one_param(struct pcilu_policy *p, const char *name, size_t nlen,
		      const char *val, size_t vlen, bool *oom, struct pcilu_diag *d)
{
	if (!val)
		return;
	if (parameq(name, nlen, "pci"))
		pci_opts(p, val, vlen, oom, d);
	else if (parameq(name, nlen, "intel_iommu"))
		intel_opts(p, val, vlen, d);
	else if (parameq(name, nlen, "amd_iommu") && has_opt(val, vlen, "off"))
		p->amd_off = true;
	else if (parameq(name, nlen, "iommu") && has_opt(val, vlen, "off"))
		p->iommu_off = true;
	else if (parameq(name, nlen, "pcie_acs_override"))
		set_str(&p->cmdline_override, val, vlen, oom);
}

static bool q_unbalanced_check(const char *s, size_t n)
{
	size_t quotes = 0;

	for (size_t i = 0; i < n; i++)
		quotes += s[i] == '"';
	return quotes & 1;
}

/* next_arg(), lib/cmdline.c: blanks separate, double quotes group, the first '=' splits. */
int pcilu_policy_parse_cmdline(struct pcilu_policy *p, const char *s, struct pcilu_diag *d)
{
	size_t total = strnlen(s, CMDLINE_MAX + 1);
	bool oom = false;

	if (total > CMDLINE_MAX) {
		pcilu_diag_add(d, PCILU_ERROR, NULL, 0, -1,
			       "kernel command line longer than %d bytes; Linux would truncate it", CMDLINE_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < total && !oom;) {
		size_t start, eq = 0, stop;
		bool q = false;

		while (i < total && isspace((unsigned char)s[i]))
			i++;
		if (i >= total)
			break;
		start = i;
		for (; i < total && (q || !isspace((unsigned char)s[i])); i++) {
			if (!eq && s[i] == '=')
				eq = i;
			if (s[i] == '"')
				q = !q;
		}
		stop = i;
		if (stop - start == 2 && !strncmp(s + start, "--", 2))
			break;	/* the rest goes to init */
		const char *name = s + start, *val = NULL;
		size_t nlen = (eq ? eq : stop) - start, vlen = 0;

		if (name[0] == '"')
			name++, nlen = nlen ? nlen - 1 : 0;
		if (eq) {
			val = s + eq + 1;
			vlen = stop - eq - 1;
			if (vlen && val[0] == '"') {
				val++, vlen--;
				if (vlen && val[vlen - 1] == '"')
					vlen--;
			}
		}
		one_param(p, name, nlen, val, vlen, &oom, d);
	}
	/* The last pci=config_acs= wins, as in pci_setup(): check only that one. */
	if (!oom) {
		check_acs_param("config_acs", p->config_acs, false, d);
		check_acs_param("disable_acs_redir", p->disable_acs_redir, true, d);
	}
	if (q_unbalanced_check(s, total))
		pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1,
			       "kernel command line has an unmatched '\"'; read as Linux would");
	return oom ? -ENOMEM : 0;
}
