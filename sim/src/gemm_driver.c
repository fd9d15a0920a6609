/* The host controller: tiles a GEMM over the array and drives nibble_top
 * cycle by cycle through any backend.
 *
 * Tiles run over output columns (C at a time), then the segments of the
 * reduction axis (one per scaling group), then R rows at a time. A tile loads
 * its R weight rows on consecutive cycles and streams the M activation
 * vectors; the partial sums of the previous tile of the same segment come
 * back in through psum_i, so the accumulation order (and any saturation) is
 * exactly the golden one. With overlap_loads, the next tile's rows are
 * loaded as soon as the last vector of the current tile has passed them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gemm_tiles.h"
#include "nibble/overq.h"

typedef struct in_flight {
    size_t tile, m;
    int64_t t;          /* the cycle it was presented */
} in_flight;

bool nb_gemm_block_check(const nb_design *d, const nb_gemm_job *job, nb_err *err)
{
    if (!job->facc_out)
        return true;
    if (!d->block_scaled)
        return nb_fail(err, "a block-scaled GEMM needs a block-scaled design (nibble gen --weights "
                       "mxfp4 --acts mxfp4, ...)");
    if (job->group != (size_t)d->block)
        return nb_fail(err, "a block-scaled GEMM on this design runs blocks of %d along K (got "
                       "groups of %zu)", d->block, job->group);
    if (!job->w_scales || !job->a_scales)
        return nb_fail(err, "a block-scaled GEMM needs weight and activation scale codes");
    return true;
}

void nb_gemm_block_combine(const nb_design *d, const nb_gemm_job *job, const int64_t *seg_out,
                           float *facc_out)
{
    size_t segs = nb_gemm_num_segments(job), M = job->M, N = job->N;
    for (size_t m = 0; m < M; m++)
        for (size_t n = 0; n < N; n++) {
            uint32_t acc = 0;
            uint64_t xacc = 0; /* the fixed-point register, --scale-acc fixed */
            for (size_t s = 0; s < segs; s++) {
                int64_t p = seg_out[(s * M + m) * N + n];
                unsigned ws = job->w_scales[n * segs + s], as = job->a_scales[m * segs + s];
                if (d->scale_fixed)
                    acc = nb_scale_fixed_f32(d, xacc = nb_scale_fixed_stage(d, p, ws, as, xacc));
                else
                    acc = nb_scale_stage(d, p, ws, as, acc);
            }
            memcpy(&facc_out[m * N + n], &acc, sizeof acc);
        }
}

size_t nb_gemm_num_segments(const nb_gemm_job *job)
{
    size_t g = job->group ? job->group : job->K;
    return (job->K + g - 1) / g;
}

size_t nb_gemm_tiles(const nb_design *d, const nb_gemm_job *job, nb_tile *t)
{
    size_t R = (size_t)d->rows, C = (size_t)d->cols, g = job->group ? job->group : job->K;
    size_t n = 0;
    for (size_t n0 = 0; n0 < job->N; n0 += C)
        for (size_t s = 0; s * g < job->K; s++) {
            size_t seg_end = (s + 1) * g < job->K ? (s + 1) * g : job->K;
            for (size_t k0 = s * g; k0 < seg_end; k0 += R) {
                if (t)
                    t[n] = (nb_tile){n0, job->N - n0 < C ? job->N - n0 : C, s, k0,
                                  seg_end - k0 < R ? seg_end - k0 : R, k0 == s * g};
                n++;
            }
        }
    return n;
}

void nb_gemm_encode_overq(const nb_design *d, const nb_gemm_job *job, uint8_t *codes, uint8_t *tags)
{
    size_t g = job->group ? job->group : job->K, R = (size_t)d->rows;
    nb_overq_params p = {d->cascade, d->overq_mode, 0};
    for (size_t m = 0; m < job->M; m++)
        for (size_t s0 = 0; s0 < job->K; s0 += g) {
            size_t seg_end = s0 + g < job->K ? s0 + g : job->K;
            for (size_t k0 = s0; k0 < seg_end; k0 += R) {
                size_t n = seg_end - k0 < R ? seg_end - k0 : R;
                size_t at = m * job->K + k0;
                nb_overq_encode(job->a_values + at, n, &p, codes + at, tags + at, NULL);
            }
        }
}

void nb_gemm_golden(const nb_design *d, const nb_gemm_job *job, int64_t *seg_out)
{
    size_t g = job->group ? job->group : job->K;
    size_t segs = nb_gemm_num_segments(job);
    uint8_t *codes = NULL, *tags = NULL;
    const uint8_t *a_codes = job->a_codes, *a_tags = job->a_tags;
    if (job->a_values) {
        codes = malloc(job->M * job->K);
        tags = malloc(job->M * job->K);
        if (!codes || !tags)
            abort();
        nb_gemm_encode_overq(d, job, codes, tags);
        a_codes = codes;
        a_tags = tags;
    }
    /* tags count only while the OverQ format is selected */
    bool tagged = d->tag_bits && (d->na == 1 || job->asel == d->overq_index);
    for (size_t s = 0; s < segs; s++) {
        nb_gemm_int_args a = {
            .M = job->M, .N = job->N, .K = job->K, .k0 = s * g,
            .k1 = (s + 1) * g < job->K ? (s + 1) * g : job->K,
            .w_codes = job->w_codes, .a_codes = a_codes,
            .w = nb_design_w_operand(d, job->wsel), .a = nb_design_a_operand(d, job->asel),
            .acc_bits = d->acc_bits, .acc_mode = d->acc_mode, .init = job->init,
            .a_tags = tagged ? a_tags : NULL,
        };
        nb_gemm_int(&a, seg_out + s * job->M * job->N);
    }
    free(codes);
    free(tags);
}

bool nb_gemm_run(nb_backend *b, const nb_gemm_job *job, int64_t *seg_out, nb_gemm_stats *st,
                 nb_err *err)
{
    const nb_design *d = b->design;
    if (job->wsel < 0 || job->wsel >= d->nw || job->asel < 0 || job->asel >= d->na)
        return nb_fail(err, "format index out of range for this design");
    if (!job->M || !job->N || !job->K)
        return nb_fail(err, "empty GEMM %zux%zux%zu", job->M, job->K, job->N);
    if (!nb_gemm_block_check(d, job, err))
        return false;
    size_t R = (size_t)d->rows, C = (size_t)d->cols, M = job->M, N = job->N, K = job->K;
    int P = d->pipeline, wstage = P >= 2 ? 1 : 0;
    size_t ntiles = nb_gemm_tiles(d, job, NULL);
    /* block-scaled: the host's binary32 accumulators, blocks added to each,
     * and the vectors whose scaled result is on its way */
    bool scaled = job->facc_out != NULL;
    size_t segs = nb_gemm_num_segments(job);
    uint32_t *facc_acc = calloc(scaled ? M * N : 1, sizeof *facc_acc);
    size_t *blocks_done = calloc(scaled ? M * N : 1, sizeof *blocks_done);
    /* per vector row: when it was presented on the previous block's last tile */
    int64_t *block_t = calloc(scaled ? M : 1, sizeof *block_t);
    uint32_t *facc_in = calloc(C, sizeof *facc_in), *facc_o = calloc(C, sizeof *facc_o);
    /* the fixed-point registers (--scale-acc fixed): facc_i / out_facc_o carry
     * them, out_f32_o (facc_o) their binary32 values */
    bool fixed = scaled && d->scale_fixed;
    uint64_t *xacc_acc = calloc(fixed ? M * N : 1, sizeof *xacc_acc);
    uint64_t *xacc_in = calloc(C, sizeof *xacc_in), *xacc_o = calloc(C, sizeof *xacc_o);
    uint16_t *w_scales = calloc(C, sizeof *w_scales);
    in_flight *sfifo = malloc((size_t)(d->latency + 4) * sizeof *sfifo);
    size_t sfifo_head = 0, sfifo_len = 0;
    nb_tile *tiles = malloc(ntiles * sizeof *tiles);
    size_t *received = calloc(ntiles, sizeof *received);
    int64_t *load_base = malloc(ntiles * sizeof *load_base);
    int64_t *last_vector = malloc(ntiles * sizeof *last_vector);
    in_flight *fifo = malloc((size_t)(d->latency + 4) * sizeof *fifo);
    uint8_t *w_codes = calloc(C, 1), *a_codes = calloc(R, 1), *a_tags = calloc(R, 1);
    uint16_t *a_values = calloc(R, sizeof *a_values);
    int64_t *psum_in = calloc(C, sizeof *psum_in), *psum_out = calloc(C, sizeof *psum_out);
    bool ok_alloc = true;
    if (!block_t || !tiles || !received || !load_base || !last_vector || !fifo || !w_codes || !a_codes ||
        !a_tags || !a_values || !psum_in || !psum_out) {
        free(facc_acc), free(blocks_done), free(facc_in), free(facc_o), free(w_scales), free(sfifo);
        free(xacc_acc), free(xacc_in), free(xacc_o);
        free(block_t);
        free(tiles), free(received), free(load_base), free(last_vector), free(fifo);
        free(w_codes), free(a_codes), free(a_tags), free(a_values), free(psum_in), free(psum_out);
        return nb_fail(err, "out of memory for a %zu-tile GEMM", ntiles);
    }
    nb_gemm_tiles(d, job, tiles);
    const nb_format *wf = &d->w[job->wsel], *af = &d->a[job->asel];
    size_t fifo_cap = (size_t)d->latency + 4, fifo_head = 0, fifo_len = 0;

    nb_port_in in = {.rst_n = false, .wfmt_sel = (uint32_t)job->wsel, .afmt_sel = (uint32_t)job->asel,
                     .w_codes = w_codes, .act_codes = a_codes, .psum = psum_in,
                     .act_tags = a_tags, .act_values = a_values, .w_scales = w_scales,
                     .facc = facc_in, .xacc = fixed ? xacc_in : NULL};
    nb_port_out out = {.psum = psum_out, .facc = facc_o, .xacc = fixed ? xacc_o : NULL};
    if (!facc_acc || !blocks_done || !facc_in || !facc_o || !w_scales || !sfifo || !xacc_acc ||
        !xacc_in || !xacc_o)
        ok_alloc = false;
    if (!ok_alloc) {
        free(tiles), free(received), free(load_base), free(last_vector), free(fifo);
        free(w_codes), free(a_codes), free(a_tags), free(a_values), free(psum_in), free(psum_out);
        free(facc_acc), free(blocks_done), free(facc_in), free(facc_o), free(w_scales), free(sfifo);
        free(xacc_acc), free(xacc_in), free(xacc_o);
        free(block_t);
        return nb_fail(err, "out of memory for a %zu-tile GEMM", ntiles);
    }
    /* two cycles of reset, selects already applied */
    for (int i = 0; i < 2; i++)
        nb_backend_step(b, &in, &out);
    in.rst_n = true;

    size_t li = 0, load_row = 0;     /* tile being loaded, next row */
    /* A tile's rows may be overwritten once the previous tile's last vector has
     * passed them (overlap) or has left the array. */
    int64_t reuse_after = nb_gemm_reuse_after(d, job);
    size_t si = 0, m_next = 0;       /* tile streaming, next vector */
    bool ok = true;
    int64_t t = 0, idle = 0, idle_limit = 4 * (int64_t)d->latency + 64;
    uint64_t vectors = 0;
    while (si < ntiles || fifo_len || sfifo_len) {
        /* ---- weight load: one row per cycle ---- */
        in.w_load = false;
        bool may_load = load_row > 0 || li == 0 || (si >= li && t >= last_vector[li - 1] + reuse_after);
        if (li < ntiles && may_load) {
            const nb_tile *tl = &tiles[li];
            if (load_row == 0)
                load_base[li] = t;
            for (size_t n = 0; n < C; n++) {
                bool real = load_row < tl->nrows && n < tl->ncols;
                w_codes[n] = real ? job->w_codes[(tl->n0 + n) * K + tl->k0 + load_row] : wf->zero_code;
            }
            in.w_load = true;
            in.w_row = (uint32_t)load_row;
            if (++load_row == R) {
                load_row = 0;
                li++;
            }
        }
        /* ---- stream: one activation vector per cycle when its inputs are ready ---- */
        in.act_valid = false;
        bool load_started = si < li || (si == li && load_row > 0);
        if (si < ntiles && load_started && t >= load_base[si] + 1 - wstage) {
            const nb_tile *tl = &tiles[si];
            bool psum_ready = tl->first_in_seg || received[si - 1] > m_next;
            /* a block's last tile: scaled scale_add_stages cycles after the previous
             * block of the same outputs at the earliest (gen/README.md) */
            bool last_in_seg = si + 1 == ntiles || tiles[si + 1].first_in_seg;
            bool scale_ready = !scaled || !last_in_seg || tl->seg == 0 ||
                               t >= block_t[m_next] + d->scale_add_stages;
            if (psum_ready && scale_ready) {
                if (scaled && last_in_seg)
                    block_t[m_next] = t;
                for (size_t k = 0; k < R; k++) {
                    size_t at = m_next * K + tl->k0 + k;
                    bool real = k < tl->nrows;
                    a_codes[k] = real && job->a_codes ? job->a_codes[at] : af->zero_code;
                    a_tags[k] = real && job->a_tags ? job->a_tags[at] : 0;
                    /* past the end of K the encoder sees a non-zero guard (times a zero
                     * weight), so chains stay within the real rows as in the golden */
                    a_values[k] = real && job->a_values ? job->a_values[at]
                                                        : (uint16_t)(1u << nb_overq_input_frac(d->overq_mode));
                }
                for (size_t n = 0; n < C; n++) {
                    if (n >= tl->ncols)
                        psum_in[n] = 0;
                    else if (!tl->first_in_seg)
                        psum_in[n] = seg_out[(tl->seg * M + m_next) * N + tl->n0 + n];
                    else
                        psum_in[n] = job->init ? job->init[m_next * N + tl->n0 + n] : 0;
                }
                in.act_valid = true;
                fifo[(fifo_head + fifo_len++) % fifo_cap] = (in_flight){si, m_next, t};
                vectors++;
                if (++m_next == M) {
                    last_vector[si] = t;
                    m_next = 0;
                    si++;
                }
            }
        }
        /* ---- scale stage, the addition's first cycle: the block scaled
         * scale_term_stages cycles ago is added to its outputs' accumulators ---- */
        in.facc_fwd = false;
        size_t cur = SIZE_MAX, prev = SIZE_MAX;
        int64_t dt = d->scale_term_stages, da = d->scale_add_stages;
        for (size_t i = 0; scaled && i < sfifo_len; i++) {
            /* an entry was scaled when its result left the array */
            int64_t ts = sfifo[(sfifo_head + i) % fifo_cap].t + d->latency;
            if (ts == t - dt)
                cur = i;
            else if (ts == t - dt - da)
                prev = i; /* its result is on out_facc_o now */
        }
        if (cur != SIZE_MAX) {
            in_flight f = sfifo[(sfifo_head + cur) % fifo_cap];
            const nb_tile *tl = &tiles[f.tile];
            size_t at = f.m * N + tl->n0;
            /* the previous block of these outputs, scaled exactly da cycles
             * earlier, is on out_facc_o now */
            bool fwd = prev != SIZE_MAX && sfifo[(sfifo_head + prev) % fifo_cap].m == f.m &&
                       tiles[sfifo[(sfifo_head + prev) % fifo_cap].tile].n0 == tl->n0 &&
                       blocks_done[at] + 1 == tl->seg;
            if (!fwd && blocks_done[at] != tl->seg) {
                ok = nb_fail(err, "cycle %lld: block %zu of output row %zu is accumulated before "
                             "block %zu came back (internal scheduling error)", (long long)t,
                             tl->seg, f.m, tl->seg - 1);
                break;
            }
            in.facc_fwd = fwd;
            for (size_t n = 0; n < C; n++) {
                facc_in[n] = n < tl->ncols ? facc_acc[at + n] : 0;
                if (fixed)
                    xacc_in[n] = n < tl->ncols ? xacc_acc[at + n] : 0;
            }
        }
        /* ---- scale stage, first cycle: a block's last tile leaves ---- */
        in.scale_en = false;
        if (scaled && fifo_len && fifo[fifo_head].t + d->latency == t) {
            in_flight f = fifo[fifo_head];
            const nb_tile *tl = &tiles[f.tile];
            if (f.tile + 1 == ntiles || tiles[f.tile + 1].first_in_seg) {
                in.scale_en = true;
                in.a_scale = job->a_scales[f.m * segs + tl->seg];
                for (size_t n = 0; n < C; n++)
                    w_scales[n] = n < tl->ncols ? job->w_scales[(tl->n0 + n) * segs + tl->seg] : 0;
                sfifo[(sfifo_head + sfifo_len++) % fifo_cap] = f;
            }
        }
        nb_backend_step(b, &in, &out);
        t++;
        if (out.facc_valid) {
            if (!sfifo_len) {
                ok = nb_fail(err, "cycle %lld: the scale stage produced an unexpected output",
                             (long long)(t - 1));
                break;
            }
            in_flight f = sfifo[sfifo_head];
            sfifo_head = (sfifo_head + 1) % fifo_cap;
            sfifo_len--;
            const nb_tile *tl = &tiles[f.tile];
            for (size_t n = 0; n < tl->ncols; n++) {
                facc_acc[f.m * N + tl->n0 + n] = facc_o[n];
                if (fixed)
                    xacc_acc[f.m * N + tl->n0 + n] = xacc_o[n];
                blocks_done[f.m * N + tl->n0 + n]++;
            }
        } else if (sfifo_len && fifo_len == 0 && si >= ntiles && idle > d->scale_latency + 1) {
            ok = nb_fail(err, "cycle %lld: the scale stage lost its valid signal", (long long)(t - 1));
            break;
        }
        idle = (in.act_valid || in.w_load) ? 0 : idle + 1;
        if (out.out_valid) {
            idle = 0;
            if (!fifo_len) {
                ok = nb_fail(err, "cycle %lld: the array produced an unexpected output",
                             (long long)(t - 1));
                break;
            }
            in_flight f = fifo[fifo_head];
            fifo_head = (fifo_head + 1) % fifo_cap;
            fifo_len--;
            const nb_tile *tl = &tiles[f.tile];
            for (size_t n = 0; n < tl->ncols; n++)
                seg_out[(tl->seg * M + f.m) * N + tl->n0 + n] = out.psum[n];
            received[f.tile]++;
        } else if (idle > idle_limit) {
            ok = nb_fail(err, "cycle %lld: no progress for %lld cycles with %zu vectors in flight "
                         "(latency %d); %s", (long long)(t - 1), (long long)idle, fifo_len,
                         d->latency, fifo_len ? "the array lost its valid signal"
                                              : "internal scheduling error");
            break;
        }
    }
    if (ok && scaled)
        for (size_t i = 0; i < M * N; i++)
            memcpy(&job->facc_out[i], &facc_acc[i], sizeof facc_acc[i]);
    if (st) {
        st->cycles = (uint64_t)t;
        st->busy_vectors = vectors;
        st->macs = (uint64_t)M * N * K;
        st->utilization = t ? (double)st->macs / ((double)t * (double)(R * C)) : 0;
        st->tiles = ntiles;
    }
    free(tiles), free(received), free(load_base), free(last_vector), free(fifo);
    free(w_codes), free(a_codes), free(a_tags), free(a_values), free(psum_in), free(psum_out);
    free(facc_acc), free(blocks_done), free(facc_in), free(facc_o), free(w_scales), free(sfifo);
    free(xacc_acc), free(xacc_in), free(xacc_o);
        free(block_t);
    return ok;
}
