/* The co-simulation regression (see nibble/regress.h). */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <math.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nibble/block_gemm.h"
#include "nibble/gen.h"
#include "nibble/overq.h"
#include "nibble/files.h"
#include "nibble/output.h"
#include "nibble/process.h"
#include "nibble/regress.h"
#include "nibble/workload.h"

enum { T_PE = 1, T_GEMM = 2, T_CHAOS = 4, T_PATTERNS = 8, T_BLOCK = 16 };

#define ALL_WEIGHTS                                                                                \
    "int4,int4-full,uint4,int8,e2m1,e2m1-sr,e2m1-sp,e2m1-sp1,e2m1-ns,e2m1-i,e2m1-b,e1m2,e3m0,"    \
    "nf4,sf4,sf4:7,apot4,apot4-sp"
#define ALL_ACTS "int4,int8,e2m1,e2m1-sr,e2m1-sp,e2m1-sp1,e2m1-ns,e2m1-i,e2m1-b"

typedef struct rcfg {
    const char *name;
    const char *weights, *acts;  /* NULL: every format of the matrix (+ a user codebook) */
    int rows, cols, pipeline;
    nb_acc_mode mode;
    int acc_bits;                /* 0: narrowest that holds a product, plus 3 */
    unsigned tests;
    bool full_only, systemc;
    int cascade;                 /* OverQ designs: depth (-1: no OverQ) */
    nb_overq_mode overq_mode;
    bool encoder;
} rcfg;

/* Block-scaled configurations with a --scale-stages other than the default
 * (a side table, so the rows of CONFIGS keep their shape). */
static const struct {
    const char *name;
    int stages;
} SCALE_STAGES[] = {{"block-4x4-mxfp4-s2", 2}};

static int cfg_scale_stages(const rcfg *cfg)
{
    for (size_t i = 0; i < sizeof SCALE_STAGES / sizeof *SCALE_STAGES; i++)
        if (strcmp(SCALE_STAGES[i].name, cfg->name) == 0)
            return SCALE_STAGES[i].stages;
    return 0;
}

/* Block-scaled configurations with the fixed-point accumulator (--scale-acc;
 * a side table too). A narrow saturating register: the wide scale codes
 * shift block sums out of it both ways (truncated to -1/0, saturated), the
 * medium ones overflow it now and then. */
static const struct {
    const char *name, *scale_acc;
} SCALE_ACC[] = {{"block-4x4-mxfp4-fixed", "fixed:30:-12:sat"}};

static const char *cfg_scale_acc(const rcfg *cfg)
{
    for (size_t i = 0; i < sizeof SCALE_ACC / sizeof *SCALE_ACC; i++)
        if (strcmp(SCALE_ACC[i].name, cfg->name) == 0)
            return SCALE_ACC[i].scale_acc;
    return NULL;
}

/* Element formats from specs (num/README.md): every code of every one, as a
 * weight and as an activation, in the exhaustive PE check. fp:e5m2 x fp:e5m2
 * needs a 65-bit product, beyond the widest accumulator, so each side pairs
 * the list with narrower formats. */
#define EXMY_FORMATS                                                                               \
    "fp:e3m2,fp:e2m3,fp:e4m3:special=fn,fp:e5m2:special=ieee,fp:e4m3:special=fnuz,"             \
    "fp:e2m1:super=range,int:3,uint:6"
#define EXMY_PARTNERS "fp:e4m3:special=fn,int:3,e2m1"

#define OQ_WEIGHTS "int4,sf4,e2m1-sr,nf4,int8"
#define OQ_TESTS (T_GEMM | T_PATTERNS | T_CHAOS)
#define RANGE NB_OVERQ_RANGE
#define PREC NB_OVERQ_RANGE_PRECISION

static const rcfg CONFIGS[] = {
    {"pe-1x1", NULL, NULL, 1, 1, 0, NB_ACC_WRAP, 32, T_PE | T_CHAOS, false, true, -1, RANGE, false},
    {"pe-1x1-p1-sat", NULL, NULL, 1, 1, 1, NB_ACC_SATURATE, 0, T_PE, false, false, -1, RANGE, false},
    {"array-4x4", NULL, NULL, 4, 4, 0, NB_ACC_WRAP, 32, T_GEMM | T_CHAOS, false, true, -1, RANGE, false},
    {"array-8x8", NULL, NULL, 8, 8, 0, NB_ACC_WRAP, 32, T_GEMM, false, true, -1, RANGE, false},
    {"array-4x4-p1-sat", NULL, NULL, 4, 4, 1, NB_ACC_SATURATE, 0, T_GEMM | T_CHAOS, false, false, -1,
     RANGE, false},
    {"array-4x4-p2", NULL, NULL, 4, 4, 2, NB_ACC_WRAP, 32, T_GEMM | T_CHAOS, false, false, -1, RANGE,
     false},
    {"pe-1x1-exmy-w", EXMY_FORMATS, EXMY_PARTNERS, 1, 1, 0, NB_ACC_WRAP, 0, T_PE, false, true, -1,
     RANGE, false},
    {"pe-1x1-exmy-a", EXMY_PARTNERS, EXMY_FORMATS, 1, 1, 1, NB_ACC_SATURATE, 0, T_PE, false, false,
     -1, RANGE, false},
    {"array-4x4-exmy", EXMY_FORMATS, EXMY_PARTNERS, 4, 4, 0, NB_ACC_WRAP, 0, T_GEMM | T_CHAOS, false,
     false, -1, RANGE, false},
    {"array-3x5-sf4-int4", "sf4", "int4", 3, 5, 0, NB_ACC_WRAP, 20, T_GEMM | T_CHAOS, false, false,
     -1, RANGE, false},
    /* OverQ, depths 0..3 on 4x4 and 8x8: modes, the encoder block, pipelines;
     * SystemC sees every depth here, and every configuration with --full */
    {"overq-4x4-c0", OQ_WEIGHTS, "overq,int8", 4, 4, 0, NB_ACC_WRAP, 32, OQ_TESTS, false, false, 0,
     RANGE, false},
    {"overq-4x4-c1", OQ_WEIGHTS, "overq,int8", 4, 4, 0, NB_ACC_WRAP, 32, OQ_TESTS, false, true, 1,
     RANGE, false},
    {"overq-4x4-c2-prec", OQ_WEIGHTS, "overq,uint4", 4, 4, 1, NB_ACC_WRAP, 32, OQ_TESTS, false, true,
     2, PREC, false},
    {"overq-4x4-c3-sat", OQ_WEIGHTS, "overq", 4, 4, 0, NB_ACC_SATURATE, 0, OQ_TESTS, false, false, 3,
     RANGE, true},
    {"overq-8x8-c0-enc", OQ_WEIGHTS, "overq", 8, 8, 0, NB_ACC_WRAP, 32, OQ_TESTS, false, true, 0,
     RANGE, true},
    {"overq-8x8-c1-enc", OQ_WEIGHTS, "overq", 8, 8, 1, NB_ACC_WRAP, 32, OQ_TESTS, false, false, 1,
     PREC, true},
    {"overq-8x8-c2-p2", OQ_WEIGHTS, "overq,int4", 8, 8, 2, NB_ACC_WRAP, 32, OQ_TESTS, false, false,
     2, RANGE, false},
    {"overq-8x8-c3-enc-prec", OQ_WEIGHTS, "overq", 8, 8, 0, NB_ACC_WRAP, 32, OQ_TESTS, false, true,
     3, PREC, true},
    /* block-scaled: the scale stage (E8M0 x E8M0, blocks of 32 = 8 tiles), over
     * the default 5 cycles (the osu018 10 ns one) */
    {"block-4x4-mxfp4", "mxfp4", "mxfp4", 4, 4, 0, NB_ACC_WRAP, 32, T_GEMM | T_BLOCK | T_CHAOS, false,
     true, -1, RANGE, false},
    /* the same with the fixed-point accumulator (SCALE_ACC) */
    {"block-4x4-mxfp4-fixed", "mxfp4", "mxfp4", 4, 4, 0, NB_ACC_WRAP, 32, T_GEMM | T_BLOCK | T_CHAOS,
     false, true, -1, RANGE, false},
    /* the same with the shortest scale stage, 2 cycles (one-cycle addition) */
    {"block-4x4-mxfp4-s2", "mxfp4", "mxfp4", 4, 4, 0, NB_ACC_WRAP, 32, T_GEMM | T_BLOCK | T_CHAOS,
     false, true, -1, RANGE, false},
    {"array-16x16", NULL, NULL, 16, 16, 0, NB_ACC_WRAP, 32, T_GEMM, true, true, -1, RANGE, false},
    /* block-scaled, UE4M3 weight scales x FP16 group scales, pipelined */
    {"block-4x4-ue4m3-fp16-p1", "mx:e2m1/ue4m3/16", "int4/fp16/16", 4, 4, 1, NB_ACC_WRAP, 32,
     T_GEMM | T_BLOCK | T_CHAOS, true, false, -1, RANGE, false},
    {"array-8x8-p2-sat", NULL, NULL, 8, 8, 2, NB_ACC_SATURATE, 0, T_GEMM | T_CHAOS, true, false, -1,
     RANGE, false},
    {"array-16x16-e2m1", "e2m1,e2m1-sr,e2m1-sp", "e2m1,e2m1-sr,e2m1-sp", 16, 16, 1, NB_ACC_SATURATE,
     24, T_GEMM | T_CHAOS, true, true, -1, RANGE, false},
    {"overq-16x16-c4-enc-prec", OQ_WEIGHTS, "overq", 16, 16, 1, NB_ACC_SATURATE, 0, OQ_TESTS, true,
     true, 4, PREC, true},
};
#define NUM_CONFIGS (sizeof CONFIGS / sizeof CONFIGS[0])

/* A user codebook the regression writes for itself (a Laplace-like shape). */
static const char *EXAMPLE_CODEBOOK =
    "# nibble regression: an example user codebook\n"
    "-1\n-0.62\n-0.41\n-0.28\n-0.19\n-0.12\n-0.055\n0\n0.05\n0.1\n0.16\n0.23\n0.32\n0.45\n0.66\n1\n";

typedef struct ctx {
    const nb_regress_opts *o;
    nb_format filter[NB_SET_MAX * 2];
    int nfilter;
    char work[4096];
    char waves[4096];
    int failures;
} ctx;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void nb_regress_list(FILE *out, bool full)
{
    for (size_t i = 0; i < NUM_CONFIGS; i++)
        if (full || !CONFIGS[i].full_only)
            fprintf(out, "  %-22s %2dx%-2d pipeline %d, %s accumulator%s%s\n", CONFIGS[i].name,
                    CONFIGS[i].rows, CONFIGS[i].cols, CONFIGS[i].pipeline,
                    CONFIGS[i].mode == NB_ACC_SATURATE ? "saturating" : "wrapping",
                    CONFIGS[i].full_only ? " (--full)" : "",
                    CONFIGS[i].systemc ? ", +SystemC" : CONFIGS[i].cascade >= 0 ? ", +SystemC with --full" : "");
}

static bool in_filter(const ctx *c, const char *name)
{
    if (!c->nfilter)
        return true;
    for (int i = 0; i < c->nfilter; i++)
        if (strcmp(c->filter[i].name, name) == 0)
            return true;
    return false;
}

static bool pair_selected(const ctx *c, const nb_design *d, int w, int a)
{
    return in_filter(c, d->w[w].name) && in_filter(c, d->a[a].name);
}

/* ---- checks ------------------------------------------------------------ */

typedef struct run_result {
    uint64_t cycles;
    int pairs, failed;
} run_result;

/* Report a failed job: lock-step data, golden data, and (Verilator) the PE. */
static void report_failure(ctx *c, const nb_design *d, const char *dir, const char *label,
                           const char *what, const nb_gemm_job *job, const nb_mismatch *mm,
                           size_t bad, size_t nres, bool verilator)
{
    FILE *log = c->o->log;
    if (bad)
        fprintf(log, "FAIL %s %s: %s x %s: %zu of %zu results differ from the golden GEMM\n",
                label, what, d->w[job->wsel].name, d->a[job->asel].name, bad, nres);
    else
        fprintf(log, "FAIL %s %s: %s x %s: results match the golden GEMM but the two backends "
                "disagree\n", label, what, d->w[job->wsel].name, d->a[job->asel].name);
    if (mm && mm->found) {
        fprintf(log, "  first mismatch at cycle %llu, column %d: %s %lld (valid %d), reference "
                "%lld (valid %d)\n", (unsigned long long)mm->cycle, mm->column,
                verilator ? "RTL" : "backend", (long long)mm->a, mm->valid_a, (long long)mm->b,
                mm->valid_b);
    }
    if (!verilator || !mm || !mm->found)
        return;
    /* Rerun with a waveform and find the PE that went wrong. */
    char vcd[4600];
    mkdir(c->waves, 0777);
    int len = snprintf(vcd, sizeof vcd, "%s/", c->waves);
    snprintf(vcd + len, sizeof vcd - (size_t)len, "%.*s-%s-%s-%s.vcd",
             (int)strcspn(label, " "), label, what,
             d->w[job->wsel].name, d->a[job->asel].name);
    for (char *p = vcd + len; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '.'))
            *p = '_';
    nb_err err;
    nb_backend *rtl = nb_backend_open(d, dir, NB_BACKEND_VERILATOR, vcd, log, &err);
    nb_backend *cm = rtl ? nb_cmodel_new(d, &err) : NULL;
    nb_backend *ls = cm ? nb_lockstep_new(rtl, cm) : NULL;
    size_t segs = nb_gemm_num_segments(job);
    int64_t *out = calloc(segs * job->M * job->N, sizeof *out);
    if (!ls || !out) {
        fprintf(log, "  (could not rerun with a waveform: %s)\n", ls ? "out of memory" : err.msg);
        if (ls)
            nb_backend_free(ls);
        else
            nb_backend_free(rtl);
        free(out);
        return;
    }
    nb_gemm_run(ls, job, out, NULL, &err);
    bool written = nb_backend_finish(ls, &err); /* completes the waveform */
    nb_backend_free(ls);
    free(out);
    if (!written) {
        fprintf(log, "  (could not rerun with a waveform: %s)\n", err.msg);
        return;
    }
    nb_pe_fault f;
    if (mm->column >= 0 &&
        nb_diagnose_column(d, vcd, (int64_t)mm->cycle - d->latency, mm->column, &f, &err) &&
        f.found)
        fprintf(log, "  first failing PE(%d, %d) at cycle %lld: weight code %u (%s), activation "
                "code %u (%s), psum in %lld: expected %lld, got %lld (product %lld instead of "
                "%lld)\n", f.row, f.col, (long long)f.cycle, f.w_code,
                f.wsel < (unsigned)d->nw ? d->w[f.wsel].name : "?", f.a_code,
                f.asel < (unsigned)d->na ? d->a[f.asel].name : "?", (long long)f.psum_in,
                (long long)f.expected, (long long)f.actual, (long long)(f.actual - f.psum_in),
                (long long)(f.expected - f.psum_in));
    else
        fprintf(log, "  (no single PE disagrees with its own inputs: the fault is outside the "
                "PEs, e.g. in the skew, valid or output logic)\n");
    fprintf(log, "  waveform: %s\n", vcd);
}

/* Run one job through the lock-step backend and check it against the golden. */
static bool check_job(ctx *c, nb_backend *b, const nb_design *d, const char *dir, const char *label,
                      const char *what, const nb_gemm_job *job, run_result *r, bool first_failure,
                      bool verilator)
{
    size_t segs = nb_gemm_num_segments(job), nres = segs * job->M * job->N;
    int64_t *got = calloc(nres, sizeof *got), *want = calloc(nres, sizeof *want);
    nb_gemm_stats st = {0};
    nb_err err;
    nb_lockstep_clear(b);
    bool ran = got && want && nb_gemm_run(b, job, got, &st, &err);
    size_t bad = 0;
    if (ran) {
        nb_gemm_golden(d, job, want);
        for (size_t i = 0; i < nres; i++)
            bad += got[i] != want[i];
    } else {
        fprintf(c->o->log, "FAIL %s %s: %s x %s: %s\n", label, what, d->w[job->wsel].name,
                d->a[job->asel].name, got ? err.msg : "out of memory");
    }
    const nb_mismatch *mm = nb_lockstep_mismatch(b);
    bool ok = ran && !bad && !mm->found;
    if (!ok && ran && first_failure)
        report_failure(c, d, dir, label, what, job, mm, bad, nres, verilator);
    r->cycles += st.cycles;
    r->pairs++;
    r->failed += !ok;
    free(got);
    free(want);
    return ok;
}

static int64_t corner(const nb_design *d, unsigned i, uint64_t rnd)
{
    int64_t lo = nb_acc_min(d->acc_bits), hi = nb_acc_max(d->acc_bits);
    switch (i % 7) {
    case 0: return 0;
    case 1: return hi;
    case 2: return lo;
    case 3: return hi - (int64_t)(rnd % 64);
    case 4: return lo + (int64_t)(rnd % 64);
    case 5: return -1;
    default: return nb_acc_fit((int64_t)rnd, d->acc_bits, NB_ACC_WRAP);
    }
}

/* Every weight code against every activation code, with accumulator corners
 * (0, max, min, near max/min, -1, random) as the incoming partial sum. */
static void test_pe(ctx *c, nb_backend *b, const nb_design *d, const char *dir, const char *label,
                    bool verilator, run_result *r)
{
    nb_rng *rng = nb_rng_new(c->o->seed);
    for (int w = 0; w < d->nw; w++)
        for (int a = 0; a < d->na; a++) {
            if (!pair_selected(c, d, w, a))
                continue;
            size_t M = (size_t)d->a[a].num_codes, N = (size_t)d->w[w].num_codes;
            uint8_t *wc = malloc(N), *ac = malloc(M);
            int64_t *init = malloc(M * N * sizeof *init);
            for (size_t i = 0; i < N; i++)
                wc[i] = (uint8_t)i;
            for (size_t i = 0; i < M; i++)
                ac[i] = (uint8_t)i;
            for (size_t i = 0; i < M * N; i++) {
                uint64_t rnd = ((uint64_t)nb_rng_below(rng, 0xffffffffu) << 32) | nb_rng_below(rng, 0xffffffffu);
                init[i] = corner(d, (unsigned)(i + (size_t)w), rnd);
            }
            nb_gemm_job job = {.wsel = w, .asel = a, .M = M, .N = N, .K = 1, .w_codes = wc,
                               .a_codes = ac, .overlap_loads = true, .init = init};
            check_job(c, b, d, dir, label, "pe-exhaustive", &job, r, r->failed == 0, verilator);
            free(wc), free(ac), free(init);
        }
    nb_rng_free(rng);
}

/* A GEMM stimulus that never tags a slot HIGH, MOVED or LOW cannot catch a
 * fault on that path: count it as a failure of the regression itself. */
static void check_tag_coverage(ctx *c, const nb_design *d, const char *label, const char *wname,
                               const size_t tag_count[4], run_result *r)
{
    struct { bool needed; int tag; const char *what; } paths[] = {
        {d->cascade >= 1, NB_TAG_HIGH, "HIGH (range overwrite)"},
        {d->cascade >= 2, NB_TAG_MOVED, "MOVED (cascading)"},
        {d->overq_mode == NB_OVERQ_RANGE_PRECISION && d->cascade >= 1, NB_TAG_LOW,
         "LOW (precision overwrite)"},
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (paths[i].needed && tag_count[paths[i].tag] == 0) {
            fprintf(c->o->log, "FAIL %s gemm: %s x overq: no slot was tagged %s, so that path "
                    "went untested\n", label, wname, paths[i].what);
            r->failed++;
        }
}

/* Quantized t-distributed GEMMs of several ragged shapes per format pair. */
static void test_gemm(ctx *c, nb_backend *b, const nb_design *d, const char *dir, const char *label,
                      bool verilator, run_result *r)
{
    size_t R = (size_t)d->rows, C = (size_t)d->cols, L = (size_t)d->latency;
    struct { size_t M, K, N, group; } shapes[] = {
        {R + 5, 2 * R + 3, C + 3, 0},
        {3, 3 * R + 1, 2 * C + 1, 2 * R},
        {2 * L + 3, 5 * R + 2, 3 * C - 1, R},
        {1, 1, 1, 0},
    };
    size_t nshapes = c->o->full ? 4 : 3;
    for (int w = 0; w < d->nw; w++)
        for (int a = 0; a < d->na; a++) {
            if (!pair_selected(c, d, w, a))
                continue;
            /* OverQ: the usual scale makes few outliers in small tiles, so each
             * shape runs once more at a quarter of it, and the tags the runs
             * carried must cover every overwrite path the design has */
            bool overq = d->a[a].is_overq;
            size_t tag_count[4] = {0};
            for (size_t run = 0; run < (overq ? 2 * nshapes : nshapes); run++) {
                size_t s = run % nshapes;
                nb_workload_spec spec = {.M = shapes[s].M, .K = shapes[s].K, .N = shapes[s].N,
                                         .group = shapes[s].group,
                                         .seed = c->o->seed + (uint64_t)(w * 131 + a * 7 + (int)run),
                                         .overq_scale_div = run >= nshapes ? 4 : 1,
                                         .integer_job = true}; /* block jobs: test_block */
                nb_err err;
                nb_dist_parse("t:5", &spec.wdist, &err);
                /* post-ReLU formats see ReLU'd t and normal activations */
                bool relu = overq || d->a[a].encoding == NB_ENC_UNSIGNED;
                nb_dist_parse(relu ? (s % 2 ? "relu-normal" : "relu-t:5") : "t:5", &spec.adist, &err);
                nb_workload wl;
                if (!nb_workload_make(d, w, a, &spec, &wl, &err)) {
                    fprintf(c->o->log, "FAIL %s gemm: %s\n", label, err.msg);
                    r->failed++;
                    continue;
                }
                for (size_t i = 0; overq && i < wl.M * wl.K; i++)
                    tag_count[wl.a_tags[i] & 3]++;
                wl.job.overlap_loads = s != 1; /* one shape uses the simple schedule */
                check_job(c, b, d, dir, label, "gemm", &wl.job, r, r->failed == 0, verilator);
                nb_workload_free(&wl);
            }
            if (overq)
                check_tag_coverage(c, d, label, d->w[w].name, tag_count, r);
        }
}

/* Block-scaled GEMMs: several blocks per output, K not a multiple of the
 * block, scale codes over the whole E8M0 range (NaN code included) or near
 * 2^0; the binary32 results must equal nb_block_gemm bit for bit (any NaN
 * equals any NaN), the integer block sums nb_gemm_golden, and fast-forward
 * must give the same results and cycle count. */
static bool same_f32(float a, float b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static void test_block(ctx *c, nb_backend *b, const nb_design *d, const char *label, run_result *r)
{
    size_t R = (size_t)d->rows, C = (size_t)d->cols, L = (size_t)d->latency, B = (size_t)d->block;
    struct { size_t M, K, N; } shapes[] = {
        {R + 5, 3 * B + 5, C + 3}, {2 * L + 3, 2 * B - 1, 2 * C + 1}, {1, 7, 1}, {3, B, C},
        {L, 4 * B + R + 1, C - 1 ? C - 1 : 1},
    };
    nb_rng *rng = nb_rng_new(c->o->seed ^ 0xb10c);
    /* scale codes: over the whole range (most block terms then overflow,
     * underflow or dwarf each other), within +-4 of 2^0 (exact sums), or
     * within +-14 (block terms 2^20 .. 2^30 apart: binary32 rounding and its
     * ties in the additions) */
    const char *mode_name[3] = {"wide", "narrow", "medium"};
    const unsigned spread[3] = {0, 4, 14};
    for (size_t run = 0; run < 3 * sizeof shapes / sizeof shapes[0]; run++) {
        size_t M = shapes[run / 3].M, K = shapes[run / 3].K, N = shapes[run / 3].N;
        size_t nb = (K + B - 1) / B, segs = nb;
        int mode = (int)(run % 3);
        bool wide = mode == 0;
        uint8_t *w = malloc(N * K), *a = malloc(M * K);
        uint16_t *ws = malloc(N * nb * sizeof *ws), *as = malloc(M * nb * sizeof *as);
        int64_t *got = calloc(segs * M * N, sizeof *got), *want = calloc(segs * M * N, sizeof *want);
        int64_t *fast = calloc(segs * M * N, sizeof *fast);
        float *facc = calloc(M * N, sizeof *facc), *ffast = calloc(M * N, sizeof *ffast);
        float *gold = calloc(M * N, sizeof *gold);
        if (!w || !a || !ws || !as || !got || !want || !fast || !facc || !ffast || !gold)
            abort();
        for (size_t i = 0; i < N * K; i++)
            w[i] = (uint8_t)nb_rng_below(rng, (uint32_t)d->w[0].num_codes);
        for (size_t i = 0; i < M * K; i++)
            a[i] = (uint8_t)nb_rng_below(rng, (uint32_t)d->a[0].num_codes);
        unsigned wmax = nb_scale_fmt_max_code(d->wblock.scale), amax = nb_scale_fmt_max_code(d->ablock.scale);
        for (size_t i = 0; i < N * nb; i++)
            ws[i] = (uint16_t)(nb_rng_below(rng, 50) == 0 ? 0xFF
                               : wide ? nb_rng_below(rng, wmax + 1)
                                      : wmax / 2 + nb_rng_below(rng, 2 * spread[mode] + 1) - spread[mode]);
        for (size_t i = 0; i < M * nb; i++)
            as[i] = (uint16_t)(nb_rng_below(rng, 50) == 0 ? 0xFF
                               : wide ? nb_rng_below(rng, amax + 1)
                                      : amax / 2 + nb_rng_below(rng, 2 * spread[mode] + 1) - spread[mode]);
        nb_gemm_job job = {.M = M, .N = N, .K = K, .w_codes = w, .a_codes = a, .group = B,
                           .overlap_loads = run % 4 != 1, .w_scales = ws, .a_scales = as,
                           .facc_out = facc};
        nb_gemm_job fjob = job;
        fjob.facc_out = ffast;
        nb_block_gemm_args g = {.M = M, .N = N, .K = K, .wf = &d->wblock, .af = &d->ablock,
                                .w_codes = w, .w_scales = ws, .a_codes = a, .a_scales = as,
                                /* the array output is before the tensor-scale epilogue */
                                .w_tensor_scale = 1.0f, .a_tensor_scale = 1.0f};
        nb_gemm_stats st = {0}, fst = {0};
        nb_err err;
        nb_lockstep_clear(b);
        /* the fixed-point accumulator's golden: nb_block_gemm_fixed */
        bool ok = nb_gemm_run(b, &job, got, &st, &err) && nb_gemm_fast(d, &fjob, fast, &fst, &err) &&
                  (d->scale_fixed ? nb_block_gemm_fixed(&g, &d->fixed, gold, &err)
                                  : nb_block_gemm(&g, gold, &err));
        size_t bad = 0, first = 0;
        if (ok) {
            nb_gemm_golden(d, &job, want);
            for (size_t i = 0; i < segs * M * N; i++)
                bad += got[i] != want[i] || fast[i] != want[i];
            for (size_t i = 0; i < M * N; i++)
                if (!same_f32(facc[i], gold[i]) || !same_f32(ffast[i], gold[i]))
                    first = bad++ ? first : i;
        } else {
            fprintf(c->o->log, "FAIL %s block %zux%zux%zu: %s\n", label, M, K, N, err.msg);
        }
        const nb_mismatch *mm = nb_lockstep_mismatch(b);
        bool pass = ok && !bad && !mm->found && st.cycles == fst.cycles;
        if (!pass && ok) {
            fprintf(c->o->log, "FAIL %s block %zux%zux%zu (%s scales): %zu wrong results, cycles "
                    "%llu stepped vs %llu fast-forward\n", label, M, K, N, mode_name[mode],
                    bad, (unsigned long long)st.cycles, (unsigned long long)fst.cycles);
            if (bad)
                fprintf(c->o->log, "  first binary32 difference at output %zu: array %a, "
                        "fast-forward %a, golden %a\n", first, (double)facc[first],
                        (double)ffast[first], (double)gold[first]);
            if (mm->found)
                fprintf(c->o->log, "  lock step: first mismatch at cycle %llu, %s column %d: "
                        "%llx (valid %d) vs C model %llx (valid %d)\n",
                        (unsigned long long)mm->cycle, mm->scale_stage ? "scale stage" : "array",
                        mm->column, (unsigned long long)mm->a, mm->valid_a,
                        (unsigned long long)mm->b, mm->valid_b);
        }
        r->cycles += st.cycles;
        r->pairs++;
        r->failed += !pass;
        free(w), free(a), free(ws), free(as), free(got), free(want), free(fast);
        free(facc), free(ffast), free(gold);
    }
    nb_rng_free(rng);
}

/* Arbitrary cycle-level stimulus: format selects switching at any cycle (also
 * out of range), loads to any row, codes wider than a format uses, resets.
 * Only the lock-step comparison applies: the C model must track the RTL. */
static void test_chaos(ctx *c, nb_backend *b, const nb_design *d, const char *label, run_result *r)
{
    nb_lockstep_clear(b);
    nb_rng *rng = nb_rng_new(c->o->seed ^ 0x5eed);
    int R = d->rows, C = d->cols, cycles = c->o->full ? 100000 : 20000;
    uint8_t *wc = calloc((size_t)C, 1), *ac = calloc((size_t)R, 1), *tg = calloc((size_t)R, 1);
    uint16_t *av = calloc((size_t)R, sizeof *av);
    int64_t *ps = calloc((size_t)C, sizeof *ps), *out = calloc((size_t)C, sizeof *out);
    uint16_t ws[NB_ARRAY_DIM_MAX];
    uint32_t fa[NB_ARRAY_DIM_MAX];
    uint64_t xa[NB_ARRAY_DIM_MAX]; /* fixed-point registers (with the NaN flag) */
    nb_port_in in = {.w_codes = wc, .act_codes = ac, .psum = ps, .act_tags = tg, .act_values = av,
                     .w_scales = ws, .facc = fa, .xacc = d->scale_fixed ? xa : NULL};
    nb_port_out o = {.psum = out};
    for (int t = 0; t < cycles; t++) {
        /* block-scaled designs: any scale code, any binary32 accumulator */
        in.scale_en = nb_rng_below(rng, 3) != 0;
        in.facc_fwd = nb_rng_below(rng, 4) == 0;
        in.a_scale = nb_rng_below(rng, 256);
        for (int n = 0; n < C; n++) {
            ws[n] = (uint16_t)nb_rng_below(rng, 256);
            fa[n] = nb_rng_below(rng, 0xffffffffu);
            xa[n] = ((uint64_t)nb_rng_below(rng, 0xffffffffu) << 32 | nb_rng_below(rng, 0xffffffffu)) &
                    ((UINT64_C(1) << (d->facc_bits < 64 ? d->facc_bits : 63)) - 1);
        }
        in.rst_n = t >= 2 && nb_rng_below(rng, 700) != 0;
        if (nb_rng_below(rng, 30) == 0)
            in.wfmt_sel = nb_rng_below(rng, 1u << (d->w_sel_bits ? d->w_sel_bits : 1));
        if (nb_rng_below(rng, 30) == 0)
            in.afmt_sel = nb_rng_below(rng, 1u << (d->a_sel_bits ? d->a_sel_bits : 1));
        in.w_load = nb_rng_below(rng, 5) == 0;
        in.w_row = nb_rng_below(rng, 1u << d->row_addr_bits);
        for (int n = 0; n < C; n++) {
            wc[n] = (uint8_t)nb_rng_below(rng, 1u << d->w_code_bits);
            uint64_t hi = nb_rng_below(rng, 0xffffffffu), lo = nb_rng_below(rng, 0xffffffffu);
            ps[n] = nb_acc_fit((int64_t)((hi << 32) | lo), d->acc_bits, NB_ACC_WRAP);
        }
        in.act_valid = nb_rng_below(rng, 4) != 0;
        for (int k = 0; k < R; k++) {
            ac[k] = (uint8_t)nb_rng_below(rng, 1u << d->a_code_bits);
            tg[k] = (uint8_t)nb_rng_below(rng, 4); /* any tag, on any row */
            /* encoder inputs: mostly zeros and small values, some outliers */
            unsigned pick = nb_rng_below(rng, 8);
            av[k] = (uint16_t)(pick < 3 ? 0 : pick < 7 ? nb_rng_below(rng, 16u << 4) : nb_rng_below(rng, 1u << 12));
        }
        nb_backend_step(b, &in, &o);
    }
    const nb_mismatch *mm = nb_lockstep_mismatch(b);
    r->cycles += (uint64_t)cycles;
    r->pairs++;
    if (mm->found) {
        r->failed++;
        fprintf(c->o->log, "FAIL %s chaos: first mismatch at cycle %llu, column %d: %lld (valid %d) "
                "vs C model %lld (valid %d)\n", label, (unsigned long long)mm->cycle, mm->column,
                (long long)mm->a, mm->valid_a, (long long)mm->b, mm->valid_b);
    }
    free(wc), free(ac), free(tg), free(av), free(ps), free(out);
    nb_rng_free(rng);
}

/* OverQ: every pattern of zero / small / outlier values in windows of 1 to
 * min(c + 2, rows) slots, at the top and at the bottom of the array tile (the
 * other rows hold small non-zero values), through every weight format. */
static void test_patterns(ctx *c, nb_backend *b, const nb_design *d, const char *dir,
                          const char *label, bool verilator, run_result *r)
{
    int R = d->rows, maxlen = d->cascade + 2 < R ? d->cascade + 2 : R;
    int frac = nb_overq_input_frac(d->overq_mode);
    size_t M = 0;
    for (int len = 1, n3 = 3; len <= maxlen; len++, n3 *= 3)
        M += 2 * (size_t)n3;
    size_t K = (size_t)R, N = (size_t)d->cols;
    uint16_t *values = malloc(M * K * sizeof *values);
    uint8_t *codes = malloc(M * K), *tags = malloc(M * K), *w = malloc(N * K);
    nb_rng *rng = nb_rng_new(c->o->seed ^ 0xfeed);
    size_t m = 0;
    for (int len = 1, n3 = 3; len <= maxlen; len++, n3 *= 3)
        for (int at = 0; at < 2; at++)
            for (int pattern = 0; pattern < n3; pattern++, m++) {
                int offset = at ? R - len : 0;
                for (int k = 0; k < R; k++) {
                    int cls = 1; /* outside the window: small, non-zero */
                    if (k >= offset && k < offset + len) {
                        int digit = pattern;
                        for (int j = 0; j < k - offset; j++)
                            digit /= 3;
                        cls = digit % 3;
                    }
                    unsigned v = cls == 0 ? 0 : cls == 1 ? 1 + nb_rng_below(rng, 15)
                                                        : 16 + nb_rng_below(rng, 300);
                    unsigned u = (v << frac) + (frac && v ? nb_rng_below(rng, 16) : 0);
                    values[m * K + (size_t)k] = (uint16_t)(u > (1u << (8 + frac)) - 1 ? (1u << (8 + frac)) - 1 : u);
                }
            }
    for (int wsel = 0; wsel < d->nw; wsel++) {
        if (!pair_selected(c, d, wsel, d->overq_index))
            continue;
        for (size_t i = 0; i < N * K; i++)
            w[i] = (uint8_t)nb_rng_below(rng, (uint32_t)d->w[wsel].num_codes);
        nb_gemm_job job = {.wsel = wsel, .asel = d->overq_index, .M = M, .N = N, .K = K, .w_codes = w,
                           .overlap_loads = true, .a_values = values};
        if (!d->overq_encoder) {
            nb_gemm_encode_overq(d, &job, codes, tags);
            job.a_values = NULL;
            job.a_codes = codes;
            job.a_tags = tags;
        }
        check_job(c, b, d, dir, label, "overq-patterns", &job, r, r->failed == 0, verilator);
    }
    nb_rng_free(rng);
    free(values), free(codes), free(tags), free(w);
}

/* ---- one configuration on one backend pairing --------------------------- */

/* kind: the backend under test; it runs in lock step with the C model (or,
 * for the SystemC C model, with Verilator). Returns failures, or -1. */
static int run_config(ctx *c, const char *name, unsigned tests, nb_design *d, const char *dir,
                      nb_backend_kind kind)
{
    FILE *log = c->o->log;
    nb_err err;
    nb_backend *dut = nb_backend_open(d, dir, kind, NULL, log, &err);
    nb_backend *ref = !dut ? NULL
                      : kind == NB_BACKEND_SC_CMODEL
                          ? nb_backend_open(d, dir, NB_BACKEND_VERILATOR, NULL, log, &err)
                          : nb_cmodel_new(d, &err);
    if (!dut || !ref) {
        fprintf(log, "ERROR %s: %s\n", name, err.msg);
        nb_backend_free(dut);
        return -1;
    }
    nb_backend *b = nb_lockstep_new(dut, ref);
    char label[160];
    snprintf(label, sizeof label, "%s [%s]", name, b->name);
    bool verilator = kind == NB_BACKEND_VERILATOR;
    int failed = 0;
    struct { unsigned bit; const char *what; } order[] = {
        {T_PE, "pe-exhaustive"}, {T_PATTERNS, "overq-patterns"}, {T_GEMM, "gemm"},
        {T_BLOCK, "block-scaled"}, {T_CHAOS, "chaos"}};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (!(tests & order[i].bit))
            continue;
        run_result r = {0};
        double t0 = now();
        if (order[i].bit == T_PE)
            test_pe(c, b, d, dir, label, verilator, &r);
        else if (order[i].bit == T_GEMM)
            test_gemm(c, b, d, dir, label, verilator, &r);
        else if (order[i].bit == T_PATTERNS)
            test_patterns(c, b, d, dir, label, verilator, &r);
        else if (order[i].bit == T_BLOCK)
            test_block(c, b, d, label, &r);
        else
            test_chaos(c, b, d, label, &r);
        fprintf(log, "%s %-40s %-14s %5d runs %9llu cycles %6.1f s\n", r.failed ? "FAIL" : "ok  ",
                label, order[i].what, r.pairs, (unsigned long long)r.cycles, now() - t0);
        fflush(log);
        failed += r.failed;
    }
    nb_backend_free(b);
    return failed;
}

/* SystemC elaborates once per process: each SystemC pairing runs in a child,
 * in its own process group like a tool (a signal to nibble ends it and the
 * model builds it runs; no time limit of its own, its builds have one). */
static int run_config_isolated(ctx *c, const char *name, unsigned tests, nb_design *d,
                               const char *dir, nb_backend_kind kind)
{
    nb_child child;
    nb_err err;
    memset(&child, 0, sizeof child);
    pid_t pid = nb_child_fork(&child, "the SystemC simulation", 0, &err);
    if (pid < 0) {
        fprintf(c->o->log, "FAIL %s [%s]: %s\n", name, nb_backend_kind_name(kind), err.msg);
        return -1;
    }
    if (pid == 0) {
        int f = run_config(c, name, tests, d, dir, kind);
        fflush(c->o->log);
        _exit(f < 0 ? 2 : f > 0 ? 1 : 0);
    }
    int status = 0;
    if (nb_child_wait_any(&child, 1, &err) < 0 || !nb_child_outcome(&child, &status, &err)) {
        fprintf(c->o->log, "FAIL %s [%s]: %s\n", name, nb_backend_kind_name(kind), err.msg);
        return -1;
    }
    if (status > 128) {
        fprintf(c->o->log, "FAIL %s [%s]: the simulation process crashed (signal %d)\n", name,
                nb_backend_kind_name(kind), status - 128);
        return 1;
    }
    return status == 2 ? -1 : status;
}

static int run_design(ctx *c, const char *name, unsigned tests, bool systemc, nb_design *d,
                      const char *dir)
{
    int failures = 0;
    bool any = false;
    for (int w = 0; w < d->nw; w++)
        for (int a = 0; a < d->na; a++)
            any = any || pair_selected(c, d, w, a);
    if (!any) {
        fprintf(c->o->log, "skip %s: no format pair matches --formats\n", name);
        return 0;
    }
    nb_backend_kind kinds[3] = {NB_BACKEND_VERILATOR, NB_BACKEND_SC_RTL, NB_BACKEND_SC_CMODEL};
    int nk = systemc && c->o->systemc ? 3 : 1;
    for (int i = 0; i < nk; i++) {
        int f = i == 0 ? run_config(c, name, tests, d, dir, kinds[i])
                       : run_config_isolated(c, name, tests, d, dir, kinds[i]);
        if (f < 0)
            return -1;
        failures += f;
    }
    return failures;
}

/* ---- designs ------------------------------------------------------------ */

static nb_design *make_design(ctx *c, const rcfg *cfg, char *dir, size_t len, nb_err *err)
{
    char weights[2048], codebook[4200];
    snprintf(codebook, sizeof codebook, "%s/codebook_example.txt", c->work);
    snprintf(weights, sizeof weights, "%s,lut:%s", ALL_WEIGHTS, codebook);
    nb_design_params p = nb_design_params_default();
    p.weights = cfg->weights ? cfg->weights : weights;
    p.acts = cfg->acts ? cfg->acts : ALL_ACTS;
    p.rows = cfg->rows;
    p.cols = cfg->cols;
    p.pipeline = cfg->pipeline;
    p.acc_mode = cfg->mode;
    p.acc_bits = cfg->acc_bits ? cfg->acc_bits : NB_ACC_BITS_MAX;
    p.cascade = cfg->cascade;
    p.overq_mode = cfg->overq_mode;
    p.overq_encoder = cfg->encoder;
    p.scale_stages = cfg_scale_stages(cfg);
    p.scale_acc = cfg_scale_acc(cfg);
    p.command = "nibble regress";
    nb_design *d = nb_design_create(&p, err);
    if (d && !cfg->acc_bits) {
        p.acc_bits = d->prod_bits + 3;
        nb_design_free(d);
        d = nb_design_create(&p, err);
    }
    snprintf(dir, len, "%s/%s", c->work, cfg->name);
    /* the cache is nibble's own: a design an older nibble left there unmarked
     * is removed rather than refused */
    if (d && access(dir, F_OK) == 0 && !nb_output_is_marked(dir, NB_OUTPUT_DESIGN))
        nb_remove_tree(dir);
    if (d && !nb_gen_write(d, dir, err)) {
        nb_design_free(d);
        return NULL;
    }
    return d;
}

static bool prepare_work(ctx *c, nb_err *err)
{
    snprintf(c->work, sizeof c->work, "%s/regress", nb_cache_dir());
    char path[4200];
    snprintf(path, sizeof path, "%s", nb_cache_dir());
    mkdir(path, 0777);
    if (mkdir(c->work, 0777) != 0 && errno != EEXIST)
        return nb_fail(err, "cannot create %s: %s", c->work, strerror(errno));
    snprintf(path, sizeof path, "%s/codebook_example.txt", c->work);
    /* concurrent regressions share this file: replace it atomically */
    return nb_write_file(path, EXAMPLE_CODEBOOK, strlen(EXAMPLE_CODEBOOK), err);
}

int nb_regress(const nb_regress_opts *o, nb_err *err)
{
    ctx *c = calloc(1, sizeof *c);
    if (!c)
        return nb_fail(err, "out of memory"), 2;
    c->o = o;
    if (o->formats) {
        c->nfilter = nb_format_parse_list(o->formats, NULL, c->filter, NB_SET_MAX * 2, err);
        if (c->nfilter < 0) {
            free(c);
            return 2;
        }
    }
    if (!prepare_work(c, err)) {
        free(c);
        return 2;
    }
    snprintf(c->waves, sizeof c->waves, "%s", o->waves_dir ? o->waves_dir : c->work);
    /* waveforms go into a directory of nibble's own (new, empty or marked) */
    if (o->waves_dir && !nb_output_dir_claim(o->waves_dir, NB_OUTPUT_WAVES, err)) {
        free(c);
        return 2;
    }
    if (!o->waves_dir)
        snprintf(c->waves, sizeof c->waves, "%s/failures", c->work);
    int failures = 0, rc = 0;
    double t0 = now();
    if (o->config_dir) {
        char manifest[4200];
        snprintf(manifest, sizeof manifest, "%s/manifest.json", o->config_dir);
        nb_design *d = nb_design_load(manifest, err);
        if (d && !nb_design_verify_files(manifest, o->allow_edited_rtl, stderr, err)) {
            nb_design_free(d);
            d = NULL;
        }
        if (!d) {
            free(c);
            return 2;
        }
        unsigned tests = T_GEMM | (d->rows == 1 && d->cols == 1 ? T_PE : 0) |
                         (d->overq_index >= 0 ? T_PATTERNS : 0) | (d->block_scaled ? T_BLOCK : 0);
        const char *slash = strrchr(o->config_dir, '/');
        int f = run_design(c, slash && slash[1] ? slash + 1 : o->config_dir, tests, true, d,
                           o->config_dir);
        nb_design_free(d);
        if (f < 0) {
            nb_fail(err, "the design in %s could not be simulated (see above)", o->config_dir);
            rc = 2;
        }
        failures += f > 0 ? f : 0;
    } else {
        bool matched = false;
        for (size_t i = 0; i < NUM_CONFIGS && rc == 0; i++) {
            const rcfg *cfg = &CONFIGS[i];
            if (o->only ? strcmp(o->only, cfg->name) != 0 : (cfg->full_only && !o->full))
                continue;
            matched = true;
            char dir[4600];
            nb_design *d = make_design(c, cfg, dir, sizeof dir, err);
            if (!d) {
                rc = 2;
                break;
            }
            /* --full: every OverQ configuration through SystemC as well */
            bool systemc = cfg->systemc || (o->full && cfg->cascade >= 0);
            if (o->build_only) {
                char so[4096];
                bool ok = nb_model_build(dir, NB_BACKEND_VERILATOR, false, so, sizeof so, o->log, err) &&
                          (!systemc || !o->systemc ||
                           nb_model_build(dir, NB_BACKEND_SC_RTL, false, so, sizeof so, o->log, err));
                if (ok)
                    fprintf(o->log, "built %s\n", cfg->name);
                else
                    rc = 2;
            } else {
                int f = run_design(c, cfg->name, cfg->tests, systemc, d, dir);
                if (f < 0) {
                    nb_fail(err, "configuration %s could not run (see above)", cfg->name);
                    rc = 2;
                }
                failures += f > 0 ? f : 0;
            }
            nb_design_free(d);
        }
        if (!matched && rc == 0) {
            nb_fail(err, "no regression configuration named '%s'; see 'nibble regress --list'",
                    o->only ? o->only : "");
            rc = 2;
        }
    }
    if (rc == 0 && !o->build_only)
        fprintf(o->log, "regression %s: %d failing run%s (%.1f s)\n", failures ? "FAILED" : "passed",
                failures, failures == 1 ? "" : "s", now() - t0);
    free(c);
    return rc ? rc : failures ? 1 : 0;
}
