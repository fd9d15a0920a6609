/* The scale stage of a block-scaled design in C: the golden block term and
 * binary32 addition (num/ block_gemm.h), with the RTL's one NaN pattern; and
 * the fixed-point accumulator's steps (nb_block_gemm_fixed's). */
#include <math.h>
#include <string.h>

#include "nibble/block_gemm.h"
#include "nibble/scale_format.h"
#include "nibble/sim.h"

static uint32_t bits_of(float f)
{
    if (isnan(f))
        return 0x7FC00000u;
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

uint32_t nb_scale_term(const nb_design *d, int64_t psum, unsigned w_scale, unsigned a_scale)
{
    return bits_of(nb_block_term(psum, d->w_grid_frac + d->a_grid_frac, d->wblock.scale, w_scale,
                                 d->ablock.scale, a_scale));
}

uint32_t nb_scale_add(uint32_t facc, uint32_t term)
{
    float a, t;
    memcpy(&a, &facc, sizeof a);
    memcpy(&t, &term, sizeof t);
    return bits_of(nb_f32_add(a, t));
}

uint32_t nb_scale_stage(const nb_design *d, int64_t psum, unsigned w_scale, unsigned a_scale,
                        uint32_t facc)
{
    return nb_scale_add(facc, nb_scale_term(d, psum, w_scale, a_scale));
}

/* ---- the fixed-point accumulator ---- */

static uint64_t flag_of(const nb_design *d)
{
    return UINT64_C(1) << d->fixed.bits;
}

/* The register's value: its low `bits` bits, sign-extended. */
static int64_t reg_value(const nb_design *d, uint64_t xacc)
{
    return nb_acc_fit((int64_t)(xacc & (flag_of(d) - 1)), d->fixed.bits, NB_ACC_WRAP);
}

int64_t nb_scale_fixed_term(const nb_design *d, int64_t psum, unsigned w_scale, unsigned a_scale,
                            bool *nan)
{
    *nan = w_scale == NB_E8M0_NAN || a_scale == NB_E8M0_NAN;
    if (*nan)
        return 0;
    long s = nb_block_fixed_shift(w_scale, a_scale, d->w_grid_frac + d->a_grid_frac, &d->fixed);
    return nb_block_fixed_shifted(psum, s, &d->fixed);
}

uint64_t nb_scale_fixed_add(const nb_design *d, uint64_t xacc, int64_t term, bool term_nan)
{
    int64_t acc = reg_value(d, xacc);
    /* a NaN block leaves the register as it is (nb_block_gemm_fixed) */
    int64_t next = term_nan ? acc : nb_acc_fit(acc + term, d->fixed.bits, d->fixed.mode);
    bool nan = term_nan || (xacc & flag_of(d));
    return ((uint64_t)next & (flag_of(d) - 1)) | (nan ? flag_of(d) : 0);
}

uint32_t nb_scale_fixed_f32(const nb_design *d, uint64_t xacc)
{
    if (xacc & flag_of(d))
        return 0x7FC00000u;
    return bits_of(nb_block_fixed_out(reg_value(d, xacc), &d->fixed));
}

uint64_t nb_scale_fixed_stage(const nb_design *d, int64_t psum, unsigned w_scale, unsigned a_scale,
                              uint64_t xacc)
{
    bool nan;
    int64_t t = nb_scale_fixed_term(d, psum, w_scale, a_scale, &nan);
    return nb_scale_fixed_add(d, xacc, t, nan);
}
