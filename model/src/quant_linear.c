/* Linear layers on a design's arithmetic: the quantizer and the bit-exact GEMM
 * of num/ and sim/, exactly the path of the report's GEMM accuracy
 * (nb_workload_make / nb_gemm_fast / nb_workload_dequantize), except that the
 * weights are quantized once per model and the activations per call. The
 * partial sums may instead come from sim/'s GEMM driver on a cycle backend
 * (the stepped C model or the Verilated RTL): same job, same numbers.
 * Block-scaled designs take the block path of the same workload code: block
 * quantization (nb_block_quantize), a job with scale codes whose binary32
 * results come from the array's scale stage (nb_gemm_fast computes them with
 * nb_gemm_block_combine, nb_gemm_run reads them off the design's ports) and
 * the host's per-tensor epilogue (nb_workload_block_output). */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nibble/files.h"
#include "nibble/gen.h"
#include "nibble/model_quant.h"
#include "nibble/process.h"
#include "nibble/sim.h"
#include "nibble/workload.h"

struct nb_qlinear {
    const nb_design *d;
    int wsel, asel;
    nb_qlinear_opts o;
    int nlin;
    nb_qtensor *wq;        /* per linear id; rows 0 = kept in float */
    /* block-scaled designs: the block formats (rule applied) and the weights,
     * block-quantized per linear id (codes NULL = kept in float) */
    bool block;
    nb_block_format wbf, abf;
    nb_block_qtensor *wbq;
    float *facc;           /* the array's binary32 results, reused between calls */
    size_t facc_cap;
    size_t *group;         /* segment length per id (0 = whole K) */
    int64_t *seg;          /* partial sums, reused between calls */
    size_t seg_cap;
    nb_backend *cycle;     /* the cycle backend (NULL: fast-forward) */
    char tmp_dir[4096];    /* the design written for the RTL backend, removed on free */
    nb_qlinear_totals totals;
};

static const char *const BACKEND_NAMES[] = {"fast", "c", "verilator"};

bool nb_qlinear_backend_parse(const char *s, nb_qlinear_backend *out, nb_err *err)
{
    for (int i = 0; i < 3; i++)
        if (strcasecmp(s, BACKEND_NAMES[i]) == 0) {
            *out = (nb_qlinear_backend)i;
            return true;
        }
    return nb_fail(err, "unknown backend '%s': use fast (the C model's fast-forward), verilator "
                   "(the design's RTL, slow: for short sequences) or c (the stepped C cycle model)",
                   s);
}

const char *nb_qlinear_backend_name(nb_qlinear_backend b)
{
    return BACKEND_NAMES[b];
}

nb_qlinear_opts nb_qlinear_opts_default(void)
{
    return (nb_qlinear_opts){.group = 0, .classifier = false,
                             .rounding = NB_ROUND_NEAREST_LOWER, .backend = NB_QLINEAR_FAST};
}

nb_qlinear_totals nb_qlinear_get_totals(const nb_qlinear *q)
{
    return q->totals;
}

/* The cycle backend of the design: the stepped C model, or its RTL compiled by
 * Verilator (built once per design content, cached by sim/). A design that
 * exists only in memory is generated first into a private directory. */
static bool open_cycle_backend(nb_qlinear *q, const nb_qlinear_opts *o, nb_err *err)
{
    if (o->backend == NB_QLINEAR_CMODEL)
        return (q->cycle = nb_cmodel_new(q->d, err)) != NULL;
    if (!nb_tool_on_path("verilator"))
        return nb_fail(err, "the verilator backend needs Verilator, and 'verilator' is not on "
                       "PATH: install it (flows/setup.sh) or use the fast backend");
    const char *dir = o->design_dir;
    if (!dir) {
        char parent[4096];
        snprintf(parent, sizeof parent, "%s/eval", nb_cache_dir());
        if (!nb_mkdir_p(parent, err))
            return nb_fail_prefix(err, "the verilator backend writes the design under the "
                                  "cache");
        snprintf(q->tmp_dir, sizeof q->tmp_dir, "%s/design-XXXXXX", parent);
        if (!mkdtemp(q->tmp_dir)) {
            q->tmp_dir[0] = '\0';
            return nb_fail(err, "cannot create a design directory under %s: %s", parent,
                           strerror(errno));
        }
        if (!nb_gen_write(q->d, q->tmp_dir, err))
            return nb_fail_prefix(err, "writing the design for the verilator backend");
        dir = q->tmp_dir;
    }
    q->cycle = nb_backend_open(q->d, dir, NB_BACKEND_VERILATOR, NULL, o->log, err);
    return q->cycle != NULL;
}

void nb_qlinear_free(nb_qlinear *q)
{
    if (!q)
        return;
    if (q->wq)
        for (int i = 0; i < q->nlin; i++)
            nb_qtensor_free(&q->wq[i]);
    if (q->wbq)
        for (int i = 0; i < q->nlin; i++)
            nb_block_qtensor_free(&q->wbq[i]);
    free(q->wq);
    free(q->wbq);
    free(q->facc);
    free(q->group);
    free(q->seg);
    if (q->cycle)
        nb_backend_free(q->cycle);
    if (q->tmp_dir[0])
        nb_remove_tree(q->tmp_dir);
    free(q);
}

nb_qlinear *nb_qlinear_new(const nb_llama *m, const nb_design *d, int wsel, int asel,
                           const nb_qlinear_opts *o, nb_err *err)
{
    if (wsel < 0 || wsel >= d->nw || asel < 0 || asel >= d->na)
        return nb_fail(err, "format index out of range for this design"), NULL;
    if (d->a[asel].is_overq)
        return nb_fail(err, "OverQ activations are not run on model layers yet: their inputs "
                       "are not ReLU'd (SwiGLU, RMSNorm outputs go negative); use a signed "
                       "activation format such as int8, int4 or e2m1"), NULL;
    nb_qlinear *q = calloc(1, sizeof *q);
    if (!q)
        return nb_fail(err, "out of memory"), NULL;
    q->d = d;
    q->wsel = wsel;
    q->asel = asel;
    q->o = *o;
    q->nlin = nb_llama_num_linear(m);
    q->wq = calloc((size_t)q->nlin, sizeof *q->wq);
    q->wbq = calloc((size_t)q->nlin, sizeof *q->wbq);
    q->group = calloc((size_t)q->nlin, sizeof *q->group);
    if (!q->wq || !q->wbq || !q->group) {
        nb_qlinear_free(q);
        return nb_fail(err, "out of memory"), NULL;
    }
    if (!d->block_scaled && o->scale_rule_set) {
        nb_qlinear_free(q);
        return nb_fail(err, "a scale rule applies to block-scaled designs only; this design's "
                       "formats {%s} x {%s} have no block scales", d->weights_spec,
                       d->acts_spec), NULL;
    }
    if (d->block_scaled) {
        q->block = true;
        if (o->group) {
            nb_qlinear_free(q);
            return nb_fail(err, "weight groups of %zu do not apply to the block-scaled design "
                           "{%s} x {%s}: its blocks of %d along the input dimension are its "
                           "scaling; drop the group (--group)", o->group, d->weights_spec,
                           d->acts_spec, d->block), NULL;
        }
        if (!nb_workload_block_formats(d, o->scale_rule_set, o->scale_rule, &q->wbf, &q->abf,
                                       err)) {
            nb_qlinear_free(q);
            return NULL;
        }
    }
    for (int id = 0; id < q->nlin; id++) {
        if (id == nb_llama_classifier_id(m) && !o->classifier)
            continue;
        size_t N, K;
        const float *w = nb_llama_linear_weight(m, id, &N, &K);
        if (q->block) {
            if (!nb_block_quantize(w, N, K, &q->wbf, &q->wbq[id], err)) {
                char name[64];
                nb_llama_linear_name(m, id, name, sizeof name);
                nb_fail_prefix(err, "block-quantizing the weights of %s", name);
                nb_qlinear_free(q);
                return NULL;
            }
            continue;
        }
        nb_quant_opts qo = nb_quant_opts_default();
        qo.rounding = o->rounding;
        q->group[id] = o->group && o->group < K ? o->group : 0;
        qo.granularity = q->group[id] ? NB_SCALE_GROUP : NB_SCALE_CHANNEL;
        qo.group_size = q->group[id] ? q->group[id] : NB_GROUP_SIZE_DEFAULT;
        if (!nb_quant_opts_check(&qo, &d->w[wsel], err) ||
            !nb_quantize(w, N, K, &d->w[wsel], &qo, &q->wq[id], err)) {
            char name[64];
            nb_llama_linear_name(m, id, name, sizeof name);
            nb_fail_prefix(err, "quantizing the weights of %s", name);
            nb_qlinear_free(q);
            return NULL;
        }
    }
    if (o->backend != NB_QLINEAR_FAST && !open_cycle_backend(q, o, err)) {
        nb_qlinear_free(q);
        return NULL;
    }
    return q;
}

const nb_block_format *nb_qlinear_block_format(const nb_qlinear *q, bool weights)
{
    return !q->block ? NULL : weights ? &q->wbf : &q->abf;
}

/* The partial sums of a job (and, on block-scaled designs, the binary32
 * results in job->facc_out) from the chosen backend; counted and observed. */
static bool run_gemm(nb_qlinear *q, const nb_llama *m, int id, const nb_gemm_job *job,
                     nb_err *err)
{
    size_t count = nb_gemm_num_segments(job) * job->M * job->N;
    if (count > q->seg_cap) {
        free(q->seg);
        q->seg = malloc(count * sizeof *q->seg);
        q->seg_cap = q->seg ? count : 0;
    }
    nb_gemm_stats st;
    bool ok = !q->seg   ? nb_fail(err, "out of memory for a %zux%zux%zu GEMM", job->M, job->K,
                                  job->N)
            : q->cycle  ? nb_gemm_run(q->cycle, job, q->seg, &st, err)
                        : nb_gemm_fast(q->d, job, q->seg, &st, err);
    if (!ok) {
        char name[64];
        nb_llama_linear_name(m, id, name, sizeof name);
        return nb_fail_prefix(err, "%s on the %s backend", name,
                              nb_qlinear_backend_name(q->o.backend));
    }
    q->totals.gemms++;
    q->totals.macs += st.macs;
    q->totals.cycles += st.cycles;
    if (q->o.observe)
        q->o.observe(q->o.observe_ctx, id, job, q->seg, &st);
    return true;
}

/* Block-scaled: the activations block-quantized along K, the array's scale
 * stage gives binary32 results, the host applies the per-tensor scales. */
static bool apply_block(nb_qlinear *q, const nb_llama *m, int id, const float *x, size_t M,
                        size_t N, size_t K, float *y, nb_err *err)
{
    nb_workload wl;
    memset(&wl, 0, sizeof wl);
    wl.M = M;
    wl.N = N;
    wl.K = K;
    wl.group = (size_t)q->d->block;
    wl.block = true;
    wl.wbf = q->wbf;
    wl.abf = q->abf;
    wl.wbq = q->wbq[id];
    if (!nb_block_quantize(x, M, K, &q->abf, &wl.abq, err)) {
        char name[64];
        nb_llama_linear_name(m, id, name, sizeof name);
        return nb_fail_prefix(err, "block-quantizing the inputs of %s", name);
    }
    if (M * N > q->facc_cap) {
        free(q->facc);
        q->facc = malloc(M * N * sizeof *q->facc);
        q->facc_cap = q->facc ? M * N : 0;
    }
    wl.facc = q->facc;
    wl.job = (nb_gemm_job){.wsel = q->wsel, .asel = q->asel, .M = M, .N = N, .K = K,
                           .w_codes = wl.wbq.codes, .a_codes = wl.abq.codes, .group = wl.group,
                           .overlap_loads = true, .w_scales = wl.wbq.scales,
                           .a_scales = wl.abq.scales, .facc_out = wl.facc};
    bool ok = q->facc ? run_gemm(q, m, id, &wl.job, err)
                      : nb_fail(err, "out of memory for a %zux%zux%zu GEMM", M, K, N);
    if (ok)
        nb_workload_block_output(&wl, wl.facc, y);
    nb_block_qtensor_free(&wl.abq);
    return ok;
}

static bool apply(void *ctx, const nb_llama *m, int id, const float *x, size_t M, float *y,
                  nb_err *err)
{
    nb_qlinear *q = ctx;
    if (!q->wq[id].codes && !q->wbq[id].codes) {
        nb_llama_linear_f32(m, id, x, M, y);
        return true;
    }
    size_t N, K;
    nb_llama_linear_weight(m, id, &N, &K);
    const nb_format *af = &q->d->a[q->asel];
    char name[64];
    if (af->encoding == NB_ENC_UNSIGNED) {
        float lo = 0;
        for (size_t i = 0; i < M * K; i++)
            lo = x[i] < lo ? x[i] : lo;
        if (lo < 0) {
            nb_llama_linear_name(m, id, name, sizeof name);
            return nb_fail(err, "the inputs of %s go negative (min %g) but the activation format "
                           "%s is unsigned: it would clip them to 0; use a signed activation "
                           "format such as int8, int4 or e2m1", name, (double)lo, af->name);
        }
    }
    if (q->block)
        return apply_block(q, m, id, x, M, N, K, y, err);
    nb_workload wl;
    memset(&wl, 0, sizeof wl);
    wl.M = M;
    wl.N = N;
    wl.K = K;
    wl.group = q->group[id];
    wl.wq = q->wq[id];
    nb_quant_opts ao = nb_quant_opts_default();
    ao.granularity = NB_SCALE_CHANNEL; /* one scale per token */
    ao.rounding = q->o.rounding;
    if (!nb_quantize(x, M, K, af, &ao, &wl.aq, err)) {
        nb_llama_linear_name(m, id, name, sizeof name);
        return nb_fail_prefix(err, "quantizing the inputs of %s", name);
    }
    wl.job = (nb_gemm_job){.wsel = q->wsel, .asel = q->asel, .M = M, .N = N, .K = K,
                           .w_codes = wl.wq.codes, .a_codes = wl.aq.codes, .group = wl.group,
                           .overlap_loads = true};
    double *yd = malloc(M * N * sizeof *yd);
    bool ok = yd ? run_gemm(q, m, id, &wl.job, err)
                 : nb_fail(err, "out of memory for a %zux%zux%zu GEMM", M, K, N);
    if (ok) {
        nb_workload_dequantize(q->d, &wl, q->seg, yd);
        for (size_t i = 0; i < M * N; i++)
            y[i] = (float)yd[i];
    }
    free(yd);
    nb_qtensor_free(&wl.aq);
    return ok;
}

nb_linear_hook nb_qlinear_hook(nb_qlinear *q)
{
    return (nb_linear_hook){.apply = apply, .ctx = q};
}
