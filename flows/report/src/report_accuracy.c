/* Accuracy: each format and scaling on each tensor (quantize, dequantize,
 * compare), and each design's GEMM through the bit-exact C model. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/design.h"
#include "nibble/metrics.h"
#include "nibble/list.h"
#include "nibble/overq.h"
#include "nibble/quant.h"
#include "report_internal.h"

/* The scalings every format is measured at. The clipped ones show what
 * giving up the largest values buys (the GEMMs skip them: OverQ picks its
 * own scale). */
const rp_scaling RP_SCALINGS[] = {
    {"channel", "per channel", NB_SCALE_CHANNEL, 0, 0},
    {"group128", "groups of 128", NB_SCALE_GROUP, 128, 0},
    {"group64", "groups of 64", NB_SCALE_GROUP, 64, 0},
    {"group32", "groups of 32", NB_SCALE_GROUP, 32, 0},
    {"group128-clip0.9", "128, clip 0.9", NB_SCALE_GROUP, 128, 0.9},
    {"group128-clip0.8", "128, clip 0.8", NB_SCALE_GROUP, 128, 0.8},
};
const int RP_NSCALINGS = (int)(sizeof RP_SCALINGS / sizeof RP_SCALINGS[0]);
#define SCALINGS RP_SCALINGS
#define NSCALINGS RP_NSCALINGS
typedef rp_scaling scaling;

static bool push_row(rp_report *r, const char *tensor, const char *format, const char *scaling_name,
                     const char *role, nb_error_stats e, nb_err *err);

bool rp_push_acc(rp_report *r, const char *tensor, const char *format, const char *scaling_name,
                 const char *role, double sqnr_db, double mse, nb_err *err)
{
    return push_row(r, tensor, format, scaling_name, role,
                    (nb_error_stats){.mse = mse, .sqnr_db = sqnr_db}, err);
}

static bool add_row(rp_report *r, const rp_tensor *t, const char *format, const scaling *s,
                    const char *role, nb_err *err)
{
    nb_format fmt;
    nb_format_opts fo = nb_format_opts_default();
    if (!nb_format_parse(format, &fo, &fmt, err))
        return false;
    nb_quant_opts q = nb_quant_opts_default();
    q.granularity = s->g;
    q.group_size = s->group ? s->group : q.group_size;
    q.clip = s->clip > 0 ? s->clip : r->o->clip;
    if (!nb_quant_opts_check(&q, &fmt, err))
        return false;
    nb_qtensor qt;
    size_t n = t->rows * t->cols;
    float *y = malloc(n * sizeof *y);
    if (!y)
        return nb_fail(err, "out of memory");
    if (!nb_quantize(t->data, t->rows, t->cols, &fmt, &q, &qt, err)) {
        free(y);
        return nb_fail_prefix(err, "quantizing %s to %s", t->name, format);
    }
    nb_dequantize(&qt, y);
    nb_qtensor_free(&qt);
    nb_error_stats e = nb_error_stats_float(t->data, y, n);
    free(y);
    return push_row(r, t->name, format, s->name, role, e, err);
}

static bool push_row(rp_report *r, const char *tensor, const char *format, const char *scaling_name,
                     const char *role, nb_error_stats e, nb_err *err)
{
    if (r->nacc == r->acc_cap) {
        int cap = r->acc_cap ? 2 * r->acc_cap : 128;
        rp_acc_row *p = realloc(r->acc, (size_t)cap * sizeof *p);
        if (!p)
            return nb_fail(err, "out of memory");
        r->acc = p;
        r->acc_cap = cap;
    }
    rp_acc_row *row = &r->acc[r->nacc++];
    memset(row, 0, sizeof *row);
    snprintf(row->tensor, sizeof row->tensor, "%s", tensor);
    snprintf(row->format, sizeof row->format, "%s", format);
    snprintf(row->scaling, sizeof row->scaling, "%s", scaling_name);
    snprintf(row->role, sizeof row->role, "%s", role);
    row->sqnr_db = e.sqnr_db;
    row->mse = e.mse;
    return true;
}

/* Activations with OverQ at each depth (0 = plain 4-bit), per token with the
 * scale that is best for plain 4 bits, chains confined to the array's rows. */
static bool overq_rows(rp_report *r, const rp_tensor *t, nb_err *err)
{
    /* depth 0 first (plain 4 bits), then --overq's depths (checked by rp_check_opts) */
    nb_list depths;
    if (!nb_list_split(r->o->overq ? r->o->overq : "", ",", &depths, err)) {
        nb_list_free(&depths);
        return false;
    }
    size_t n = t->rows * t->cols;
    float *y = malloc(n * sizeof *y);
    uint16_t *u = malloc(t->cols * sizeof *u);
    uint8_t *nib = malloc(t->cols), *tag = malloc(t->cols);
    double *v = malloc(t->cols * sizeof *v);
    bool ok = y && u && nib && tag && v ? true : nb_fail(err, "out of memory");
    for (int di = -1; ok && di < depths.n; di++) {
        int depth = di < 0 ? 0 : atoi(depths.items[di]);
        nb_overq_params p = {depth, NB_OVERQ_RANGE, (size_t)r->o->rows};
        if (p.cascade >= r->o->rows && p.cascade > 0)
            continue;
        for (size_t m = 0; m < t->rows; m++) {
            const float *x = t->data + m * t->cols;
            double scale = nb_overq_mse_scale(x, t->cols);
            nb_overq_inputs(x, t->cols, scale, p.mode, u);
            nb_overq_encode(u, t->cols, &p, nib, tag, NULL);
            nb_overq_decode(nib, tag, t->cols, &p, v);
            for (size_t k = 0; k < t->cols; k++)
                y[m * t->cols + k] = (float)(v[k] * scale);
        }
        /* the reference is what the hardware is asked to represent: ReLU'd values */
        float *ref = malloc(n * sizeof *ref);
        if (!ref) {
            ok = nb_fail(err, "out of memory");
            break;
        }
        for (size_t i = 0; i < n; i++)
            ref[i] = t->data[i] > 0 ? t->data[i] : 0;
        char name[64];
        snprintf(name, sizeof name, p.cascade ? "overq c%d" : "uint4 (MSE scale)", p.cascade);
        ok = push_row(r, t->name, name, "channel", "act", nb_error_stats_float(ref, y, n), err);
        free(ref);
    }
    free(y);
    free(u);
    free(nib);
    free(tag);
    free(v);
    nb_list_free(&depths);
    return ok;
}

static bool tensor_rows(rp_report *r, const nb_list *fl, const nb_list *al, nb_err *err);

bool rp_tensor_accuracy(rp_report *r, nb_err *err)
{
    nb_list fl = {0}, al = {0};
    bool ok = nb_list_split(r->o->formats, ",", &fl, err) && nb_list_split(r->o->acts, ",", &al, err);
    ok = ok && tensor_rows(r, &fl, &al, err);
    nb_list_free(&fl);
    nb_list_free(&al);
    return ok;
}

/* The per-tensor accuracy rows for the weight formats `fl` and activations `al`. */
static bool tensor_rows(rp_report *r, const nb_list *fl, const nb_list *al, nb_err *err)
{
    int nf = fl->n, na = al->n;
    for (int ti = 0; ti < r->ntensors; ti++) {
        const rp_tensor *t = &r->tensors[ti];
        bool act = ti == 1;
        rp_progress(r, "accuracy on %s", t->name);
        if (act && !overq_rows(r, t, err))
            return false;
        for (int s = 0; s < NSCALINGS; s++) {
            if (act && SCALINGS[s].g == NB_SCALE_GROUP &&
                (SCALINGS[s].group != 128 || SCALINGS[s].clip > 0))
                continue;
            for (int f = 0; f < (act ? na : nf); f++) {
                const char *fmt = act ? al->items[f] : fl->items[f];
                if (act && strcmp(fmt, "overq") == 0)
                    continue; /* OverQ is measured at the GEMM level */
                if (!add_row(r, t, fmt, &SCALINGS[s], act ? "act" : "weight", err))
                    return false;
            }
            /* SF4 built for the tensor's own fitted nu */
            if (!act && t->fitted) {
                char spec[64];
                snprintf(spec, sizeof spec, "sf4:%.2f", t->nu < 0.5 ? 0.5 : t->nu > 100 ? 100 : t->nu);
                if (!add_row(r, t, spec, &SCALINGS[s], "weight", err))
                    return false;
            }
        }
    }
    return true;
}

/* The GEMM of one design on one weight tensor at one scaling: weights from
 * the tensor (at most 64 output channels and 4096 inputs of a real one, so
 * every design runs in milliseconds), activations from `base` (--act-dist). */
static bool gemm_row(rp_report *r, const nb_design *des, const rp_design *d, const rp_tensor *t,
                     bool synthetic, const scaling *s, const nb_workload_spec *base,
                     nb_gemm_accuracy *out, nb_err *err)
{
    nb_workload_spec spec = *base;
    spec.group = s->group;
    spec.clip = s->clip > 0 ? s->clip : r->o->clip;
    float *w = NULL;
    if (!synthetic) {
        spec.N = t->rows < 64 ? t->rows : 64;
        spec.K = t->cols < 4096 ? t->cols : 4096;
        w = malloc(spec.N * spec.K * sizeof *w);
        if (!w)
            return nb_fail(err, "out of memory");
        for (size_t n = 0; n < spec.N; n++)
            memcpy(w + n * spec.K, t->data + n * t->cols, spec.K * sizeof *w);
        spec.w_data = w;
    }
    bool ok = nb_gemm_accuracy_run(des, 0, 0, &spec, out, err);
    free(w);
    if (!ok)
        return nb_fail_prefix(err, "GEMM accuracy of %s on %s (%s)", d->label, t->name, s->name);
    return push_row(r, t->name, d->label, s->name, "gemm",
                    (nb_error_stats){.mse = out->mse, .sqnr_db = out->sqnr_db}, err);
}

bool rp_gemm_accuracy(rp_report *r, nb_err *err)
{
    const nb_report_opts *o = r->o;
    nb_workload_spec base = {.M = 64, .K = 1024, .N = 64, .seed = o->seed};
    if (!nb_dist_parse(o->weight_dist, &base.wdist, err) || !nb_dist_parse(o->act_dist, &base.adist, err))
        return false;
    for (int i = 0; i < r->ndesigns; i++) {
        rp_design *d = &r->designs[i];
        nb_design *des = nb_sweep_design(&d->array, err);
        if (!des)
            return nb_fail_prefix(err, "GEMM accuracy of %s", d->label);
        char line[512];
        size_t n = (size_t)snprintf(line, sizeof line, "GEMM SQNR of %s (%dx%d, %d-bit accumulator):",
                                    d->label, d->array.rows, d->array.cols, d->array.acc_bits);
        bool ok = true;
        if (d->block) {
            /* the array's own scale stage at the design's default rule: one
             * figure, on the synthetic weights and on each real tensor
             * (group and clipping do not apply to block formats) */
            char name[32];
            snprintf(name, sizeof name, "block%zu", d->block_size);
            scaling bs = {name, name, NB_SCALE_GROUP, 0, 1};
            for (int t = 0; ok && t < r->ntensors; t++) {
                if (t == 1)
                    continue; /* the activation tensor */
                nb_gemm_accuracy g;
                ok = gemm_row(r, des, d, &r->tensors[t], t == 0, &bs, &base, &g, err);
                if (ok && t == 0)
                    d->gemm = g;
            }
            nb_design_free(des);
            if (!ok)
                return false;
            rp_progress(r, "GEMM SQNR of %s (%dx%d, scale stage in the array): %.2f dB", d->label,
                        d->array.rows, d->array.cols, d->gemm.sqnr_db);
            continue;
        }
        /* synthetic weights at every unclipped scaling; groups of 128 are the
         * design's headline figure (the frontiers use it) */
        for (int s = 0; ok && s < NSCALINGS; s++) {
            if (SCALINGS[s].clip > 0)
                continue;
            nb_gemm_accuracy g;
            ok = gemm_row(r, des, d, &r->tensors[0], true, &SCALINGS[s], &base, &g, err);
            if (ok && SCALINGS[s].group == 128)
                d->gemm = g;
            if (ok && n < sizeof line)
                n += (size_t)snprintf(line + n, sizeof line - n, " %s %.2f dB,", SCALINGS[s].name,
                                      g.sqnr_db);
        }
        /* the user's real weight tensors, per channel and in groups of 128 */
        for (int t = 2; ok && t < r->ntensors; t++)
            for (int s = 0; ok && s < 2; s++) {
                nb_gemm_accuracy g;
                ok = gemm_row(r, des, d, &r->tensors[t], false, &SCALINGS[s], &base, &g, err);
            }
        nb_design_free(des);
        if (!ok)
            return false;
        if (n < sizeof line)
            line[n - 1] = '\0'; /* the last comma */
        rp_progress(r, "%s", line);
    }
    return rp_block_accuracy(r, &base, err);
}
