/* The C cycle model of nibble_top: the same outputs on the same cycles as the
 * RTL, computed vector by vector instead of register by register.
 *
 * Timing it reproduces (see gen/README.md): a vector presented in cycle t is
 * seen by PE(k, n) in cycle T = t + 1 + k + n, which decodes the activation
 * with the afmt select of cycle T and uses the weight code and wfmt select of
 * cycle T (T + 1 with two pipeline stages); its result leaves in cycle t + L.
 * Weight loads presented in cycle t are visible from t + 2, select changes
 * from t + 1. Each vector is computed from precomputed product rows, keeping
 * the previous version of a row while the next tile's weights are loaded into
 * it (overlapped loading), so a vector still in flight sees old weights in the
 * PEs it reaches early and new ones after; anything more unusual (a format
 * switch mid-flight, two loads of a row within one flight) replays the event
 * log so every PE gets the value it really saw. */
#include <stdlib.h>
#include <string.h>

#include "nibble/sim.h"

enum { EV_ROW, EV_WFMT, EV_AFMT };

typedef struct cm_event {
    int64_t eff;      /* first cycle the new value is visible */
    int kind;
    int row;
    uint32_t value;
    uint8_t codes[NB_ARRAY_DIM_MAX];
} cm_event;

typedef struct cm_vector {
    int64_t t_in;
    uint8_t codes[NB_ARRAY_DIM_MAX];
    uint8_t tags[NB_ARRAY_DIM_MAX];   /* OverQ slot tags (all NORMAL without OverQ) */
    int64_t psum[NB_ARRAY_DIM_MAX];
} cm_vector;

typedef struct cmodel {
    nb_backend base;
    int R, C, L, A;           /* rows, cols, latency, activation codes (1 << bits) */
    int nwsel, nasel;         /* table count: formats + one all-zero table */
    int64_t t;

    int64_t *wdec;            /* [nwsel][256] aligned weight mantissas (zero table last) */
    int64_t *adec;            /* [nasel][256] */
    int64_t max_prod;         /* bound on |product| for the saturation fast path */

    /* State with every recorded event applied ("all") and with events up to
     * the fold point applied ("base"); the log holds the events in between. */
    uint8_t *w_all, *w_base;  /* [R][C] */
    uint32_t wfmt_all, afmt_all, wfmt_base, afmt_base;
    uint32_t wfmt_last_in, afmt_last_in;
    cm_event *log;
    size_t log_cap, log_head, log_len;

    cm_vector *queue;
    size_t q_cap, q_head, q_len;

    bool out_valid;
    int64_t *out_psum;
    /* the scale stage's registers (block-scaled designs, gen/README.md): the
     * block term's (term[scale_term_stages - 1] is term_q), the addition's
     * inner ones (sum[k] after its cycle k + 1) and the output register facc */
    bool facc_valid, term_valid[2], sum_valid[2];
    uint32_t facc[NB_ARRAY_DIM_MAX], term[2][NB_ARRAY_DIM_MAX], sum[2][NB_ARRAY_DIM_MAX];
    /* the fixed-point accumulator's: term_q (the shifted sum, its NaN bit)
     * and out_facc_o (out_f32_o is facc) */
    int64_t xterm[NB_ARRAY_DIM_MAX];
    bool xterm_nan[NB_ARRAY_DIM_MAX];
    uint64_t xacc[NB_ARRAY_DIM_MAX], xsum[NB_ARRAY_DIM_MAX]; /* xsum: sum_q (3 cycles) */

    /* Product rows: two slots per row, the current weights ("all" state) and
     * the ones before the latest load, so a vector that passes a row while it
     * is reloaded (overlapped loading) still uses tables. */
    int64_t *prodtab;         /* [2][R][A][C] */
    uint8_t *cur_slot;        /* [R] slot of the current version */
    int64_t *ver_eff;         /* [R][2] first cycle each slot's version is visible */
    bool *prev_ok;            /* [R] the other slot holds the previous version's table */
    bool *row_dirty;          /* [R] the current slot needs rebuilding */
    bool all_dirty, any_dirty;
    int64_t last_fmt_eff;     /* latest format-select change */
    int64_t *acc;             /* [C] scratch */
} cmodel;

static int64_t *prod_row(const cmodel *m, int slot, int k, unsigned a)
{
    return m->prodtab + (((size_t)slot * m->R + (size_t)k) * m->A + a) * m->C;
}

static uint32_t sel_mask(int bits, uint32_t v)
{
    return bits ? v & ((1u << bits) - 1) : 0;
}

/* Table index of a select value: out-of-range selects decode to 0 as in RTL. */
static int sel_index(uint32_t sel, int n)
{
    return sel < (uint32_t)n ? (int)sel : n;
}

static void record(cmodel *m, const cm_event *ev)
{
    if (m->log_len == m->log_cap) {
        /* grow (rare: only with very frequent reconfiguration) */
        size_t cap = m->log_cap * 2;
        cm_event *grown = malloc(cap * sizeof *grown);
        if (!grown)
            abort();
        for (size_t i = 0; i < m->log_len; i++)
            grown[i] = m->log[(m->log_head + i) % m->log_cap];
        free(m->log);
        m->log = grown;
        m->log_cap = cap;
        m->log_head = 0;
    }
    m->log[(m->log_head + m->log_len++) % m->log_cap] = *ev;
    if (ev->kind == EV_ROW) {
        int k = ev->row;
        memcpy(m->w_all + (size_t)k * m->C, ev->codes, (size_t)m->C);
        /* the current table becomes the previous version, if it was built */
        m->prev_ok[k] = !m->row_dirty[k] && !m->all_dirty;
        m->cur_slot[k] ^= 1;
        m->ver_eff[2 * k + m->cur_slot[k]] = ev->eff;
        m->row_dirty[k] = true;
        m->any_dirty = true;
    } else {
        if (ev->kind == EV_WFMT)
            m->wfmt_all = ev->value;
        else
            m->afmt_all = ev->value;
        m->all_dirty = m->any_dirty = true;
        m->last_fmt_eff = ev->eff;
        for (int k = 0; k < m->R; k++)
            m->prev_ok[k] = false;
    }
}

static void apply_to(const cmodel *m, const cm_event *ev, uint8_t *w, uint32_t *wfmt, uint32_t *afmt)
{
    if (ev->kind == EV_ROW)
        memcpy(w + (size_t)ev->row * m->C, ev->codes, (size_t)m->C);
    else if (ev->kind == EV_WFMT)
        *wfmt = ev->value;
    else
        *afmt = ev->value;
}

static void fold(cmodel *m, int64_t upto)
{
    while (m->log_len && m->log[m->log_head].eff <= upto) {
        apply_to(m, &m->log[m->log_head], m->w_base, &m->wfmt_base, &m->afmt_base);
        m->log_head = (m->log_head + 1) % m->log_cap;
        m->log_len--;
    }
}

static void rebuild_row(cmodel *m, int k)
{
    const int64_t *wd = m->wdec + (size_t)sel_index(m->wfmt_all, m->nwsel - 1) * 256;
    const int64_t *ad = m->adec + (size_t)sel_index(m->afmt_all, m->nasel - 1) * 256;
    const uint8_t *w = m->w_all + (size_t)k * m->C;
    for (int a = 0; a < m->A; a++) {
        int64_t *row = prod_row(m, m->cur_slot[k], k, (unsigned)a);
        for (int n = 0; n < m->C; n++)
            row[n] = wd[w[n]] * ad[a];
    }
    m->row_dirty[k] = false;
}

static void refresh_tables(cmodel *m)
{
    if (!m->any_dirty)
        return;
    for (int k = 0; k < m->R; k++)
        if (m->all_dirty || m->row_dirty[k])
            rebuild_row(m, k);
    m->all_dirty = false;
    m->any_dirty = false;
}

static int64_t fit(const cmodel *m, int64_t v)
{
    return nb_acc_fit(v, m->base.design->acc_bits, m->base.design->acc_mode);
}

/* OverQ: does this vector's tag make row k use the PE above? (the select
 * that enables tags is the one in effect while the vector is decoded) */
static bool overq_active(const cmodel *m, uint32_t afmt)
{
    const nb_design *d = m->base.design;
    return d->tag_bits && (d->na == 1 || (int)afmt == d->overq_index);
}

/* A tagged product scaled as the PE does: HIGH x16, LOW /16 (an arithmetic
 * shift; LOW exists only in precision mode, elsewhere tag 3 scales like MOVED). */
static int64_t tag_scale(const cmodel *m, int64_t p, unsigned tag)
{
    if (tag == NB_TAG_HIGH)
        return p * 16;
    if (tag == NB_TAG_LOW && m->base.design->overq_mode == NB_OVERQ_RANGE_PRECISION)
        return nb_floor_div16(p);
    return p;
}

/* The hot loop: one product row into the column accumulators. An AVX2 clone
 * is picked at load time where the CPU has it. */
__attribute__((target_clones("avx2", "default"))) static void add_row(int64_t *restrict acc,
                                                                      const int64_t *restrict row,
                                                                      int from, int to)
{
    for (int n = from; n < to; n++)
        acc[n] += row[n];
}

static void add_row_fit(const cmodel *m, int64_t *restrict acc, const int64_t *restrict row,
                        int from, int to)
{
    for (int n = from; n < to; n++)
        acc[n] = fit(m, acc[n] + row[n]);
}

/* A tagged OverQ row: the products of the row above, scaled by the tag. */
static void add_row_tagged(const cmodel *m, int64_t *restrict acc, const int64_t *restrict row,
                           int from, int to, unsigned tag, bool per_step)
{
    for (int n = from; n < to; n++) {
        int64_t p = tag_scale(m, row[n], tag);
        acc[n] = per_step ? fit(m, acc[n] + p) : acc[n] + p;
    }
}

/* Which table the PEs of a row use for a vector whose column-0 PE samples
 * the weights of `row` at cycle `first` (row k's own weights, or row k-1's
 * for an OverQ slot): columns [0, split) the previous version, [split, C)
 * the current one. False if neither holds what some PE saw (then the log
 * must be replayed). */
static bool weights_split(const cmodel *m, int row, int64_t first, int *split)
{
    int cur = m->cur_slot[row];
    int64_t eff = m->ver_eff[2 * row + cur];
    if (eff <= first) {
        *split = 0;
        return true;
    }
    if (!m->prev_ok[row] || m->ver_eff[2 * row + (cur ^ 1)] > first)
        return false;
    int64_t s = eff - first;
    *split = s > m->C ? m->C : (int)s;
    return true;
}

/* Result of one vector from the product tables; false if it needs the log. */
static bool compute_fast(cmodel *m, const cm_vector *v, int64_t *out)
{
    const nb_design *d = m->base.design;
    int R = m->R, C = m->C, wstage = d->pipeline >= 2 ? 1 : 0;
    if (m->last_fmt_eff > v->t_in + 1)
        return false;
    refresh_tables(m);
    bool tagged = overq_active(m, m->afmt_all);
    int split[NB_ARRAY_DIM_MAX];
    for (int k = 0; k < R; k++) {
        int row = tagged && v->tags[k] ? k - 1 : k; /* OverQ slots use the row above */
        if (row >= 0 && !weights_split(m, row, v->t_in + 1 + k + wstage, &split[k]))
            return false;
    }
    int64_t *acc = m->acc;
    int64_t worst = 0;
    for (int n = 0; n < C; n++) {
        acc[n] = v->psum[n];
        int64_t a = acc[n] < 0 ? -acc[n] : acc[n];
        if (a > worst)
            worst = a;
    }
    /* Wrap-around is modular, so one fit at the end equals a fit per step;
     * saturation needs per-step fits only if the sum can leave the range. */
    bool per_step = d->acc_mode == NB_ACC_SATURATE &&
                    worst + (int64_t)R * m->max_prod > nb_acc_max(d->acc_bits);
    for (int k = 0; k < R; k++) {
        unsigned tag = tagged ? v->tags[k] : 0;
        int row = tag ? k - 1 : k;
        if (row < 0)
            continue; /* the top row has no PE above: it adds nothing */
        int cur = m->cur_slot[row];
        const int64_t *now = prod_row(m, cur, row, v->codes[k]);
        const int64_t *before = prod_row(m, cur ^ 1, row, v->codes[k]);
        if (tag) {
            add_row_tagged(m, acc, before, 0, split[k], tag, per_step);
            add_row_tagged(m, acc, now, split[k], C, tag, per_step);
        } else if (per_step) {
            add_row_fit(m, acc, before, 0, split[k]);
            add_row_fit(m, acc, now, split[k], C);
        } else {
            add_row(acc, before, 0, split[k]);
            add_row(acc, now, split[k], C);
        }
    }
    for (int n = 0; n < C; n++)
        out[n] = per_step ? acc[n] : fit(m, acc[n]);
    return true;
}

/* The event log replayed for one row: the row's weight codes and the format
 * selects as they stand at a cycle that only moves forward. */
typedef struct row_cursor {
    uint8_t w[NB_ARRAY_DIM_MAX];
    uint32_t wfmt, afmt;
    size_t next;          /* next log entry to apply */
} row_cursor;

static void cursor_start(const cmodel *m, int k, row_cursor *c)
{
    memcpy(c->w, m->w_base + (size_t)k * m->C, (size_t)m->C);
    c->wfmt = m->wfmt_base;
    c->afmt = m->afmt_base;
    c->next = 0;
}

static void cursor_advance(const cmodel *m, int k, row_cursor *c, int64_t when)
{
    while (c->next < m->log_len) {
        const cm_event *ev = &m->log[(m->log_head + c->next) % m->log_cap];
        if (ev->eff > when)
            break;
        if (ev->kind == EV_ROW) {
            if (ev->row == k)
                memcpy(c->w, ev->codes, (size_t)m->C);
        } else if (ev->kind == EV_WFMT) {
            c->wfmt = ev->value;
        } else {
            c->afmt = ev->value;
        }
        c->next++;
    }
}

/* A vector in flight while weights or selects changed: every PE gets the
 * values of its own sampling cycle, replayed row by row from the log. */
static void compute_exact(cmodel *m, const cm_vector *v, int64_t *out)
{
    int wstage = m->base.design->pipeline >= 2 ? 1 : 0;
    int64_t *acc = m->acc;
    for (int n = 0; n < m->C; n++)
        acc[n] = v->psum[n];
    for (int k = 0; k < m->R; k++) {
        /* PE(k, n) decodes the activation at T = t_in + 1 + k + n and reads the
         * weights (its own, and for OverQ the one above) at T + wstage. */
        row_cursor ca, cw, cu;
        cursor_start(m, k, &ca);
        cursor_start(m, k, &cw);
        cursor_start(m, k > 0 ? k - 1 : 0, &cu);
        for (int n = 0; n < m->C; n++) {
            int64_t T = v->t_in + 1 + k + n;
            cursor_advance(m, k, &ca, T);
            cursor_advance(m, k, &cw, T + wstage);
            cursor_advance(m, k > 0 ? k - 1 : 0, &cu, T + wstage);
            unsigned tag = overq_active(m, ca.afmt) ? v->tags[k] : 0;
            const int64_t *wdec = m->wdec + (size_t)sel_index(cw.wfmt, m->nwsel - 1) * 256;
            int64_t wm = tag == 0 ? wdec[cw.w[n]] : k > 0 ? wdec[cu.w[n]] : 0;
            int64_t am = m->adec[(size_t)sel_index(ca.afmt, m->nasel - 1) * 256 + v->codes[k]];
            acc[n] = fit(m, acc[n] + tag_scale(m, wm * am, tag));
        }
    }
    memcpy(out, acc, (size_t)m->C * sizeof *out);
}

static void cmodel_step(nb_backend *b, const nb_port_in *in, nb_port_out *out)
{
    cmodel *m = (cmodel *)b;
    const nb_design *d = b->design;
    out->out_valid = m->out_valid;
    memcpy(out->psum, m->out_psum, (size_t)m->C * sizeof *out->psum);
    out->facc_valid = m->facc_valid;
    if (out->facc)
        memcpy(out->facc, m->facc, (size_t)m->C * sizeof *out->facc);
    if (out->xacc)
        memcpy(out->xacc, m->xacc, (size_t)m->C * sizeof *out->xacc);

    /* ---- the clock edge at the end of cycle t ---- */
    if (d->scale_fixed) {
        /* the fixed-point stage: the addition one cycle after the term, the
         * conversion in the same cycle or (3 cycles) the next; forwarding
         * reads the output register before the edge rewrites it */
        bool two = d->scale_add_stages == 2;
        bool last = in->rst_n && (two ? m->sum_valid[0] : m->term_valid[0]);
        uint64_t mask = (UINT64_C(1) << d->facc_bits) - 1, next[NB_ARRAY_DIM_MAX];
        bool add = in->rst_n && m->term_valid[0];
        for (int n = 0; n < m->C; n++) {
            uint64_t acc = in->facc_fwd ? m->xacc[n] : in->xacc ? in->xacc[n] & mask : 0;
            uint64_t sum = add ? nb_scale_fixed_add(d, acc, m->xterm[n], m->xterm_nan[n]) : 0;
            next[n] = two ? m->xsum[n] : sum;
            if (two)
                m->xsum[n] = sum;
        }
        if (two)
            m->sum_valid[0] = add;
        for (int n = 0; n < m->C; n++) {
            m->xacc[n] = last ? next[n] : 0;
            m->facc[n] = last ? nb_scale_fixed_f32(d, next[n]) : 0;
        }
        m->facc_valid = last;
        bool fire = in->rst_n && m->out_valid && in->scale_en;
        for (int n = 0; n < m->C; n++) {
            bool nan = false;
            m->xterm[n] = fire ? nb_scale_fixed_term(d, m->out_psum[n],
                                                     in->w_scales ? in->w_scales[n] & 0xFFu : 0,
                                                     in->a_scale & 0xFFu, &nan)
                               : 0;
            m->xterm_nan[n] = nan;
        }
        m->term_valid[0] = fire;
    } else if (d->block_scaled) {
        /* The values are the golden library's, computed once: the term when the
         * block is scaled, the sum in the addition's first cycle (the only one
         * that reads the accumulator); the other registers only delay them.
         * Every stage's valid bit also needs rst_ni in the cycle it moves. */
        int dt = d->scale_term_stages, da = d->scale_add_stages;
        size_t row = (size_t)m->C * sizeof(uint32_t);
        /* the addition's last cycle: into the output register */
        bool last = da == 1 ? in->rst_n && m->term_valid[dt - 1] : in->rst_n && m->sum_valid[da - 2];
        uint32_t next[NB_ARRAY_DIM_MAX];
        if (da == 1) {
            /* forwarding reads the output register before this edge rewrites it */
            for (int n = 0; n < m->C; n++) {
                uint32_t acc = in->facc_fwd ? m->facc[n] : in->facc ? in->facc[n] : 0;
                next[n] = nb_scale_add(acc, m->term[dt - 1][n]);
            }
        } else {
            memcpy(next, m->sum[da - 2], row);
            for (int k = da - 2; k > 0; k--) {
                m->sum_valid[k] = in->rst_n && m->sum_valid[k - 1];
                memcpy(m->sum[k], m->sum[k - 1], row);
            }
            /* the addition's first cycle */
            m->sum_valid[0] = in->rst_n && m->term_valid[dt - 1];
            for (int n = 0; n < m->C; n++) {
                uint32_t acc = in->facc_fwd ? m->facc[n] : in->facc ? in->facc[n] : 0;
                m->sum[0][n] = m->sum_valid[0] ? nb_scale_add(acc, m->term[dt - 1][n]) : 0;
            }
        }
        for (int n = 0; n < m->C; n++)
            m->facc[n] = last ? next[n] : 0;
        m->facc_valid = last;
        /* the block term: a second term cycle delays it by one register */
        if (dt == 2) {
            m->term_valid[1] = in->rst_n && m->term_valid[0];
            memcpy(m->term[1], m->term[0], row);
        }
        /* this cycle's out_psum_o (before the edge) times the scales */
        bool fire = in->rst_n && m->out_valid && in->scale_en;
        uint32_t wmask = (1u << d->w_scale_bits) - 1, amask = (1u << d->a_scale_bits) - 1;
        for (int n = 0; n < m->C; n++)
            m->term[0][n] = fire ? nb_scale_term(d, m->out_psum[n],
                                                 in->w_scales ? in->w_scales[n] & wmask : 0,
                                                 in->a_scale & amask)
                                 : 0;
        m->term_valid[0] = fire;
    }
    int64_t t = m->t;
    if (!in->rst_n) {
        m->q_len = 0;
        m->out_valid = false;
        memset(m->out_psum, 0, (size_t)m->C * sizeof *m->out_psum);
    } else {
        if (in->act_valid) {
            cm_vector *v = &m->queue[(m->q_head + m->q_len++) % m->q_cap];
            v->t_in = t;
            uint32_t amask = (uint32_t)m->A - 1, tmask = (1u << d->tag_bits) - 1;
            if (d->overq_encoder) {
                /* the encoder block sits right behind the input registers */
                uint16_t u[NB_ARRAY_DIM_MAX];
                for (int k = 0; k < m->R; k++)
                    u[k] = (uint16_t)(in->act_values[k] & ((1u << d->act_value_bits) - 1));
                nb_overq_params p = {d->cascade, d->overq_mode, 0};
                nb_overq_encode(u, (size_t)m->R, &p, v->codes, v->tags, NULL);
            } else {
                for (int k = 0; k < m->R; k++) {
                    v->codes[k] = (uint8_t)(in->act_codes[k] & amask);
                    v->tags[k] = d->tag_bits ? (uint8_t)(in->act_tags[k] & tmask) : 0;
                }
            }
            for (int n = 0; n < m->C; n++)
                v->psum[n] = nb_acc_fit(in->psum[n], d->acc_bits, NB_ACC_WRAP);
        }
        cm_vector *head = m->q_len ? &m->queue[m->q_head] : NULL;
        if (head && head->t_in + m->L - 1 == t) {
            if (!compute_fast(m, head, m->out_psum))
                compute_exact(m, head, m->out_psum);
            m->out_valid = true;
            m->q_head = (m->q_head + 1) % m->q_cap;
            m->q_len--;
        } else {
            m->out_valid = false;
            memset(m->out_psum, 0, (size_t)m->C * sizeof *m->out_psum);
        }
    }

    /* ---- events presented this cycle ---- */
    cm_event ev;
    uint32_t wfmt = sel_mask(d->w_sel_bits, in->wfmt_sel), afmt = sel_mask(d->a_sel_bits, in->afmt_sel);
    if (wfmt != m->wfmt_last_in) {
        ev.eff = t + 1;
        ev.kind = EV_WFMT;
        ev.value = wfmt;
        record(m, &ev);
        m->wfmt_last_in = wfmt;
    }
    if (afmt != m->afmt_last_in) {
        ev.eff = t + 1;
        ev.kind = EV_AFMT;
        ev.value = afmt;
        record(m, &ev);
        m->afmt_last_in = afmt;
    }
    uint32_t row = in->w_row & ((1u << d->row_addr_bits) - 1);
    if (in->rst_n && in->w_load && row < (uint32_t)m->R) {
        ev.eff = t + 2;
        ev.kind = EV_ROW;
        ev.row = (int)row;
        uint32_t wmask = (1u << d->w_code_bits) - 1;
        for (int n = 0; n < m->C; n++)
            ev.codes[n] = (uint8_t)(in->w_codes[n] & wmask);
        record(m, &ev);
    }
    /* every vector still to be computed has its first sample after t - L + 1 */
    fold(m, t - m->L + 2);
    m->t = t + 1;
}

static void cmodel_destroy(nb_backend *b)
{
    cmodel *m = (cmodel *)b;
    free(m->wdec);
    free(m->adec);
    free(m->w_all);
    free(m->w_base);
    free(m->log);
    free(m->queue);
    free(m->out_psum);
    free(m->prodtab);
    free(m->cur_slot);
    free(m->ver_eff);
    free(m->prev_ok);
    free(m->row_dirty);
    free(m->acc);
    free(m);
}

static const nb_backend_ops CMODEL_OPS = {cmodel_step, cmodel_destroy, NULL};

/* Aligned decode table of each format of a set over every code of the port
 * (a 4-bit format in an 8-bit set reads the low 4 bits), plus a zero table. */
static int64_t *decode_tables(const nb_design *d, bool weights)
{
    int n = weights ? d->nw : d->na;
    int64_t *t = calloc((size_t)(n + 1) * 256, sizeof *t);
    if (!t)
        return NULL;
    for (int i = 0; i < n; i++) {
        nb_operand op = weights ? nb_design_w_operand(d, i) : nb_design_a_operand(d, i);
        for (int c = 0; c < 256; c++)
            t[(size_t)i * 256 + c] = nb_operand_mant(&op, (unsigned)c & (unsigned)(op.fmt->num_codes - 1));
    }
    return t;
}

nb_backend *nb_cmodel_new(const nb_design *d, nb_err *err)
{
    cmodel *m = calloc(1, sizeof *m);
    if (!m)
        return nb_fail(err, "out of memory"), NULL;
    m->base.ops = &CMODEL_OPS;
    m->base.design = d;
    snprintf(m->base.name, sizeof m->base.name, "c-model");
    m->R = d->rows;
    m->C = d->cols;
    m->L = d->latency;
    m->A = 1 << d->a_code_bits;
    m->nwsel = d->nw + 1;
    m->nasel = d->na + 1;
    m->wdec = decode_tables(d, true);
    m->adec = decode_tables(d, false);
    m->w_all = calloc((size_t)m->R * m->C, 1);
    m->w_base = calloc((size_t)m->R * m->C, 1);
    m->log_cap = 64;
    m->log = calloc(m->log_cap, sizeof *m->log);
    m->q_cap = (size_t)m->L + 2;
    m->queue = calloc(m->q_cap, sizeof *m->queue);
    m->out_psum = calloc((size_t)m->C, sizeof *m->out_psum);
    m->prodtab = calloc(2 * (size_t)m->R * m->A * m->C, sizeof *m->prodtab);
    m->cur_slot = calloc((size_t)m->R, 1);
    m->ver_eff = calloc(2 * (size_t)m->R, sizeof *m->ver_eff);
    m->prev_ok = calloc((size_t)m->R, sizeof *m->prev_ok);
    m->row_dirty = calloc((size_t)m->R, sizeof *m->row_dirty);
    m->acc = calloc((size_t)m->C, sizeof *m->acc);
    m->all_dirty = m->any_dirty = true;
    if (!m->wdec || !m->adec || !m->w_all || !m->w_base || !m->log || !m->queue || !m->out_psum ||
        !m->prodtab || !m->cur_slot || !m->ver_eff || !m->prev_ok || !m->row_dirty || !m->acc) {
        cmodel_destroy(&m->base);
        return nb_fail(err, "out of memory for the C model of a %dx%d array", d->rows, d->cols),
               NULL;
    }
    for (int i = 0; i < d->nw; i++)
        for (int j = 0; j < d->na; j++) {
            nb_operand w = nb_design_w_operand(d, i), a = nb_design_a_operand(d, j);
            int64_t p = nb_product_max_abs(&w, &a) * (d->tag_bits ? 16 : 1); /* HIGH slots */
            if (p > m->max_prod)
                m->max_prod = p;
        }
    return &m->base;
}

void nb_cmodel_outputs(const nb_backend *b, nb_port_out *out)
{
    const cmodel *m = (const cmodel *)b;
    out->out_valid = m->out_valid;
    memcpy(out->psum, m->out_psum, (size_t)m->C * sizeof *out->psum);
    out->facc_valid = m->facc_valid;
    if (out->facc)
        memcpy(out->facc, m->facc, (size_t)m->C * sizeof *out->facc);
    if (out->xacc)
        memcpy(out->xacc, m->xacc, (size_t)m->C * sizeof *out->xacc);
}

void nb_backend_free(nb_backend *b)
{
    if (b)
        b->ops->destroy(b);
}

bool nb_backend_finish(nb_backend *b, nb_err *err)
{
    return !b || !b->ops->finish || b->ops->finish(b, err);
}
