/* The scale stage of a block-scaled design in C: the golden block term and
 * binary32 addition (num/ block_gemm.h), with the RTL's one NaN pattern. */
#include <math.h>
#include <string.h>

#include "nibble/block_gemm.h"
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
