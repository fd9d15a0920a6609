/* Two backends driven with the same inputs, compared on every cycle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/sim.h"

typedef struct lockstep {
    nb_backend base;
    nb_backend *a, *b;
    int64_t *psum_b;
    uint32_t facc_a[NB_ARRAY_DIM_MAX], facc_b[NB_ARRAY_DIM_MAX];
    uint64_t xacc_a[NB_ARRAY_DIM_MAX], xacc_b[NB_ARRAY_DIM_MAX]; /* fixed-point out_facc_o */
    uint64_t cycle;
    nb_mismatch first;
} lockstep;

static void lockstep_step(nb_backend *self, const nb_port_in *in, nb_port_out *out)
{
    lockstep *l = (lockstep *)self;
    bool fixed = self->design->scale_fixed;
    nb_port_out ob = {.psum = l->psum_b, .facc = l->facc_b, .xacc = fixed ? l->xacc_b : NULL};
    /* the scale stage's outputs are compared even when the caller does not
     * read them */
    uint32_t *caller_facc = out->facc;
    uint64_t *caller_xacc = out->xacc;
    out->facc = l->facc_a;
    out->xacc = fixed ? l->xacc_a : NULL;
    nb_backend_step(l->a, in, out);
    nb_backend_step(l->b, in, &ob);
    out->facc = caller_facc;
    out->xacc = caller_xacc;
    if (caller_facc)
        memcpy(caller_facc, l->facc_a, (size_t)self->design->cols * sizeof *caller_facc);
    if (caller_xacc && fixed)
        memcpy(caller_xacc, l->xacc_a, (size_t)self->design->cols * sizeof *caller_xacc);
    if (!l->first.found) {
        int col = -2;
        if (out->out_valid != ob.out_valid)
            col = -1;
        else
            for (int n = 0; n < self->design->cols && col == -2; n++)
                if (out->psum[n] != ob.psum[n])
                    col = n;
        /* block-scaled designs: out_facc_valid_o and out_facc_o (bit patterns) */
        if (col == -2 && self->design->block_scaled) {
            if (out->facc_valid != ob.facc_valid)
                col = -1;
            for (int n = 0; n < self->design->cols && col == -2; n++)
                if (l->facc_a[n] != l->facc_b[n])
                    col = n;
            /* the fixed-point register (out_facc_o), reported as its bits */
            for (int n = 0; fixed && n < self->design->cols && col == -2; n++)
                if (l->xacc_a[n] != l->xacc_b[n]) {
                    l->first = (nb_mismatch){true, l->cycle, n, out->facc_valid, ob.facc_valid,
                                             (int64_t)l->xacc_a[n], (int64_t)l->xacc_b[n], true};
                    break;
                }
            if (col != -2) {
                l->first = (nb_mismatch){true, l->cycle, col, out->facc_valid, ob.facc_valid,
                                         col >= 0 ? l->facc_a[col] : 0,
                                         col >= 0 ? l->facc_b[col] : 0, true};
                col = -2;
            }
        }
        if (col != -2) {
            l->first = (nb_mismatch){true, l->cycle, col, out->out_valid, ob.out_valid,
                                     col >= 0 ? out->psum[col] : 0, col >= 0 ? ob.psum[col] : 0, false};
        }
    }
    l->cycle++;
}

static void lockstep_destroy(nb_backend *self)
{
    lockstep *l = (lockstep *)self;
    nb_backend_free(l->a);
    nb_backend_free(l->b);
    free(l->psum_b);
    free(l);
}

static bool lockstep_finish(nb_backend *self, nb_err *err)
{
    lockstep *l = (lockstep *)self;
    bool a = nb_backend_finish(l->a, err);
    return nb_backend_finish(l->b, err) && a;
}

static const nb_backend_ops LOCKSTEP_OPS = {lockstep_step, lockstep_destroy, lockstep_finish};

nb_backend *nb_lockstep_new(nb_backend *a, nb_backend *b)
{
    lockstep *l = calloc(1, sizeof *l);
    int64_t *buf = calloc((size_t)a->design->cols, sizeof *buf);
    if (!l || !buf) {
        free(l);
        free(buf);
        return NULL;
    }
    l->base.ops = &LOCKSTEP_OPS;
    l->base.design = a->design;
    snprintf(l->base.name, sizeof l->base.name, "%s|%s", a->name, b->name);
    l->a = a;
    l->b = b;
    l->psum_b = buf;
    return &l->base;
}

const nb_mismatch *nb_lockstep_mismatch(const nb_backend *self)
{
    return &((const lockstep *)self)->first;
}

void nb_lockstep_clear(nb_backend *self)
{
    ((lockstep *)self)->first.found = false;
}
