// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcilu-bench: the in-process half of bench/run. Not installed.
 *
 *   pcilu-bench export SPEC [--lspci FILE] [--sysfs DIR]
 *   pcilu-bench phases SOURCE [--until load|topology|groups|check]
 *   pcilu-bench lu SOURCE --sysfs DIR [--count N] [--class CCCCCC] [--manifest FILE]
 *   pcilu-bench pick SOURCE [--class CCCCCC] [--every K]
 *
 * phases and lu print one JSON object on stdout with the time of each phase
 * (CLOCK_MONOTONIC, seconds) and the peak resident set size after each
 * (getrusage ru_maxrss, KiB), so that a phase's cost is measured without
 * process start-up, output formatting or the phases after it.
 */
#include <pcilu/iommu.h>
#include <pcilu/handover.h>
#include <pcilu/liveupdate.h>
#include <pcilu/pci.h>
#include <pcilu/source.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum phase { PH_LOAD, PH_TOPOLOGY, PH_GROUPS, PH_CHECK, PH_N };

static const char *const phase_names[PH_N] = { "load", "topology", "groups", "check" };

/*
 * Wall time and this process's CPU time (user + system, page faults
 * included). On a shared machine the CPU time is the steadier measure of
 * the cost: it leaves out the time spent waiting for a core.
 */
struct clock {
	struct timespec t0, c0;
	double cpu;		/* CPU seconds of the last lap */
};

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void clock_start(struct clock *c)
{
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c->c0);
}

/* Wall seconds since the last lap (c->cpu: CPU seconds). */
static double clock_lap(struct clock *c)
{
	struct timespec t1, c1;
	double s;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	s = ts_diff(&c->t0, &t1);
	c->cpu = ts_diff(&c->c0, &c1);
	c->t0 = t1;
	c->c0 = c1;
	return s;
}

static long maxrss_kib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? -1 : ru.ru_maxrss;
}

static int report_diag(const char *what, int ret, struct pcilu_diag *d)
{
	char buf[1024];
	size_t shown = 0;

	for (size_t i = 0; i < d->count && shown < 20; i++) {
		if (d->msgs[i].sev < PCILU_ERROR)
			continue;
		pcilu_diag_format(&d->msgs[i], buf, sizeof(buf));
		fprintf(stderr, "pcilu-bench: %s\n", buf);
		shown++;
	}
	if (ret || d->errors)
		fprintf(stderr, "pcilu-bench: %s failed: %s (%zu error(s))\n", what,
			ret ? pcilu_strerror(ret) : "input errors", d->errors);
	return ret || d->errors ? 2 : 0;
}

static int load_topology(const char *source, struct pcilu_topology **t, struct pcilu_diag *d,
			 double *sec, double *cpu, long *rss)
{
	struct pcilu_source_opts so = { 0 };
	struct pcilu_raw_host raw;
	struct clock c;
	int ret;

	clock_start(&c);
	ret = pcilu_load_any(source, &so, &raw, d);
	sec[PH_LOAD] = clock_lap(&c);
	cpu[PH_LOAD] = c.cpu;
	rss[PH_LOAD] = maxrss_kib();
	if (ret || d->errors) {
		pcilu_raw_host_free(&raw);
		return report_diag("load", ret, d);
	}
	ret = pcilu_topology_build(&raw, t, d);
	sec[PH_TOPOLOGY] = clock_lap(&c);
	cpu[PH_TOPOLOGY] = c.cpu;
	rss[PH_TOPOLOGY] = maxrss_kib();
	return report_diag("topology", ret, d);
}

/* ---- export ---------------------------------------------------------------- */

static int cmd_export(int argc, char **argv)
{
	const char *lspci = NULL, *sysfs = NULL;
	struct pcilu_source_opts so = { 0 };
	struct pcilu_raw_host raw;
	struct pcilu_diag d;
	int ret;

	for (int i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--lspci"))
			lspci = argv[i + 1];
		else if (!strcmp(argv[i], "--sysfs"))
			sysfs = argv[i + 1];
	}
	pcilu_diag_init(&d);
	ret = pcilu_load_any(argv[2], &so, &raw, &d);
	ret = report_diag("load", ret, &d);
	if (!ret && lspci) {
		FILE *f = fopen(lspci, "w");

		ret = f ? pcilu_export_lspci(f, &raw, false) : -errno;
		if (f && fclose(f) && !ret)
			ret = -errno;
		if (ret)
			fprintf(stderr, "pcilu-bench: %s: %s\n", lspci, strerror(-ret));
	}
	if (!ret && sysfs)
		ret = report_diag("sysfs export", pcilu_export_sysfs(sysfs, &raw, &d), &d);
	if (!ret)
		printf("{\"functions\": %zu}\n", raw.count);
	pcilu_raw_host_free(&raw);
	pcilu_diag_free(&d);
	return ret ? 2 : 0;
}

/* ---- phases ---------------------------------------------------------------- */

static int run_groups_check(struct pcilu_topology *t, enum phase until, double *sec, double *cpu, long *rss,
			    size_t *ngroups, size_t *neligible, struct pcilu_diag *d)
{
	struct pcilu_iommu *r = NULL;
	struct pcilu_lu_check *c = NULL;
	struct pcilu_policy p;
	struct clock ck;
	int ret;

	pcilu_policy_init(&p);
	clock_start(&ck);
	ret = t->cmdline ? pcilu_policy_parse_cmdline(&p, t->cmdline, d) : 0;
	ret = ret ?: pcilu_iommu_compute(t, &p, &r, d);
	sec[PH_GROUPS] = clock_lap(&ck);
	cpu[PH_GROUPS] = ck.cpu;
	rss[PH_GROUPS] = maxrss_kib();
	if (!ret)
		*ngroups = pcilu_iommu_ngroups(r);
	if (!ret && until >= PH_CHECK) {
		ret = pcilu_lu_check_run(r, &p, PCILU_LU_ALL_PROFILES, NULL, 0, false, &c, d);
		sec[PH_CHECK] = clock_lap(&ck);
		cpu[PH_CHECK] = ck.cpu;
		rss[PH_CHECK] = maxrss_kib();
		for (size_t i = 0; !ret && i < c->ndevs; i++)
			*neligible += c->devs[i].v[PCILU_LU_V4].eligible;
	}
	pcilu_lu_check_free(c);
	pcilu_iommu_free(r);
	pcilu_policy_free(&p);
	return report_diag("groups/check", ret, d);
}

static int cmd_phases(int argc, char **argv)
{
	double sec[PH_N] = { 0 }, cpu[PH_N] = { 0 };
	long rss[PH_N] = { 0 };
	enum phase until = PH_CHECK;
	struct pcilu_topology *t = NULL;
	size_t ngroups = 0, neligible = 0;
	struct pcilu_diag d;
	int ret;

	if (argc == 5 && !strcmp(argv[3], "--until")) {
		for (until = PH_LOAD; until < PH_N && strcmp(argv[4], phase_names[until]); until++)
			;
		if (until == PH_N || until == PH_LOAD) {
			fprintf(stderr, "pcilu-bench: --until topology|groups|check\n");
			return 2;
		}
	}
	pcilu_diag_init(&d);
	ret = load_topology(argv[2], &t, &d, sec, cpu, rss);
	if (!ret && until >= PH_GROUPS)
		ret = run_groups_check(t, until, sec, cpu, rss, &ngroups, &neligible, &d);
	if (!ret) {
		printf("{\"source\": \"%s\", \"functions\": %zu, \"groups\": %zu, \"v4_eligible\": %zu",
		       argv[2], t->ndevs, ngroups, neligible);
		for (enum phase ph = PH_LOAD; ph <= until; ph++)
			printf(", \"%s_s\": %.6f, \"%s_cpu_s\": %.6f, \"%s_maxrss_kib\": %ld",
			       phase_names[ph], sec[ph], phase_names[ph], cpu[ph], phase_names[ph], rss[ph]);
		printf("}\n");
	}
	pcilu_topology_free(t);
	pcilu_diag_free(&d);
	return ret;
}

/* ---- lu: plan + verify against reading config space once -------------------- */

struct lu_opts {
	const char *source, *sysfs, *manifest;
	size_t count;
	uint32_t class;
};

/* The first @o->count non-VF functions of the class, in probe order. */
static int pick(const struct pcilu_topology *t, const struct lu_opts *o, int32_t *devs)
{
	size_t n = 0;

	for (size_t i = 0; i < t->ndevs && n < o->count; i++)
		if (t->devs[i].class == o->class && !t->devs[i].is_virtfn)
			devs[n++] = (int32_t)i;
	if (n < o->count) {
		fprintf(stderr, "pcilu-bench: only %zu functions of class %06x in %s\n", n, o->class,
			o->source);
		return -ENOENT;
	}
	return 0;
}

/*
 * fsync() is wrapped at link time (-Wl,--wrap=fsync, bench/meson.build) and
 * its wall time summed here, so that the write step of plan is reported as
 * the CPU work it is plus the disk's flush apart. A wrapped libc call has no
 * context argument: this one counter is the benchmark's only global state.
 */
int __real_fsync(int fd);
int __wrap_fsync(int fd);

static double fsync_s;

int __wrap_fsync(int fd)
{
	struct timespec a, b;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &a);
	ret = __real_fsync(fd);
	clock_gettime(CLOCK_MONOTONIC, &b);
	fsync_s += ts_diff(&a, &b);
	return ret;
}

/* Steps of plan and verify, timed one by one to show where the time goes. */
enum lu_step { LS_PLAN, LS_ENCODE, LS_WRITE, LS_READ, LS_VGROUPS, LS_VERIFY, LS_N };

static const char *const lu_step_names[LS_N] = {
	"plan_build", "plan_encode", "plan_write", "verify_read_decode", "verify_groups", "verify_compare",
};

struct lu_result {
	double step[LS_N];	/* wall seconds; LS_WRITE without its fsync() calls */
	double cpu[LS_N];	/* CPU seconds of the same steps */
	double fsync;		/* wall seconds in fsync() during the write */
	size_t nodes, refused, drifts;
};

static void lap(struct clock *c, struct lu_result *res, enum lu_step k)
{
	res->step[k] = clock_lap(c);
	res->cpu[k] = c->cpu;
}

/* What `pcilu plan DEVS -o FILE` does once the topology is loaded; 0 or -errno. */
static int plan(const struct pcilu_topology *t, const int32_t *devs, size_t n, const char *file,
		struct lu_result *res, struct pcilu_diag *d)
{
	struct pcilu_plan pl = { 0 };
	struct pcilu_policy pol;
	struct clock c;
	void *buf = NULL;
	size_t len;
	int ret;

	clock_start(&c);
	/* plan's default profile and the source's own command line, as `pcilu plan` runs it */
	pcilu_policy_init(&pol);
	ret = t->cmdline ? pcilu_policy_parse_cmdline(&pol, t->cmdline, d) : 0;
	ret = ret ?: pcilu_plan(t, &pol, PCILU_LU_IOMMUFD, devs, n, true, &pl, d);
	for (size_t i = 0; !ret && i < pl.check->ndevs; i++)
		res->refused += !pl.check->devs[i].v[PCILU_LU_IOMMUFD].eligible;
	lap(&c, res, LS_PLAN);
	ret = ret ?: pcilu_manifest_encode(&pl.m, &buf, &len);
	lap(&c, res, LS_ENCODE);
	fsync_s = 0;
	ret = ret ?: pcilu_manifest_write_file(file, buf, len, d);
	lap(&c, res, LS_WRITE);
	/* The flush is the disk's, not plan's: reported apart, out of the ratio. */
	res->fsync = fsync_s;
	res->step[LS_WRITE] -= fsync_s;
	res->nodes = pl.m.count;
	free(buf);
	pcilu_plan_free(&pl);
	pcilu_policy_free(&pol);
	return ret;
}

/* What `pcilu verify FILE` does once the topology is loaded. */
static int verify(const struct pcilu_topology *t, const char *file, struct lu_result *res,
		  struct pcilu_diag *d)
{
	struct pcilu_manifest m = { 0 };
	struct pcilu_lu_iommu io = { 0 };
	struct pcilu_verify v = { 0 };
	struct clock c;
	int ret;

	clock_start(&c);
	ret = pcilu_manifest_read_file(file, &m, d);
	lap(&c, res, LS_READ);
	ret = ret ?: pcilu_lu_iommu_compute(t, &io, d);
	lap(&c, res, LS_VGROUPS);
	ret = ret ?: pcilu_verify_manifest(&m, t, &io, &v, d);
	lap(&c, res, LS_VERIFY);
	res->drifts = v.count;
	pcilu_verify_free(&v);
	pcilu_lu_iommu_release(&io);
	pcilu_manifest_free(&m);
	return ret;
}

/* The baseline: read each device's config file once from the sysfs-shaped tree. */
static int read_configs(const struct pcilu_topology *t, const int32_t *devs, size_t n,
			const char *dir, size_t *bytes)
{
	char path[4096], bdf[24];
	static uint8_t buf[PCILU_CFG_EXP_SIZE];

	for (size_t i = 0; i < n; i++) {
		ssize_t got;
		int fd;

		pcilu_bdf(&t->devs[devs[i]], bdf, sizeof(bdf));
		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/config", dir, bdf);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		got = read(fd, buf, sizeof(buf));
		close(fd);
		if (got < 0)
			return -errno;
		*bytes += (size_t)got;
	}
	return 0;
}

static int parse_lu(int argc, char **argv, struct lu_opts *o)
{
	o->source = argv[2];
	o->count = 1024;
	o->class = 0x010802;
	o->manifest = "bench-manifest.dtb";
	for (int i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--sysfs"))
			o->sysfs = argv[i + 1];
		else if (!strcmp(argv[i], "--manifest"))
			o->manifest = argv[i + 1];
		else if (!strcmp(argv[i], "--count"))
			o->count = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--class"))
			o->class = (uint32_t)strtoul(argv[i + 1], NULL, 16);
		else
			return -EINVAL;
	}
	return o->sysfs && o->count ? 0 : -EINVAL;
}

/*
 * plan_s and verify_s are wall times without fsync (fsync_s apart); ratio is
 * (plan_s + verify_s) / read_config_s, the target's measure (under 1).
 */
static void print_lu(const struct lu_opts *o, const struct pcilu_topology *t,
		     const struct lu_result *res, double t_read, double cpu_read, size_t bytes)
{
	double plan_s = 0, verify_s = 0, plan_cpu = 0, verify_cpu = 0;

	for (enum lu_step k = LS_PLAN; k < LS_N; k++) {
		*(k < LS_READ ? &plan_s : &verify_s) += res->step[k];
		*(k < LS_READ ? &plan_cpu : &verify_cpu) += res->cpu[k];
	}
	printf("{\"source\": \"%s\", \"functions\": %zu, \"preserved\": %zu, \"manifest_nodes\": %zu, "
	       "\"refused\": %zu, \"drifts\": %zu, \"plan_s\": %.6f, \"verify_s\": %.6f, "
	       "\"fsync_s\": %.6f, \"read_config_s\": %.6f, \"ratio\": %.3f, \"plan_cpu_s\": %.6f, "
	       "\"verify_cpu_s\": %.6f, \"read_config_cpu_s\": %.6f, \"read_config_bytes\": %zu, "
	       "\"maxrss_kib\": %ld",
	       o->source, t->ndevs, o->count, res->nodes, res->refused, res->drifts, plan_s, verify_s,
	       res->fsync, t_read, t_read > 0 ? (plan_s + verify_s) / t_read : 0.0, plan_cpu, verify_cpu,
	       cpu_read, bytes, maxrss_kib());
	for (enum lu_step k = LS_PLAN; k < LS_N; k++)
		printf(", \"%s_s\": %.6f", lu_step_names[k], res->step[k]);
	printf("}\n");
}

static int cmd_lu(int argc, char **argv)
{
	double sec[PH_N] = { 0 }, cpu[PH_N] = { 0 }, t_read = 0, cpu_read = 0;
	long rss[PH_N] = { 0 };
	struct lu_result res = { 0 };
	size_t bytes = 0;
	struct pcilu_topology *t = NULL;
	struct lu_opts o = { 0 };
	int32_t *devs = NULL;
	struct pcilu_diag d;
	struct clock c;
	int ret;

	if (parse_lu(argc, argv, &o)) {
		fprintf(stderr, "pcilu-bench lu SOURCE --sysfs DIR [--count N] [--class CCCCCC] "
			"[--manifest FILE]\n");
		return 2;
	}
	pcilu_diag_init(&d);
	ret = load_topology(o.source, &t, &d, sec, cpu, rss);
	devs = malloc(o.count * sizeof(*devs));
	ret = ret ?: devs ? pick(t, &o, devs) : -ENOMEM;
	/* Baseline first, then plan and verify: each starts with a warm page cache. */
	clock_start(&c);
	ret = ret ?: read_configs(t, devs, o.count, o.sysfs, &bytes);
	t_read = clock_lap(&c);
	cpu_read = c.cpu;
	ret = ret ?: plan(t, devs, o.count, o.manifest, &res, &d);
	ret = ret ?: verify(t, o.manifest, &res, &d);
	ret = report_diag("lu", ret, &d);
	if (!ret)
		print_lu(&o, t, &res, t_read, cpu_read, bytes);
	free(devs);
	pcilu_topology_free(t);
	pcilu_diag_free(&d);
	return ret;
}

/* ---- pick: devices for the scaling benchmark's plan, verify and simulate ---- */

/*
 * Every K-th non-VF function of a class, as one BDF,BDF... list: a preserve
 * set that grows with the host, so that plan, verify and simulate are
 * measured on work proportional to its size.
 */
static int cmd_pick(int argc, char **argv)
{
	struct pcilu_topology *t = NULL;
	double sec[PH_N], cpu[PH_N];
	unsigned long every = 1, seen = 0;
	uint32_t class = 0x010802;
	long rss[PH_N];
	struct pcilu_diag d;
	char bdf[24];
	int ret;

	for (int i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--class"))
			class = (uint32_t)strtoul(argv[i + 1], NULL, 16);
		else if (!strcmp(argv[i], "--every"))
			every = strtoul(argv[i + 1], NULL, 10);
	}
	if (!every)
		every = 1;
	pcilu_diag_init(&d);
	ret = load_topology(argv[2], &t, &d, sec, cpu, rss);
	for (size_t i = 0; !ret && i < t->ndevs; i++) {
		if (t->devs[i].class != class || t->devs[i].is_virtfn || seen++ % every)
			continue;
		pcilu_bdf(&t->devs[i], bdf, sizeof(bdf));
		printf("%s%s", seen > 1 ? "," : "", bdf);
	}
	if (!ret)
		printf("\n");
	pcilu_topology_free(t);
	pcilu_diag_free(&d);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "export"))
		return cmd_export(argc, argv);
	if (argc >= 3 && !strcmp(argv[1], "phases"))
		return cmd_phases(argc, argv);
	if (argc >= 3 && !strcmp(argv[1], "lu"))
		return cmd_lu(argc, argv);
	if (argc >= 3 && !strcmp(argv[1], "pick"))
		return cmd_pick(argc, argv);
	fprintf(stderr, "usage: pcilu-bench export SPEC [--lspci FILE] [--sysfs DIR]\n"
		"       pcilu-bench phases SOURCE [--until topology|groups|check]\n"
		"       pcilu-bench lu SOURCE --sysfs DIR [--count N] [--class CCCCCC] [--manifest FILE]\n"
		"       pcilu-bench pick SOURCE [--class CCCCCC] [--every K]\n");
	return 2;
}
