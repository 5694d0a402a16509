// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kexec_file_load(2) and the reboot into the loaded kernel: the last step of
 * `pcilu plan --kexec`, after the manifest is in a preserved LUO session
 * (luo.c). Kept apart from the LUO client, which tests drive through
 * replaceable system calls; these two are the real ones only.
 */
#include "handover_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "luo_uapi.h"

int pcilu_kexec_load(const char *kernel, const char *initrd, const char *cmdline)
{
	int kfd = open(kernel, O_RDONLY | O_CLOEXEC), ifd = -1, ret = 0;
	unsigned long flags = 0;

	if (kfd < 0)
		return -errno;
	if (initrd) {
		ifd = open(initrd, O_RDONLY | O_CLOEXEC);
		if (ifd < 0)
			ret = -errno;
	} else {
		flags |= KEXEC_FILE_NO_INITRAMFS;
	}
	/* The length counts the terminating NUL, as kexec_file_load(2) requires. */
	if (!ret && syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1, cmdline, flags) < 0)
		ret = -errno;
	close(kfd);
	if (ifd >= 0)
		close(ifd);
	return ret;
}

int pcilu_kexec_reboot(void)
{
	sync();
	if (reboot(LINUX_REBOOT_CMD_KEXEC) < 0)
		return -errno;
	return -EIO;	/* not reached: reboot() returns only on failure */
}
