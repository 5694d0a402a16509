/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /dev/liveupdate uAPI (include/uapi/linux/liveupdate.h, Linux 7.2).
 * Taken from the system header when it exists; otherwise declared here with
 * the same layout, which the static_asserts pin down.
 */
#ifndef PCILU_LUO_UAPI_H
#define PCILU_LUO_UAPI_H

#include <assert.h>
#include <linux/ioctl.h>
#include <linux/kexec.h>
#include <linux/types.h>
#include <stddef.h>

#if defined(__has_include)
#if __has_include(<linux/liveupdate.h>)
#include <linux/liveupdate.h>
#define PCILU_HAVE_LINUX_LIVEUPDATE_H 1
#endif
#endif

#ifndef PCILU_HAVE_LINUX_LIVEUPDATE_H
#define LIVEUPDATE_IOCTL_TYPE		0xBA
#define LIVEUPDATE_SESSION_NAME_LENGTH	64

enum {
	LIVEUPDATE_CMD_CREATE_SESSION = 0x00,
	LIVEUPDATE_CMD_RETRIEVE_SESSION = 0x01,
};

enum {
	LIVEUPDATE_CMD_SESSION_PRESERVE_FD = 0x40,
	LIVEUPDATE_CMD_SESSION_RETRIEVE_FD = 0x41,
	LIVEUPDATE_CMD_SESSION_FINISH = 0x42,
};

struct liveupdate_ioctl_create_session {
	__u32 size;
	__s32 fd;			/* out: the session fd */
	__u8 name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

struct liveupdate_ioctl_retrieve_session {
	__u32 size;
	__s32 fd;
	__u8 name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

struct liveupdate_session_preserve_fd {
	__u32 size;
	__s32 fd;
	__aligned_u64 token;
};

struct liveupdate_session_retrieve_fd {
	__u32 size;
	__s32 fd;			/* out */
	__aligned_u64 token;
};

struct liveupdate_session_finish {
	__u32 size;
	__u32 reserved;			/* must be 0 */
};

/* Size-versioned structures: no size bits in the request number. */
#define LIVEUPDATE_IOCTL_CREATE_SESSION	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_CREATE_SESSION)
#define LIVEUPDATE_IOCTL_RETRIEVE_SESSION _IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_RETRIEVE_SESSION)
#define LIVEUPDATE_SESSION_PRESERVE_FD	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_PRESERVE_FD)
#define LIVEUPDATE_SESSION_RETRIEVE_FD	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_RETRIEVE_FD)
#define LIVEUPDATE_SESSION_FINISH	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_FINISH)
#endif

static_assert(sizeof(struct liveupdate_ioctl_create_session) == 72, "create_session layout");
static_assert(offsetof(struct liveupdate_ioctl_create_session, name) == 8, "create_session name");
static_assert(sizeof(struct liveupdate_ioctl_retrieve_session) == 72, "retrieve_session layout");
static_assert(sizeof(struct liveupdate_session_preserve_fd) == 16, "preserve_fd layout");
static_assert(offsetof(struct liveupdate_session_preserve_fd, token) == 8, "preserve_fd token");
static_assert(sizeof(struct liveupdate_session_retrieve_fd) == 16, "retrieve_fd layout");
static_assert(sizeof(struct liveupdate_session_finish) == 8, "finish layout");
static_assert(LIVEUPDATE_IOCTL_CREATE_SESSION == 0xba00, "create_session request");
static_assert(LIVEUPDATE_SESSION_PRESERVE_FD == 0xba40, "preserve_fd request");
static_assert(LIVEUPDATE_SESSION_FINISH == 0xba42, "finish request");

#ifndef KEXEC_FILE_NO_INITRAMFS
#define KEXEC_FILE_NO_INITRAMFS 0x00000004
#endif

#endif
