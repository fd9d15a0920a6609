/* The scale stage of a block-scaled design in C: the golden block term and
 * binary32 addition (num/ block_gemm.h), with the RTL's one NaN pattern. */
#include <math.h>
#include <string.h>

#include "nibble/block_gemm.h"
#include "nibble/sim.h"

uint32_t nb_scale_stage(const nb_design *d, int64_t psum, unsigned w_scale, unsigned a_scale,
                        uint32_t facc)
{
    float acc, sum;
    memcpy(&acc, &facc, sizeof acc);
    float term = nb_block_term(psum, d->w_grid_frac + d->a_grid_frac, d->wblock.scale, w_scale,
                               d->ablock.scale, a_scale);
    sum = nb_f32_add(acc, term);
    if (isnan(sum))
        return 0x7FC00000u;
    uint32_t bits;
    memcpy(&bits, &sum, sizeof bits);
    return bits;
}
