/* Element formats from a spec against independent facts: the OCP MX v1.0 and
 * OCP FP8 tables (E2M1, E3M2, E2M3, E4M3, E5M2), the FP8 "fnuz" convention
 * (Graphcore/AMD: bias 2^(E-1), 0x80 the only NaN), hand-computed ties and
 * saturation; exhaustive decode/encode round trips; aliases give identical
 * code tables; bad specs are refused with a message naming the problem. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "nibble/num.h"

static nb_exmy spec_ok(const char *text)
{
    nb_exmy s;
    nb_err err = {{0}};
    cr_assert(nb_exmy_parse(text, &s, &err), "parse %s: %s", text, err.msg);
    return s;
}

static nb_format format_ok(const char *text)
{
    nb_format f;
    nb_err err = {{0}};
    cr_assert(nb_format_parse(text, NULL, &f, &err), "format %s: %s", text, err.msg);
    return f;
}

static unsigned enc(const nb_exmy *s, double x)
{
    unsigned c = 999;
    nb_err err = {{0}};
    cr_assert(nb_exmy_encode(s, x, &c, &err), "encode %g: %s", x, err.msg);
    return c;
}

/* The formats the regression and the tests list; every one round-trips. */
static const char *const LISTED[] = {
    "fp:e2m1", "fp:e3m2", "fp:e2m3", "fp:e4m3:special=fn", "fp:e5m2:special=ieee",
    "fp:e4m3:special=fnuz", "fp:e5m2:special=fnuz", "fp:e4m3:special=ieee", "fp:e3m0",
    "fp:e1m2:sub=none", "fp:e2m1:super=range", "fp:e2m1:super=precision", "fp:e3m2:sub=none",
    "fp:e2m2:bias=0", "fp:e1m0", "fp:e1m6", "fp:e5m0:special=fn", "int:2", "int:3", "int:8",
    "int:4:range=full", "uint:2", "uint:6", "uint:8",
};

Test(exmy, ocp_e2m1_values)
{
    nb_exmy s = spec_ok("fp:e2m1");
    const double want[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
    for (unsigned c = 0; c < 8; c++) {
        cr_assert_eq(nb_exmy_decode(&s, c), want[c], "code %u", c);
        cr_assert_eq(nb_exmy_decode(&s, c | 8), -want[c], "code %u", c | 8);
    }
    cr_assert(signbit(nb_exmy_decode(&s, 8)), "1000 is negative zero");
}

Test(exmy, ocp_fp6)
{
    nb_exmy e3m2 = spec_ok("fp:e3m2"), e2m3 = spec_ok("fp:e2m3");
    /* OCP MX 5.3.2: E3M2 bias 3, max 28 = 1.75 x 2^4 (0 111 11), min subnormal 2^-4 */
    cr_assert_eq(nb_exmy_max(&e3m2), 28);
    cr_assert_eq(nb_exmy_decode(&e3m2, 0x1F), 28);
    cr_assert_eq(nb_exmy_decode(&e3m2, 0x01), 0.0625);
    cr_assert_eq(nb_exmy_decode(&e3m2, 0x04), 0.25); /* min normal 2^-2 */
    /* E2M3 bias 1, max 7.5 = 1.875 x 2^2, min subnormal 2^-3, min normal 1 */
    cr_assert_eq(nb_exmy_max(&e2m3), 7.5);
    cr_assert_eq(nb_exmy_decode(&e2m3, 0x1F), 7.5);
    cr_assert_eq(nb_exmy_decode(&e2m3, 0x01), 0.125);
    cr_assert_eq(nb_exmy_decode(&e2m3, 0x08), 1.0);
    cr_assert_eq(nb_exmy_decode(&e2m3, 0x3F), -7.5);
}

Test(exmy, ocp_e4m3)
{
    nb_exmy s = spec_ok("fp:e4m3:bias=7:special=fn");
    cr_assert_eq(s.bias, 7);
    cr_assert_eq(nb_exmy_max(&s), 448);
    cr_assert_eq(nb_exmy_decode(&s, 0x7E), 448);      /* S.1111.110 */
    cr_assert_eq(nb_exmy_decode(&s, 0xFE), -448);
    cr_assert(isnan(nb_exmy_decode(&s, 0x7F)));        /* S.1111.111 */
    cr_assert(isnan(nb_exmy_decode(&s, 0xFF)));
    cr_assert_eq(nb_exmy_decode(&s, 0x78), 256);       /* 1111.000 is a normal */
    cr_assert_eq(nb_exmy_decode(&s, 0x01), ldexp(1, -9)); /* min subnormal 2^-9 */
    cr_assert_eq(nb_exmy_decode(&s, 0x08), ldexp(1, -6)); /* min normal 2^-6 */
    int nans = 0;
    for (unsigned c = 0; c < 256; c++)
        nans += isnan(nb_exmy_decode(&s, c));
    cr_assert_eq(nans, 2);
    cr_assert_eq(enc(&s, NAN), 0x7F);
    cr_assert_eq(enc(&s, 1e300), 0x7E, "saturates");
    cr_assert_eq(enc(&s, -INFINITY), 0xFE, "no inf: saturates");
    cr_assert_eq(enc(&s, 464), 0x7E, "above max, nearer 480 than 448: still 448");
}

Test(exmy, ocp_e5m2)
{
    nb_exmy s = spec_ok("fp:e5m2:special=ieee");
    cr_assert_eq(s.bias, 15);
    cr_assert_eq(nb_exmy_max(&s), 57344);
    cr_assert_eq(nb_exmy_decode(&s, 0x7B), 57344);           /* S.11110.11 */
    cr_assert_eq(nb_exmy_decode(&s, 0x7C), INFINITY);        /* S.11111.00 */
    cr_assert_eq(nb_exmy_decode(&s, 0xFC), -INFINITY);
    for (unsigned c = 0x7D; c <= 0x7F; c++) {
        cr_assert(isnan(nb_exmy_decode(&s, c)));
        cr_assert(isnan(nb_exmy_decode(&s, c | 0x80)));
    }
    cr_assert_eq(nb_exmy_decode(&s, 0x01), ldexp(1, -16));   /* min subnormal */
    cr_assert_eq(nb_exmy_decode(&s, 0x04), ldexp(1, -14));   /* min normal */
    cr_assert_eq(enc(&s, INFINITY), 0x7C);
    cr_assert_eq(enc(&s, -INFINITY), 0xFC);
    cr_assert_eq(enc(&s, 1e6), 0x7B, "finite overflow saturates");
    cr_assert(isnan(nb_exmy_decode(&s, enc(&s, NAN))));
    /* the table: inf/NaN codes decode to 0 in hardware and are never emitted */
    nb_format f = format_ok("fp:e5m2:special=ieee");
    cr_assert(f.nonfinite[0x7C] && !f.used[0x7C] && f.mant[0x7C] == 0);
    cr_assert_eq(f.num_values, 256 - 2 - 6 - 1);
    cr_assert_eq(f.frac_bits, 16);
    cr_assert_eq(f.mant[0x7B], 57344LL << 16, "33-bit grid mantissa");
}

Test(exmy, fnuz)
{
    /* E4M3FNUZ / E5M2FNUZ: bias one more than IEEE, 0x80 the only NaN, no -0,
     * max 240 and 57344, smallest subnormals 2^-10 and 2^-17. */
    nb_exmy a = spec_ok("fp:e4m3:special=fnuz"), b = spec_ok("fp:e5m2:special=fnuz");
    cr_assert_eq(a.bias, 8);
    cr_assert_eq(b.bias, 16);
    cr_assert_eq(nb_exmy_decode(&a, 0x7F), 240);
    cr_assert_eq(nb_exmy_decode(&a, 0xFF), -240);
    cr_assert_eq(nb_exmy_decode(&a, 0x01), ldexp(1, -10));
    cr_assert_eq(nb_exmy_decode(&b, 0x7F), 57344);
    cr_assert_eq(nb_exmy_decode(&b, 0x01), ldexp(1, -17));
    for (int i = 0; i < 2; i++) {
        nb_exmy *s = i ? &b : &a;
        int nans = 0;
        for (unsigned c = 0; c < 256; c++) {
            double v = nb_exmy_decode(s, c);
            nans += isnan(v);
            cr_assert(!isinf(v));
            cr_assert(!(v == 0 && signbit(v)), "no negative zero");
        }
        cr_assert_eq(nans, 1);
        cr_assert(isnan(nb_exmy_decode(s, 0x80)));
        cr_assert_eq(enc(s, NAN), 0x80);
        cr_assert_eq(enc(s, -0.0), 0x00);
    }
    nb_exmy c = spec_ok("fp:e4m3:bias=7:special=fnuz");
    cr_assert_eq(nb_exmy_max(&c), 480, "an explicit bias overrides the fnuz default");
}

/* Every finite code other than -0 comes back; NaN codes give a NaN code;
 * values between codes go to a neighbour; every midpoint ties to the even one. */
Test(exmy, exhaustive_round_trips)
{
    for (size_t i = 0; i < sizeof LISTED / sizeof LISTED[0]; i++) {
        nb_exmy s = spec_ok(LISTED[i]);
        unsigned n = 1u << s.bits, half = n / 2;
        for (unsigned c = 0; c < n; c++) {
            double v = nb_exmy_decode(&s, c);
            if (isnan(v)) {
                cr_assert(isnan(nb_exmy_decode(&s, enc(&s, v))), "%s code %u", LISTED[i], c);
                continue;
            }
            bool dropped = (v == 0 && c != 0) ||
                           (s.kind == NB_EXMY_INT && !s.int_full && c == half);
            unsigned back = enc(&s, v);
            if (!dropped)
                cr_assert_eq(back, c, "%s: code %u (%g) encodes back to %u", LISTED[i], c, v, back);
            else
                cr_assert_neq(back, c, "%s: code %u must never be emitted", LISTED[i], c);
        }
        /* the golden table agrees with decode */
        nb_format f = format_ok(LISTED[i]);
        for (unsigned c = 0; c < n; c++) {
            double v = nb_exmy_decode(&s, c);
            cr_assert_eq(f.nonfinite[c], !isfinite(v), "%s code %u", LISTED[i], c);
            if (isfinite(v))
                cr_assert_eq(f.hw[c], v, "%s code %u", LISTED[i], c);
        }
        /* between adjacent values: nearest; at the midpoint: the code with LSB 0 */
        for (int k = 0; k + 1 < f.num_values; k++) {
            double lo = f.values[k], hi = f.values[k + 1], mid = (lo + hi) / 2;
            unsigned clo = f.value_code[k], chi = f.value_code[k + 1];
            cr_assert_eq(enc(&s, lo + (hi - lo) / 4), clo, "%s near %g", LISTED[i], lo);
            cr_assert_eq(enc(&s, hi - (hi - lo) / 4), chi, "%s near %g", LISTED[i], hi);
            unsigned t = enc(&s, mid);
            if ((clo & 1) != (chi & 1))
                cr_assert_eq(t & 1, 0u, "%s tie %g went to odd code %u", LISTED[i], mid, t);
            else
                cr_assert_eq(t, fabs(lo) < fabs(hi) ? clo : chi, "%s tie %g", LISTED[i], mid);
            /* the quantizer's --rounding rne agrees wherever it is offered */
            if (f.supports_rne)
                cr_assert_eq(nb_round_to_code(&f, mid, NB_ROUND_NEAREST_EVEN), t, "%s tie %g",
                             LISTED[i], mid);
        }
    }
}

Test(exmy, ties_by_hand)
{
    nb_exmy s = spec_ok("fp:e2m1");
    cr_assert_eq(enc(&s, 1.25), 0x2);  /* 1 (0010) vs 1.5 (0011) */
    cr_assert_eq(enc(&s, 1.75), 0x4);  /* 1.5 vs 2 (0100): across the binade */
    cr_assert_eq(enc(&s, 2.5), 0x4);   /* 2 (0100) vs 3 (0101) */
    cr_assert_eq(enc(&s, 5), 0x6);     /* 4 (0110) vs 6 (0111) */
    cr_assert_eq(enc(&s, -0.25), 0x0); /* 0 vs -0.5: to zero (code 0) */
    cr_assert_eq(enc(&s, 0.25), 0x0);
    cr_assert_eq(enc(&s, 0.75), 0x2);  /* 0.5 (0001) vs 1 (0010) */
    cr_assert_eq(enc(&s, 7), 0x7, "beyond 6 saturates");
    nb_exmy sr = spec_ok("fp:e2m1:super=range"), sp = spec_ok("fp:e2m1:super=precision");
    cr_assert_eq(enc(&sr, 7), 0x8, "6 (0111) vs +8 (1000)");
    cr_assert_eq(enc(&sr, 100), 0x8, "saturates at the supernormal");
    cr_assert_eq(enc(&sp, 4.5), 0x6, "4 (0110) vs +5 (1000): both even, the smaller");
    cr_assert_eq(enc(&sp, 5.5), 0x8, "+5 (1000) vs 6 (0111)");
    nb_exmy i4 = spec_ok("int:4"), i4f = spec_ok("int:4:range=full"), u = spec_ok("uint:6");
    cr_assert_eq(enc(&i4, 2.5), 2);
    cr_assert_eq(enc(&i4, 3.5), 4);
    cr_assert_eq(enc(&i4, -9), 0x9, "symmetric int saturates at -7");
    cr_assert_eq(enc(&i4f, -9), 0x8);
    cr_assert_eq(enc(&u, -3), 0);
    cr_assert_eq(enc(&u, 1000), 63);
    nb_err err = {{0}};
    unsigned c;
    cr_assert(!nb_exmy_encode(&s, NAN, &c, &err));
    cr_assert(strstr(err.msg, "no NaN code"), "%s", err.msg);
}

static void same_table(const char *alias, const char *spec)
{
    nb_format a = format_ok(alias), b = format_ok(spec);
    cr_assert_eq(a.num_codes, b.num_codes, "%s vs %s", alias, spec);
    cr_assert_eq(a.frac_bits, b.frac_bits, "%s vs %s", alias, spec);
    cr_assert_eq(a.mant_bits, b.mant_bits, "%s vs %s", alias, spec);
    cr_assert_eq(a.zero_code, b.zero_code, "%s vs %s", alias, spec);
    cr_assert_eq(a.supports_rne, b.supports_rne, "%s vs %s", alias, spec);
    for (int c = 0; c < a.num_codes; c++) {
        cr_assert_eq(a.ideal[c], b.ideal[c], "%s vs %s code %d", alias, spec, c);
        cr_assert_eq(a.used[c], b.used[c], "%s vs %s code %d", alias, spec, c);
        cr_assert_eq(a.mant[c], b.mant[c], "%s vs %s code %d", alias, spec, c);
    }
    cr_assert_eq(a.num_values, b.num_values);
    for (int i = 0; i < a.num_values; i++)
        cr_assert_eq(a.value_code[i], b.value_code[i], "%s vs %s value %d", alias, spec, i);
}

Test(exmy, named_formats_are_specs)
{
    same_table("e2m1", "fp:e2m1:special=none");
    same_table("e2m1", "fp:e2m1");
    same_table("e2m1-sr", "fp:e2m1:super=range");
    same_table("e2m1-sp", "fp:e2m1:super=precision");
    same_table("e2m1-sp1", "fp:e2m1:super=2.5");
    same_table("e2m1-ns", "fp:e2m1:sub=none");
    same_table("e1m2", "fp:e1m2:sub=none");
    same_table("e3m0", "fp:e3m0:sub=none");
    same_table("int4", "int:4");
    same_table("int4-full", "int:4:range=full");
    same_table("int8", "int:8");
    same_table("uint4", "uint:4");
}

Test(exmy, canonical_names)
{
    cr_assert_str_eq(format_ok("FP:E4M3:BIAS=7:Special=FN").name, "fp:e4m3:special=fn");
    cr_assert_str_eq(format_ok("fp:e4m3:special=fnuz:bias=8").name, "fp:e4m3:special=fnuz");
    cr_assert_str_eq(format_ok("fp:e4m3:bias=8").name, "fp:e4m3:bias=8");
    cr_assert_str_eq(format_ok("fp:e2m1:super=2.5:sub=ieee").name, "fp:e2m1:super=2.5");
    cr_assert_str_eq(format_ok("int:4:range=sym").name, "int:4");
    cr_assert_str_eq(format_ok("uint:6").name, "uint:6");
}

static void refused(const char *spec, const char *want)
{
    nb_format f;
    nb_err err = {{0}};
    cr_assert(!nb_format_parse(spec, NULL, &f, &err), "%s was accepted", spec);
    cr_assert(strstr(err.msg, want), "%s: message '%s' lacks '%s'", spec, err.msg, want);
}

Test(exmy, bad_specs)
{
    refused("fp:e5m3", "has 9 bits");
    refused("fp:e4m4:special=fn", "element formats have 2 to 8 bits");
    refused("int:9", "has 9 bits");
    refused("uint:1", "has 1 bits");
    refused("int:0", "has 0 bits");
    refused("fp:e4m3:bias=16", "outside the exponent range");
    refused("fp:e4m3:bias=-1", "outside the exponent range");
    refused("fp:e4m3:bias=x", "outside the exponent range");
    refused("fp:e4m3:special=nan", "unknown special-value policy special=nan");
    refused("fp:e4m3:sub=flush", "unknown subnormal policy");
    refused("fp:e4m3:round=rne", "unknown option 'round'");
    refused("fp:e4m3:special", "malformed option");
    refused("fp:e4m3:special=fn:special=ieee", "given twice");
    refused("fp:e4m3:", "malformed option");
    refused("fp:4m3", "malformed element format");
    refused("fp:e4", "malformed element format");
    refused("fp:e+4m3", "malformed element format");
    refused("fp:e0m3", "no exponent bits");
    refused("fp:", "malformed element format");
    refused("int:", "malformed element format");
    refused("int:4x", "malformed element format");
    refused("int:4:range=wide", "unknown integer range");
    refused("uint:4:range=full", "unknown option");
    refused("fp:e6m1", "too many binades");
    refused("fp:e7m0", "too many binades");
    refused("fp:e4m3:special=fnuz:super=range", "special=fnuz");
    refused("fp:e2m1:super=4", "already the value");
    refused("fp:e2m1:super=0.25", "multiple of the format's smallest step");
    refused("fp:e2m1:super=16", "at most 8");
    refused("fp:e2m1:super=big", "neither range, precision");
}
