// SPDX-License-Identifier: GPL-2.0-or-later
/* The /dev/liveupdate client without /dev/liveupdate: layouts, requests, errno handling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "../../src/handover/handover_int.h"
#include "../../src/handover/luo_uapi.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* What the fake kernel saw and will answer. Tests run one at a time, so a file-scope record is fine. */
static struct {
	unsigned long req;
	uint32_t size;
	_Alignas(8) uint8_t arg[128];	/* the uAPI structs hold __u64 */
	int answer_errno;
	int out_fd;
	char seen_data[64];
} fake;

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	(void)fd;
	fake.req = req;
	memcpy(&fake.size, arg, 4);
	memcpy(fake.arg, arg, fake.size <= sizeof(fake.arg) ? fake.size : sizeof(fake.arg));
	if (req == LIVEUPDATE_SESSION_PRESERVE_FD) {
		struct liveupdate_session_preserve_fd *p = arg;
		ssize_t n = pread(p->fd, fake.seen_data, sizeof(fake.seen_data) - 1, 0);

		fake.seen_data[n > 0 ? n : 0] = '\0';
	}
	if (fake.answer_errno) {
		errno = fake.answer_errno;
		return -1;
	}
	if (req == LIVEUPDATE_IOCTL_CREATE_SESSION || req == LIVEUPDATE_IOCTL_RETRIEVE_SESSION)
		((struct liveupdate_ioctl_create_session *)arg)->fd = fake.out_fd;
	if (req == LIVEUPDATE_SESSION_RETRIEVE_FD)
		((struct liveupdate_session_retrieve_fd *)arg)->fd = fake.out_fd;
	return 0;
}

static int fake_open_enoent(const char *path, int flags)
{
	(void)path;
	(void)flags;
	errno = ENOENT;
	return -1;
}

static const struct pcilu_luo_sys sys = { .ioctl = fake_ioctl };

static int reset(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	return 0;
}

static void test_layouts(void **state)
{
	(void)state;
	/* include/uapi/linux/liveupdate.h, 7.2: _IO(0xBA, nr), every struct starts with __u32 size */
	assert_int_equal(sizeof(struct liveupdate_ioctl_create_session), 72);
	assert_int_equal(sizeof(struct liveupdate_ioctl_retrieve_session), 72);
	assert_int_equal(sizeof(struct liveupdate_session_preserve_fd), 16);
	assert_int_equal(sizeof(struct liveupdate_session_retrieve_fd), 16);
	assert_int_equal(sizeof(struct liveupdate_session_finish), 8);
	assert_int_equal(LIVEUPDATE_IOCTL_CREATE_SESSION, 0xba00);
	assert_int_equal(LIVEUPDATE_IOCTL_RETRIEVE_SESSION, 0xba01);
	assert_int_equal(LIVEUPDATE_SESSION_PRESERVE_FD, 0xba40);
	assert_int_equal(LIVEUPDATE_SESSION_RETRIEVE_FD, 0xba41);
	assert_int_equal(LIVEUPDATE_SESSION_FINISH, 0xba42);
}

static void test_create_session(void **state)
{
	(void)state;
	fake.out_fd = 7;
	assert_int_equal(pcilu_luo_create_session(&sys, 3, "pcilu"), 7);
	assert_int_equal(fake.req, 0xba00);
	assert_int_equal(fake.size, 72);
	assert_string_equal((char *)fake.arg + 8, "pcilu");
	fake.answer_errno = EEXIST;
	assert_int_equal(pcilu_luo_create_session(&sys, 3, "pcilu"), -EEXIST);
	assert_non_null(strstr(pcilu_luo_strerror("create-session", -EEXIST), "already exists"));
	fake.req = 0;
	char name[80];

	memset(name, 'x', 64);
	name[64] = '\0';
	assert_int_equal(pcilu_luo_create_session(&sys, 3, name), -ENAMETOOLONG);
	assert_int_equal(fake.req, 0);	/* refused before asking the kernel */
}

static void test_retrieve(void **state)
{
	(void)state;
	fake.answer_errno = ENOENT;
	assert_int_equal(pcilu_luo_retrieve_session(&sys, 3, PCILU_LUO_SESSION), -ENOENT);
	assert_int_equal(fake.req, 0xba01);
	assert_string_equal(pcilu_luo_strerror("retrieve-session", -ENOENT),
			    "no pcilu session: the previous kernel did not hand over a manifest "
			    "(no 'pcilu plan --luo' held its session at the kexec, this boot was not a kexec, "
			    "or 'pcilu verify --luo' already retrieved and finished it in this boot)");
	fake.answer_errno = 0;
	fake.out_fd = 9;
	assert_int_equal(pcilu_luo_retrieve_fd(&sys, 5, PCILU_LUO_TOKEN), 9);
	assert_int_equal(fake.size, 16);
	assert_int_equal(((struct liveupdate_session_retrieve_fd *)fake.arg)->token, 1);
	assert_int_equal(pcilu_luo_finish(&sys, 5), 0);
	assert_int_equal(fake.req, 0xba42);
	assert_int_equal(fake.size, 8);
	assert_int_equal(((struct liveupdate_session_finish *)fake.arg)->reserved, 0);
	fake.answer_errno = EBUSY;
	assert_int_equal(pcilu_luo_finish(&sys, 5), -EBUSY);
}

static void test_preserve_data(void **state)
{
	(void)state;
	assert_int_equal(pcilu_luo_preserve_data(&sys, 5, 1, "manifest bytes", 14), 0);
	assert_int_equal(fake.req, 0xba40);
	assert_int_equal(fake.size, 16);
	assert_int_equal(((struct liveupdate_session_preserve_fd *)fake.arg)->token, 1);
	/* the memfd was filled before it was handed to the kernel */
	assert_string_equal(fake.seen_data, "manifest bytes");
	fake.answer_errno = ENOENT;
	assert_int_equal(pcilu_luo_preserve_data(&sys, 5, 1, "x", 1), -ENOENT);
	assert_non_null(strstr(pcilu_luo_strerror("preserve-fd", -ENOENT), "memfd"));
}

static void test_read_data(void **state)
{
	int fd = memfd_create("t", MFD_CLOEXEC);
	void *data;
	size_t len;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	assert_int_equal(pcilu_luo_read_data(fd, 100, &data, &len), 0);
	assert_int_equal(len, 10);
	assert_memory_equal(data, "0123456789", 10);
	free(data);
	assert_int_equal(pcilu_luo_read_data(fd, 9, &data, &len), -E2BIG);
	assert_null(data);
	close(fd);
}

static void test_open_missing(void **state)
{
	const struct pcilu_luo_sys nodev = { .open = fake_open_enoent };

	(void)state;
	assert_int_equal(pcilu_luo_open(&nodev), -ENOENT);
	assert_non_null(strstr(pcilu_luo_strerror("open", -ENOENT), "CONFIG_LIVEUPDATE"));
	assert_string_equal(pcilu_luo_strerror("finish", -EPERM), strerror(EPERM));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_layouts, reset),
		cmocka_unit_test_setup(test_create_session, reset),
		cmocka_unit_test_setup(test_retrieve, reset),
		cmocka_unit_test_setup(test_preserve_data, reset),
		cmocka_unit_test_setup(test_read_data, reset),
		cmocka_unit_test_setup(test_open_missing, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
