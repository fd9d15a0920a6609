/* Exact rounding of an integer times a power of two to IEEE binary32 (round
 * to nearest, ties to even), on integers only: the block-scaled GEMM's one
 * rounding of each block value. */
#include <float.h>
#include <math.h>

#include "nibble/block_gemm.h"

/* Index of the highest set bit of hi:lo (which is nonzero). */
static int msb128(uint64_t hi, uint64_t lo)
{
    int n = 0;
    uint64_t w = hi ? hi : lo;
    while (w >>= 1)
        n++;
    return hi ? n + 64 : n;
}

/* Bits [s, s+64) of hi:lo (s >= 0), and whether any bit below s is set. */
static uint64_t shr128(uint64_t hi, uint64_t lo, int s, int *sticky)
{
    uint64_t q, rest;
    if (s == 0) {
        q = lo;
        rest = 0;
    } else if (s < 64) {
        q = (lo >> s) | (hi << (64 - s));
        rest = lo & ((UINT64_C(1) << s) - 1);
    } else if (s == 64) {
        q = hi;
        rest = lo;
    } else if (s < 128) {
        q = hi >> (s - 64);
        rest = lo | (hi & ((UINT64_C(1) << (s - 64)) - 1));
    } else {
        q = 0;
        rest = lo | hi;
    }
    *sticky = rest != 0;
    return q;
}

float nb_f32_round_scaled(int sign, uint64_t hi, uint64_t lo, int exp2)
{
    if (!hi && !lo)
        return sign < 0 ? -0.0f : 0.0f;
    int t = msb128(hi, lo);
    long e = (long)t + exp2; /* value in [2^e, 2^(e+1)) */
    if (e > FLT_MAX_EXP - 1)
        return sign < 0 ? -INFINITY : INFINITY;
    /* Quantum of the result: 2^(e - 23) for normals, 2^-149 below 2^-126. */
    long q = e - (FLT_MANT_DIG - 1);
    if (q < FLT_MIN_EXP - FLT_MANT_DIG)
        q = FLT_MIN_EXP - FLT_MANT_DIG; /* -149 */
    long s = q - exp2;                  /* drop s low bits of the magnitude */
    uint64_t m;
    if (s <= 0) {
        m = lo << -s; /* exact: fewer than 24 significant bits */
    } else if (s > 130) {
        m = 0; /* far below half the smallest subnormal */
        return sign < 0 ? -0.0f : 0.0f;
    } else {
        int sticky;
        m = shr128(hi, lo, (int)s - 1, &sticky); /* keeps the rounding bit */
        int round = (int)(m & 1);
        m >>= 1;
        if (round && (sticky || (m & 1)))
            m++;
    }
    /* m <= 2^24; ldexpf is exact for every representable result, and gives
     * infinity when rounding carried past the largest binade. */
    float r = ldexpf((float)m, (int)q);
    return sign < 0 ? -r : r;
}
