// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu plan and pcilu verify: what will be preserved, and what held after kexec. */
#include "output_int.h"
#include <pcilu/iommu.h>
#include "../handover/handover_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void addr_w(struct pcilu_jw *w, struct pcilu_lu_addr a)
{
	char buf[24];

	pcilu_jw_str(w, pcilu_lu_addr_fmt(a, buf, sizeof(buf)));
}

static void addrs_w(struct pcilu_jw *w, const struct pcilu_lu_addr *a, size_t n)
{
	pcilu_jw_arr(w);
	for (size_t i = 0; i < n; i++)
		addr_w(w, a[i]);
	pcilu_jw_end_arr(w);
}

static void node_w(struct pcilu_jw *w, const struct pcilu_manifest_node *n)
{
	pcilu_jw_obj(w);
	pcilu_jw_key(w, "bdf");
	addr_w(w, n->addr);
	pcilu_jw_khex(w, "vendor", n->vendor, 4);
	pcilu_jw_khex(w, "device", n->device, 4);
	pcilu_jw_khex(w, "subsystem_vendor", n->subsys_vendor, 4);
	pcilu_jw_khex(w, "subsystem_device", n->subsys_device, 4);
	pcilu_jw_khex(w, "class", n->class, 6);
	pcilu_jw_khex(w, "revision", n->revision, 2);
	pcilu_jw_kstr(w, "role", pcilu_lu_role_name(n->role));
	pcilu_jw_kint(w, "refcount", n->refcount);
	if (n->has_acs) {
		pcilu_jw_kobj(w, "acs");
		pcilu_jw_acs_regs(w, n->acs_cap, n->acs_ctrl);
		pcilu_jw_end_obj(w);
	} else {
		pcilu_jw_knull(w, "acs");
	}
	if (n->is_bridge) {
		pcilu_jw_karr(w, "bus_numbers");
		pcilu_jw_int(w, n->primary);
		pcilu_jw_int(w, n->secondary);
		pcilu_jw_int(w, n->subordinate);
		pcilu_jw_end_arr(w);
	}
	pcilu_jw_kbool(w, "ari_forwarding", n->ari_fwd);
	pcilu_jw_key(w, "iommu_group");
	if (n->group_known)
		addrs_w(w, n->group, n->ngroup);
	else
		pcilu_jw_null(w);
	if (n->kgroup_known) {
		pcilu_jw_kobj(w, "kernel_iommu_group");
		pcilu_jw_kint(w, "number", n->kgroup_id);
		pcilu_jw_key(w, "members");
		addrs_w(w, n->kgroup, n->nkgroup);
		pcilu_jw_end_obj(w);
	} else {
		pcilu_jw_knull(w, "kernel_iommu_group");
	}
	pcilu_jw_end_obj(w);
}

static void host_w(struct pcilu_jw *w, const struct pcilu_manifest *m)
{
	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "kernel_release", m->host.kernel_release);
	pcilu_jw_kstr(w, "boot_id", m->host.boot_id);
	pcilu_jw_kstr(w, "machine_id", m->host.machine_id);
	pcilu_jw_kint(w, "time", (int64_t)m->host.time);
	pcilu_jw_kstr(w, "source", pcilu_host_source_name(m->host.source));
	pcilu_jw_kstr(w, "iommu", m->host.facts_recorded ? (m->host.iommu_on ? "on" : "off") : NULL);
	pcilu_jw_kstr(w, "pci_liveupdate", m->host.facts_recorded ? pcilu_lu_klu_name(m->host.pci_lu) : NULL);
	pcilu_jw_end_obj(w);
}

static void nodes_w(struct pcilu_jw *w, const struct pcilu_manifest *m)
{
	pcilu_jw_arr(w);
	for (size_t i = 0; m && i < m->count; i++)
		node_w(w, &m->nodes[i]);
	pcilu_jw_end_arr(w);
}

static void text_node(FILE *f, const struct pcilu_manifest_node *n)
{
	char a[24], acs[48] = "no ACS";

	if (n->has_acs)
		pcilu_acs_flags_str(n->acs_ctrl & 0x7f, acs, sizeof(acs));
	fprintf(f, "  %s %04x:%04x %-8s refcount %u  ACS ctl %s", pcilu_lu_addr_fmt(n->addr, a, sizeof(a)),
		n->vendor, n->device, pcilu_lu_role_name(n->role), n->refcount, acs);
	if (n->is_bridge)
		fprintf(f, "  buses %02x/%02x/%02x%s", n->primary, n->secondary, n->subordinate,
			n->ari_fwd ? "  ARI fwd" : "");
	if (n->group_known)
		fprintf(f, "  group of %zu", n->ngroup);
	fputc('\n', f);
}

static const char *plan_verdict(const struct pcilu_plan_result *r)
{
	if (r->m)
		return r->refused ? "forced" : "planned";
	return r->check && r->check->state == PCILU_LU_UNDECIDED ? "undecided" : "refused";
}

/* Not refused: a fact was missing from the input. */
static bool undecided(const struct pcilu_lu_verdict *v)
{
	return v->state == PCILU_LU_UNDECIDED;
}

static void refusals_w(struct pcilu_jw *w, const struct pcilu_plan_result *r)
{
	const struct pcilu_lu_check *c = r->check;

	pcilu_jw_arr(w);
	for (size_t i = 0; c && i < c->ndevs; i++) {
		const struct pcilu_lu_verdict *v = &c->devs[i].v[r->profile];
		const struct pcilu_lu_reason *why = pcilu_lu_verdict_lead(v);
		char *text = NULL;
		int ret;

		if (v->eligible)
			continue;
		pcilu_jw_obj(w);
		pcilu_jw_key(w, "bdf");
		pcilu_jw_bdf(w, &c->t->devs[c->devs[i].dev]);
		pcilu_jw_kstr(w, "state", pcilu_lu_state_name(v->state));
		pcilu_jw_kbool(w, "undecided", undecided(v));
		ret = why ? pcilu_lu_reason_words(c, why, &text, NULL) : 0;
		if (ret)
			w->err = ret;
		pcilu_jw_kstr(w, "reason", text);
		free(text);
		pcilu_jw_kstr(w, "rule", why ? pcilu_lu_rule_name(why->rule) : NULL);
		pcilu_check_errno_jw(w, v->err);
		pcilu_jw_key(w, "reasons");
		pcilu_check_reasons_jw(w, c, v->reasons, v->nreasons);
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_arr(w);
}

static void luo_w(struct pcilu_jw *w, const struct pcilu_plan_result *r)
{
	if (!r->luo) {
		pcilu_jw_null(w);
		return;
	}
	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "state", r->luo);
	pcilu_jw_kstr(w, "session", PCILU_LUO_SESSION);
	pcilu_jw_kint(w, "token", PCILU_LUO_TOKEN);
	pcilu_jw_kstr(w, "detail", r->luo_detail);
	pcilu_jw_end_obj(w);
}

static int json_plan(FILE *f, const struct pcilu_topology *t, const struct pcilu_plan_result *r,
		     const struct pcilu_diag *d)
{
	const struct pcilu_lu_preserve *pr = r->check ? &r->check->pres[r->profile] : NULL;
	struct pcilu_jw *w = pcilu_jw_doc(f, "pcilu-plan/3");

	if (!w)
		return -ENOMEM;
	pcilu_jw_key(w, "source");
	pcilu_jw_source(w, t);
	if (r->check) {
		pcilu_jw_key(w, "source_host");
		pcilu_check_host_jw(w, r->check);
	}
	pcilu_jw_kstr(w, "profile", pcilu_lu_profile_name(r->profile));
	pcilu_jw_kstr(w, "verdict", plan_verdict(r));
	pcilu_jw_key(w, "refusals");
	refusals_w(w, r);
	pcilu_jw_key(w, "conflicts");
	pcilu_check_reasons_jw(w, r->check, pr ? pr->conflicts : NULL, pr ? pr->nconflicts : 0);
	pcilu_jw_kstr(w, "output", r->output);
	pcilu_jw_key(w, "luo");
	luo_w(w, r);
	pcilu_jw_key(w, "host");
	if (r->m)
		host_w(w, r->m);
	else
		pcilu_jw_null(w);
	pcilu_jw_key(w, "nodes");
	nodes_w(w, r->m);
	return pcilu_jw_finish_diag(w, d);
}

/* What the rules said, in pcilu check's words: every device with a reason, then the sequence's conflicts. */
static void text_verdicts(FILE *f, const struct pcilu_plan_result *r, const struct pcilu_out_opts *o)
{
	const struct pcilu_lu_check *c = r->check;
	const struct pcilu_lu_preserve *pr = &c->pres[r->profile];
	char bdf[24];

	for (size_t i = 0; i < c->ndevs; i++)
		if (c->devs[i].v[r->profile].nreasons)
			pcilu_check_print_device(f, c, &c->devs[i], o->names);
	if (pr->nconflicts) {
		fprintf(f, "Preserving them together:\n");
		pcilu_check_print_reasons(f, c, pr->conflicts, pr->nconflicts, "  ");
		fputc('\n', f);
	}
	for (size_t i = 0; i < c->ndevs; i++) {
		const struct pcilu_lu_verdict *v = &c->devs[i].v[r->profile];
		const struct pcilu_lu_reason *why = pcilu_lu_verdict_lead(v);

		if (undecided(v))
			fprintf(f, "%s %s under %s: undecided, rule %s (the input lacks a fact)\n",
				r->m ? "forced past" : "cannot vouch for", pcilu_bdf(&c->t->devs[c->devs[i].dev], bdf,
										 sizeof(bdf)),
				pcilu_lu_profile_name(r->profile), why ? pcilu_lu_rule_name(why->rule) : "?");
		else if (!v->eligible)
			fprintf(f, "%s %s under %s: -%s, rule %s\n", r->m ? "forced past" : "cannot preserve",
				pcilu_bdf(&c->t->devs[c->devs[i].dev], bdf, sizeof(bdf)),
				pcilu_lu_profile_name(r->profile), pcilu_errno_name(v->err),
				why ? pcilu_lu_rule_name(why->rule) : "?");
	}
}

int pcilu_print_plan(FILE *f, const struct pcilu_topology *t, const struct pcilu_plan_result *r,
		     const struct pcilu_diag *d, const struct pcilu_out_opts *o)
{
	const char *profile = pcilu_lu_profile_name(r->profile);

	if (o->json)
		return json_plan(f, t, r, d);
	if (r->check) {
		pcilu_check_print_facts(f, r->check);
		fputc('\n', f);
		text_verdicts(f, r, o);
	}
	if (!r->m) {
		fprintf(f, "plan %s (profile %s); --force writes the manifest anyway\n", plan_verdict(r), profile);
		return 0;
	}
	fprintf(f, "preserved (profile %s%s, %zu node(s)):\n", profile, r->refused ? ", forced" : "", r->m->count);
	for (size_t i = 0; i < r->m->count; i++)
		text_node(f, &r->m->nodes[i]);
	if (r->output)
		fprintf(f, "manifest written to %s\n", r->output);
	if (r->luo)
		fprintf(f, "LUO: %s%s%s\n", r->luo, r->luo_detail ? ": " : "", r->luo_detail ? r->luo_detail : "");
	return 0;
}

static void drift_w(struct pcilu_jw *w, const struct pcilu_drift *dr)
{
	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "kind", pcilu_drift_kind_name(dr->kind));
	pcilu_jw_key(w, "bdf");
	addr_w(w, dr->addr);
	if (dr->kind == PCILU_DRIFT_GROUP || dr->kind == PCILU_DRIFT_KERNEL_GROUP) {
		pcilu_jw_key(w, "joined");
		addr_w(w, dr->other);
	}
	if (dr->kind == PCILU_DRIFT_BUS_NUMBERS || dr->kind == PCILU_DRIFT_ACS_CTRL || dr->kind == PCILU_DRIFT_ARI) {
		pcilu_jw_khex(w, "expected", dr->expected, dr->kind == PCILU_DRIFT_ARI ? 1 : 6);
		pcilu_jw_khex(w, "actual", dr->actual, dr->kind == PCILU_DRIFT_ARI ? 1 : 6);
	}
	pcilu_jw_key(w, "cause");
	if (dr->cause >= 0)
		pcilu_jw_int(w, dr->cause);
	else
		pcilu_jw_null(w);
	pcilu_jw_kstr(w, "message", dr->text);
	pcilu_jw_end_obj(w);
}

static int json_verify(FILE *f, const struct pcilu_manifest *m, const char *origin, const struct pcilu_verify *v,
		       const struct pcilu_diag *d)
{
	struct pcilu_jw *w = pcilu_jw_doc(f, "pcilu-verify/1");

	if (!w)
		return -ENOMEM;
	pcilu_jw_kstr(w, "manifest", origin);
	pcilu_jw_kstr(w, "profile", m->profile);
	pcilu_jw_kbool(w, "forced", m->forced);
	pcilu_jw_key(w, "planned_on");
	host_w(w, m);
	/* "held" means something only after a kexec: same boot is "not verified" (exit 3). */
	pcilu_jw_kbool(w, "held", v->count == 0 && !v->same_boot);
	pcilu_jw_kbool(w, "kexec_since_plan", !v->same_boot);
	pcilu_jw_key(w, "nodes");
	nodes_w(w, m);
	pcilu_jw_karr(w, "drifts");
	for (size_t i = 0; i < v->count; i++)
		drift_w(w, &v->drifts[i]);
	pcilu_jw_end_arr(w);
	return pcilu_jw_finish_diag(w, d);
}

int pcilu_print_verify(FILE *f, const struct pcilu_manifest *m, const char *origin,
		       const struct pcilu_verify *v, const struct pcilu_diag *d,
		       const struct pcilu_out_opts *o)
{
	char esc[512];

	if (o->json)
		return json_verify(f, m, origin, v, d);
	if (!v->count && v->same_boot) {
		fprintf(f, "not verified: no kexec since %s was written; its %zu node(s) match this boot's topology\n",
			PCILU_ESC(origin, esc), m->count);
		return 0;
	}
	if (!v->count) {
		fprintf(f, "held: all %zu preserved node(s) of %s as planned\n", m->count, PCILU_ESC(origin, esc));
		return 0;
	}
	fprintf(f, "drift: %zu problem(s) in %zu finding(s) against %s\n", v->primary, v->count,
		PCILU_ESC(origin, esc));
	for (size_t i = 0; i < v->count; i++)
		if (v->drifts[i].cause < 0) {
			fprintf(f, "  %s\n", v->drifts[i].text);
			for (size_t k = 0; k < v->count; k++)
				for (long c = v->drifts[k].cause, hops = 0; c >= 0 && hops < 8;
				     c = v->drifts[c].cause, hops++)
					if ((size_t)c == i) {
						fprintf(f, "    consequence: %s\n", v->drifts[k].text);
						break;
					}
		}
	return 0;
}
