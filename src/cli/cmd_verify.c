// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu verify FILE [SOURCE]: after kexec, did the new kernel keep what the manifest promised? */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcilu/handover.h>
#include <pcilu/liveupdate.h>

static const char verify_help[] =
	"Usage: pcilu verify [OPTIONS] FILE [SOURCE]\n"
	"       pcilu verify [OPTIONS] --luo [-f FILE] [SOURCE]\n"
	"Compare a handover manifest written by 'pcilu plan' with the running topology:\n"
	"same devices at the same addresses, bridges' bus numbers, ACS control and ARI\n"
	"Forwarding Enable inherited, endpoints still isolated in their IOMMU groups.\n"
	"  --luo          read the manifest from the LUO session \"pcilu\" (/dev/liveupdate),\n"
	"                 then finish the session\n"
	"  -f, --file FILE  with --luo: the file to read when there is no /dev/liveupdate\n"
	"  --save FILE    with --luo: also write the retrieved manifest to FILE\n"
	"  --json         machine-readable output (schema pcilu-verify/1)\n"
	"  --lenient, --no-names as for every command\n"
	"Exit: 0 everything held, 1 drift, 2 usage or input error (also: no pcilu session).\n";

struct verify_opts {
	struct cli_common co;
	bool luo;
	const char *file, *save;
};

/* Retrieve the manifest from LUO: 0 with *buf set, 1 when LUO is absent, or CLI_ERROR. */
static int from_luo(const struct verify_opts *vo, void **buf, size_t *len)
{
	int luo = pcilu_luo_open(NULL), session, fd, ret;
	char esc[512];

	if (luo == -ENOENT && vo->file) {
		fprintf(stderr, "pcilu verify: %s; reading %s instead\n", pcilu_luo_strerror("open", luo),
			pcilu_escape(vo->file, esc, sizeof(esc)));
		return 1;
	}
	if (luo < 0) {
		fprintf(stderr, "pcilu verify: %s\n", pcilu_luo_strerror("open", luo));
		return -CLI_ERROR;
	}
	session = pcilu_luo_retrieve_session(NULL, luo, PCILU_LUO_SESSION);
	close(luo);
	if (session < 0) {
		fprintf(stderr, "pcilu verify: %s\n", pcilu_luo_strerror("retrieve-session", session));
		return -CLI_ERROR;
	}
	fd = pcilu_luo_retrieve_fd(NULL, session, PCILU_LUO_TOKEN);
	ret = fd < 0 ? fd : pcilu_luo_read_data(fd, PCILU_MANIFEST_MAX_SIZE, buf, len);
	if (fd >= 0)
		close(fd);
	if (ret) {
		fprintf(stderr, "pcilu verify: %s\n", fd < 0 ? pcilu_luo_strerror("retrieve-fd", fd) : strerror(-ret));
		close(session);
		return -CLI_ERROR;
	}
	/* Read once, then done: finishing frees the session's memory in the kernel. */
	ret = pcilu_luo_finish(NULL, session);
	if (ret)
		fprintf(stderr, "pcilu verify: warning: finish session: %s\n", pcilu_luo_strerror("finish", ret));
	close(session);
	return 0;
}

static int read_manifest(const struct verify_opts *vo, struct pcilu_manifest *m, const char **origin,
			 struct pcilu_diag *d)
{
	void *buf = NULL;
	size_t len = 0;
	char esc[512];
	int ret = 1;

	if (vo->luo) {
		ret = from_luo(vo, &buf, &len);
		if (ret < 0)
			return CLI_ERROR;
	}
	if (ret == 1) {
		*origin = vo->file;
		ret = pcilu_manifest_read_file(vo->file, m, d);
	} else {
		*origin = "luo:" PCILU_LUO_SESSION;
		ret = pcilu_manifest_decode(buf, len, *origin, m, d);
		/* An error here is in @d, printed below with the others. */
		if (!ret && vo->save)
			ret = pcilu_manifest_write_file(vo->save, buf, len, d);
	}
	free(buf);
	if (ret) {
		cli_print_diag(d, PCILU_NOTE);
		if (!d->errors)
			fprintf(stderr, "pcilu verify: %s: %s\n", pcilu_escape(*origin, esc, sizeof(esc)),
				pcilu_strerror(ret));
		return CLI_ERROR;
	}
	return CLI_OK;
}

static int parse(int argc, char **argv, struct verify_opts *vo, const char **source)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS, { "luo", no_argument, NULL, 'l' },
		{ "file", required_argument, NULL, 'f' }, { "save", required_argument, NULL, 's' }, { 0 } };
	int c, nargs;

	while ((c = getopt_long(argc, argv, "hf:", longopts, NULL)) != -1) {
		if (cli_common_opt(c, &vo->co))
			continue;
		switch (c) {
		case 'h':
			fputs(verify_help, stdout);
			return -1;
		case 'l': vo->luo = true; break;
		case 'f': vo->file = optarg; break;
		case 's': vo->save = optarg; break;
		default:
			return cli_usage_error("verify", "unknown option");
		}
	}
	nargs = argc - optind;
	if (!vo->luo && (vo->file || vo->save))
		return cli_usage_error("verify", "-f and --save go with --luo; otherwise FILE is an argument");
	if (vo->luo ? nargs > 1 : (nargs < 1 || nargs > 2))
		return cli_usage_error("verify", vo->luo ? "--luo takes at most a SOURCE" : "expects FILE [SOURCE]");
	if (!vo->luo)
		vo->file = argv[optind++];
	*source = optind < argc ? argv[optind] : NULL;
	return 0;
}

/*
 * Verifying in the boot that made the plan checks nothing about a kexec; say
 * so. Not for a plan of a capture: its boot id is the planning machine's,
 * which says nothing about the captured host's kexec.
 */
/* Whether the live manifest was written in this very boot: then nothing crossed a kexec yet. */
static bool same_boot(const struct pcilu_manifest *m, struct pcilu_diag *d)
{
	struct pcilu_manifest_host now;
	struct pcilu_diag quiet;
	bool same = false;

	if (m->host.source == PCILU_HOST_CAPTURE)
		return false;
	pcilu_diag_init(&quiet);
	if (!pcilu_manifest_host_collect(&now, NULL, &quiet) && now.boot_id && m->host.boot_id &&
	    !strcmp(now.boot_id, m->host.boot_id)) {
		same = true;
		pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1,
			       "not verified: the manifest was written in this same boot (%s), no kexec happened "
			       "since; the comparison below is with the topology the plan saw", now.boot_id);
	}
	free(now.kernel_release);
	free(now.boot_id);
	free(now.machine_id);
	pcilu_diag_free(&quiet);
	return same;
}

int cmd_verify(int argc, char **argv)
{
	struct verify_opts vo = { 0 };
	struct pcilu_topology *t = NULL;
	struct pcilu_manifest m = { 0 };
	struct pcilu_verify v = { 0 };
	struct pcilu_lu_iommu io = { 0 };
	struct pcilu_out_opts o;
	bool unkexeced = false;
	struct pcilu_diag d;
	size_t shown;
	const char *source = NULL, *origin = NULL;
	int ret = parse(argc, argv, &vo, &source);

	if (ret)
		return ret < 0 ? CLI_OK : CLI_ERROR;
	pcilu_diag_init(&d);
	/* The manifest first: a bad one is an input error whatever the topology says. */
	ret = read_manifest(&vo, &m, &origin, &d);
	if (ret == CLI_OK)
		ret = cli_load(source, &vo.co, &t, &d);
	/* cli_load() printed the manifest's messages and its own: each is said once. */
	shown = d.count;
	if (ret == CLI_OK) {
		size_t mark = d.count;
		int err = pcilu_lu_iommu_compute(t, &io, &d);

		if (!err)
			err = pcilu_verify_manifest(&m, t, &io, &v, &d);
		if (err)
			ret = cli_fail("verify", err, &d, mark);
	}
	if (ret == CLI_OK)
		v.same_boot = unkexeced = same_boot(&m, &d);
	if (ret == CLI_OK) {
		int err;

		if (!vo.co.json)
			cli_print_diag_from(&d, shown, PCILU_WARN);
		cli_out_open(&vo.co, &o);
		err = pcilu_print_verify(stdout, &m, origin, &v, &d, &o);
		cli_out_close(&o);
		/* A drift is a drift in any boot; "held" means something only after a kexec. */
		ret = err ? cli_fail("verify", err, NULL, 0) : v.count ? CLI_NEGATIVE :
		      unkexeced ? CLI_UNDECIDED : CLI_OK;
	}
	pcilu_verify_free(&v);
	pcilu_manifest_free(&m);
	pcilu_topology_free(t);
	pcilu_diag_free(&d);
	pcilu_lu_iommu_release(&io);
	return ret;
}
