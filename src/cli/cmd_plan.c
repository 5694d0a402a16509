// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu plan BDF[,BDF...] [SOURCE] -o FILE: check and record what a Live Update preserves. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <pcilu/handover.h>
#include <pcilu/liveupdate.h>

static const char plan_help[] =
	"Usage: pcilu plan [OPTIONS] BDF[,BDF...] [SOURCE] (-o FILE | --luo ...)\n"
	"Check that each device may be preserved across a Live Update and write the\n"
	"handover manifest (docs/manifest.md): the devices, every bridge up to the root\n"
	"port, their ids, bus numbers, ACS and IOMMU groups, for 'pcilu verify' after kexec.\n"
	"  -o, --output FILE  write the manifest (atomically)\n"
	"  --kernel PROFILE   rule profile of 'pcilu check': v4, next or iommufd (default:\n"
	"                     iommufd, the strictest: what the agreed series will refuse)\n"
	"  --force            write the manifest even if a device is refused\n"
	CLI_POLICY_HELP
	"  --luo              also hand the manifest over in the LUO session \"pcilu\"\n"
	"                     (/dev/liveupdate). The session lives only while pcilu runs,\n"
	"                     so --luo needs one of:\n"
	"  --hold             keep running, holding the session, until the kexec ends us\n"
	"                     (kexec -e; not systemctl kexec, which kills us first)\n"
	"  --kexec KERNEL     load KERNEL with kexec_file_load(2) and reboot into it\n"
	"  --initrd FILE      initramfs for --kexec\n"
	"  --append CMDLINE   kernel command line for --kexec (default: /proc/cmdline)\n"
	"  --json             machine-readable output (schema pcilu-plan/3)\n"
	"  --lenient, --no-names as for every command\n"
	"Exit: 0 planned, 1 a device cannot be preserved, 2 usage or input error, 3 undecided\n"
	"(the source lacks what a rule needs; nothing is written without --force).\n";

struct plan_opts {
	struct cli_common co;
	struct cli_policy pol;
	const char *output, *kernel, *initrd, *append;
	unsigned profile;
	bool force, luo, hold;
};

static int parse(int argc, char **argv, struct plan_opts *p)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "output", required_argument, NULL, 'o' }, { "kernel", required_argument, NULL, 'k' },
		{ "force", no_argument, NULL, 'f' }, { "luo", no_argument, NULL, 'l' },
		{ "hold", no_argument, NULL, 'H' }, { "kexec", required_argument, NULL, 'x' },
		{ "initrd", required_argument, NULL, 'i' }, { "append", required_argument, NULL, 'a' },
		CLI_POLICY_LONGOPTS, { 0 } };
	int c, prof = PCILU_LU_IOMMUFD, ret;

	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		if (cli_common_opt(c, &p->co))
			continue;
		if (cli_policy_opt(c, optarg, "plan", &p->pol, &ret)) {
			if (ret)
				return ret;
			continue;
		}
		switch (c) {
		case 'h':
			fputs(plan_help, stdout);
			return -1;
		case 'o': p->output = optarg; break;
		case 'k':
			prof = pcilu_lu_profile_parse(optarg);
			if (prof < 0)
				return cli_usage_error("plan", "--kernel takes v4, next or iommufd");
			break;
		case 'f': p->force = true; break;
		case 'l': p->luo = true; break;
		case 'H': p->hold = true; break;
		case 'x': p->kernel = optarg; break;
		case 'i': p->initrd = optarg; break;
		case 'a': p->append = optarg; break;
		default:
			return cli_usage_error("plan", "unknown option");
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		return cli_usage_error("plan", "expects BDF[,BDF...] [SOURCE]");
	p->profile = (unsigned)prof;
	if (!p->output && !p->luo)
		return cli_usage_error("plan", "needs -o FILE or --luo");
	if ((p->hold || p->kernel) && !p->luo)
		return cli_usage_error("plan", "--hold and --kexec hand over through LUO: add --luo");
	if (p->luo && p->hold == !!p->kernel)
		return cli_usage_error("plan", "--luo needs exactly one of --hold or --kexec KERNEL: "
				       "the session is dropped when pcilu exits");
	if ((p->initrd || p->append) && !p->kernel)
		return cli_usage_error("plan", "--initrd and --append go with --kexec");
	return 0;
}

static char *read_cmdline(void)
{
	char *buf = NULL;
	size_t len;
	struct pcilu_diag d;

	pcilu_diag_init(&d);
	if (pcilu_read_file("/proc/cmdline", &buf, &len, &d))
		buf = NULL;
	else
		buf[strcspn(buf, "\n")] = '\0';
	pcilu_diag_free(&d);
	return buf;
}

static int load_kexec(const struct plan_opts *p)
{
	char *cmdline = p->append ? strdup(p->append) : read_cmdline();
	char esc[4096];
	int ret;

	if (!cmdline) {
		fprintf(stderr, "pcilu plan: no --append given and /proc/cmdline unreadable\n");
		return CLI_ERROR;
	}
	if (!p->append)
		fprintf(stderr, "pcilu plan: note: the new kernel gets this kernel's command line: %s\n",
			pcilu_escape(cmdline, esc, sizeof(esc)));
	ret = pcilu_kexec_load(p->kernel, p->initrd, cmdline);
	free(cmdline);
	if (ret) {
		fprintf(stderr, "pcilu plan: kexec_file_load of %s failed: %s\n", pcilu_escape(p->kernel, esc, sizeof(esc)),
			strerror(-ret));
		return CLI_ERROR;
	}
	return CLI_OK;
}

/* Hand the manifest to LUO. Returns the session fd (to keep open), -1 when LUO is absent, or -2 on error. */
static int luo_handover(const void *buf, size_t len, struct pcilu_plan_result *r, const struct plan_opts *p)
{
	int luo = pcilu_luo_open(NULL), session, ret;

	if (luo == -ENOENT) {
		r->luo = "unavailable";
		r->luo_detail = pcilu_luo_strerror("open", luo);
		fprintf(stderr, "pcilu plan: %s%s\n", r->luo_detail,
			p->output ? "; the manifest is only in the file" : "");
		return -1;
	}
	if (luo < 0) {
		fprintf(stderr, "pcilu plan: %s\n", pcilu_luo_strerror("open", luo));
		return -2;
	}
	session = pcilu_luo_create_session(NULL, luo, PCILU_LUO_SESSION);
	/* Sessions outlive the /dev/liveupdate fd; only the session fd must stay open. */
	close(luo);
	if (session < 0) {
		fprintf(stderr, "pcilu plan: create session: %s\n", pcilu_luo_strerror("create-session", session));
		return -2;
	}
	ret = pcilu_luo_preserve_data(NULL, session, PCILU_LUO_TOKEN, buf, len);
	if (ret) {
		fprintf(stderr, "pcilu plan: preserve manifest: %s\n", pcilu_luo_strerror("preserve-fd", ret));
		close(session);
		return -2;
	}
	r->luo = "preserved";
	r->luo_detail = p->hold ? "holding the session until kexec" : "rebooting into the new kernel";
	return session;
}

static int write_manifest(const struct pcilu_manifest *m, struct pcilu_plan_result *r,
			  const struct plan_opts *p, int *session, struct pcilu_diag *d)
{
	void *buf;
	size_t len;
	int ret = pcilu_manifest_encode(m, &buf, &len);
	if (ret) {
		fprintf(stderr, "pcilu plan: cannot encode the manifest: %s\n", pcilu_strerror(ret));
		return CLI_ERROR;
	}
	if (p->output) {
		size_t mark = d->count;

		ret = pcilu_manifest_write_file(p->output, buf, len, d);
		if (ret)
			cli_fail("plan", ret, d, mark);
		else
			r->output = p->output;
	}
	if (!ret && p->luo) {
		*session = luo_handover(buf, len, r, p);
		if (*session == -2 || (*session == -1 && !p->output))
			ret = -EIO;
		/* --kexec or --hold without a session: nothing would be handed over. */
		if (*session == -1 && (p->kernel || p->hold)) {
			fprintf(stderr, "pcilu plan: %s: without /dev/liveupdate nothing would be handed over%s\n",
				p->kernel ? "no kexec done" : "nothing to hold",
				p->output ? " (the manifest is written)" : "");
			ret = -ENODEV;
		}
	}
	/* Without a session nothing is handed over, so there is no point in the kexec. */
	if (!ret && p->kernel && *session >= 0 && load_kexec(p) != CLI_OK) {
		close(*session);
		*session = -1;
		ret = -EIO;
	}
	free(buf);
	return ret ? CLI_ERROR : CLI_OK;
}

/* A plan on a kernel that cannot preserve PCI devices is for the kernel it updates to: say so. */
static void warn_kernel(const struct pcilu_lu_check *c)
{
	char buf[512], esc[1024];

	if (c->kernel.pci_lu != PCILU_KLU_YES)
		fprintf(stderr, "pcilu plan: warning: %s; the verdicts are those of the rule profile\n",
			pcilu_escape(pcilu_lu_kernel_text(&c->kernel, buf, sizeof(buf)), esc, sizeof(esc)));
}

static int run_plan(struct plan_opts *p, const struct pcilu_topology *t, const char *list,
		    struct pcilu_diag *d, int *session)
{
	struct pcilu_plan_result r = { .profile = p->profile };
	struct pcilu_plan pl = { 0 };
	struct pcilu_out_opts o;
	int32_t *devs = NULL;
	size_t n;
	size_t mark = d->count;
	int err, ret = cli_find_devs(t, NULL, 0, list, &devs, &n);

	if (ret == CLI_OK && !n)
		ret = cli_usage_error("plan", "expects BDF[,BDF...]");
	if (ret == CLI_OK && ((err = cli_policy_apply(&p->pol, t, d)) ||
			      (err = pcilu_plan(t, &p->pol.p, p->profile, devs, n, p->force, &pl, d))))
		ret = cli_fail("plan", err, d, mark);
	r.check = pl.check;
	r.refused = pl.refused;
	if (pl.check)
		warn_kernel(pl.check);
	if (ret == CLI_OK && pl.built) {
		ret = write_manifest(&pl.m, &r, p, session, d);
		r.m = &pl.m;
	}
	if (ret == CLI_OK) {
		cli_out_open(&p->co, &o);
		err = pcilu_print_plan(stdout, t, &r, d, &o);
		cli_out_close(&o);
		fflush(stdout);
		if (err)
			ret = cli_fail("plan", err, NULL, 0);
		else if (r.refused && !p->force)
			ret = pl.check && pl.check->state == PCILU_LU_UNDECIDED ? CLI_UNDECIDED : CLI_NEGATIVE;
	}
	pcilu_plan_free(&pl);
	free(devs);
	return ret;
}

/*
 * reboot(KEXEC) jumps to the new kernel at once: bytes still in a serial
 * UART's FIFO are lost (seen under QEMU, tests/e2e/README.md), so wait for
 * our terminal output to leave before the reboot.
 */
static void drain_output(void)
{
	fflush(stdout);
	fflush(stderr);
	for (int fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++)
		if (isatty(fd))
			tcdrain(fd);
}

int cmd_plan(int argc, char **argv)
{
	struct plan_opts p = { 0 };
	struct pcilu_topology *t;
	struct pcilu_diag d;
	int ret, session = -1;

	cli_policy_init(&p.pol);
	ret = parse(argc, argv, &p);
	if (ret) {
		cli_policy_free(&p.pol);
		return ret < 0 ? CLI_OK : CLI_ERROR;
	}
	pcilu_diag_init(&d);
	ret = cli_load(argc - optind == 2 ? argv[optind + 1] : NULL, &p.co, &t, &d);
	if (ret == CLI_OK)
		ret = run_plan(&p, t, argv[optind], &d, &session);
	pcilu_topology_free(t);
	pcilu_diag_free(&d);
	cli_policy_free(&p.pol);
	if (ret != CLI_OK || session < 0)
		return ret;
	if (p.hold) {
		fprintf(stderr, "pcilu plan: holding LUO session \"%s\" (pid %d); kexec now\n",
			PCILU_LUO_SESSION, (int)getpid());
		for (;;)
			pause();
	}
	drain_output();
	ret = pcilu_kexec_reboot();
	fprintf(stderr, "pcilu plan: reboot into the new kernel failed: %s\n", strerror(-ret));
	close(session);
	return CLI_ERROR;
}
