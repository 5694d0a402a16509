/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI configuration space register layout, the subset pcilu decodes or
 * synthesises. Names follow the kernel's include/uapi/linux/pci_regs.h so
 * that kernel engineers recognise them; values are from the PCI and PCI
 * Express base specifications.
 */
#ifndef PCILU_REGS_H
#define PCILU_REGS_H

/* Type 0/1/2 common header */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_MASTER	0x0004
#define PCI_STATUS		0x06
#define  PCI_STATUS_CAP_LIST	0x0010
#define PCI_REVISION_ID		0x08
#define PCI_CLASS_PROG		0x09
#define PCI_CLASS_DEVICE	0x0a
#define PCI_HEADER_TYPE		0x0e
#define  PCI_HEADER_TYPE_MASK	0x7f
#define  PCI_HEADER_TYPE_MFD	0x80
#define  PCI_HEADER_TYPE_NORMAL	0
#define  PCI_HEADER_TYPE_BRIDGE	1
#define  PCI_HEADER_TYPE_CARDBUS 2
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_CAPABILITY_LIST	0x34
#define PCI_CB_CAPABILITY_LIST	0x14
/* Type 1 (bridge) */
#define PCI_PRIMARY_BUS		0x18
#define PCI_SECONDARY_BUS	0x19
#define PCI_SUBORDINATE_BUS	0x1a
#define PCI_BRIDGE_CONTROL	0x3e
/* Type 2 (CardBus) */
#define PCI_CB_PRIMARY_BUS	0x18
#define PCI_CB_CARD_BUS		0x19
#define PCI_CB_SUBORDINATE_BUS	0x1a
#define PCI_CB_SUBSYSTEM_VENDOR_ID 0x40
#define PCI_CB_SUBSYSTEM_ID	0x42

#define PCI_STD_HEADER_SIZEOF	64
#define PCI_CFG_SPACE_SIZE	256
#define PCI_CFG_SPACE_EXP_SIZE	4096

/* Capability list */
#define PCI_CAP_LIST_ID		0
#define PCI_CAP_LIST_NEXT	1
#define PCI_CAP_ID_PM		0x01
#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_ID_SSVID	0x0d	/* bridge subsystem vendor/device */
#define PCI_CAP_ID_EXP		0x10
#define PCI_CAP_ID_PCIX		0x07	/* PCI-X */
#define PCI_X_STATUS		4	/* PCI-X status register (dword) */
#define  PCI_X_STATUS_266MHZ	0x40000000	/* 266 MHz capable (Mode 2) */
#define  PCI_X_STATUS_533MHZ	0x80000000	/* 533 MHz capable (Mode 2) */
#define PCI_CAP_ID_MSIX		0x11
#define PCI_CAP_ID_AF		0x13
#define PCI_FIND_CAP_TTL	48	/* the kernel's loop guard for the legacy list */

/* PCI Express capability */
#define PCI_EXP_FLAGS		0x02
#define  PCI_EXP_FLAGS_VERS	0x000f
#define  PCI_EXP_FLAGS_TYPE	0x00f0
#define  PCI_EXP_TYPE_ENDPOINT	0x0
#define  PCI_EXP_TYPE_LEG_END	0x1
#define  PCI_EXP_TYPE_ROOT_PORT	0x4
#define  PCI_EXP_TYPE_UPSTREAM	0x5
#define  PCI_EXP_TYPE_DOWNSTREAM 0x6
#define  PCI_EXP_TYPE_PCI_BRIDGE 0x7
#define  PCI_EXP_TYPE_PCIE_BRIDGE 0x8
#define  PCI_EXP_TYPE_RC_END	0x9
#define  PCI_EXP_TYPE_RC_EC	0xa
#define  PCI_EXP_FLAGS_SLOT	0x0100
#define PCI_EXP_DEVCAP		0x04
#define PCI_EXP_DEVCTL		0x08
#define PCI_EXP_LNKCAP		0x0c
#define PCI_EXP_SLTCAP		0x14
#define PCI_EXP_DEVCAP2		0x24
#define  PCI_EXP_DEVCAP2_ARI	0x00000020
#define PCI_EXP_DEVCTL2		0x28
#define  PCI_EXP_DEVCTL2_ARI	0x0020
#define PCI_CAP_EXP_ENDPOINT_SIZEOF_V2 0x3c

/* Extended capabilities */
#define PCI_EXT_CAP_ID(h)	((h) & 0x0000ffff)
#define PCI_EXT_CAP_VER(h)	(((h) >> 16) & 0xf)
#define PCI_EXT_CAP_NEXT(h)	(((h) >> 20) & 0xffc)
#define PCI_EXT_CAP_ID_ERR	0x01
#define PCI_EXT_CAP_ID_VC	0x02
#define PCI_EXT_CAP_ID_DSN	0x03
#define PCI_EXT_CAP_ID_ACS	0x0d
#define PCI_EXT_CAP_ID_ARI	0x0e
#define PCI_EXT_CAP_ID_ATS	0x0f
#define PCI_EXT_CAP_ID_SRIOV	0x10
#define PCI_EXT_CAP_ID_DPC	0x1d
/* The kernel's loop guard for the extended list: at most this many headers. */
#define PCI_FIND_EXT_CAP_TTL	((PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8)

/* Access Control Services */
#define PCI_ACS_CAP		0x04
#define PCI_ACS_CTRL		0x06
#define PCI_ACS_EGRESS_CTL_V	0x08
#define  PCI_ACS_SV		0x0001	/* Source Validation */
#define  PCI_ACS_TB		0x0002	/* Translation Blocking */
#define  PCI_ACS_RR		0x0004	/* P2P Request Redirect */
#define  PCI_ACS_CR		0x0008	/* P2P Completion Redirect */
#define  PCI_ACS_UF		0x0010	/* Upstream Forwarding */
#define  PCI_ACS_EC		0x0020	/* P2P Egress Control */
#define  PCI_ACS_DT		0x0040	/* Direct Translated P2P */
#define  PCI_ACS_ENHANCED	0x0080	/* ACS Enhanced capability (cap only) */
#define  PCI_ACS_EGRESS_BITS	0xff00	/* Egress Control Vector Size (cap only) */

/* Alternative Routing-ID Interpretation */
#define PCI_ARI_CAP		0x04
#define  PCI_ARI_CAP_MFVC	0x0001
#define  PCI_ARI_CAP_ACS	0x0002
#define  PCI_ARI_CAP_NFN(x)	(((x) >> 8) & 0xff)
#define PCI_ARI_CTRL		0x06

/* Single Root I/O Virtualization */
#define PCI_SRIOV_CAP		0x04
#define PCI_SRIOV_CTRL		0x08
#define  PCI_SRIOV_CTRL_VFE	0x0001
#define  PCI_SRIOV_CTRL_MSE	0x0008
#define  PCI_SRIOV_CTRL_ARI	0x0010
#define PCI_SRIOV_INITIAL_VF	0x0c
#define PCI_SRIOV_TOTAL_VF	0x0e
#define PCI_SRIOV_NUM_VF	0x10
#define PCI_SRIOV_FUNC_LINK	0x12
#define PCI_SRIOV_VF_OFFSET	0x14
#define PCI_SRIOV_VF_STRIDE	0x16
#define PCI_SRIOV_VF_DID	0x1a

#define PCI_DEVFN(slot, func)	((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn)		(((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)		((devfn) & 0x07)

#endif
