#define _POSIX_C_SOURCE 200809L
/* The report's designs: one array per (weight format, activation format) and
 * OverQ depth, its PE (1x1, with gate-level power), synthesized as a sweep. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/list.h"
#include "report_internal.h"

#define REPORT_ACC_BITS RP_ACC_BITS

static const char *const E2M1_FAMILY[] = {"e2m1", "e2m1-sr", "e2m1-sp"};

bool rp_add_design(rp_report *r, const char *w, const char *a, int cascade, nb_err *err)
{
    if (r->ndesigns == RP_MAX)
        return nb_fail(err, "too many designs (at most %d)", RP_MAX);
    rp_design *d = &r->designs[r->ndesigns];
    memset(d, 0, sizeof *d);
    nb_sweep_plan p = {0};
    bool overq = strcmp(a, "overq") == 0;
    int rows = r->o->rows, cols = r->o->cols;
    bool ok = nb_sweep_add(&p, w, a, rows, cols, REPORT_ACC_BITS, cascade, NB_OVERQ_RANGE, false, err) &&
              (overq || nb_sweep_add(&p, w, a, 1, 1, REPORT_ACC_BITS, 0, NB_OVERQ_RANGE, false, err));
    if (ok) {
        d->array = p.points[0];
        d->has_pe = !overq; /* an OverQ PE needs rows to borrow from: its area comes from the array */
        if (d->has_pe)
            d->pe = p.points[1];
        if (overq)
            snprintf(d->label, sizeof d->label, "%s x overq c%d", w, cascade);
        else
            snprintf(d->label, sizeof d->label, "%s x %s", w, a);
        r->ndesigns++;
    }
    nb_sweep_plan_free(&p);
    return ok;
}

bool rp_plan_designs(rp_report *r, nb_err *err)
{
    const nb_report_opts *o = r->o;
    /* the lists were checked by rp_check_opts */
    nb_list w = {0}, a = {0}, q = {0};
    bool ok = nb_list_split(o->formats, ",", &w, err) && nb_list_split(o->acts, ",", &a, err) &&
              nb_list_split(o->overq ? o->overq : "", ",", &q, err);
    for (int j = 0; ok && j < a.n; j++)
        for (int i = 0; ok && i < w.n; i++)
            ok = rp_add_design(r, w.items[i], a.items[j], 0, err);
    /* OverQ next to plain INT4 weights */
    for (int i = 0; ok && i < q.n; i++)
        ok = rp_add_design(r, "int4", "overq", atoi(q.items[i]), err);
    nb_list_free(&w);
    nb_list_free(&a);
    nb_list_free(&q);
    /* block-scaled designs and their software twins */
    ok = ok && rp_plan_blocks(r, err);
    for (int i = 0; i < r->ndesigns; i++)
        r->designs[i].array_power = o->power && o->array_power;
    /* the E2M1 family with its own activations: the supernormal area overhead */
    r->nextra = 0;
    for (int i = 0; ok && i < 3; i++) {
        nb_sweep_plan p = {0};
        ok = nb_sweep_add(&p, E2M1_FAMILY[i], E2M1_FAMILY[i], 1, 1, REPORT_ACC_BITS, 0,
                          NB_OVERQ_RANGE, false, err);
        if (ok)
            r->extra_pe[r->nextra++] = p.points[0];
        nb_sweep_plan_free(&p);
    }
    return ok;
}

static const nb_synth_result *find(const nb_sweep_plan *p, const nb_synth_result *res,
                                   const nb_sweep_point *pt)
{
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->points[i].name, pt->name) == 0)
            return &res[i];
    return NULL;
}

/* Block designs and their twins, without --array-power, go to a sweep of
 * their own with gate-level power: the scale stage's share of the energy is
 * the difference of the two arrays (rp_energy_pj); the twins' headline power
 * stays their PE's, as every other design's. */
static bool in_power_arrays(const rp_report *r, const rp_design *d)
{
    return r->o->power && !r->o->array_power && (d->block || d->is_twin);
}

bool rp_synthesize(rp_report *r, nb_err *err)
{
    nb_sweep_plan arrays = {0}, barrays = {0}, pes = {0};
    bool ok = true;
    for (int i = 0; ok && i < r->ndesigns; i++) {
        const nb_sweep_point *a = &r->designs[i].array;
        ok = nb_sweep_add(in_power_arrays(r, &r->designs[i]) ? &barrays : &arrays, a->weights,
                          a->acts, a->rows, a->cols, a->acc_bits, a->cascade, a->overq_mode,
                          a->encoder, err);
        if (ok && r->designs[i].has_pe) {
            const nb_sweep_point *p = &r->designs[i].pe;
            ok = nb_sweep_add(&pes, p->weights, p->acts, 1, 1, p->acc_bits, 0, NB_OVERQ_RANGE, false, err);
        }
    }
    for (int i = 0; ok && i < r->nextra; i++)
        ok = nb_sweep_add(&pes, r->extra_pe[i].weights, r->extra_pe[i].acts, 1, 1,
                          r->extra_pe[i].acc_bits, 0, NB_OVERQ_RANGE, false, err);
    char dir_a[4400], dir_b[4400], dir_p[4400];
    rp_path(r, dir_a, sizeof dir_a, "synth/arrays");
    rp_path(r, dir_b, sizeof dir_b, "synth/block_arrays");
    rp_path(r, dir_p, sizeof dir_p, "synth/pes");
    /* arrays: area and timing, and power with --array-power (an 8x8 array's
     * gate-level simulation takes about 2 minutes); PEs: area, timing and
     * power from gate-level toggles; block arrays and their twins' arrays
     * (block_arrays, only without --array-power): with power */
    nb_sweep_opts oa = {.out_dir = dir_a, .jobs = r->o->jobs, .library = r->libs[0].name,
                        .power = r->o->power && r->o->array_power, .progress = r->o->progress,
                        .cancel = r->o->cancel};
    nb_sweep_opts op = oa, ob = oa;
    op.out_dir = dir_p;
    op.power = r->o->power;
    ob.out_dir = dir_b;
    ob.power = true;
    nb_synth_result *ra = NULL, *rb = NULL, *rpe = NULL;
    if (ok) {
        if (barrays.n)
            rp_progress(r, "synthesizing %d arrays, %d block-scaled and twin arrays with power, and "
                        "%d PEs (cached results are reused)", arrays.n, barrays.n, pes.n);
        else
            rp_progress(r, "synthesizing %d arrays and %d PEs (cached results are reused)",
                        arrays.n, pes.n);
        int fa = -1, fb = -1, fp = -1;
        ok = nb_sweep_prepare(&arrays, &oa, err) && nb_sweep_prepare(&pes, &op, err) &&
             (!barrays.n || nb_sweep_prepare(&barrays, &ob, err)) &&
             (fp = nb_sweep_run(&pes, &op, err)) == 0 && (fa = nb_sweep_run(&arrays, &oa, err)) == 0 &&
             (!barrays.n || (fb = nb_sweep_run(&barrays, &ob, err)) == 0);
        if (!ok && (fa > 0 || fp > 0 || fb > 0))
            nb_fail(err, "%d synthesis jobs failed; their logs are named above",
                    (fa > 0 ? fa : 0) + (fp > 0 ? fp : 0) + (fb > 0 ? fb : 0));
        ok = ok && nb_sweep_collect(&arrays, dir_a, &ra, err) && nb_sweep_collect(&pes, dir_p, &rpe, err) &&
             (!barrays.n || nb_sweep_collect(&barrays, dir_b, &rb, err));
    }
    for (int i = 0; ok && i < r->ndesigns; i++) {
        rp_design *d = &r->designs[i];
        const nb_synth_result *s = in_power_arrays(r, d) ? find(&barrays, rb, &d->array)
                                                         : find(&arrays, ra, &d->array);
        if (s)
            d->syn_array = *s;
        if (d->has_pe && (s = find(&pes, rpe, &d->pe)))
            d->syn_pe = *s;
    }
    for (int i = 0; ok && i < r->nextra; i++) {
        const nb_synth_result *s = find(&pes, rpe, &r->extra_pe[i]);
        if (s)
            r->extra_syn[i] = *s;
    }
    free(ra);
    free(rb);
    free(rpe);
    nb_sweep_plan_free(&arrays);
    nb_sweep_plan_free(&barrays);
    nb_sweep_plan_free(&pes);
    return ok;
}
