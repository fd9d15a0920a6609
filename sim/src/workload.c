#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/block_gemm.h"
#include "nibble/overq.h"
#include "nibble/parse.h"
#include "nibble/workload.h"

bool nb_parse_gemm_shape(const char *s, size_t *M, size_t *K, size_t *N, nb_err *err)
{
    /* three whole decimal tokens split at 'x': no sign, no spaces, no hex */
    uint64_t dim[3];
    char *copy = malloc(strlen(s) + 1);
    if (!copy)
        return nb_fail(err, "out of memory parsing GEMM shape");
    strcpy(copy, s);
    char *p = copy;
    bool ok = true;
    for (int i = 0; ok && i < 3; i++) {
        char *x = i < 2 ? strchr(p, 'x') : p + strlen(p);
        ok = x && *p != '+';
        if (ok) {
            *x = '\0';
            ok = nb_parse_uint(p, 1u << 20, &dim[i]) == NB_NUM_OK && dim[i] > 0;
            p = x + 1;
        }
    }
    free(copy);
    if (!ok)
        return nb_fail(err, "GEMM shape '%s' is not MxKxN with each dimension a decimal number "
                       "in 1..%u (e.g. 64x256x32)", s, 1u << 20);
    *M = (size_t)dim[0];
    *K = (size_t)dim[1];
    *N = (size_t)dim[2];
    return true;
}

/* OverQ activations: scales per row and group, encoder inputs, room for slots. */
static bool quantize_overq(const nb_design *d, nb_workload *wl, const nb_quant_opts *q,
                           double scale_div, nb_err *err)
{
    size_t M = wl->M, K = wl->K;
    nb_qtensor *aq = &wl->aq;
    memset(aq, 0, sizeof *aq);
    aq->rows = M;
    aq->cols = K;
    aq->opts = *q;
    aq->fmt = &d->a[d->overq_index];
    aq->num_scales = nb_quant_num_scales(M, K, q);
    aq->codes = calloc(M * K, 1);
    aq->scales = calloc(aq->num_scales, sizeof *aq->scales);
    wl->a_values = calloc(M * K, sizeof *wl->a_values);
    wl->a_tags = calloc(M * K, 1);
    if (!aq->codes || !aq->scales || !wl->a_values || !wl->a_tags)
        return nb_fail(err, "out of memory for OverQ activations");
    if (!nb_check_finite(wl->a, M * K, "activations", err))
        return false;
    size_t g = wl->group ? wl->group : K;
    for (size_t m = 0; m < M; m++)
        for (size_t k0 = 0; k0 < K; k0 += g) {
            size_t n = k0 + g < K ? g : K - k0;
            const float *x = wl->a + m * K + k0;
            double s = nb_overq_mse_scale(x, n) / scale_div;
            aq->scales[nb_quant_scale_index(m, k0, M, K, q)] = s;
            nb_overq_inputs(x, n, s, d->overq_mode, wl->a_values + m * K + k0);
        }
    return true;
}

/* The block formats with the workload's scale rule. The rule is a quantizer
 * choice; it applies to each side whose scale format takes it (floor, rceil,
 * even: e8m0; nearest: the others), and is refused when it fits neither. */
static bool fits(const nb_block_format *bf, nb_scale_rule r)
{
    return (bf->scale == NB_SF_E8M0) == (r != NB_RULE_NEAREST);
}

static void set_rule(nb_block_format *bf, nb_scale_rule r)
{
    bf->rule = r;
    char *slash = strrchr(bf->name, '/'); /* the canonical name ends in the rule */
    if (slash)
        snprintf(slash + 1, sizeof bf->name - (size_t)(slash + 1 - bf->name), "%s",
                 nb_scale_rule_name(r));
}

bool nb_workload_block_formats(const nb_design *d, bool rule_set, nb_scale_rule r,
                               nb_block_format *wbf, nb_block_format *abf, nb_err *err)
{
    if (!d->block_scaled)
        return nb_fail(err, "this design's formats {%s} x {%s} have no block scales",
                       d->weights_spec, d->acts_spec);
    *wbf = d->wblock;
    *abf = d->ablock;
    if (!rule_set)
        return true;
    if (!fits(wbf, r) && !fits(abf, r))
        return nb_fail(err, "scale rule %s does not fit the design's scales (%s weights, %s "
                       "activations): e8m0 scales take floor, rceil or even; ue4m3, fp16 and "
                       "bf16 scales take nearest", nb_scale_rule_name(r),
                       nb_scale_fmt_name(wbf->scale), nb_scale_fmt_name(abf->scale));
    if (fits(wbf, r))
        set_rule(wbf, r);
    if (fits(abf, r))
        set_rule(abf, r);
    return true;
}

static bool with_rule(const nb_design *d, const nb_workload_spec *spec, nb_workload *wl,
                      nb_err *err)
{
    return nb_workload_block_formats(d, spec->block_rule_set, spec->block_rule, &wl->wbf,
                                     &wl->abf, err);
}

/* Block-scaled designs: block-quantize both tensors, the job carries scales. */
static bool make_block(const nb_design *d, const nb_workload_spec *spec, nb_workload *wl,
                       nb_err *err)
{
    size_t M = wl->M, N = wl->N, K = wl->K;
    wl->block = true;
    wl->group = (size_t)d->block;
    wl->fixed_acc = d->scale_fixed;
    wl->fixed = d->fixed;
    wl->facc = calloc(M * N, sizeof *wl->facc);
    if (!wl->facc)
        return nb_fail(err, "out of memory for a %zux%zux%zu workload", M, K, N);
    if (!with_rule(d, spec, wl, err) ||
        !nb_block_quantize(wl->w, N, K, &wl->wbf, &wl->wbq, err) ||
        !nb_block_quantize(wl->a, M, K, &wl->abf, &wl->abq, err))
        return false;
    wl->job = (nb_gemm_job){.M = M, .N = N, .K = K, .w_codes = wl->wbq.codes,
                            .a_codes = wl->abq.codes, .group = wl->group, .overlap_loads = true,
                            .w_scales = wl->wbq.scales, .a_scales = wl->abq.scales,
                            .facc_out = wl->facc};
    return nb_gemm_block_check(d, &wl->job, err);
}

bool nb_workload_make(const nb_design *d, int wsel, int asel, const nb_workload_spec *spec,
                      nb_workload *wl, nb_err *err)
{
    memset(wl, 0, sizeof *wl);
    size_t M = spec->M, N = spec->N, K = spec->K;
    wl->M = M;
    wl->N = N;
    wl->K = K;
    wl->group = spec->group && spec->group < K ? spec->group : 0;
    wl->w = malloc(N * K * sizeof *wl->w);
    wl->a = malloc(M * K * sizeof *wl->a);
    wl->reference = malloc(M * N * sizeof *wl->reference);
    nb_rng *rng = nb_rng_new(spec->seed);
    if (!wl->w || !wl->a || !wl->reference || !rng) {
        nb_rng_free(rng);
        nb_workload_free(wl);
        return nb_fail(err, "out of memory for a %zux%zux%zu workload", M, K, N);
    }
    if (spec->w_data)
        memcpy(wl->w, spec->w_data, N * K * sizeof *wl->w);
    else
        nb_rng_fill(rng, &spec->wdist, wl->w, N * K);
    if (spec->a_data)
        memcpy(wl->a, spec->a_data, M * K * sizeof *wl->a);
    else
        nb_rng_fill(rng, &spec->adist, wl->a, M * K);
    nb_rng_free(rng);
    if (d->block_scaled && !spec->integer_job) {
        if (!make_block(d, spec, wl, err)) {
            nb_workload_free(wl);
            return false;
        }
        nb_gemm_float(wl->a, wl->w, M, N, K, wl->reference);
        return true;
    }
    if (spec->block_rule_set) {
        nb_workload_free(wl);
        return nb_fail(err, "a scale rule applies to block-scaled designs only; this design's "
                       "formats {%s} x {%s} have no block scales", d->weights_spec, d->acts_spec);
    }
    nb_quant_opts q = nb_quant_opts_default();
    if (spec->clip > 0)
        q.clip = spec->clip;
    if (wl->group) {
        q.granularity = NB_SCALE_GROUP;
        q.group_size = wl->group;
    } else {
        q.granularity = NB_SCALE_CHANNEL;
    }
    bool overq = d->a[asel].is_overq;
    if (!nb_quantize(wl->w, N, K, &d->w[wsel], &q, &wl->wq, err) ||
        !(overq ? quantize_overq(d, wl, &q, spec->overq_scale_div > 0 ? spec->overq_scale_div : 1, err)
                : nb_quantize(wl->a, M, K, &d->a[asel], &q, &wl->aq, err))) {
        nb_workload_free(wl);
        return false;
    }
    nb_gemm_float(wl->a, wl->w, M, N, K, wl->reference);
    wl->job = (nb_gemm_job){.wsel = wsel, .asel = asel, .M = M, .N = N, .K = K,
                            .w_codes = wl->wq.codes, .a_codes = wl->aq.codes, .group = wl->group,
                            .overlap_loads = true};
    if (overq) {
        /* encode here, tile by tile, as the array's rows will hold the slots;
         * with an encoder block the array gets the values instead */
        wl->job.a_values = wl->a_values;
        nb_gemm_encode_overq(d, &wl->job, wl->aq.codes, wl->a_tags);
        if (d->overq_encoder) {
            wl->job.a_codes = NULL;
        } else {
            wl->job.a_values = NULL;
            wl->job.a_tags = wl->a_tags;
        }
    }
    return true;
}

void nb_workload_dequantize(const nb_design *d, const nb_workload *wl, const int64_t *seg_out,
                            double *y)
{
    size_t segs = nb_gemm_num_segments(&wl->job);
    double grid = ldexp(1.0, -(d->w_grid_frac + d->a_grid_frac));
    for (size_t m = 0; m < wl->M; m++)
        for (size_t n = 0; n < wl->N; n++) {
            double sum = 0;
            for (size_t s = 0; s < segs; s++) {
                size_t k = s * (wl->group ? wl->group : wl->K);
                double sw = wl->wq.scales[nb_quant_scale_index(n, k, wl->N, wl->K, &wl->wq.opts)];
                double sa = wl->aq.scales[nb_quant_scale_index(m, k, wl->M, wl->K, &wl->aq.opts)];
                sum += sw * sa * (double)seg_out[(s * wl->M + m) * wl->N + n];
            }
            y[m * wl->N + n] = sum * grid;
        }
}

static nb_block_gemm_args block_args(const nb_workload *wl)
{
    return (nb_block_gemm_args){.M = wl->M, .N = wl->N, .K = wl->K, .wf = &wl->wbf,
                                .af = &wl->abf, .w_codes = wl->wbq.codes,
                                .w_scales = wl->wbq.scales, .a_codes = wl->abq.codes,
                                .a_scales = wl->abq.scales,
                                .w_tensor_scale = wl->wbq.tensor_scale,
                                .a_tensor_scale = wl->abq.tensor_scale};
}

void nb_workload_block_output(const nb_workload *wl, const float *facc, float *out)
{
    size_t MN = wl->M * wl->N;
    if (!wl->wbf.tensor_scale && !wl->abf.tensor_scale) {
        memcpy(out, facc, MN * sizeof *out);
        return;
    }
    /* nb_block_gemm's epilogue: out = RNE_fp32(RNE_fp32(Tw * Ta) * acc);
     * products of two binary32 values are exact in double */
    float tw = wl->wbf.tensor_scale ? wl->wbq.tensor_scale : 1.0f;
    float ta = wl->abf.tensor_scale ? wl->abq.tensor_scale : 1.0f;
    float alpha = (float)((double)tw * (double)ta);
    for (size_t i = 0; i < MN; i++)
        out[i] = (float)((double)alpha * (double)facc[i]);
}

bool nb_workload_block_golden(const nb_workload *wl, float *out, nb_err *err)
{
    nb_block_gemm_args g = block_args(wl);
    return wl->fixed_acc ? nb_block_gemm_fixed(&g, &wl->fixed, out, err) : nb_block_gemm(&g, out, err);
}

bool nb_workload_matches(const nb_design *d, const nb_workload *wl, const int64_t *seg_out,
                         bool *match, nb_err *err)
{
    size_t MN = wl->M * wl->N, nres = nb_gemm_num_segments(&wl->job) * MN;
    int64_t *gold = malloc(nres * sizeof *gold);
    float *got = wl->block ? malloc(MN * sizeof *got) : NULL;
    float *want = wl->block ? malloc(MN * sizeof *want) : NULL;
    bool ok = gold && (!wl->block || (got && want));
    if (!ok)
        nb_fail(err, "out of memory checking a %zu-result GEMM", nres);
    if (ok) {
        nb_gemm_golden(d, &wl->job, gold);
        *match = memcmp(seg_out, gold, nres * sizeof *gold) == 0;
    }
    if (ok && wl->block && (ok = nb_workload_block_golden(wl, want, err))) {
        nb_workload_block_output(wl, wl->facc, got);
        for (size_t i = 0; i < MN; i++)
            if (!(isnan(got[i]) && isnan(want[i])) && memcmp(&got[i], &want[i], sizeof *got) != 0)
                *match = false;
    }
    free(gold), free(got), free(want);
    return ok;
}

void nb_workload_free(nb_workload *wl)
{
    free(wl->facc);
    nb_block_qtensor_free(&wl->wbq);
    nb_block_qtensor_free(&wl->abq);
    free(wl->w);
    free(wl->a);
    free(wl->reference);
    free(wl->a_values);
    free(wl->a_tags);
    nb_qtensor_free(&wl->wq);
    nb_qtensor_free(&wl->aq);
    memset(wl, 0, sizeof *wl);
}
