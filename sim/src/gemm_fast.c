/* The C model's fast-forward mode for whole GEMMs. Stepping the cycle model
 * costs a function call and a few hundred bytes of port traffic per clock;
 * here the host controller's schedule (nb_gemm_run) is computed per vector in
 * closed form, which is exact because the array's latency is fixed, and the
 * results are computed tile by tile with the same accumulation order. The
 * test suite holds this mode to the cycle-stepped C model: same results, same
 * cycle count; the stepped model is in turn held to the RTL cycle by cycle. */
#include <stdlib.h>
#include <string.h>

#include "gemm_tiles.h"
#include "nibble/overq.h"

/* s[i][m]: the cycle vector m of tile i enters nibble_top (see the driver). */
static int64_t schedule(const nb_design *d, const nb_gemm_job *job, const nb_tile *tiles,
                        size_t ntiles)
{
    size_t M = job->M, R = (size_t)d->rows;
    int64_t L = d->latency, wstage = d->pipeline >= 2 ? 1 : 0;
    int64_t reuse = nb_gemm_reuse_after(d, job);
    if (reuse < 1)
        reuse = 1; /* a tile's load starts the cycle after its predecessor's last vector at the earliest */
    int64_t *prev = malloc(M * sizeof *prev), *cur = malloc(M * sizeof *cur);
    /* block-scaled: vector m's cycle on the previous block's last tile */
    int64_t *block_t = calloc(M, sizeof *block_t);
    if (!prev || !cur || !block_t) {
        free(prev);
        free(cur);
        free(block_t);
        return -1;
    }
    bool scaled = job->facc_out != NULL;
    int64_t load_base = 0, last = 0;
    for (size_t i = 0; i < ntiles; i++) {
        if (i > 0) {
            int64_t after_load = load_base + (int64_t)R, after_stream = last + reuse;
            load_base = after_load > after_stream ? after_load : after_stream;
        }
        int64_t t = load_base + 1 - wstage;
        bool last_in_seg = i + 1 == ntiles || tiles[i + 1].first_in_seg;
        for (size_t m = 0; m < M; m++) {
            if (m > 0 && cur[m - 1] + 1 > t)
                t = cur[m - 1] + 1;
            if (!tiles[i].first_in_seg && prev[m] + L + 1 > t)
                t = prev[m] + L + 1; /* the previous tile's partial sum comes back first */
            /* a block's last tile: its scaling waits scale_add_stages cycles after the
             * previous block's of the same outputs (nb_gemm_run does the same) */
            if (scaled && last_in_seg && tiles[i].seg > 0 && block_t[m] + d->scale_add_stages > t)
                t = block_t[m] + d->scale_add_stages;
            cur[m] = t;
        }
        if (scaled && last_in_seg)
            memcpy(block_t, cur, M * sizeof *cur);
        last = cur[M - 1];
        int64_t *swap = prev;
        prev = cur;
        cur = swap;
    }
    free(prev);
    free(cur);
    free(block_t);
    return last + L + 1;
}

/* All M activation vectors through one tile: acc[m][n] += P(k, a[m][k], n)
 * over the tile's rows, from per-tile product rows (tab: [rows][A][C]) or by
 * multiplying decoded weights (wm: [rows][C]). Unsigned arithmetic is exact
 * modulo 2^32 (2^64), which covers accumulators of up to 32 (62) bits. AVX2
 * clones are picked at load time where the CPU has them. */
static inline __attribute__((always_inline)) void table_body(uint32_t *restrict acc,
                                                              const uint32_t *restrict tab,
                                                              const uint8_t *restrict a,
                                                              size_t lda, size_t M, size_t rows,
                                                              size_t A, size_t C)
{
    for (size_t m = 0; m < M; m++)
        for (size_t k = 0; k < rows; k++) {
            const uint32_t *row = tab + (k * A + a[m * lda + k]) * C;
            for (size_t n = 0; n < C; n++)
                acc[m * C + n] += row[n];
        }
}

/* Array widths that get a kernel of their own (the column loop fully unrolled). */
#define NB_TABLE_KERNEL(W)                                                                         \
    __attribute__((target_clones("avx2", "default"))) static void table_u32_##W(                   \
        uint32_t *restrict acc, const uint32_t *restrict tab, const uint8_t *restrict a,           \
        size_t lda, size_t M, size_t rows, size_t A)                                               \
    {                                                                                              \
        table_body(acc, tab, a, lda, M, rows, A, W);                                               \
    }
NB_TABLE_KERNEL(4)
NB_TABLE_KERNEL(8)
NB_TABLE_KERNEL(16)
NB_TABLE_KERNEL(32)

__attribute__((target_clones("avx2", "default"))) static void table_u32_any(
    uint32_t *restrict acc, const uint32_t *restrict tab, const uint8_t *restrict a, size_t lda,
    size_t M, size_t rows, size_t A, size_t C)
{
    table_body(acc, tab, a, lda, M, rows, A, C);
}

static void table_uint32_t(uint32_t *restrict acc, const uint32_t *restrict tab,
                           const uint8_t *restrict a, size_t lda, size_t M, size_t rows, size_t A,
                           size_t C)
{
    switch (C) {
    case 4: table_u32_4(acc, tab, a, lda, M, rows, A); break;
    case 8: table_u32_8(acc, tab, a, lda, M, rows, A); break;
    case 16: table_u32_16(acc, tab, a, lda, M, rows, A); break;
    case 32: table_u32_32(acc, tab, a, lda, M, rows, A); break;
    default: table_u32_any(acc, tab, a, lda, M, rows, A, C); break;
    }
}

/* The general kernels: 64-bit tables, and multiplying instead of tables. */
__attribute__((target_clones("avx2", "default"))) static void table64_uint64_t(
    uint64_t *restrict acc, const uint64_t *restrict tab, const uint8_t *restrict a, size_t lda,
    size_t M, size_t rows, size_t A, size_t C)
{
    for (size_t m = 0; m < M; m++)
        for (size_t k = 0; k < rows; k++) {
            const uint64_t *row = tab + (k * A + a[m * lda + k]) * C;
            for (size_t n = 0; n < C; n++)
                acc[m * C + n] += row[n];
        }
}

#define NB_MUL_KERNEL(T)                                                                           \
    __attribute__((target_clones("avx2", "default"))) static void mul_##T(                         \
        T *restrict acc, const T *restrict wm, const uint8_t *restrict a, size_t lda,              \
        const T *restrict adec, size_t M, size_t rows, size_t C)                                   \
    {                                                                                              \
        for (size_t m = 0; m < M; m++)                                                             \
            for (size_t k = 0; k < rows; k++) {                                                    \
                T am = adec[a[m * lda + k]];                                                       \
                for (size_t n = 0; n < C; n++)                                                     \
                    acc[m * C + n] += am * wm[k * C + n];                                          \
            }                                                                                      \
    }
NB_MUL_KERNEL(uint32_t)
NB_MUL_KERNEL(uint64_t)

bool nb_gemm_fast(const nb_design *d, const nb_gemm_job *job, int64_t *seg_out, nb_gemm_stats *st,
                  nb_err *err)
{
    if (job->wsel < 0 || job->wsel >= d->nw || job->asel < 0 || job->asel >= d->na)
        return nb_fail(err, "format index out of range for this design");
    if (!job->M || !job->N || !job->K)
        return nb_fail(err, "empty GEMM %zux%zux%zu", job->M, job->K, job->N);
    if (!nb_gemm_block_check(d, job, err))
        return false;
    size_t M = job->M, N = job->N, K = job->K, R = (size_t)d->rows, C = (size_t)d->cols;
    size_t ntiles = nb_gemm_tiles(d, job, NULL);
    nb_tile *tiles = malloc(ntiles * sizeof *tiles);
    size_t A_all = (size_t)1 << d->a_code_bits;
    int64_t *wm = malloc(R * C * sizeof *wm);
    uint64_t *accw = malloc(M * C * sizeof *accw); /* 32- or 64-bit lanes */
    uint32_t *wm32 = malloc(R * C * sizeof *wm32), *tab32 = malloc(R * A_all * C * sizeof *tab32);
    uint64_t *wm64 = malloc(R * C * sizeof *wm64), *tab64 = malloc(R * A_all * C * sizeof *tab64);
    if (!tiles || !wm || !accw || !wm32 || !tab32 || !wm64 || !tab64) {
        free(tiles), free(wm), free(accw), free(wm32), free(tab32), free(wm64), free(tab64);
        return nb_fail(err, "out of memory for a %zu-tile GEMM", ntiles);
    }
    nb_gemm_tiles(d, job, tiles);
    int64_t cycles = schedule(d, job, tiles, ntiles);

    nb_operand wo = nb_design_w_operand(d, job->wsel), ao = nb_design_a_operand(d, job->asel);
    size_t A = (size_t)1 << d->a_code_bits;
    int64_t adec[256];
    uint32_t adec32[256];
    uint64_t adec64[256];
    for (size_t c = 0; c < 256; c++) {
        adec[c] = nb_operand_mant(&ao, (unsigned)c & (unsigned)(ao.fmt->num_codes - 1));
        adec32[c] = (uint32_t)adec[c];
        adec64[c] = (uint64_t)adec[c];
    }
    uint8_t *enc_codes = NULL, *enc_tags = NULL;
    const uint8_t *a_codes = job->a_codes, *a_tags = job->a_tags;
    if (job->a_values) {
        enc_codes = malloc(M * K);
        enc_tags = malloc(M * K);
        if (!enc_codes || !enc_tags)
            abort();
        nb_gemm_encode_overq(d, job, enc_codes, enc_tags);
        a_codes = enc_codes;
        a_tags = enc_tags;
    }
    /* OverQ slots: tags decide own or upper weight and the scale (HIGH x16);
     * codes without tags are all NORMAL, as the driver and the golden read them */
    bool tagged = d->tag_bits && (d->na == 1 || job->asel == d->overq_index) && a_tags;
    int64_t max_prod = nb_product_max_abs(&wo, &ao) * (tagged ? 16 : 1), hi = nb_acc_max(d->acc_bits);
    bool narrow = d->acc_bits <= 32 && !tagged;
    bool tables = A <= M; /* a table row must serve many vectors to pay off */
    uint32_t *acc32 = (uint32_t *)accw;
    uint64_t *acc64 = accw;
    for (size_t i = 0; i < ntiles; i++) {
        const nb_tile *tl = &tiles[i];
        bool last_in_seg = i + 1 == ntiles || tiles[i + 1].first_in_seg;
        for (size_t k = 0; k < R; k++)
            for (size_t n = 0; n < C; n++) {
                bool real = k < tl->nrows && n < tl->ncols;
                wm[k * C + n] = real ? nb_operand_mant(&wo, job->w_codes[(tl->n0 + n) * K + tl->k0 + k]) : 0;
            }
        /* A segment's partial sums stay in the accumulator lanes across its
         * tiles: modulo 2^32 (2^64) for wrapping, exact while nothing saturates. */
        if (tl->first_in_seg)
            for (size_t m = 0; m < M; m++)
                for (size_t n = 0; n < C; n++) {
                    int64_t v = n < tl->ncols && job->init
                                    ? nb_acc_fit(job->init[m * N + tl->n0 + n], d->acc_bits, NB_ACC_WRAP)
                                    : 0;
                    if (narrow)
                        acc32[m * C + n] = (uint32_t)v;
                    else
                        acc64[m * C + n] = (uint64_t)v;
                }
        bool per_step = false;
        if (d->acc_mode == NB_ACC_SATURATE) {
            int64_t worst = 0;
            for (size_t j = 0; j < M * C; j++) {
                int64_t v = narrow ? (int64_t)(int32_t)acc32[j] : (int64_t)acc64[j];
                int64_t mag = v < 0 ? -v : v;
                worst = mag > worst ? mag : worst;
            }
            per_step = worst + (int64_t)tl->nrows * max_prod > hi;
        }
        const uint8_t *a = a_codes + tl->k0;
        if (tagged) {
            /* OverQ: exact 64-bit arithmetic, one fit per product only if needed */
            const uint8_t *tg = a_tags + tl->k0;
            for (size_t m = 0; m < M; m++)
                for (size_t n = 0; n < C; n++) {
                    int64_t v = (int64_t)acc64[m * C + n];
                    for (size_t k = 0; k < tl->nrows; k++) {
                        unsigned tag = tg[m * K + k];
                        int64_t w = tag == 0 ? wm[k * C + n] : k > 0 ? wm[(k - 1) * C + n] : 0;
                        int64_t p = w * adec[a[m * K + k]];
                        p = tag == NB_TAG_HIGH ? p * 16 : tag == NB_TAG_LOW ? nb_floor_div16(p) : p;
                        v = per_step ? nb_acc_add(v, p, d->acc_bits, d->acc_mode) : v + p;
                    }
                    acc64[m * C + n] = (uint64_t)v;
                }
        } else if (per_step) {
            /* saturation may happen: one fit per product, in row order */
            for (size_t m = 0; m < M; m++)
                for (size_t n = 0; n < C; n++) {
                    int64_t v = narrow ? (int64_t)(int32_t)acc32[m * C + n] : (int64_t)acc64[m * C + n];
                    for (size_t k = 0; k < tl->nrows; k++)
                        v = nb_acc_add(v, adec[a[m * K + k]] * wm[k * C + n], d->acc_bits, d->acc_mode);
                    if (narrow)
                        acc32[m * C + n] = (uint32_t)v;
                    else
                        acc64[m * C + n] = (uint64_t)v;
                }
        } else if (narrow && tables) {
            for (size_t k = 0; k < tl->nrows; k++)
                for (size_t c = 0; c < A; c++)
                    for (size_t n = 0; n < C; n++)
                        tab32[(k * A + c) * C + n] = adec32[c] * (uint32_t)wm[k * C + n];
            table_uint32_t(acc32, tab32, a, K, M, tl->nrows, A, C);
        } else if (narrow) {
            for (size_t j = 0; j < R * C; j++)
                wm32[j] = (uint32_t)wm[j];
            mul_uint32_t(acc32, wm32, a, K, adec32, M, tl->nrows, C);
        } else if (tables) {
            for (size_t k = 0; k < tl->nrows; k++)
                for (size_t c = 0; c < A; c++)
                    for (size_t n = 0; n < C; n++)
                        tab64[(k * A + c) * C + n] = adec64[c] * (uint64_t)wm[k * C + n];
            table64_uint64_t(acc64, tab64, a, K, M, tl->nrows, A, C);
        } else {
            for (size_t j = 0; j < R * C; j++)
                wm64[j] = (uint64_t)wm[j];
            mul_uint64_t(acc64, wm64, a, K, adec64, M, tl->nrows, C);
        }
        if (last_in_seg) {
            /* back from the lanes: the W-bit wrap, or the exact saturated sum */
            int shift = narrow ? 32 - d->acc_bits : 0;
            for (size_t m = 0; m < M; m++) {
                int64_t *out = seg_out + (tl->seg * M + m) * N + tl->n0;
                for (size_t n = 0; n < tl->ncols; n++)
                    out[n] = narrow ? (int64_t)((int32_t)(acc32[m * C + n] << shift) >> shift)
                                    : nb_acc_fit((int64_t)acc64[m * C + n], d->acc_bits, d->acc_mode);
            }
        }
    }
    /* block-scaled: the scale stage's registers after the last result */
    if (job->facc_out && cycles >= 0) {
        nb_gemm_block_combine(d, job, seg_out, job->facc_out);
        cycles += d->scale_latency;
    }
    if (st) {
        st->cycles = (uint64_t)cycles;
        st->busy_vectors = (uint64_t)(ntiles * M);
        st->macs = (uint64_t)M * N * K;
        st->utilization = cycles > 0 ? (double)st->macs / ((double)cycles * (double)(R * C)) : 0;
        st->tiles = ntiles;
    }
    free(tiles), free(wm), free(accw), free(wm32), free(tab32), free(wm64), free(tab64);
    free(enc_codes), free(enc_tags);
    return cycles >= 0 || nb_fail(err, "out of memory scheduling the GEMM");
}
