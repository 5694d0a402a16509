// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the kernel that produced a topology can do for Live Update: whether
 * it carries the PCI Live Update series at all. Linux 7.2 and 7.3 carry
 * none of the PCI, vfio-pci or iommufd series; the PCI series (v9) is
 * staged for 7.4 in liveupdate.git next, its merge not confirmed
 * (research: liveupdate-2026-12.md §0, §2.1). The series adds
 * CONFIG_PCI_LIVEUPDATE (from v4 01/11 on), the one thing a running kernel
 * shows of it without a device preserved.
 */
#include "liveupdate_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *pcilu_lu_klu_name(unsigned v)
{
	return v == PCILU_KLU_NO ? "no" : v == PCILU_KLU_YES ? "yes" : "unknown";
}

const char *pcilu_lu_klu_how_name(unsigned v)
{
	return v == PCILU_KLU_BY_CONFIG ? "config" : v == PCILU_KLU_BY_RELEASE ? "release" : "none";
}

/* "7.2.13+deb14-amd64" -> 7, 2; false when it does not start with MAJOR.MINOR. */
static bool release_version(const char *rel, unsigned *major, unsigned *minor)
{
	char *end;
	unsigned long a, b;

	if (!rel || *rel < '0' || *rel > '9')
		return false;
	a = strtoul(rel, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return false;
	b = strtoul(end + 1, &end, 10);
	if (a > 1000 || b > 1000)
		return false;
	*major = (unsigned)a;
	*minor = (unsigned)b;
	return true;
}

static void probe_live(const char *root, struct pcilu_lu_kernel *k)
{
	char path[sizeof(k->config) + sizeof(k->release) + 32];
	int ret;

	snprintf(path, sizeof(path), "%s/dev/liveupdate", root);
	k->luo = access(path, F_OK) == 0;
	if (!k->release[0])
		return;
	snprintf(path, sizeof(path), "%s/boot/config-%s", root, k->release);
	ret = pcilu_kconfig_has(path, "CONFIG_PCI_LIVEUPDATE");
	if (ret < 0)
		return;
	snprintf(k->config, sizeof(k->config), "%.*s", (int)sizeof(k->config) - 1, path);
	k->pci_lu = ret ? PCILU_KLU_YES : PCILU_KLU_NO;
	k->how = PCILU_KLU_BY_CONFIG;
}

/* What pcilu capture looked up on the host, as probe_live() would have. */
static void from_capture(const struct pcilu_capture_info *c, struct pcilu_lu_kernel *k)
{
	k->luo = c->luo;
	if (c->pci_lu < 0 || !c->kconfig)
		return;
	snprintf(k->config, sizeof(k->config), "%.*s", (int)sizeof(k->config) - 1, c->kconfig);
	k->pci_lu = c->pci_lu ? PCILU_KLU_YES : PCILU_KLU_NO;
	k->how = PCILU_KLU_BY_CONFIG;
}

int pcilu_lu_kernel_probe(const struct pcilu_topology *t, const char *root, struct pcilu_lu_kernel *k)
{
	unsigned major, minor;

	memset(k, 0, sizeof(*k));
	k->luo = -1;	/* stays -1 unless the source is live or a capture recorded it */
	if (t->kernel_release)
		snprintf(k->release, sizeof(k->release), "%s", t->kernel_release);
	if (t->live) {
		k->running = true;
		probe_live(root ? root : "", k);
	} else if (t->capture) {
		from_capture(t->capture, k);
	}
	if (k->how == PCILU_KLU_BY_CONFIG || !release_version(k->release, &major, &minor))
		return 0;
	k->how = PCILU_KLU_BY_RELEASE;
	k->pci_lu = major < 7 || (major == 7 && minor < 4) ? PCILU_KLU_NO : PCILU_KLU_UNKNOWN;
	return 0;
}

const char *pcilu_lu_kernel_text(const struct pcilu_lu_kernel *k, char *buf, size_t len)
{
	const char *who = k->running ? "the running kernel" : "the source's kernel";
	const char *rel = k->release;

	switch (k->pci_lu) {
	case PCILU_KLU_NO:
		if (k->how == PCILU_KLU_BY_CONFIG)
			snprintf(buf, len, "%s (%s) cannot preserve PCI devices: its config %s lacks "
				 "CONFIG_PCI_LIVEUPDATE", who, rel, k->config);
		else
			snprintf(buf, len, "%s (%s) cannot preserve PCI devices (no PCI Live Update support "
				 "before 7.4; decided by release)", who, rel);
		break;
	case PCILU_KLU_YES:
		snprintf(buf, len, "%s (%s) has PCI Live Update (CONFIG_PCI_LIVEUPDATE in %s)%s", who, rel,
			 k->config, k->luo == 0 ? "; /dev/liveupdate is missing: boot with liveupdate=on kho=on" : "");
		break;
	default:
		if (k->how == PCILU_KLU_BY_RELEASE)
			snprintf(buf, len, "%s (%s) may preserve PCI devices: the PCI Live Update series is staged "
				 "for 7.4, its merge not confirmed; look for CONFIG_PCI_LIVEUPDATE in its config",
				 who, rel);
		else
			snprintf(buf, len, "%s is not known, so neither is whether it can preserve PCI devices "
				 "(no kernel before 7.4 can)", who);
	}
	return buf;
}
