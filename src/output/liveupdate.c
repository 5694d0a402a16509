// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu plan and pcilu verify: what will be preserved, and what held after kexec. */
#include "output_int.h"
#include <pcilu/iommu.h>
#include "../handover/handover_int.h"

#include <errno.h>
#include <string.h>

static struct json_object *json_addr(struct pcilu_lu_addr a)
{
	char buf[24];

	return json_object_new_string(pcilu_lu_addr_fmt(a, buf, sizeof(buf)));
}

static struct json_object *json_addrs(const struct pcilu_lu_addr *a, size_t n)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; arr && i < n; i++)
		json_object_array_add(arr, json_addr(a[i]));
	return arr;
}

static struct json_object *json_node(const struct pcilu_manifest_node *n)
{
	struct json_object *o = json_object_new_object();

	pcilu_json_add(o, "bdf", json_addr(n->addr));
	pcilu_json_add(o, "vendor", pcilu_json_hex(n->vendor, 4));
	pcilu_json_add(o, "device", pcilu_json_hex(n->device, 4));
	pcilu_json_add(o, "subsystem_vendor", pcilu_json_hex(n->subsys_vendor, 4));
	pcilu_json_add(o, "subsystem_device", pcilu_json_hex(n->subsys_device, 4));
	pcilu_json_add(o, "class", pcilu_json_hex(n->class, 6));
	pcilu_json_add(o, "revision", pcilu_json_hex(n->revision, 2));
	pcilu_json_add(o, "role", json_object_new_string(pcilu_lu_role_name(n->role)));
	pcilu_json_add(o, "refcount", json_object_new_int64(n->refcount));
	if (n->has_acs) {
		struct json_object *acs = json_object_new_object();

		pcilu_json_add(acs, "cap", pcilu_json_acs_flags(n->acs_cap & 0x7f));
		pcilu_json_add(acs, "ctrl", pcilu_json_acs_flags(n->acs_ctrl & 0x7f));
		pcilu_json_add(acs, "cap_raw", pcilu_json_hex(n->acs_cap, 4));
		pcilu_json_add(acs, "ctrl_raw", pcilu_json_hex(n->acs_ctrl, 4));
		pcilu_json_add(o, "acs", acs);
	} else {
		pcilu_json_add(o, "acs", NULL);
	}
	if (n->is_bridge) {
		struct json_object *b = json_object_new_array();

		json_object_array_add(b, json_object_new_int(n->primary));
		json_object_array_add(b, json_object_new_int(n->secondary));
		json_object_array_add(b, json_object_new_int(n->subordinate));
		pcilu_json_add(o, "bus_numbers", b);
	}
	pcilu_json_add(o, "ari_forwarding", json_object_new_boolean(n->ari_fwd));
	pcilu_json_add(o, "iommu_group", n->group_known ? json_addrs(n->group, n->ngroup) : NULL);
	if (n->kgroup_known) {
		struct json_object *k = json_object_new_object();

		pcilu_json_add(k, "number", json_object_new_int(n->kgroup_id));
		pcilu_json_add(k, "members", json_addrs(n->kgroup, n->nkgroup));
		pcilu_json_add(o, "kernel_iommu_group", k);
	} else {
		pcilu_json_add(o, "kernel_iommu_group", NULL);
	}
	return o;
}

static struct json_object *json_host(const struct pcilu_manifest *m)
{
	struct json_object *h = json_object_new_object();

	pcilu_json_add(h, "kernel_release", m->host.kernel_release ?
		       json_object_new_string(m->host.kernel_release) : NULL);
	pcilu_json_add(h, "boot_id", m->host.boot_id ? json_object_new_string(m->host.boot_id) : NULL);
	pcilu_json_add(h, "machine_id", m->host.machine_id ? json_object_new_string(m->host.machine_id) : NULL);
	pcilu_json_add(h, "time", json_object_new_int64((int64_t)m->host.time));
	pcilu_json_add(h, "source", pcilu_host_source_name(m->host.source) ?
		       json_object_new_string(pcilu_host_source_name(m->host.source)) : NULL);
	pcilu_json_add(h, "iommu", m->host.facts_recorded ?
		       json_object_new_string(m->host.iommu_on ? "on" : "off") : NULL);
	pcilu_json_add(h, "pci_liveupdate", m->host.facts_recorded ?
		       json_object_new_string(pcilu_lu_klu_name(m->host.pci_lu)) : NULL);
	return h;
}

static struct json_object *json_nodes(const struct pcilu_manifest *m)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && m && i < m->count; i++)
		json_object_array_add(a, json_node(&m->nodes[i]));
	return a;
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

static struct json_object *json_refusals(const struct pcilu_plan_result *r)
{
	const struct pcilu_lu_check *c = r->check;
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && c && i < c->ndevs; i++) {
		const struct pcilu_lu_verdict *v = &c->devs[i].v[r->profile];
		char *text;
		const struct pcilu_lu_reason *why = pcilu_lu_verdict_lead(v);
		struct json_object *x;

		if (v->eligible)
			continue;
		x = json_object_new_object();
		pcilu_json_add(x, "bdf", pcilu_json_bdf(&c->t->devs[c->devs[i].dev]));
		pcilu_json_add(x, "state", json_object_new_string(pcilu_lu_state_name(v->state)));
		pcilu_json_add(x, "undecided", json_object_new_boolean(undecided(v)));
		text = NULL;
		pcilu_json_add(x, "reason", why && !pcilu_lu_reason_words(c, why, &text, NULL) ?
			       json_object_new_string(text) : NULL);
		free(text);
		pcilu_json_add(x, "rule", why ? json_object_new_string(pcilu_lu_rule_name(why->rule)) : NULL);
		pcilu_check_errno_json(x, v->err);
		pcilu_json_add(x, "reasons", pcilu_check_reasons_json(c, v->reasons, v->nreasons));
		json_object_array_add(a, x);
	}
	return a;
}

static struct json_object *json_luo(const struct pcilu_plan_result *r)
{
	struct json_object *l;

	if (!r->luo)
		return NULL;
	l = json_object_new_object();
	pcilu_json_add(l, "state", json_object_new_string(r->luo));
	pcilu_json_add(l, "session", json_object_new_string(PCILU_LUO_SESSION));
	pcilu_json_add(l, "token", json_object_new_int(PCILU_LUO_TOKEN));
	pcilu_json_add(l, "detail", r->luo_detail ? json_object_new_string(r->luo_detail) : NULL);
	return l;
}

static int json_plan(FILE *f, const struct pcilu_topology *t, const struct pcilu_plan_result *r,
		     const struct pcilu_diag *d)
{
	const struct pcilu_lu_preserve *pr = r->check ? &r->check->pres[r->profile] : NULL;
	struct json_object *root = json_object_new_object();

	pcilu_json_schema(root, "pcilu-plan/3");
	pcilu_json_add(root, "source", pcilu_json_source(t));
	if (r->check)
		pcilu_json_add(root, "source_host", pcilu_check_host_json(r->check));
	pcilu_json_add(root, "profile", json_object_new_string(pcilu_lu_profile_name(r->profile)));
	pcilu_json_add(root, "verdict", json_object_new_string(plan_verdict(r)));
	pcilu_json_add(root, "refusals", json_refusals(r));
	pcilu_json_add(root, "conflicts", pcilu_check_reasons_json(r->check, pr ? pr->conflicts : NULL,
								   pr ? pr->nconflicts : 0));
	pcilu_json_add(root, "output", r->output ? json_object_new_string(r->output) : NULL);
	pcilu_json_add(root, "luo", json_luo(r));
	pcilu_json_add(root, "host", r->m ? json_host(r->m) : NULL);
	pcilu_json_add(root, "nodes", json_nodes(r->m));
	pcilu_json_add(root, "diagnostics", pcilu_diag_json(d));
	return pcilu_json_print(f, root);
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

static struct json_object *json_drift(const struct pcilu_drift *dr)
{
	struct json_object *o = json_object_new_object();

	pcilu_json_add(o, "kind", json_object_new_string(pcilu_drift_kind_name(dr->kind)));
	pcilu_json_add(o, "bdf", json_addr(dr->addr));
	if (dr->kind == PCILU_DRIFT_GROUP || dr->kind == PCILU_DRIFT_KERNEL_GROUP)
		pcilu_json_add(o, "joined", json_addr(dr->other));
	if (dr->kind == PCILU_DRIFT_BUS_NUMBERS || dr->kind == PCILU_DRIFT_ACS_CTRL || dr->kind == PCILU_DRIFT_ARI) {
		pcilu_json_add(o, "expected", pcilu_json_hex(dr->expected, dr->kind == PCILU_DRIFT_ARI ? 1 : 6));
		pcilu_json_add(o, "actual", pcilu_json_hex(dr->actual, dr->kind == PCILU_DRIFT_ARI ? 1 : 6));
	}
	pcilu_json_add(o, "cause", dr->cause >= 0 ? json_object_new_int64(dr->cause) : NULL);
	pcilu_json_add(o, "message", json_object_new_string(dr->text));
	return o;
}

int pcilu_print_verify(FILE *f, const struct pcilu_manifest *m, const char *origin,
		       const struct pcilu_verify *v, const struct pcilu_diag *d,
		       const struct pcilu_out_opts *o)
{
	char esc[512];

	if (o->json) {
		struct json_object *root = json_object_new_object(), *a = json_object_new_array();

		pcilu_json_schema(root, "pcilu-verify/1");
		pcilu_json_add(root, "manifest", json_object_new_string(origin));
		pcilu_json_add(root, "profile", json_object_new_string(m->profile));
		pcilu_json_add(root, "forced", json_object_new_boolean(m->forced));
		pcilu_json_add(root, "planned_on", json_host(m));
		/* "held" means something only after a kexec: same boot is "not verified" (exit 3). */
		pcilu_json_add(root, "held", json_object_new_boolean(v->count == 0 && !v->same_boot));
		pcilu_json_add(root, "kexec_since_plan", json_object_new_boolean(!v->same_boot));
		pcilu_json_add(root, "nodes", json_nodes(m));
		for (size_t i = 0; a && i < v->count; i++)
			json_object_array_add(a, json_drift(&v->drifts[i]));
		pcilu_json_add(root, "drifts", a);
		pcilu_json_add(root, "diagnostics", pcilu_diag_json(d));
		return pcilu_json_print(f, root);
	}
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
