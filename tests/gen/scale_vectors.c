/* scale_vectors WSCALE ASCALE ACC_BITS FRAC COUNT SEED
 * Prints COUNT test vectors for nibble_scale_col, one per line in hex:
 *   psum wscale ascale facc expected
 * expected = nb_f32_add(facc, nb_block_term(psum, FRAC, ...)) from the golden
 * library. The stimulus aims at the corners of both roundings: block sums of
 * every magnitude (and the accumulator's extremes), every scale code (E8M0
 * over its whole range, the NaN codes included), accumulators that cancel the
 * block term exactly or nearly, ties, subnormals, infinities and NaNs. */
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

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float bits_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* A block sum: a random number of significant bits, sometimes the extremes. */
static int64_t random_psum(int acc_bits)
{
    int64_t lo = -(INT64_C(1) << (acc_bits - 1)), hi = (INT64_C(1) << (acc_bits - 1)) - 1;
    switch (below(16)) {
    case 0: return lo;
    case 1: return hi;
    case 2: return 0;
    default: {
        int bits = 1 + (int)below((uint32_t)acc_bits - 1);
        int64_t v = (int64_t)(next() & ((UINT64_C(1) << bits) - 1));
        return below(2) ? -v : v;
    }
    }
}

/* Any code of the format (8 or 16 bits: NaN and infinity codes, negative
 * and subnormal FP16/BF16 scales included), the specials more often. */
static unsigned random_scale(nb_scale_fmt f)
{
    static const unsigned specials16[] = {0x0000, 0x8000, 0x0001, 0x7C00, 0xFC00, 0x7E00,
                                          0x7F80, 0xFF80, 0x7FC0, 0x3C00, 0x3F80};
    if (nb_scale_fmt_bits(f) == 8) {
        if (below(64) == 0)
            return f == NB_SF_E8M0 ? NB_E8M0_NAN : NB_UE4M3_NAN;
        return below(256);
    }
    if (below(16) == 0)
        return specials16[below(sizeof specials16 / sizeof specials16[0])];
    return below(65536);
}

/* An accumulator: related to the block term (to cancel it or tie with it)
 * or any binary32 pattern. */
static uint32_t random_facc(float term)
{
    uint32_t t = f32_bits(term);
    switch (below(12)) {
    case 0: return 0;
    case 1: return 0x80000000u;
    case 2: return t ^ 0x80000000u;                       /* exact cancellation */
    case 3: return (t ^ 0x80000000u) + below(5) - 2;      /* near cancellation */
    case 4: return t + below(5) - 2;                      /* same magnitude */
    case 5: return (t & 0xFF800000u) - (below(30) << 23); /* a power of two below: ties */
    case 6: return (t & 0x807FFFFFu) | ((uint32_t)below(256) << 23);
    case 7: return below(2) ? 0x7F800000u : 0xFF800000u;
    case 8: return below(0x00800000u) | (below(2) << 31); /* subnormal */
    default: return (uint32_t)next();
    }
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: scale_vectors WSCALE ASCALE ACC_BITS FRAC COUNT SEED\n");
        return 2;
    }
    nb_scale_fmt wsf, asf;
    nb_err err;
    if (!nb_scale_fmt_parse(argv[1], &wsf, &err) || !nb_scale_fmt_parse(argv[2], &asf, &err)) {
        fprintf(stderr, "scale_vectors: %s\n", err.msg);
        return 2;
    }
    int acc_bits = atoi(argv[3]), frac = atoi(argv[4]);
    long count = atol(argv[5]);
    state = strtoull(argv[6], NULL, 10);
    for (long i = 0; i < count; i++) {
        int64_t p = random_psum(acc_bits);
        unsigned wc = random_scale(wsf), ac = random_scale(asf);
        float term = nb_block_term(p, frac, wsf, wc, asf, ac);
        uint32_t facc = random_facc(term);
        float sum = nb_f32_add(bits_f32(facc), term);
        uint64_t pbits = (uint64_t)p & ((acc_bits == 64) ? ~UINT64_C(0)
                                                         : ((UINT64_C(1) << acc_bits) - 1));
        /* every NaN is printed as the RTL's quiet NaN; the testbench compares
         * patterns */
        uint32_t want = isnan(sum) ? 0x7FC00000u : f32_bits(sum);
        printf("%llx %x %x %08x %08x\n", (unsigned long long)pbits, wc, ac, facc, want);
    }
    return 0;
}
