/* Scale formats against published bit patterns and independent conversions:
 * E8M0 (OCP MX 5.4.1), UE4M3 (OCP E4M3 fn, positive), FP16, BF16. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "nibble/num.h"

Test(scale_format, e8m0_decode)
{
    cr_assert_eq(nb_scale_decode(NB_SF_E8M0, 127), 1.0);
    cr_assert_eq(nb_scale_decode(NB_SF_E8M0, 0), ldexp(1, -127));
    cr_assert_eq(nb_scale_decode(NB_SF_E8M0, 254), ldexp(1, 127));
    cr_assert_eq(nb_scale_decode(NB_SF_E8M0, 130), 8.0);
    cr_assert(isnan(nb_scale_decode(NB_SF_E8M0, 0xFF)), "0xFF is the E8M0 NaN");
    for (unsigned c = 0; c < 255; c++)
        cr_assert(nb_scale_decode(NB_SF_E8M0, c) > 0, "E8M0 has no zero (code %u)", c);
}

/* OCP 8-bit floating point spec, E4M3 table: bias 7, max normal S.1111.110 = 448,
 * min normal 2^-6, min subnormal 2^-9, S.1111.111 = NaN. */
Test(scale_format, ue4m3_decode_published_values)
{
    const struct {
        unsigned code;
        double v;
    } t[] = {{0x00, 0},     {0x01, 0x1p-9},   {0x07, 7 * 0x1p-9}, {0x08, 0x1p-6},
             {0x38, 1.0},   {0x39, 1.125},    {0x3F, 1.875},      {0x40, 2.0},
             {0x58, 16.0},  {0x76, 224.0}, {0x7D, 416.0},    {0x7E, 448.0}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        cr_assert_eq(nb_scale_decode(NB_SF_UE4M3, t[i].code), t[i].v, "code 0x%02X", t[i].code);
    cr_assert(isnan(nb_scale_decode(NB_SF_UE4M3, 0x7F)));
    cr_assert(isnan(nb_scale_decode(NB_SF_UE4M3, 0x80)), "bit 7 set is not a UE4M3 code");
    cr_assert(isnan(nb_scale_decode(NB_SF_UE4M3, 0xB8)));
    cr_assert_eq(nb_scale_fmt_max_value(NB_SF_UE4M3), 448.0);
}

Test(scale_format, fp16_bf16_decode_published_values)
{
    cr_assert_eq(nb_scale_decode(NB_SF_FP16, 0x3C00), 1.0);
    cr_assert_eq(nb_scale_decode(NB_SF_FP16, 0x7BFF), 65504.0);
    cr_assert_eq(nb_scale_decode(NB_SF_FP16, 0x0001), 0x1p-24);
    cr_assert_eq(nb_scale_decode(NB_SF_FP16, 0x0400), 0x1p-14);
    cr_assert_eq(nb_scale_decode(NB_SF_FP16, 0x3555), 0.333251953125);
    cr_assert_eq(nb_scale_decode(NB_SF_FP16, 0xC000), -2.0);
    cr_assert_eq(nb_scale_decode(NB_SF_FP16, 0x7C00), INFINITY);
    cr_assert(isnan(nb_scale_decode(NB_SF_FP16, 0x7E00)));
    cr_assert_eq(nb_scale_decode(NB_SF_BF16, 0x3F80), 1.0);
    cr_assert_eq(nb_scale_decode(NB_SF_BF16, 0x4049), 3.140625);
    cr_assert_eq(nb_scale_decode(NB_SF_BF16, 0x7F7F), 0x1.fep127);
    cr_assert_eq(nb_scale_decode(NB_SF_BF16, 0x0001), 0x1p-133);
    cr_assert_eq(nb_scale_decode(NB_SF_BF16, 0xFF80), -INFINITY);
    cr_assert(isnan(nb_scale_decode(NB_SF_BF16, 0x7FC0)));
}

/* Every positive finite code decodes to a value that encodes back to it. */
Test(scale_format, every_code_round_trips)
{
    for (int f = 0; f < NB_SF_COUNT; f++)
        for (unsigned c = 0; c <= nb_scale_fmt_max_code((nb_scale_fmt)f); c++) {
            double v = nb_scale_decode((nb_scale_fmt)f, c);
            cr_assert_eq(nb_scale_encode_ratio((nb_scale_fmt)f, v, 1.0), c, "%s code %u",
                         nb_scale_fmt_name((nb_scale_fmt)f), c);
        }
}

/* E4M3 rounding: nearest, ties to even mantissa, saturation at 448. */
Test(scale_format, ue4m3_rounding_and_saturation)
{
    const struct {
        double v;
        unsigned code;
    } t[] = {
        {1.0625, 0x38},       /* tie between 1 (m=0) and 1.125 (m=1): even -> 1 */
        {1.0625 + 1e-9, 0x39},
        {1.1875, 0x3A},       /* tie between 1.125 and 1.25: even -> 1.25 */
        {17.0, 0x58},         /* tie between 16 and 18 -> 16 */
        {19.0, 0x5A},         /* tie between 18 and 20 -> 20 */
        {440.0, 0x7E},        /* nearer 448 */
        {432.0, 0x7E},        /* tie between 416 (m=5) and 448 (m=6): 448 */
        {400.0, 0x7C},        /* tie between 384 (m=4) and 416 (m=5): 384 */
        {448.0, 0x7E},
        {464.0, 0x7E},        /* IEEE RNE would give 480 (NaN in E4M3): saturates */
        {1000.0, 0x7E},
        {1e30, 0x7E},
        {0x1p-10, 0x00},      /* tie between 0 and the smallest subnormal: 0 */
        {0x1p-10 + 0x1p-30, 0x01},
        {3 * 0x1p-10, 0x02},  /* tie between 2^-9 and 2^-8: 2^-8 (m=2) */
        {0, 0x00},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        unsigned want = t[i].code;
        cr_assert_eq(nb_scale_encode_ratio(NB_SF_UE4M3, t[i].v, 1.0), want, "%.17g -> 0x%02X, got "
                     "0x%02X", t[i].v, want, nb_scale_encode_ratio(NB_SF_UE4M3, t[i].v, 1.0));
    }
    /* The ratio form decides ties exactly: 6 * 17 / 6 is a tie, 102 / 6 = 17. */
    cr_assert_eq(nb_scale_encode_ratio(NB_SF_UE4M3, 102.0, 6.0), 0x58);
    cr_assert_eq(nb_scale_encode_ratio(NB_SF_UE4M3, nextafter(102.0, 200), 6.0), 0x59);
}

/* BF16 RNE against the well-known integer trick on the binary32 pattern. */
static uint16_t bf16_reference(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return (uint16_t)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

Test(scale_format, bf16_encode_matches_bit_trick)
{
    uint64_t state = 88172645463325252ull;
    for (int i = 0; i < 200000; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        uint32_t bits = (uint32_t)state & 0x7F7FFFFFu; /* positive, finite, below BF16 max */
        float f;
        memcpy(&f, &bits, 4);
        if (f > 0x1.fep127f)
            continue;
        cr_assert_eq(nb_scale_encode_ratio(NB_SF_BF16, f, 1.0), bf16_reference(f),
                     "float bits 0x%08X", bits);
    }
    /* Half-way patterns: 0x3F808000 is a tie between 0x3F80 and 0x3F81 -> 0x3F80. */
    float tie;
    uint32_t tb = 0x3F808000u;
    memcpy(&tie, &tb, 4);
    cr_assert_eq(nb_scale_encode_ratio(NB_SF_BF16, tie, 1.0), 0x3F80);
}

/* FP16 RNE against the compiler's IEEE binary16 conversion. */
Test(scale_format, fp16_encode_matches_compiler)
{
    uint64_t state = 2463534242ull;
    for (int i = 0; i < 200000; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        /* magnitudes from 2^-26 to 2^16 */
        double v = ldexp(1.0 + (double)(state >> 11) * 0x1p-53, (int)(state % 42) - 26);
        float f = (float)v;
        if (f >= 65504.0f)
            continue;
        _Float16 h = (_Float16)f;
        uint16_t hb;
        memcpy(&hb, &h, 2);
        cr_assert_eq(nb_scale_encode_ratio(NB_SF_FP16, f, 1.0), hb, "%.9g", (double)f);
    }
    cr_assert_eq(nb_scale_encode_ratio(NB_SF_FP16, 70000.0, 1.0), 0x7BFF, "saturates");
}

Test(scale_format, names_and_bad_names)
{
    nb_scale_fmt f;
    nb_err err;
    cr_assert(nb_scale_fmt_parse("E8M0", &f, &err) && f == NB_SF_E8M0);
    cr_assert(nb_scale_fmt_parse("e4m3", &f, &err) && f == NB_SF_UE4M3);
    cr_assert(nb_scale_fmt_parse("half", &f, &err) && f == NB_SF_FP16);
    cr_assert(nb_scale_fmt_parse("bf16", &f, &err) && f == NB_SF_BF16);
    cr_assert_not(nb_scale_fmt_parse("e8m8", &f, &err));
    cr_assert(strstr(err.msg, "'e8m8' is 17 bits wide"), "%s", err.msg);
    cr_assert_not(nb_scale_fmt_parse("ue5m4", &f, &err));
    cr_assert(strstr(err.msg, "9 bits wide"), "%s", err.msg);
    cr_assert_not(nb_scale_fmt_parse("fp8", &f, &err));
    cr_assert(strstr(err.msg, "unknown scale format 'fp8'; valid scale formats: e8m0"), "%s",
              err.msg);
}
