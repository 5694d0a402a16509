// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy: which ACS values, which rule set, whether an IOMMU is on.
 * Nothing here is global; a policy is a value the caller owns.
 */
#include "iommu_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void pcilu_policy_init(struct pcilu_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->acs = PCILU_ACS_AS_READ;
	p->fw_base = PCILU_FW_AS_READ;
	p->iommu = PCILU_AUTO;
}

void pcilu_policy_free(struct pcilu_policy *p)
{
	free(p->config_acs);
	free(p->disable_acs_redir);
	free(p->cmdline_override);
	p->config_acs = p->disable_acs_redir = p->cmdline_override = NULL;
}

/* kstrtol(opt, 16, &val) on at most 4 characters, as the override patch calls it. */
static int kstrtol16(const char *s, size_t n, uint16_t *out)
{
	char buf[5];
	bool neg = false;
	unsigned long v = 0;
	size_t i = 0, digits = 0;

	if (n > 4)
		n = 4;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (buf[0] == '-')
		neg = true, i++;
	else if (buf[0] == '+')
		i++;
	if (buf[i] == '0' && (buf[i + 1] == 'x' || buf[i + 1] == 'X'))
		i += 2;
	for (; buf[i] && buf[i] != '\n'; i++, digits++) {
		char c = buf[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned long)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v * 16 + (unsigned long)((c | 0x20) - 'a' + 10);
		else
			return -EINVAL;
	}
	if (!digits || (buf[i] == '\n' && buf[i + 1]))
		return -EINVAL;
	*out = (uint16_t)(neg ? -v : v);
	return 0;
}

/* pcie_acs_override_setup() of the out-of-tree patch: ','-separated, prefix compared. */
static int parse_override(struct pcilu_acs_override *o, const char *p, struct pcilu_diag *d)
{
	memset(o, 0, sizeof(*o));
	o->enabled = true;
	while (*p) {
		if (!strncmp(p, "downstream", 10))
			o->downstream = true;
		if (!strncmp(p, "multifunction", 13))
			o->multifunction = true;
		if (!strncmp(p, "id:", 3)) {
			uint16_t ven, dev;

			if (o->nids >= PCILU_ACS_OVERRIDE_IDS) {
				pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1,
					       "acs-override: more than %d ids; the patch ignores the rest",
					       PCILU_ACS_OVERRIDE_IDS);
				goto next;
			}
			p += 3;
			if (kstrtol16(p, strnlen(p, 4), &ven)) {
				pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1,
					       "acs-override: bad vendor id at \"%.8s\"; ignored as the patch does", p);
				goto next;
			}
			p += strcspn(p, ":");
			if (*p != ':') {
				pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1,
					       "acs-override: id without ':device'; ignored as the patch does");
				goto next;
			}
			p++;
			if (kstrtol16(p, strnlen(p, 4), &dev)) {
				pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1,
					       "acs-override: bad device id at \"%.8s\"; ignored as the patch does", p);
				goto next;
			}
			o->vendor[o->nids] = ven;
			o->device[o->nids++] = dev;
		}
next:
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return 0;
}

/* "7.N..." with N a number: N, else -1. */
static int seven_minor(const char *s)
{
	char *end;
	long n;

	if (!s || strncmp(s, "7.", 2) || s[2] < '0' || s[2] > '9')
		return -1;
	n = strtol(s + 2, &end, 10);
	return n > 99 ? -1 : (int)n;
}

int pcilu_policy_parse_release(struct pcilu_policy *p, const char *release, struct pcilu_diag *d)
{
	int n = seven_minor(release);

	if (n != 2 && n != 3) {
		pcilu_diag_add(d, PCILU_ERROR, NULL, 0, -1,
			       "--kernel-release: '%.40s' is not a modelled release (7.2 or 7.3)", release ? release : "");
		return -EINVAL;
	}
	p->kernel_minor = (uint8_t)n;
	return 0;
}

unsigned pcilu_policy_kernel_minor(const struct pcilu_policy *p, const struct pcilu_topology *t)
{
	int n = seven_minor(t ? t->kernel_release : NULL);

	if (p && p->kernel_minor)
		return p->kernel_minor;
	/* 7.3's tables are the newest modelled; a later kernel has at least them. */
	if (n >= 3 || (t && t->kernel_release && t->kernel_release[0] > '7' && t->kernel_release[1] == '.'))
		return 3;
	return 2;
}

int pcilu_policy_parse_rules(struct pcilu_policy *p, const char *rules, struct pcilu_diag *d)
{
	if (strnlen(rules, 4097) > 4096) {
		pcilu_diag_add(d, PCILU_ERROR, NULL, 0, -1, "--rules value too long");
		return -EINVAL;
	}
	if (!strcmp(rules, "linux")) {
		memset(&p->override, 0, sizeof(p->override));
		return 0;
	}
	if (!strncmp(rules, "acs-override=", 13))
		return parse_override(&p->override, rules + 13, d);
	if (!strcmp(rules, "acs-override")) {
		if (!p->cmdline_override) {
			pcilu_diag_add(d, PCILU_ERROR, NULL, 0, -1,
				       "--rules acs-override without a value needs pcie_acs_override= "
				       "on the kernel command line");
			return -EINVAL;
		}
		return parse_override(&p->override, p->cmdline_override, d);
	}
	pcilu_diag_add(d, PCILU_ERROR, NULL, 0, -1,
		       "unknown rule set \"%.40s\" (expected linux or acs-override=downstream,"
		       "multifunction,id:vvvv:dddd)", rules);
	return -EINVAL;
}

/*
 * The host bridge at 0000:00:00.0 says whose chipset this is, and so whose
 * IOMMU the command line turns on or off; any other function there says
 * nothing (0).
 */
uint16_t pcilu_platform_vendor(const struct pcilu_topology *t)
{
	int32_t hb = pcilu_topology_find(t, 0, 0, 0);

	if (hb != PCILU_NONE && (t->devs[hb].class >> 8) == 0x0600)
		return t->devs[hb].vendor;
	return 0;
}

/*
 * A capture whose ACS-capable root and downstream ports all read Control 0
 * was taken with no IOMMU on: pci_enable_acs() (drivers/pci/pci.c, 7.2)
 * runs only after an IOMMU driver called pci_request_acs(), and then sets
 * every one of SV, RR, CR, UF the capability has. pci=config_acs= could
 * clear them on purpose, so a command line with it proves nothing.
 */
static bool acs_says_off(const struct pcilu_policy *p, const struct pcilu_topology *t)
{
	size_t ports = 0;

	if (!t || p->config_acs)
		return false;
	for (size_t i = 0; i < t->ndevs; i++) {
		const struct pcilu_dev *d = &t->devs[i];
		uint16_t cap = d->acs_cap & PCILU_REQ_ACS_FLAGS;

		/* Sunrise Point ports keep ACS in dwords: the words read here mean nothing. */
		if (!d->acs_pos || !cap || !d->pcie_pos || pcilu_quirk_intel_spt_pch_acs_match(d) ||
		    (d->pcie_type != PCI_EXP_TYPE_ROOT_PORT && d->pcie_type != PCI_EXP_TYPE_DOWNSTREAM))
			continue;
		if (d->acs_ctrl & cap)
			return false;
		ports++;
	}
	return ports > 0;
}

/*
 * detect_intel_iommu()/dmar_required() and amd_iommu_detect(), 7.2, with
 * Debian's config (CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y, so Intel
 * DMA remapping is on unless intel_iommu=off; AMD-Vi on unless amd_iommu=off;
 * iommu=off turns both off).
 */
static bool cmdline_says_on(const struct pcilu_policy *p, const struct pcilu_topology *t)
{
	uint16_t v = t ? pcilu_platform_vendor(t) : 0;

	if (p->iommu_off)
		return false;
	if (v == 0x8086)
		return !p->intel_off;
	if (v == 0x1022 || v == 0x1002)
		return !p->amd_off;
	return !(p->intel_off || p->amd_off);
}

bool pcilu_policy_iommu(const struct pcilu_policy *p, const struct pcilu_topology *t, uint8_t *from)
{
	uint8_t dummy;
	bool on;

	if (!from)
		from = &dummy;
	if (p->iommu != PCILU_AUTO) {
		*from = PCILU_FROM_USER;
		return p->iommu == PCILU_ON;
	}
	/* The source's observation, for the boot it was taken from. */
	if (t && t->iommu != PCILU_IOMMU_UNKNOWN && !p->cmdline_foreign &&
	    !(p->fresh_boot && t->iommu == PCILU_IOMMU_ABSENT)) {
		*from = t->iommu_from;
		return t->iommu == PCILU_IOMMU_PRESENT;
	}
	on = cmdline_says_on(p, t);
	if (!on) {
		*from = PCILU_FROM_CMDLINE;
		return false;
	}
	if (!p->cmdline_foreign && p->acs == PCILU_ACS_AS_READ && acs_says_off(p, t)) {
		*from = PCILU_FROM_ACS;
		return false;
	}
	/* intel_iommu=on said so (dmar_disabled = 0, intel_iommu_setup(), 7.2); else the default. */
	*from = p->intel_on && (!t || pcilu_platform_vendor(t) != 0x1022) ? PCILU_FROM_CMDLINE : PCILU_FROM_DEFAULT;
	return true;
}

bool pcilu_policy_iommu_on(const struct pcilu_policy *p, const struct pcilu_topology *t)
{
	return pcilu_policy_iommu(p, t, NULL);
}

bool pcilu_policy_capture_iommu_off(const struct pcilu_policy *p, const struct pcilu_topology *t, uint8_t *from)
{
	if (t->iommu != PCILU_IOMMU_UNKNOWN) {
		*from = t->iommu_from;
		return t->iommu == PCILU_IOMMU_ABSENT;
	}
	*from = PCILU_FROM_ACS;
	return acs_says_off(p, t);
}

const char *pcilu_fact_origin_name(uint8_t from)
{
	static const char *const n[] = {
		[PCILU_FROM_DEFAULT] = "default", [PCILU_FROM_GROUPS] = "kernel-groups",
		[PCILU_FROM_SYSFS] = "sysfs", [PCILU_FROM_SPEC] = "spec", [PCILU_FROM_CMDLINE] = "cmdline",
		[PCILU_FROM_ACS] = "acs-controls", [PCILU_FROM_USER] = "option",
	};

	return from < sizeof(n) / sizeof(n[0]) ? n[from] : "unknown";
}

const char *pcilu_fact_origin_text(uint8_t from, bool on)
{
	switch (from) {
	case PCILU_FROM_GROUPS:
		return on ? "the source carries the kernel's IOMMU groups" :
			    "the kernel formed no IOMMU group";
	case PCILU_FROM_SYSFS:
		return on ? "kernel/iommu_groups in sysfs holds groups" :
			    "kernel/iommu_groups is empty and no device has an iommu_group link: the kernel "
			    "formed no IOMMU group";
	case PCILU_FROM_SPEC:
		return "the spec's \"iommu\" field";
	case PCILU_FROM_CMDLINE:
		return on ? "the kernel command line turns it on: intel_iommu=on" : "the kernel command line turns it off";
	case PCILU_FROM_ACS:
		return "every ACS-capable root and downstream port reads ACS Control 0, which no kernel "
		       "with an IOMMU leaves (pci_enable_acs() sets SV|RR|CR|UF); the capture was taken "
		       "with the IOMMU off";
	case PCILU_FROM_USER:
		return "--iommu";
	default:
		return "assumed: the source does not say; Debian's 7.2 kernel enables Intel DMA "
		       "remapping by default (CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y) and AMD-Vi "
		       "whenever the firmware describes it, and the command line does not turn it off";
	}
}
