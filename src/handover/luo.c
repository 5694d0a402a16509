// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A client of /dev/liveupdate (the Live Update Orchestrator, kernel/liveupdate,
 * Linux 6.19+); kexec itself is kexec.c. The manifest travels across kexec
 * in a memfd preserved in the session "pcilu". The outgoing session only
 * survives if its fd is still open at reboot(): closing it unpreserves.
 */
#include "handover_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luo_uapi.h"

static int sys_open(const struct pcilu_luo_sys *sys, const char *path, int flags)
{
	int fd = sys && sys->open ? sys->open(path, flags) : open(path, flags);

	return fd < 0 ? -errno : fd;
}

int pcilu_luo_sys_ioctl(const struct pcilu_luo_sys *sys, int fd, unsigned long req, void *arg)
{
	int ret = sys && sys->ioctl ? sys->ioctl(fd, req, arg) : ioctl(fd, req, arg);

	return ret < 0 ? -errno : ret;
}

int pcilu_luo_open(const struct pcilu_luo_sys *sys)
{
	return sys_open(sys, PCILU_LUO_DEVICE, O_RDWR | O_CLOEXEC);
}

static int set_name(uint8_t *dst, const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= LIVEUPDATE_SESSION_NAME_LENGTH)
		return -ENAMETOOLONG;
	/* len < the field, so the zero fill leaves the name NUL-terminated */
	memset(dst, 0, LIVEUPDATE_SESSION_NAME_LENGTH);
	memcpy(dst, name, len + 1);
	return 0;
}

int pcilu_luo_create_session(const struct pcilu_luo_sys *sys, int luo, const char *name)
{
	struct liveupdate_ioctl_create_session arg = { .size = sizeof(arg), .fd = -1 };
	int ret = set_name(arg.name, name);

	ret = ret ?: pcilu_luo_sys_ioctl(sys, luo, LIVEUPDATE_IOCTL_CREATE_SESSION, &arg);
	if (ret < 0)
		return ret;
	return arg.fd >= 0 ? arg.fd : -EBADF;
}

int pcilu_luo_retrieve_session(const struct pcilu_luo_sys *sys, int luo, const char *name)
{
	struct liveupdate_ioctl_retrieve_session arg = { .size = sizeof(arg), .fd = -1 };
	int ret = set_name(arg.name, name);

	ret = ret ?: pcilu_luo_sys_ioctl(sys, luo, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &arg);
	if (ret < 0)
		return ret;
	return arg.fd >= 0 ? arg.fd : -EBADF;
}

int pcilu_luo_preserve_fd(const struct pcilu_luo_sys *sys, int session, int fd, uint64_t token)
{
	struct liveupdate_session_preserve_fd arg = { .size = sizeof(arg), .fd = fd, .token = token };
	int ret = pcilu_luo_sys_ioctl(sys, session, LIVEUPDATE_SESSION_PRESERVE_FD, &arg);

	return ret < 0 ? ret : 0;
}

int pcilu_luo_retrieve_fd(const struct pcilu_luo_sys *sys, int session, uint64_t token)
{
	struct liveupdate_session_retrieve_fd arg = { .size = sizeof(arg), .fd = -1, .token = token };
	int ret = pcilu_luo_sys_ioctl(sys, session, LIVEUPDATE_SESSION_RETRIEVE_FD, &arg);

	if (ret < 0)
		return ret;
	return arg.fd >= 0 ? arg.fd : -EBADF;
}

int pcilu_luo_finish(const struct pcilu_luo_sys *sys, int session)
{
	struct liveupdate_session_finish arg = { .size = sizeof(arg), .reserved = 0 };
	int ret = pcilu_luo_sys_ioctl(sys, session, LIVEUPDATE_SESSION_FINISH, &arg);

	return ret < 0 ? ret : 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int pcilu_luo_preserve_data(const struct pcilu_luo_sys *sys, int session, uint64_t token,
			    const void *data, size_t len)
{
	/* Filled before preserving: the memfd handler records size and pages at preserve time. */
	int fd = memfd_create("pcilu-manifest", MFD_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = write_all(fd, data, len);
	ret = ret ?: pcilu_luo_preserve_fd(sys, session, fd, token);
	/* LUO holds its own reference to the file; ours is no longer needed. */
	close(fd);
	return ret;
}

int pcilu_luo_read_data(int fd, size_t max, void **data, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;

	*data = NULL;
	*len = 0;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size < 0 || (uint64_t)st.st_size > max)
		return -E2BIG;
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf)
		return -ENOMEM;
	while (done < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + done, (size_t)st.st_size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? -errno : -EIO;

			free(buf);
			return err;
		}
		done += (size_t)n;
	}
	*data = buf;
	*len = done;
	return 0;
}

struct luo_errno_text {
	const char *op;		/* NULL: any operation */
	int err;
	const char *text;
};

/* Errnos of kernel/liveupdate/luo_{core,session,file}.c, 7.2, in words. */
static const struct luo_errno_text luo_texts[] = {
	{ "open", ENOENT, "no /dev/liveupdate: the kernel lacks CONFIG_LIVEUPDATE or was not booted with liveupdate=on (and kho=on)" },
	{ "open", EBUSY, "/dev/liveupdate is held by another process (only one may open it, e.g. luod)" },
	{ "open", EIO, "/dev/liveupdate: the incoming live update state could not be read" },
	{ "open", EACCES, "/dev/liveupdate: permission denied (run as root)" },
	{ "create-session", EEXIST, "a session named \"pcilu\" already exists (another pcilu plan --luo is holding it)" },
	{ "create-session", ENOMEM, "the kernel has no room for another session" },
	/* ENOENT also after FINISH and close: the kernel keeps no trace of a consumed session. */
	{ "retrieve-session", ENOENT, "no pcilu session: the previous kernel did not hand over a manifest "
	  "(no 'pcilu plan --luo' held its session at the kexec, this boot was not a kexec, "
	  "or 'pcilu verify --luo' already retrieved and finished it in this boot)" },
	{ "retrieve-session", EINVAL, "the pcilu session was already retrieved by a process that still holds it" },
	{ "preserve-fd", ENOENT, "the kernel cannot preserve a memfd (no memfd live update handler)" },
	{ "preserve-fd", EEXIST, "the token is already used in the session" },
	{ "preserve-fd", ENOSPC, "the session is full" },
	{ "retrieve-fd", ENOENT, "the pcilu session holds no manifest (token 1 not found)" },
	{ "finish", EBUSY, "the session cannot be finished yet (a file is still in use)" },
	{ NULL, ENAMETOOLONG, "session name empty or longer than 63 bytes" },
	{ NULL, ENOTTY, "/dev/liveupdate does not understand the request (older or newer uAPI)" },
	{ NULL, E2BIG, "the kernel rejected the request structure (uAPI mismatch)" },
	{ NULL, EOPNOTSUPP, "live update is not supported or not enabled in this kernel" },
};

const char *pcilu_luo_strerror(const char *op, int err)
{
	err = err < 0 ? -err : err;
	for (size_t i = 0; i < sizeof(luo_texts) / sizeof(luo_texts[0]); i++)
		if (luo_texts[i].err == err && (!luo_texts[i].op || (op && !strcmp(op, luo_texts[i].op))))
			return luo_texts[i].text;
	return strerror(err);
}
