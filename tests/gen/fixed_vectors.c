/* fixed_vectors ACC_BITS FRAC BITS LSB wrap|sat SEED
 * Prints one test vector for the fixed-point scale stage (nibble_fixed_term
 * into nibble_fixed_add) per pair of E8M0 scale codes, all 65536 pairs (the
 * NaN code 0xFF included), one line each in hex:
 *   psum wscale ascale acc_in acc_out f32
 * acc_in / acc_out: the register (BITS bits, two's complement) with the NaN
 * flag at bit BITS. Expected values from the golden library's steps of
 * nb_block_gemm_fixed: nb_block_fixed_shift, nb_block_fixed_shifted, the
 * fit of acc + term (nb_acc_fit), nb_block_fixed_out. The block sums and
 * registers aim at the corners: the extremes, zero, sums that just fit or
 * overflow after the shift, registers that cancel or overflow with the term. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/block_gemm.h"
#include "nibble/scale_format.h"

static uint64_t state;

static uint64_t next(void)
{
    uint64_t z = (state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
    return (uint32_t)(next() % n);
}

/* A signed value of up to `bits` bits: the extremes, zero, small, any. */
static int64_t random_signed(int bits)
{
    int64_t lo = -(INT64_C(1) << (bits - 1)), hi = (INT64_C(1) << (bits - 1)) - 1;
    switch (below(16)) {
    case 0: return lo;
    case 1: return hi;
    case 2: return 0;
    case 3: return below(2) ? 1 : -1;
    default: {
        int b = 1 + (int)below((uint32_t)bits - 1);
        int64_t v = (int64_t)(next() & ((UINT64_C(1) << b) - 1));
        return below(2) ? -v : v;
    }
    }
}

static uint64_t low_bits(int64_t v, int bits)
{
    return (uint64_t)v & ((UINT64_C(1) << bits) - 1);
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: fixed_vectors ACC_BITS FRAC BITS LSB wrap|sat SEED\n");
        return 2;
    }
    int acc_bits = atoi(argv[1]), frac = atoi(argv[2]);
    nb_block_fixed_acc f = {.bits = atoi(argv[3]), .lsb_exp = atoi(argv[4]),
                            .mode = strcmp(argv[5], "sat") == 0 ? NB_ACC_SATURATE : NB_ACC_WRAP};
    state = strtoull(argv[6], NULL, 10);
    for (unsigned ew = 0; ew < 256; ew++)
        for (unsigned ea = 0; ea < 256; ea++) {
            int64_t p = random_signed(acc_bits);
            bool nan_in = below(32) == 0, nan_t = ew == NB_E8M0_NAN || ea == NB_E8M0_NAN;
            int64_t t = nan_t ? 0 : nb_block_fixed_shifted(p, nb_block_fixed_shift(ew, ea, frac, &f), &f);
            int64_t acc;
            switch (below(8)) {
            case 0: /* cancels the term, or nearly (when it fits the register) */
                acc = nb_acc_fit(-t + (int64_t)below(3) - 1, f.bits, NB_ACC_SATURATE);
                break;
            case 1: /* overflows with it */
                acc = t >= 0 ? nb_acc_max(f.bits) - (int64_t)below(4) : nb_acc_min(f.bits) + (int64_t)below(4);
                break;
            default: acc = random_signed(f.bits);
            }
            int64_t out = nan_t ? acc : nb_acc_fit(acc + t, f.bits, f.mode);
            bool nan = nan_in || nan_t;
            float v = nb_block_fixed_out(out, &f);
            uint32_t bits;
            memcpy(&bits, &v, sizeof bits);
            if (nan)
                bits = 0x7FC00000u;
            uint64_t flag = UINT64_C(1) << f.bits;
            printf("%llx %x %x %llx %llx %08x\n", (unsigned long long)low_bits(p, acc_bits), ew, ea,
                   (unsigned long long)(low_bits(acc, f.bits) | (nan_in ? flag : 0)),
                   (unsigned long long)(low_bits(out, f.bits) | (nan ? flag : 0)), bits);
        }
    return 0;
}
