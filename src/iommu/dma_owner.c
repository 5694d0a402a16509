// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a VFIO user must do with each member of a group. vfio takes DMA
 * ownership of the whole group (iommu_group_claim_dma_owner() and
 * iommu_device_claim_dma_owner(), drivers/iommu/iommu.c, 7.2), which fails
 * while any member is bound to a driver using the kernel's DMA API
 * (iommu_device_use_default_domain()); drivers that set driver_managed_dma
 * (vfio-pci and its variant drivers, pci-stub, pcieport) and unbound devices
 * do not count.
 */
#include "iommu_int.h"

#include <string.h>

/* PCI drivers with driver_managed_dma = true in 7.2 (grep of drivers/, 7.2.13). */
static const char *const managed[] = {
	"pci-stub", "pcieport",
};

static const char *const vfio_variants[] = {
	"vfio-pci", "hisi_acc_vfio_pci", "mlx5_vfio_pci", "nvgrace_gpu_vfio_pci", "pds_vfio_pci",
	"qat_vfio_pci", "virtio_vfio_pci", "xe_vfio_pci", "ism_vfio_pci",
};

static bool in(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, v[i]))
			return true;
	return false;
}

enum pcilu_dma_owner pcilu_dma_owner_of(const struct pcilu_topology *t, const struct pcilu_dev *d)
{
	if (!d->driver)
		return t->has_drivers ? PCILU_DMA_UNBOUND : PCILU_DMA_UNKNOWN;
	if (in(d->driver, vfio_variants, sizeof(vfio_variants) / sizeof(vfio_variants[0])))
		return PCILU_DMA_VFIO;
	if (in(d->driver, managed, sizeof(managed) / sizeof(managed[0])))
		return PCILU_DMA_MANAGED;
	return PCILU_DMA_KERNEL;
}

const char *pcilu_dma_owner_name(unsigned o)
{
	static const char *const names[] = {
		[PCILU_DMA_UNKNOWN] = "unknown", [PCILU_DMA_UNBOUND] = "unbound", [PCILU_DMA_VFIO] = "vfio",
		[PCILU_DMA_MANAGED] = "driver-managed-dma", [PCILU_DMA_KERNEL] = "kernel-dma",
	};

	return o < sizeof(names) / sizeof(names[0]) ? names[o] : "?";
}

/*
 * An IOMMU's own PCI function, which no IOMMU translates, so the kernel gives
 * it no group: AMD-Vi's function (class 08 06, AMD), whose device-table entry
 * init_iommu_one_late() clears ("Make sure IOMMU is not considered to
 * translate itself", drivers/iommu/amd/init.c, 7.2), and a virtio-iommu
 * (1af4:1057, virtio device id 23), which sits outside the ranges it serves.
 */
bool pcilu_iommu_function(const struct pcilu_dev *d)
{
	return (d->vendor == 0x1022 && (d->class >> 8) == 0x0806) || (d->vendor == 0x1af4 && d->device == 0x1057);
}

