/* The Verilated RTL gives the same integer partial sums as the fast model on
 * every linear layer of a model (model/README.md, "Backends").
 *
 *   test_rtl_partials DESIGN_DIR WORKDIR tiny            a tiny random checkpoint it writes
 *   test_rtl_partials DESIGN_DIR WORKDIR stories SHARED  stories260K (exit 77 if absent)
 *       [--narrow-acc BITS]
 *   test_rtl_partials DESIGN_DIR WORKDIR block           the tiny checkpoint on a
 *       block-scaled DESIGN_DIR (mxfp4) and on a 4x4 nvfp4 x int4/fp16/16 design
 *       written to WORKDIR (UE4M3 x FP16 scales, NVFP4's tensor scale)
 *
 * --narrow-acc: a 4x4 design of the first case's two formats alone with a
 * BITS-bit wrapping accumulator (written to WORKDIR, its model built and
 * cached): its RTL must give the partial sums of its own fast model, and be
 * caught disagreeing with the fast model of its 32-bit twin (same formats,
 * same product grid: only the accumulator differs).
 *
 * For each (weight, activation, group) case the same tokens run through the
 * model twice, every quantized linear layer's partial sums captured per GEMM
 * and per group (nb_qlinear_opts.observe): once on the fast model
 * (nb_gemm_fast) and once on the Verilated RTL of DESIGN_DIR through sim/'s
 * GEMM driver. Both as one block (M = tokens) and token by token (M = 1, the
 * KV cache). Every partial sum, every GEMM's cycle count and the logits must be
 * identical, and every layer kind of every block must have been seen. The
 * comparison is shown able to fail: one corrupted partial sum must be named.
 * On block-scaled designs the partial sums are each block's integer sum, and
 * the array's binary32 results (job->facc_out, the scale stage's output) must
 * be identical too, bit for bit; a corrupted one must be named as well. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nibble/files.h"
#include "nibble/gen.h"
#include "nibble/model_quant.h"
#include "nibble/tokenizer.h"
#include "tiny_model.h"

#define SKIP 77
#define MAX_TOKENS 8

typedef struct gemm_capture {
    int id;
    size_t M, N, K, group, segs;
    int64_t *seg;          /* [segs][M][N] */
    float *facc;           /* [M][N] binary32 results of a block-scaled design, or NULL */
    uint64_t cycles;
} gemm_capture;

typedef struct capture {
    gemm_capture *g;
    size_t n, cap;
} capture;

static void observe(void *ctx, int id, const nb_gemm_job *job, const int64_t *seg,
                    const nb_gemm_stats *st)
{
    capture *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->g = realloc(c->g, c->cap * sizeof *c->g);
        if (!c->g)
            abort();
    }
    gemm_capture *g = &c->g[c->n++];
    g->id = id;
    g->M = job->M;
    g->N = job->N;
    g->K = job->K;
    g->group = job->group;
    g->segs = nb_gemm_num_segments(job);
    g->cycles = st->cycles;
    size_t count = g->segs * g->M * g->N;
    g->seg = malloc(count * sizeof *g->seg);
    if (!g->seg)
        abort();
    memcpy(g->seg, seg, count * sizeof *g->seg);
    g->facc = NULL;
    if (job->facc_out) {
        g->facc = malloc(g->M * g->N * sizeof *g->facc);
        if (!g->facc)
            abort();
        memcpy(g->facc, job->facc_out, g->M * g->N * sizeof *g->facc);
    }
}

static void capture_free(capture *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->g[i].seg);
        free(c->g[i].facc);
    }
    free(c->g);
    memset(c, 0, sizeof *c);
}

enum { SAME, SUMS_DIFFER, CYCLES_DIFFER };

/* The first difference between two captures, described in `why`: SAME if
 * every GEMM has the same layer, shape, partial sums and cycle count. */
static int compare(const nb_llama *m, const capture *a, const capture *b, char *why, size_t len)
{
    if (a->n != b->n) {
        snprintf(why, len, "%zu GEMMs on the fast model, %zu on the RTL", a->n, b->n);
        return SUMS_DIFFER;
    }
    int cycles_differ = -1;
    for (size_t i = 0; i < a->n; i++) {
        const gemm_capture *x = &a->g[i], *y = &b->g[i];
        char name[64];
        nb_llama_linear_name(m, x->id, name, sizeof name);
        if (x->id != y->id || x->M != y->M || x->N != y->N || x->K != y->K || x->segs != y->segs) {
            snprintf(why, len, "GEMM %zu (%s): different layer or shape", i, name);
            return SUMS_DIFFER;
        }
        for (size_t s = 0; s < x->segs; s++)
            for (size_t r = 0; r < x->M; r++)
                for (size_t n = 0; n < x->N; n++) {
                    size_t at = (s * x->M + r) * x->N + n;
                    if (x->seg[at] != y->seg[at]) {
                        snprintf(why, len, "GEMM %zu (%s, %zux%zux%zu): group %zu, token %zu, "
                                 "output %zu: fast model %lld, RTL %lld", i, name, x->M, x->K,
                                 x->N, s, r, n, (long long)x->seg[at], (long long)y->seg[at]);
                        return SUMS_DIFFER;
                    }
                }
        if (!x->facc != !y->facc) {
            snprintf(why, len, "GEMM %zu (%s): binary32 results on one backend only", i, name);
            return SUMS_DIFFER;
        }
        for (size_t r = 0; x->facc && r < x->M; r++)
            for (size_t n = 0; n < x->N; n++)
                if (memcmp(&x->facc[r * x->N + n], &y->facc[r * x->N + n], sizeof(float))) {
                    snprintf(why, len, "GEMM %zu (%s, %zux%zux%zu): token %zu, output %zu: "
                             "binary32 result fast model %a, RTL %a", i, name, x->M, x->K, x->N,
                             r, n, (double)x->facc[r * x->N + n], (double)y->facc[r * x->N + n]);
                    return SUMS_DIFFER;
                }
        if (x->cycles != y->cycles && cycles_differ < 0) {
            cycles_differ = (int)i;
            snprintf(why, len, "GEMM %zu (%s, %zux%zux%zu): identical partial sums but %llu "
                     "cycles on the fast model, %llu on the RTL", i, name, x->M, x->K, x->N,
                     (unsigned long long)x->cycles, (unsigned long long)y->cycles);
        }
    }
    return cycles_differ >= 0 ? CYCLES_DIFFER : SAME;
}

typedef struct run_out {
    capture cap;
    float *logits;         /* whole block, then token by token */
    uint64_t cycles;
    double seconds;
} run_out;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The tokens as one block, then token by token, through a qlinear hook. */
static bool run(const nb_llama *m, const nb_design *d, int wsel, int asel, size_t group,
                nb_qlinear_backend backend, const char *dir, const int *ids, size_t n,
                run_out *out, nb_err *err)
{
    memset(out, 0, sizeof *out);
    nb_qlinear_opts o = nb_qlinear_opts_default();
    o.group = group;
    o.backend = backend;
    o.design_dir = dir;
    o.log = stderr;
    o.observe = observe;
    o.observe_ctx = &out->cap;
    size_t V = (size_t)m->cfg.vocab_size;
    out->logits = malloc(2 * n * V * sizeof *out->logits);
    nb_qlinear *q = out->logits ? nb_qlinear_new(m, d, wsel, asel, &o, err) : NULL;
    if (!q)
        return out->logits ? false : nb_fail(err, "out of memory");
    nb_linear_hook h = nb_qlinear_hook(q);
    nb_llama_state s;
    double t0 = now();
    bool ok = nb_llama_state_init(m, &s, err);
    if (ok) {
        ok = nb_llama_forward(m, &s, &h, ids, n, out->logits, err);
        nb_llama_state_reset(&s);
        for (size_t i = 0; ok && i < n; i++)
            ok = nb_llama_forward(m, &s, &h, ids + i, 1, out->logits + (n + i) * V, err);
        nb_llama_state_free(&s);
    }
    out->seconds = now() - t0;
    out->cycles = nb_qlinear_get_totals(q).cycles;
    nb_qlinear_free(q);
    return ok;
}

typedef struct test_case {
    const char *w, *a;
    size_t group;
} test_case;

/* Every linear layer of every block (and no classifier: it stays in float). */
static bool covered(const nb_llama *m, const capture *c, char *why, size_t len)
{
    int nlin = nb_llama_num_linear(m), cls = nb_llama_classifier_id(m);
    for (int id = 0; id < nlin; id++) {
        bool seen = false;
        for (size_t i = 0; i < c->n && !seen; i++)
            seen = c->g[i].id == id;
        char name[64];
        nb_llama_linear_name(m, id, name, sizeof name);
        if (seen != (id != cls)) {
            snprintf(why, len, "%s was %srun on the design", name, seen ? "" : "not ");
            return false;
        }
    }
    return true;
}

/* A 4x4 design of one format pair with a `bits`-bit wrapping accumulator,
 * written to dir when given. */
static nb_design *pair_design(const test_case *tc, int bits, const char *dir, nb_err *err)
{
    nb_design_params p = nb_design_params_default();
    p.weights = tc->w;
    p.acts = tc->a;
    p.rows = p.cols = 4;
    p.acc_bits = bits;
    p.command = "test_rtl_partials --narrow-acc";
    nb_design *nd = nb_design_create(&p, err);
    if (nd && dir && !nb_gen_write(nd, dir, err)) {
        nb_design_free(nd);
        return NULL;
    }
    return nd;
}

static void run_free(run_out *r)
{
    capture_free(&r->cap);
    free(r->logits);
    memset(r, 0, sizeof *r);
}

/* The RTL of a narrow accumulator agrees with its own fast model, and differs
 * from the fast model of the same formats with 32 bits. */
static int check_narrow(const nb_llama *m, const test_case *tc, int bits, const char *work,
                        const char *label, const int *ids, size_t n)
{
    nb_err err;
    char dir[4400], why[512];
    snprintf(dir, sizeof dir, "%s/narrow-acc%d", work, bits);
    nb_design *narrow = pair_design(tc, bits, dir, &err), *wide = NULL;
    run_out rtl = {0}, own = {0}, twin = {0};
    int status = 0;
    if (!narrow || !(wide = pair_design(tc, NB_ACC_BITS_DEFAULT, NULL, &err)) ||
        !run(m, narrow, 0, 0, tc->group, NB_QLINEAR_VERILATOR, dir, ids, n, &rtl, &err) ||
        !run(m, narrow, 0, 0, tc->group, NB_QLINEAR_FAST, NULL, ids, n, &own, &err) ||
        !run(m, wide, 0, 0, tc->group, NB_QLINEAR_FAST, NULL, ids, n, &twin, &err)) {
        printf("FAIL: %s: the %d-bit accumulator design: %s\n", label, bits, err.msg);
        status = 1;
    } else if (compare(m, &own.cap, &rtl.cap, why, sizeof why) != SAME) {
        printf("FAIL: %s: %d-bit accumulator: %s\n", label, bits, why);
        status = 1;
    } else if (compare(m, &twin.cap, &rtl.cap, why, sizeof why) != SUMS_DIFFER) {
        printf("FAIL: %s: the RTL of %s (%d-bit accumulator) gives the partial sums of the "
               "fast model with %d bits: the comparison sees nothing\n", label, dir, bits,
               NB_ACC_BITS_DEFAULT);
        status = 1;
    } else {
        printf("  %d-bit accumulator (%s): its RTL gives its own fast model's partial sums; "
               "against the %d-bit fast model -> %s\n", bits, dir, NB_ACC_BITS_DEFAULT, why);
    }
    run_free(&rtl);
    run_free(&own);
    run_free(&twin);
    nb_design_free(narrow);
    nb_design_free(wide);
    return status;
}

static int check_case(const nb_llama *m, const nb_design *d, const char *dir, const char *work,
                      int narrow_bits, const test_case *tc, const int *ids, size_t n)
{
    nb_err err;
    /* a block-scaled design has one element format per side */
    int wsel = d->block_scaled ? 0 : nb_design_find_w(d, tc->w),
        asel = d->block_scaled ? 0 : nb_design_find_a(d, tc->a);
    char label[128], why[512];
    if (d->block_scaled)
        snprintf(label, sizeof label, "%s x %s (block-scaled)", tc->w, tc->a);
    else if (tc->group)
        snprintf(label, sizeof label, "%s x %s g%zu", tc->w, tc->a, tc->group);
    else
        snprintf(label, sizeof label, "%s x %s channel", tc->w, tc->a);
    if (wsel < 0 || asel < 0) {
        printf("FAIL: %s: the design in %s has no such formats\n", label, dir);
        return 1;
    }
    run_out fast, rtl;
    if (!run(m, d, wsel, asel, tc->group, NB_QLINEAR_FAST, NULL, ids, n, &fast, &err) ||
        !run(m, d, wsel, asel, tc->group, NB_QLINEAR_VERILATOR, dir, ids, n, &rtl, &err)) {
        printf("FAIL: %s: %s\n", label, err.msg);
        return 1;
    }
    int status = 0;
    size_t sums = 0;
    for (size_t i = 0; i < fast.cap.n; i++)
        sums += fast.cap.g[i].segs * fast.cap.g[i].M * fast.cap.g[i].N;
    size_t V = (size_t)m->cfg.vocab_size;
    if (!covered(m, &fast.cap, why, sizeof why) ||
        compare(m, &fast.cap, &rtl.cap, why, sizeof why) != SAME) {
        printf("FAIL: %s: %s\n", label, why);
        status = 1;
    } else if (memcmp(fast.logits, rtl.logits, 2 * n * V * sizeof *fast.logits) != 0) {
        printf("FAIL: %s: identical partial sums but different logits\n", label);
        status = 1;
    } else {
        printf("%s: %zu GEMMs (every linear layer of %d blocks, %zu tokens as one block and "
               "one by one), %zu partial sums and %llu cycles identical on the RTL and the fast "
               "model; RTL %.2f s, fast %.4f s\n", label, fast.cap.n, m->cfg.n_layers, n, sums,
               (unsigned long long)rtl.cycles, rtl.seconds, fast.seconds);
    }
    /* the comparison can fail: corrupt one partial sum of the last block's down
     * projection in the whole-block pass (the least significant bit of its last
     * group's last output) */
    if (!status) {
        int down = (m->cfg.n_layers - 1) * NB_LIN_KINDS + NB_LIN_DOWN;
        gemm_capture *g = rtl.cap.g;
        while (g->id != down)
            g++;
        size_t at = g->segs * g->M * g->N - 1;
        g->seg[at] ^= 1;
        if (compare(m, &fast.cap, &rtl.cap, why, sizeof why) != SUMS_DIFFER) {
            printf("FAIL: %s: a corrupted partial sum went unnoticed\n", label);
            status = 1;
        } else {
            printf("  corrupted on purpose -> %s\n", why);
        }
        g->seg[at] ^= 1;
        /* and one binary32 result (its last bit) of the same GEMM */
        if (!status && g->facc) {
            uint32_t bits;
            size_t last = g->M * g->N - 1;
            memcpy(&bits, &g->facc[last], sizeof bits);
            bits ^= 1;
            memcpy(&g->facc[last], &bits, sizeof bits);
            if (compare(m, &fast.cap, &rtl.cap, why, sizeof why) != SUMS_DIFFER) {
                printf("FAIL: %s: a corrupted binary32 result went unnoticed\n", label);
                status = 1;
            } else {
                printf("  corrupted on purpose -> %s\n", why);
            }
            bits ^= 1;
            memcpy(&g->facc[last], &bits, sizeof bits);
        }
    }
    /* the same formats with a narrower accumulator: its RTL must be caught */
    if (!status && narrow_bits)
        status = check_narrow(m, tc, narrow_bits, work, label, ids, n);
    capture_free(&fast.cap);
    capture_free(&rtl.cap);
    free(fast.logits);
    free(rtl.logits);
    return status;
}

int main(int argc, char **argv)
{
    bool stories = argc >= 5 && strcmp(argv[3], "stories") == 0;
    bool block = argc == 4 && strcmp(argv[3], "block") == 0;
    int narrow = 0;
    if (stories && argc == 7 && strcmp(argv[5], "--narrow-acc") == 0)
        narrow = atoi(argv[6]);
    if (!(argc == 4 && strcmp(argv[3], "tiny") == 0) && !block &&
        !(stories && (argc == 5 || narrow > 1))) {
        fprintf(stderr, "usage: test_rtl_partials DESIGN_DIR WORKDIR (tiny | block | stories "
                        "SHARED_DIR [--narrow-acc BITS])\n");
        return 2;
    }
    const char *dir = argv[1], *work = argv[2], *where = argv[4];
    char model[4096], tok[4096], manifest[4200];
    nb_err err;
    if (!nb_mkdir_p(work, &err)) {
        printf("FAIL: %s\n", err.msg);
        return 1;
    }
    nb_llama m;
    int ids[MAX_TOKENS];
    size_t n = 0;
    if (stories) {
        snprintf(model, sizeof model, "%s/models/stories260K.bin", where);
        snprintf(tok, sizeof tok, "%s/models/tok512.bin", where);
        if (access(model, R_OK) || access(tok, R_OK)) {
            printf("SKIP: %s and %s are absent (the shared data folder)\n", model, tok);
            return SKIP;
        }
        nb_tokenizer t;
        if (!nb_llama_load(model, &m, &err) || !nb_tokenizer_load(tok, m.cfg.vocab_size, &t, &err)) {
            printf("FAIL: %s\n", err.msg);
            return 1;
        }
        /* BOS and the first tokens of a TinyStories-like line */
        static const char line[] = "Once upon a time, there was a little dog named Max.";
        int *all;
        size_t count;
        if (!nb_tokenizer_encode(&t, line, strlen(line), true, &all, &count, &err)) {
            printf("FAIL: %s\n", err.msg);
            return 1;
        }
        n = count < MAX_TOKENS ? count : MAX_TOKENS;
        memcpy(ids, all, n * sizeof *ids);
        free(all);
        nb_tokenizer_free(&t);
    } else {
        nb_llama_config c = tiny_config(false);
        size_t count;
        float *w = tiny_weights(&c, 7, &count);
        snprintf(model, sizeof model, "%s/rtl_tiny.bin", work);
        tiny_write_checkpoint(model, &c, w, 0);
        free(w);
        if (!nb_llama_load(model, &m, &err)) {
            printf("FAIL: %s\n", err.msg);
            return 1;
        }
        static const int tiny_ids[] = {1, 260, 97, 299, 3, 150};
        n = sizeof tiny_ids / sizeof tiny_ids[0];
        memcpy(ids, tiny_ids, sizeof tiny_ids);
    }
    snprintf(manifest, sizeof manifest, "%s/manifest.json", dir);
    nb_design *d = nb_design_load(manifest, &err);
    if (!d) {
        printf("FAIL: %s\n", err.msg);
        return 1;
    }
    printf("design %s: %dx%d, %d-bit %s accumulator; %zu tokens\n", dir, d->rows, d->cols,
           d->acc_bits, d->acc_mode == NB_ACC_SATURATE ? "saturating" : "wrapping", n);
    if (block) {
        /* the fixture's block design, then UE4M3 (with NVFP4's tensor scale) x
         * FP16 scales on a design written here (its model built once, cached);
         * tiny: K = 16 and 40, so one short block, or blocks of 32 and 8 (16,
         * 16 and 8), none filling the array's rows */
        int status = 0;
        if (!d->block_scaled) {
            printf("FAIL: the design in %s is not block-scaled\n", dir);
            status = 1;
        } else {
            test_case own = {d->weights_spec, d->acts_spec, 0};
            status = check_case(&m, d, dir, work, 0, &own, ids, n);
        }
        char dir2[4400];
        snprintf(dir2, sizeof dir2, "%s/nvfp4-fp16", work);
        test_case mixed = {"nvfp4", "int4/fp16/16", 0};
        nb_design *d2 = status ? NULL : pair_design(&mixed, NB_ACC_BITS_DEFAULT, dir2, &err);
        if (!status && !d2) {
            printf("FAIL: %s\n", err.msg);
            status = 1;
        }
        if (d2)
            status |= check_case(&m, d2, dir2, work, 0, &mixed, ids, n);
        nb_design_free(d2);
        nb_design_free(d);
        nb_llama_free(&m);
        if (!status)
            printf("PASS\n");
        return status;
    }
    /* per channel, and groups whose last one is shorter and does not fill the
     * array's rows (stories: K = 64 and 172; tiny: K = 16 and 40) */
    static const test_case STORIES[] = {{"int4", "int8", 0}, {"e2m1", "int8", 32},
                                        {"nf4", "e2m1", 30}};
    static const test_case TINY[] = {{"int4", "int8", 0}, {"e2m1", "int8", 8},
                                     {"e2m1", "e2m1", 12}};
    const test_case *cases = stories ? STORIES : TINY;
    int status = 0;
    for (int i = 0; i < 3; i++)
        status |= check_case(&m, d, dir, work, i == 0 ? narrow : 0, &cases[i], ids, n);
    nb_design_free(d);
    nb_llama_free(&m);
    if (!status)
        printf("PASS\n");
    return status;
}
