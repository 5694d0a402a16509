// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * luo-kexec: the smallest real user of the Linux Live Update Orchestrator
 * (LUO, /dev/liveupdate, Linux 7.2), for pcilu's QEMU end-to-end test.
 *
 *   luo-kexec preserve [--close] [--probe] KERNEL INITRD CMDLINE
 *	boot 1: create session "pcilu-e2e", preserve a sealed memfd holding a
 *	known pattern, then kexec_file_load() + reboot(KEXEC) while the session
 *	fd is still open (a session only survives if its fd is open at reboot).
 *	--close closes the session first (negative control: nothing survives).
 *   luo-kexec kexec KERNEL INITRD CMDLINE
 *	plain kexec through the same path, no session.
 *   luo-kexec check [--probe] [--expect-none]
 *	boot 2: retrieve the session and the memfd, compare size, seals and
 *	bytes, finish the session. --expect-none: succeed only if there is no
 *	such session (ENOENT).
 *   luo-kexec sizes
 *	print the uAPI struct sizes and ioctl numbers used here.
 *
 * --probe also tries the error paths and prints "PROBE <case> -> <errno>"
 * lines, so the errnos a real kernel returns are recorded (README.md).
 * Exit status: 0 ok, 1 check failed, 2 usage or environment error.
 *
 * The uAPI structs are declared here (Debian 12's linux-libc-dev predates
 * LUO); their layout is the ABI of include/uapi/linux/liveupdate.h, 7.2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#define LUO_DEV "/dev/liveupdate"
#define LUO_NAME_LEN 64
#define E2E_SESSION "pcilu-e2e"
#define E2E_TOKEN 0x70c11e2eULL
/* not a multiple of the page size: the preserved i_size must come back */
#define E2E_SIZE (3 * 4096 + 123)
#define E2E_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)
#define KEXEC_REBOOT_CMD 0x45584543 /* LINUX_REBOOT_CMD_KEXEC */

/* _IO(0xBA, nr): no size bits, every argument starts with its own size */
#define LUO_IO(nr) _IO(0xBA, (nr))
#define LUO_CREATE_SESSION LUO_IO(0x00)
#define LUO_RETRIEVE_SESSION LUO_IO(0x01)
#define LUO_PRESERVE_FD LUO_IO(0x40)
#define LUO_RETRIEVE_FD LUO_IO(0x41)
#define LUO_FINISH LUO_IO(0x42)
#define LUO_GET_NAME LUO_IO(0x43)

struct luo_session_arg {	/* create_session and retrieve_session */
	uint32_t size;
	int32_t fd;		/* out */
	uint8_t name[LUO_NAME_LEN];
};

struct luo_fd_arg {		/* session preserve_fd and retrieve_fd */
	uint32_t size;
	int32_t fd;		/* in for preserve, out for retrieve */
	uint64_t token __attribute__((aligned(8)));
};

struct luo_finish_arg {
	uint32_t size;
	uint32_t reserved;
};

struct luo_name_arg {
	uint32_t size;
	uint32_t reserved;
	uint8_t name[LUO_NAME_LEN];
};

_Static_assert(sizeof(struct luo_session_arg) == 72, "create/retrieve_session ABI");
_Static_assert(sizeof(struct luo_fd_arg) == 16, "preserve/retrieve_fd ABI");
_Static_assert(sizeof(struct luo_finish_arg) == 8, "finish ABI");
_Static_assert(sizeof(struct luo_name_arg) == 72, "get_name ABI");

static int session_ioctl(int devfd, unsigned long cmd, const char *name)
{
	struct luo_session_arg a = { .size = sizeof(a), .fd = -1 };

	snprintf((char *)a.name, sizeof(a.name), "%s", name);
	if (ioctl(devfd, cmd, &a) < 0)
		return -errno;
	return a.fd;
}

static int preserve_fd(int sfd, int fd, uint64_t token)
{
	struct luo_fd_arg a = { .size = sizeof(a), .fd = fd, .token = token };

	return ioctl(sfd, LUO_PRESERVE_FD, &a) < 0 ? -errno : 0;
}

static int retrieve_fd(int sfd, uint64_t token)
{
	struct luo_fd_arg a = { .size = sizeof(a), .fd = -1, .token = token };

	return ioctl(sfd, LUO_RETRIEVE_FD, &a) < 0 ? -errno : a.fd;
}

static int finish_session(int sfd)
{
	struct luo_finish_arg a = { .size = sizeof(a) };

	return ioctl(sfd, LUO_FINISH, &a) < 0 ? -errno : 0;
}

static int session_name(int sfd, char *buf, size_t len)
{
	struct luo_name_arg a = { .size = sizeof(a) };

	if (ioctl(sfd, LUO_GET_NAME, &a) < 0)
		return -errno;
	snprintf(buf, len, "%.*s", LUO_NAME_LEN, (const char *)a.name);
	return 0;
}

static const char *err_name(int e)
{
	static const struct { int e; const char *n; } t[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" },
		{ EBADF, "EBADF" }, { ENOMEM, "ENOMEM" }, { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { EINVAL, "EINVAL" },
		{ ENOTTY, "ENOTTY" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" },
		{ E2BIG, "E2BIG" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EOVERFLOW, "EOVERFLOW" }, { EAGAIN, "EAGAIN" },
		{ ENODATA, "ENODATA" }, { ENODEV, "ENODEV" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].e == e)
			return t[i].n;
	return "E?";
}

/* rc: >= 0 success (an fd or 0), < 0 a negative errno */
static void probe(const char *what, int rc)
{
	if (rc >= 0)
		printf("PROBE %s -> ok\n", what);
	else
		printf("PROBE %s -> %s (%d)\n", what, err_name(-rc), -rc);
}

static uint8_t pattern_byte(size_t i)
{
	return (uint8_t)(i * 31u + 7u + (i >> 12));
}

static int make_memfd(void)
{
	static const char head[] = "pcilu-e2e memfd v1\n";
	uint8_t *buf;
	int fd;

	fd = memfd_create("pcilu-e2e", MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	buf = malloc(E2E_SIZE);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (size_t i = 0; i < E2E_SIZE; i++)
		buf[i] = pattern_byte(i);
	memcpy(buf, head, sizeof(head) - 1);
	if (pwrite(fd, buf, E2E_SIZE, 0) != E2E_SIZE ||
	    fcntl(fd, F_ADD_SEALS, E2E_SEALS) < 0) {
		int e = errno ? -errno : -EIO;

		free(buf);
		close(fd);
		return e;
	}
	free(buf);
	/* the file position is preserved too: leave it somewhere recognisable */
	if (lseek(fd, 100, SEEK_SET) != 100) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int check_memfd(int fd)
{
	static const char head[] = "pcilu-e2e memfd v1\n";
	uint8_t *buf;
	struct stat st;
	int seals, bad = 0;
	off_t pos;

	if (fstat(fd, &st) < 0)
		return -errno;
	seals = fcntl(fd, F_GET_SEALS);
	pos = lseek(fd, 0, SEEK_CUR);
	printf("luo-kexec: memfd size %lld seals 0x%x pos %lld\n",
	       (long long)st.st_size, seals, (long long)pos);
	if (st.st_size != E2E_SIZE || seals != E2E_SEALS || pos != 100) {
		printf("luo-kexec: FAIL: want size %d seals 0x%x pos 100\n",
		       E2E_SIZE, E2E_SEALS);
		return 1;
	}
	buf = malloc(E2E_SIZE);
	if (!buf)
		return -ENOMEM;
	if (pread(fd, buf, E2E_SIZE, 0) != E2E_SIZE) {
		free(buf);
		return errno ? -errno : -EIO;
	}
	if (memcmp(buf, head, sizeof(head) - 1))
		bad = 1;
	for (size_t i = sizeof(head) - 1; i < E2E_SIZE && !bad; i++)
		if (buf[i] != pattern_byte(i)) {
			printf("luo-kexec: FAIL: byte %zu is 0x%02x, want 0x%02x\n",
			       i, buf[i], pattern_byte(i));
			bad = 1;
		}
	free(buf);
	if (!bad)
		printf("luo-kexec: memfd content ok (%d bytes)\n", E2E_SIZE);
	return bad;
}

static int open_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "luo-kexec: %s: %s\n", path, strerror(errno));
	return fd;
}

/* Serial output still in the UART FIFO is lost when the kernel jumps. */
static void drain_ttys(void)
{
	fflush(stdout);
	fflush(stderr);
	for (int fd = 1; fd <= 2; fd++)
		if (isatty(fd))
			tcdrain(fd);
}

static int do_kexec(const char *kernel, const char *initrd, const char *cmdline)
{
	int kfd, ifd;
	long rc;

	kfd = open_file(kernel);
	ifd = open_file(initrd);
	if (kfd < 0 || ifd < 0)
		return 2;
	/* the length counts the terminating NUL */
	rc = syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1,
		     cmdline, 0UL);
	if (rc < 0) {
		fprintf(stderr, "luo-kexec: kexec_file_load: %s\n", strerror(errno));
		return 2;
	}
	printf("luo-kexec: kexec_file_load ok, rebooting into: %s\n", cmdline);
	drain_ttys();
	reboot(KEXEC_REBOOT_CMD);
	/* only reached on failure, e.g. a freeze() callback refused */
	fprintf(stderr, "luo-kexec: reboot(KEXEC): %s\n", strerror(errno));
	return 2;
}

static void probe_outgoing(int dev, int sfd, int mfd)
{
	struct luo_fd_arg small = { .size = 8, .fd = mfd, .token = 1 };
	struct luo_fd_arg big[2] = { { .size = sizeof(big), .fd = mfd, .token = 2 } };
	int nfd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	probe("open(" LUO_DEV ") while open", open(LUO_DEV, O_RDWR) < 0 ? -errno : 0);
	probe("CREATE_SESSION duplicate name", session_ioctl(dev, LUO_CREATE_SESSION, E2E_SESSION));
	probe("RETRIEVE_SESSION in boot 1", session_ioctl(dev, LUO_RETRIEVE_SESSION, E2E_SESSION));
	probe("PRESERVE_FD same token again", preserve_fd(sfd, mfd, E2E_TOKEN));
	probe("PRESERVE_FD /dev/null", preserve_fd(sfd, nfd, 3));
	probe("PRESERVE_FD bad fd", preserve_fd(sfd, 999, 4));
	probe("PRESERVE_FD size 8", ioctl(sfd, LUO_PRESERVE_FD, &small) < 0 ? -errno : 0);
	big[1].size = 1;	/* non-zero trailing byte beyond the known struct */
	probe("PRESERVE_FD size 32 junk tail", ioctl(sfd, LUO_PRESERVE_FD, big) < 0 ? -errno : 0);
	probe("RETRIEVE_FD on outgoing session", retrieve_fd(sfd, E2E_TOKEN));
	probe("FINISH on outgoing session", finish_session(sfd));
	probe("session ioctl nr 0x44", ioctl(sfd, LUO_IO(0x44), &small) < 0 ? -errno : 0);
	probe("device ioctl nr 0x02", ioctl(dev, LUO_IO(0x02), &small) < 0 ? -errno : 0);
	probe("device ioctl with size bits", ioctl(dev, _IOWR(0xBA, 0x00, struct luo_session_arg), &small) < 0 ? -errno : 0);
	if (nfd >= 0)
		close(nfd);
}

static int cmd_preserve(int close_first, int do_probe, char **argv)
{
	char name[LUO_NAME_LEN + 1];
	int dev, sfd, mfd;

	dev = open(LUO_DEV, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		fprintf(stderr, "luo-kexec: %s: %s (kernel needs kho=on liveupdate=on)\n",
			LUO_DEV, strerror(errno));
		return 2;
	}
	sfd = session_ioctl(dev, LUO_CREATE_SESSION, E2E_SESSION);
	if (sfd < 0) {
		fprintf(stderr, "luo-kexec: CREATE_SESSION: %s\n", strerror(-sfd));
		return 2;
	}
	mfd = make_memfd();
	if (mfd < 0) {
		fprintf(stderr, "luo-kexec: memfd: %s\n", strerror(-mfd));
		return 2;
	}
	int rc = preserve_fd(sfd, mfd, E2E_TOKEN);
	if (rc < 0) {
		fprintf(stderr, "luo-kexec: PRESERVE_FD: %s\n", strerror(-rc));
		return 2;
	}
	if (session_name(sfd, name, sizeof(name)) == 0)
		printf("luo-kexec: session '%s' fd %d, memfd token 0x%llx preserved\n",
		       name, sfd, (unsigned long long)E2E_TOKEN);
	if (do_probe)
		probe_outgoing(dev, sfd, mfd);
	/* LUO holds its own reference; our memfd and the device are not needed */
	close(mfd);
	close(dev);
	if (close_first) {
		close(sfd);
		printf("luo-kexec: session closed before kexec (files unpreserved)\n");
	}
	return do_kexec(argv[0], argv[1], argv[2]);
}

static void probe_incoming(int dev, int sfd)
{
	probe("RETRIEVE_SESSION again", session_ioctl(dev, LUO_RETRIEVE_SESSION, E2E_SESSION));
	probe("RETRIEVE_SESSION unknown name", session_ioctl(dev, LUO_RETRIEVE_SESSION, "no-such"));
	probe("RETRIEVE_FD unknown token", retrieve_fd(sfd, 12345));
	probe("PRESERVE_FD on incoming session", preserve_fd(sfd, 0, 6));
}

static int cmd_check(int do_probe, int expect_none)
{
	char name[LUO_NAME_LEN + 1];
	int dev, sfd, mfd, mfd2, rc;

	dev = open(LUO_DEV, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		fprintf(stderr, "luo-kexec: %s: %s\n", LUO_DEV, strerror(errno));
		return 2;
	}
	sfd = session_ioctl(dev, LUO_RETRIEVE_SESSION, E2E_SESSION);
	if (expect_none) {
		printf("luo-kexec: RETRIEVE_SESSION '%s': %s\n", E2E_SESSION,
		       sfd < 0 ? err_name(-sfd) : "found");
		return sfd == -ENOENT ? 0 : 1;
	}
	if (sfd < 0) {
		printf("luo-kexec: FAIL: RETRIEVE_SESSION '%s': %s\n", E2E_SESSION,
		       err_name(-sfd));
		return 1;
	}
	if (session_name(sfd, name, sizeof(name)) == 0)
		printf("luo-kexec: retrieved session '%s' fd %d\n", name, sfd);
	if (do_probe)
		probe_incoming(dev, sfd);
	mfd = retrieve_fd(sfd, E2E_TOKEN);
	if (mfd < 0) {
		printf("luo-kexec: FAIL: RETRIEVE_FD 0x%llx: %s\n",
		       (unsigned long long)E2E_TOKEN, err_name(-mfd));
		return 1;
	}
	rc = check_memfd(mfd);
	if (rc)
		return rc < 0 ? 2 : 1;
	if (do_probe) {
		mfd2 = retrieve_fd(sfd, E2E_TOKEN);
		probe("RETRIEVE_FD same token again", mfd2);
		if (mfd2 >= 0) {
			/* one open file description: moving one fd moves both */
			lseek(mfd2, 200, SEEK_SET);
			printf("PROBE same open file again -> %s\n",
			       lseek(mfd, 0, SEEK_CUR) == 200 ? "yes" : "no");
			close(mfd2);
		}
	}
	close(mfd);
	rc = finish_session(sfd);
	if (rc < 0) {
		printf("luo-kexec: FAIL: FINISH: %s\n", err_name(-rc));
		return 1;
	}
	printf("luo-kexec: session finished\n");
	if (do_probe) {
		probe("FINISH again", finish_session(sfd));
		probe("RETRIEVE_FD after FINISH", retrieve_fd(sfd, E2E_TOKEN));
	}
	close(sfd);
	if (do_probe)
		probe("RETRIEVE_SESSION after FINISH+close",
		      session_ioctl(dev, LUO_RETRIEVE_SESSION, E2E_SESSION));
	close(dev);
	printf("luo-kexec: OK\n");
	return 0;
}

static void print_sizes(void)
{
	printf("create_session/retrieve_session %zu bytes, preserve_fd/retrieve_fd %zu,"
	       " finish %zu, get_name %zu\n",
	       sizeof(struct luo_session_arg), sizeof(struct luo_fd_arg),
	       sizeof(struct luo_finish_arg), sizeof(struct luo_name_arg));
	printf("CREATE_SESSION 0x%lx RETRIEVE_SESSION 0x%lx PRESERVE_FD 0x%lx"
	       " RETRIEVE_FD 0x%lx FINISH 0x%lx GET_NAME 0x%lx\n",
	       (unsigned long)LUO_CREATE_SESSION, (unsigned long)LUO_RETRIEVE_SESSION,
	       (unsigned long)LUO_PRESERVE_FD, (unsigned long)LUO_RETRIEVE_FD,
	       (unsigned long)LUO_FINISH, (unsigned long)LUO_GET_NAME);
}

static int usage(void)
{
	fprintf(stderr, "usage: luo-kexec preserve [--close] [--probe] KERNEL INITRD CMDLINE\n"
		"       luo-kexec kexec KERNEL INITRD CMDLINE\n"
		"       luo-kexec check [--probe] [--expect-none]\n"
		"       luo-kexec sizes\n");
	return 2;
}

int main(int argc, char **argv)
{
	int close_first = 0, do_probe = 0, expect_none = 0, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return usage();
	for (i = 2; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--close"))
			close_first = 1;
		else if (!strcmp(argv[i], "--probe"))
			do_probe = 1;
		else if (!strcmp(argv[i], "--expect-none"))
			expect_none = 1;
		else
			return usage();
	}
	if (!strcmp(argv[1], "preserve") && argc - i == 3)
		return cmd_preserve(close_first, do_probe, argv + i);
	if (!strcmp(argv[1], "kexec") && argc - i == 3)
		return do_kexec(argv[i], argv[i + 1], argv[i + 2]);
	if (!strcmp(argv[1], "check") && argc == i)
		return cmd_check(do_probe, expect_none);
	if (!strcmp(argv[1], "sizes") && argc == i) {
		print_sizes();
		return 0;
	}
	return usage();
}
