/* F16 and BF16 widening against values computed here from the bit fields with ldexp. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "nibble/tensor_io.h"

static uint32_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* Finite binary16 value from its fields, in double (exact). */
static double f16_ref(uint16_t h)
{
    int s = h >> 15, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v = e == 0 ? ldexp(m, -24) : ldexp(1024 + m, e - 25);
    return s ? -v : v;
}

/* The same for bfloat16: 8 exponent bits, bias 127, 7 mantissa bits. */
static double bf16_ref(uint16_t b)
{
    int s = b >> 15, e = (b >> 7) & 0xff, m = b & 0x7f;
    double v = e == 0 ? ldexp(m, -133) : ldexp(128 + m, e - 134);
    return s ? -v : v;
}

Test(half, f16_edges)
{
    const struct {
        uint16_t h;
        double want;
    } cases[] = {
        {0x0000, 0.0},
        {0x0001, ldexp(1, -24)},                 /* smallest subnormal */
        {0x03ff, ldexp(1023, -24)},              /* largest subnormal */
        {0x0400, ldexp(1, -14)},                 /* smallest normal */
        {0x3c00, 1.0},
        {0x3555, 1365.0 / 4096},                 /* 0.333251953125 */
        {0xc000, -2.0},
        {0x7bff, 65504.0},
        {0x7c00, INFINITY},
        {0xfc00, -INFINITY},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        float got = nb_f16_to_f32(cases[i].h);
        cr_expect(got == (float)cases[i].want, "f16 0x%04x: got %.9g want %.9g", cases[i].h,
                  got, cases[i].want);
    }
    float nz = nb_f16_to_f32(0x8000);
    cr_expect(nz == 0 && signbit(nz), "0x8000 must be -0, got %g", nz);
    cr_expect(!signbit(nb_f16_to_f32(0x0000)));
    float nan = nb_f16_to_f32(0x7e00);
    cr_expect(isnan(nan) && !signbit(nan), "0x7e00 is a positive NaN");
}

Test(half, f16_nan_payload_kept_quiet)
{
    /* signalling NaN 0x7c01: payload 1 survives in the top mantissa bits, quiet bit set */
    uint32_t u = bits(nb_f16_to_f32(0x7c01));
    cr_expect_eq(u, 0x7fc02000u, "got 0x%08x", u);
    u = bits(nb_f16_to_f32(0xfe00));
    cr_expect_eq(u, 0xffc00000u, "got 0x%08x", u);
}

Test(half, f16_all_codes)
{
    for (uint32_t c = 0; c <= 0xffff; c++) {
        uint16_t h = (uint16_t)c;
        float got = nb_f16_to_f32(h);
        int e = (h >> 10) & 0x1f, m = h & 0x3ff;
        cr_assert_eq(!!signbit(got), h >> 15, "f16 0x%04x: sign", h);
        if (e == 0x1f && m == 0) {
            cr_assert(isinf(got), "f16 0x%04x: want inf, got %g", h, got);
        } else if (e == 0x1f) {
            uint32_t u = bits(got);
            cr_assert(isnan(got), "f16 0x%04x: want NaN, got %g", h, got);
            cr_assert_eq((u >> 13) & 0x3ff, (uint32_t)m | 0x200, "f16 0x%04x: payload", h);
        } else {
            double want = f16_ref(h);
            cr_assert((double)got == want, "f16 0x%04x: got %.17g want %.17g", h, got, want);
        }
    }
}

Test(half, bf16_edges)
{
    cr_expect(nb_bf16_to_f32(0x3f80) == 1.0f);
    cr_expect((double)nb_bf16_to_f32(0x0001) == ldexp(1, -133), "smallest subnormal");
    cr_expect((double)nb_bf16_to_f32(0x7f7f) == (2 - ldexp(1, -7)) * ldexp(1, 127), "max");
    cr_expect(nb_bf16_to_f32(0xff80) == -INFINITY);
    cr_expect(nb_bf16_to_f32(0x7f80) == INFINITY);
    float nan = nb_bf16_to_f32(0x7fc0);
    cr_expect(isnan(nan) && !signbit(nan));
    cr_expect_eq(bits(nb_bf16_to_f32(0x7f81)), 0x7fc10000u, "sNaN quieted, payload kept");
    float nz = nb_bf16_to_f32(0x8000);
    cr_expect(nz == 0 && signbit(nz));
}

Test(half, bf16_all_finite_codes)
{
    for (uint32_t c = 0; c <= 0xffff; c++) {
        uint16_t b = (uint16_t)c;
        if (((b >> 7) & 0xff) == 0xff)
            continue;
        float got = nb_bf16_to_f32(b);
        cr_assert((double)got == bf16_ref(b) && !!signbit(got) == (b >> 15),
                  "bf16 0x%04x: got %.9g want %.9g", b, got, bf16_ref(b));
    }
}
