/* Every codebook against the published values (shared/reference/formats.md),
 * the NF4/SF4 construction reproduced to 1e-6, names, aliases and bad input. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/num.h"
#include "test_support.h"

static nb_format parse_ok(const char *spec)
{
    nb_format f;
    nb_err err = {{0}};
    cr_assert(nb_format_parse(spec, NULL, &f, &err), "parse %s: %s", spec, err.msg);
    return f;
}

/* Check the format's ideal values of used codes, sorted, against `want`. */
static void expect_values(const char *spec, const double *want, int n, double tol)
{
    nb_format f = parse_ok(spec);
    double got[NB_MAX_CODES];
    int m = 0;
    for (int c = 0; c < f.num_codes; c++)
        if (f.used[c])
            got[m++] = f.ideal[c];
    cr_assert_eq(m, n, "%s: %d values, want %d", spec, m, n);
    /* insertion sort (tiny) */
    for (int i = 1; i < m; i++)
        for (int j = i; j > 0 && got[j] < got[j - 1]; j--) {
            double t = got[j];
            got[j] = got[j - 1];
            got[j - 1] = t;
        }
    for (int i = 0; i < n; i++)
        cr_assert(fabs(got[i] - want[i]) <= tol, "%s value %d: got %.9g want %.9g", spec, i,
                  got[i], want[i]);
}

static const double E2M1[] = {-6, -4, -3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 4, 6};

Test(formats, e2m1_is_ocp_fp4)
{
    expect_values("e2m1", E2M1, 15, 0);
    nb_format f = parse_ok("e2m1");
    /* OCP encoding: sign bit 3, exponent bits 2..1, mantissa bit 0, bias 1 */
    cr_assert_eq(f.ideal[0x1], 0.5);  /* 0 00 1: the only subnormal */
    cr_assert_eq(f.ideal[0x2], 1.0);  /* 0 01 0 */
    cr_assert_eq(f.ideal[0x7], 6.0);  /* 0 11 1 */
    cr_assert_eq(f.ideal[0xF], -6.0);
    cr_assert(!f.used[0x8], "negative zero must be redundant");
}

Test(formats, supernormal_variants)
{
    double sr[16], sp[16], sp1[16];
    int n = 0;
    for (int i = 0; i < 15; i++)
        sr[n++] = E2M1[i];
    sr[n++] = 8;
    expect_values("e2m1-sr", sr, 16, 0);
    /* +5 sits between 4 and 6, +2.5 between 2 and 3 */
    const double sp_want[] = {-6, -4, -3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 4, 5, 6};
    const double sp1_want[] = {-6, -4, -3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 6};
    memcpy(sp, sp_want, sizeof sp);
    memcpy(sp1, sp1_want, sizeof sp1);
    expect_values("e2m1-sp", sp, 16, 0);
    expect_values("e2m1-sp1", sp1, 16, 0);
    cr_assert_eq(parse_ok("fp4_range").ideal[0x8], 8.0);
    cr_assert_eq(parse_ok("FP4_PREC2").ideal[0x8], 5.0);
    cr_assert_eq(parse_ok("fp4_prec1").ideal[0x8], 2.5);
}

Test(formats, e2m1_flavours)
{
    const double intel[] = {-6, -4, -3, -2, -1.5, -1, -0.0625, 0, 0.0625, 1, 1.5, 2, 3, 4, 6};
    const double bnb[] = {-12, -8, -6, -4, -3, -2, -0.0625, 0, 0.0625, 2, 3, 4, 6, 8, 12};
    const double nosub[] = {-6, -4, -3, -2, -1.5, -1, -0.75, 0, 0.75, 1, 1.5, 2, 3, 4, 6};
    expect_values("e2m1-i", intel, 15, 0);
    expect_values("e2m1-b", bnb, 15, 0);
    expect_values("e2m1-ns", nosub, 15, 0);
    /* bitsandbytes' normalized magnitude table, code by code (x12) */
    const double bnb_norm[8] = {0, 0.005208333, 0.6666667, 1.0, 0.3333333, 0.5, 0.1666667, 0.25};
    nb_format b = parse_ok("e2m1-b");
    for (int c = 0; c < 8; c++)
        cr_assert(fabs(b.ideal[c] / 12.0 - bnb_norm[c]) < 1e-6, "bnb code %d", c);
}

Test(formats, e1m2_and_e3m0)
{
    const double e1m2[] = {-3.5, -3, -2.5, -2, -1.75, -1.5, -1.25, 0,
                           1.25, 1.5, 1.75, 2, 2.5, 3, 3.5};
    const double e3m0[] = {-16, -8, -4, -2, -1, -0.5, -0.25, 0, 0.25, 0.5, 1, 2, 4, 8, 16};
    expect_values("e1m2", e1m2, 15, 0);
    expect_values("e3m0", e3m0, 15, 0);
    expect_values("fp4_log", e3m0, 15, 0);
}

Test(formats, integers)
{
    double int4[15], full[16], u4[16];
    for (int i = 0; i < 15; i++)
        int4[i] = i - 7;
    for (int i = 0; i < 16; i++) {
        full[i] = i - 8;
        u4[i] = i;
    }
    expect_values("int4", int4, 15, 0);
    expect_values("int4-full", full, 16, 0);
    expect_values("uint4", u4, 16, 0);
    nb_format i4 = parse_ok("int4");
    cr_assert_eq(i4.ideal[0x8], -8.0, "code 1000 decodes to -8 in hardware");
    cr_assert_eq(i4.mant[0xF], -1);
    nb_format i8 = parse_ok("int8");
    cr_assert_eq(i8.num_codes, 256);
    cr_assert_eq(i8.num_values, 255);
    cr_assert_eq(i8.mant[0x80], -128);
    cr_assert_eq(i8.max_abs, 127.0);
}

static const double NF4[] = {
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
    -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
    0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
    0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0};
/* SF4 as published (formats.md), kept as text: a value printed with d decimals
 * must be reproduced to within half a unit of its last digit (<= 5e-7 for the
 * 6-decimal values; two nu=7 values were printed with 5). */
static const char *SF4_5[] = {"-1.0", "-0.627781", "-0.454736", "-0.334331", "-0.237434",
                              "-0.152899", "-0.074982", "0.0", "0.065513", "0.132965",
                              "0.204661", "0.283835", "0.375805", "0.491076", "0.656781", "1.0"};
static const char *SF4_7[] = {"-1.0", "-0.648696", "-0.475805", "-0.352267", "-0.251247",
                              "-0.16222", "-0.07967", "0", "0.069616", "0.141138", "0.216817",
                              "0.299779", "0.395092", "0.512591", "0.677087", "1.0"};

static void expect_published(const char *spec, const char **text)
{
    nb_format f = parse_ok(spec);
    for (int i = 0; i < 16; i++) {
        const char *dot = strchr(text[i], '.');
        int decimals = dot ? (int)strlen(dot + 1) : 0;
        double tol = 0.5 * pow(10, -decimals) + 1e-12;
        double want = strtod(text[i], NULL);
        cr_assert(fabs(f.ideal[i] - want) <= tol, "%s code %d: got %.9f, published %s", spec, i,
                  f.ideal[i], text[i]);
    }
}

Test(formats, nf4_construction_reproduces_qlora)
{
    expect_values("nf4", NF4, 16, 1e-6);
    nb_format f = parse_ok("nf4");
    cr_assert_eq(f.ideal[7], 0.0, "bitsandbytes code 0111 is zero");
}

Test(formats, sf4_construction_nu5_nu7)
{
    expect_published("sf4", SF4_5);
    expect_published("sf4:5", SF4_5);
    expect_published("sf4:7", SF4_7);
    cr_assert_eq(parse_ok("sf4:7").nu, 7.0);
}

Test(formats, sf4_any_nu_tends_to_nf4)
{
    /* Student-t tends to the normal as nu grows: SF4(1e6) ~ NF4 */
    expect_values("sf4:1000000", NF4, 16, 1e-5);
    /* fractional nu is accepted and monotone in nu: heavier tails squeeze the middle */
    nb_format a = parse_ok("sf4:2.5"), b = parse_ok("sf4:5");
    cr_assert_lt(a.ideal[14], b.ideal[14]);
}

Test(formats, apot4)
{
    const double apot[] = {-1, -0.8, -0.6, -0.4, -0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1};
    const double apot_sp[] = {-1, -0.8, -0.6, -0.4, -0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5,
                              0.6, 0.8, 1};
    expect_values("apot4", apot, 15, 0);
    expect_values("apot4-sp", apot_sp, 16, 0);
}

Test(formats, lut_rom_rounding_is_modelled)
{
    nb_format f = parse_ok("nf4");
    cr_assert_eq(f.frac_bits, NB_LUT_FRAC_BITS_DEFAULT);
    cr_assert(!f.grid_exact);
    double worst = 0;
    for (int c = 0; c < 16; c++) {
        cr_assert_eq(f.hw[c], ldexp(f.mant[c], -f.frac_bits));
        cr_assert_eq(f.mant[c], (int32_t)round(f.ideal[c] * 256.0));
        worst = fmax(worst, fabs(f.hw[c] - f.ideal[c]));
    }
    cr_assert_eq(worst, f.lut_max_error);
    cr_assert_leq(f.lut_max_error, ldexp(1, -9));
    nb_format_opts wide = {.lut_frac_bits = 12};
    nb_format g;
    nb_err err;
    cr_assert(nb_format_parse("nf4", &wide, &g, &err));
    cr_assert_lt(g.lut_max_error, f.lut_max_error);
    cr_assert_eq(g.mant[15], 4096);
}

Test(formats, exact_grids)
{
    struct { const char *name; int frac; int width; } want[] = {
        {"int4", 0, 4}, {"int8", 0, 8}, {"uint4", 0, 5}, {"e2m1", 1, 5}, {"e2m1-sr", 1, 6},
        {"e2m1-sp", 1, 5}, {"e2m1-sp1", 1, 5}, {"e1m2", 2, 5}, {"e3m0", 2, 8},
        {"e2m1-i", 4, 8}, {"e2m1-b", 4, 9}, {"e2m1-ns", 2, 6},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        nb_format f = parse_ok(want[i].name);
        cr_assert(f.grid_exact, "%s", want[i].name);
        cr_assert_eq(f.frac_bits, want[i].frac, "%s frac %d", want[i].name, f.frac_bits);
        cr_assert_eq(f.mant_bits, want[i].width, "%s width %d", want[i].name, f.mant_bits);
        for (int c = 0; c < f.num_codes; c++)
            cr_assert_eq(f.hw[c], f.ideal[c]);
    }
}

Test(formats, every_builtin_parses_and_is_consistent)
{
    for (int i = 0; i < nb_format_builtin_count(); i++) {
        nb_format f = parse_ok(nb_format_builtin_name(i));
        cr_assert_str_eq(f.name, nb_format_builtin_name(i));
        cr_assert_eq(f.hw[f.zero_code], 0.0);
        for (int v = 1; v < f.num_values; v++)
            cr_assert_lt(f.values[v - 1], f.values[v]);
        for (int v = 0; v < f.num_values; v++)
            cr_assert_eq(f.hw[f.value_code[v]], f.values[v]);
    }
}

Test(formats, unknown_name_lists_valid_ones)
{
    nb_format f;
    nb_err err;
    cr_assert(!nb_format_parse("fp5", NULL, &f, &err));
    cr_assert(strstr(err.msg, "unknown format 'fp5'"));
    cr_assert(strstr(err.msg, "e2m1-sr") && strstr(err.msg, "sf4") && strstr(err.msg, "lut:FILE"));
    cr_assert(!nb_format_parse("e2m1:3", NULL, &f, &err));
    cr_assert(strstr(err.msg, "takes no"));
}

Test(formats, sf4_bad_nu)
{
    const char *bad[] = {"sf4:0", "sf4:-1", "sf4:abc", "sf4:", "sf4:nan", "sf4:inf"};
    nb_format f;
    nb_err err;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert(!nb_format_parse(bad[i], NULL, &f, &err), "%s accepted", bad[i]);
        cr_assert(strstr(err.msg, "sf4"), "%s: %s", bad[i], err.msg);
    }
}

static bool parse_codebook(const char *text, nb_format *f, nb_err *err)
{
    char path[512];
    test_tmp_file(path, sizeof path, "codebook.txt", text);
    char spec[600];
    snprintf(spec, sizeof spec, "lut:%s", path);
    return nb_format_parse(spec, NULL, f, err);
}

Test(formats, user_codebook)
{
    nb_format f;
    nb_err err;
    cr_assert(parse_codebook("# int4 as a codebook\n-8\n-7\n-6\n-5\n-4\n-3\n-2\n-1\n0\n1\n2\n3\n"
                             "4\n5\n6\n7\n",
                             &f, &err),
              "%s", err.msg);
    cr_assert_eq(f.ideal[0], -1.0);
    cr_assert_eq(f.ideal[15], 7.0 / 8.0);
    cr_assert(f.grid_exact, "dyadic values need no rounding");
    cr_assert_eq(f.frac_bits, 3);
}

Test(formats, user_codebook_bad)
{
    nb_format f;
    nb_err err;
    cr_assert(!parse_codebook("1\n2\n3\n", &f, &err));
    cr_assert(strstr(err.msg, "found 3 values"), "%s", err.msg);
    cr_assert(!parse_codebook("-8\n-7\n-6\n-5\n-4\n-3\n-2\n-1\n0\n1\n2\n3\n4\n5\n7\n6\n", &f, &err));
    cr_assert(strstr(err.msg, "ascending"), "%s", err.msg);
    cr_assert(!parse_codebook("-8\n-7\n-6\n-5\n-4\n-3\n-2\n-1\n0\n1\n2\n3\n4\n5\n5\n6\n", &f, &err));
    cr_assert(strstr(err.msg, "duplicate"), "%s", err.msg);
    cr_assert(!parse_codebook("-8\n-7\n-6\n-5\n-4\n-3\n-2\n-1\nzero\n1\n2\n3\n4\n5\n6\n7\n", &f,
                              &err));
    cr_assert(strstr(err.msg, "not a finite number"), "%s", err.msg);
    cr_assert(!parse_codebook("-8\n-7\n-6\n-5\n-4\n-3\n-2\n-1\n0.5\n1\n2\n3\n4\n5\n6\n7\n", &f,
                              &err));
    cr_assert(strstr(err.msg, "no value is 0"), "%s", err.msg);
    cr_assert(!nb_format_parse("lut:/nonexistent/cb.txt", NULL, &f, &err));
    cr_assert(strstr(err.msg, "cannot open"), "%s", err.msg);
}
