/* The strict number parser and the readers built on it: whole tokens only, no
 * length limit, decimal only, denormals accepted. */
#include <criterion/criterion.h>
#include <float.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/format.h"
#include "nibble/input_file.h"
#include "nibble/parse.h"
#include "nibble/text_io.h"
#include "test_support.h"

Test(parse, decimal_accepts)
{
    double v;
    cr_assert_eq(nb_parse_decimal("5", &v), NB_NUM_OK);
    cr_assert_eq(v, 5.0);
    cr_assert_eq(nb_parse_decimal("-0.25", &v), NB_NUM_OK);
    cr_assert_eq(v, -0.25);
    cr_assert_eq(nb_parse_decimal("+.5e1", &v), NB_NUM_OK);
    cr_assert_eq(v, 5.0);
    cr_assert_eq(nb_parse_decimal("3.", &v), NB_NUM_OK);
    cr_assert_eq(v, 3.0);
    cr_assert_eq(nb_parse_decimal("1E-3", &v), NB_NUM_OK);
    cr_assert_eq(v, 1e-3);
}

Test(parse, decimal_rejects_spaces_hex_junk_inf_nan)
{
    static const char *const bad[] = {"", " 5", "5 ", "\t5", "5\n", "0x10", "0X1p3", "5abc", "1e",
                                      "1e+", ".", "-", "+", "e5", "inf", "-inf", "nan", "NaN",
                                      "infinity", "1,5", "--1", "1..2", "1e5.0", "0x", "١"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 42;
        cr_assert_eq(nb_parse_decimal(bad[i], &v), NB_NUM_SYNTAX, "'%s' accepted", bad[i]);
        cr_assert_eq(v, 42, "'%s' wrote a value", bad[i]);
    }
}

Test(parse, decimal_overflow_is_range)
{
    double v;
    cr_assert_eq(nb_parse_decimal("1e309", &v), NB_NUM_RANGE);
    cr_assert_eq(nb_parse_decimal("-1e99999999999999999999", &v), NB_NUM_RANGE);
    cr_assert_eq(nb_parse_decimal("1.7976931348623157e308", &v), NB_NUM_OK);
    cr_assert_eq(v, DBL_MAX);
}

Test(parse, decimal_denormals_accepted)
{
    double v = 0;
    cr_assert_eq(nb_parse_decimal("1e-310", &v), NB_NUM_OK);
    cr_assert(v > 0 && v < DBL_MIN, "1e-310 is a denormal, got %g", v);
    cr_assert_eq(nb_parse_decimal("-4.9e-324", &v), NB_NUM_OK);
    cr_assert(v < 0);
    /* below the smallest denormal: correctly rounded to zero, not an error */
    cr_assert_eq(nb_parse_decimal("1e-400", &v), NB_NUM_OK);
    cr_assert_eq(v, 0.0);
}

Test(parse, decimal_has_no_length_limit)
{
    char text[300];
    text[0] = '1';
    memset(text + 1, '0', 199); /* 1e199 written with 200 digits */
    text[200] = '\0';
    double v;
    cr_assert_eq(nb_parse_decimal(text, &v), NB_NUM_OK);
    cr_assert_eq(v, 1e199);
    strcpy(text, "0.");
    memset(text + 2, '0', 250);
    strcpy(text + 252, "5e250"); /* 0.000...05e250 = 5e-1 */
    cr_assert_eq(nb_parse_decimal(text, &v), NB_NUM_OK);
    cr_assert_float_eq(v, 0.5, 1e-15);
}

Test(parse, integers)
{
    long long v;
    cr_assert_eq(nb_parse_int("-5", -10, 10, &v), NB_NUM_OK);
    cr_assert_eq(v, -5);
    cr_assert_eq(nb_parse_int(" -5", -10, 10, &v), NB_NUM_SYNTAX);
    cr_assert_eq(nb_parse_int("0x10", 0, 100, &v), NB_NUM_SYNTAX);
    cr_assert_eq(nb_parse_int("5.0", 0, 100, &v), NB_NUM_SYNTAX);
    cr_assert_eq(nb_parse_int("5k", 0, 100, &v), NB_NUM_SYNTAX);
    cr_assert_eq(nb_parse_int("11", -10, 10, &v), NB_NUM_RANGE);
    cr_assert_eq(nb_parse_int("99999999999999999999999", LLONG_MIN, LLONG_MAX, &v), NB_NUM_RANGE);
    cr_assert_eq(nb_parse_int("000000000000000000000000000007", 0, 10, &v), NB_NUM_OK);
    cr_assert_eq(v, 7, "leading zeros are decimal, not octal");
}

Test(parse, unsigned_never_wraps)
{
    uint64_t v = 0;
    cr_assert_eq(nb_parse_uint(" -5", UINT64_MAX, &v), NB_NUM_SYNTAX);
    cr_assert_eq(nb_parse_uint("-5", UINT64_MAX, &v), NB_NUM_SYNTAX);
    cr_assert_eq(nb_parse_uint("-18446744073709551615", UINT64_MAX, &v), NB_NUM_SYNTAX);
    cr_assert_eq(nb_parse_uint("18446744073709551616", UINT64_MAX, &v), NB_NUM_RANGE);
    cr_assert_eq(nb_parse_uint("18446744073709551615", UINT64_MAX, &v), NB_NUM_OK);
    cr_assert_eq(v, UINT64_MAX);
    cr_assert_eq(nb_parse_uint("0x10", UINT64_MAX, &v), NB_NUM_SYNTAX);
}

Test(parse, format_parameter_is_decimal)
{
    nb_format f;
    nb_err err;
    cr_assert(!nb_format_parse("sf4:0x10", NULL, &f, &err));
    cr_assert(strstr(err.msg, "not a decimal number"), "%s", err.msg);
    cr_assert(!nb_format_parse("sf4: 5", NULL, &f, &err));
    cr_assert(!nb_format_parse("sf4:5x", NULL, &f, &err));
    cr_assert(nb_format_parse("sf4:16", NULL, &f, &err), "%s", err.msg);
}

Test(parse, text_floats_long_token_is_one_value)
{
    char text[512];
    strcpy(text, "1 ");
    memset(text + 2, '0', 1);
    text[2] = '2';
    memset(text + 3, '0', 199); /* "2" followed by 199 zeros: 2e199 does not fit float32 */
    strcpy(text + 202, " 3");
    float *v;
    size_t n;
    nb_err err;
    cr_assert(!nb_text_floats_parse(text, strlen(text), "t", &v, &n, &err));
    cr_assert(strstr(err.msg, "value 2 ") && strstr(err.msg, "beyond the float32 range"), "%s",
              err.msg);
    /* 200 digits after "0." : one value, not two */
    strcpy(text, "1 0.");
    memset(text + 4, '0', 196);
    strcpy(text + 200, "25e196 3");
    cr_assert(nb_text_floats_parse(text, strlen(text), "t", &v, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 3);
    cr_assert_float_eq(v[1], 0.25f, 1e-7);
    free(v);
}

Test(parse, text_floats_not_nul_terminated_and_denormal)
{
    const char text[] = {'1', 'e', '-', '4', '0', ' ', '2'}; /* no NUL */
    float *v;
    size_t n;
    nb_err err;
    cr_assert(nb_text_floats_parse(text, sizeof text, "t", &v, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 2);
    cr_assert(v[0] > 0 && v[0] < 1e-37f, "1e-40 is a float32 denormal");
    free(v);
    cr_assert(!nb_text_floats_parse("1 0x10", 6, "t", &v, &n, &err));
    cr_assert(strstr(err.msg, "value 2 ('0x10') is not a number"), "%s", err.msg);
    cr_assert(!nb_text_floats_parse("1 inf", 5, "t", &v, &n, &err));
    cr_assert(!nb_text_floats_parse("1 nan", 5, "t", &v, &n, &err));
    cr_assert(!nb_text_floats_parse(" \n\t", 3, "t", &v, &n, &err));
    cr_assert(strstr(err.msg, "no numbers found"), "%s", err.msg);
}

Test(parse, input_refuses_devices_and_directories)
{
    nb_err err;
    cr_assert_null(nb_open_input("/dev/zero", "codebook", &err));
    cr_assert(strstr(err.msg, "/dev/zero is a character device; give a regular file"), "%s",
              err.msg);
    cr_assert_null(nb_open_input("/", "codebook", &err));
    cr_assert(strstr(err.msg, "is a directory"), "%s", err.msg);
    char path[512];
    test_tmp_file(path, sizeof path, "big.txt", "0123456789");
    size_t len;
    cr_assert_null(nb_read_input(path, "codebook", 5, &len, &err));
    cr_assert(strstr(err.msg, "larger than the limit of 5 bytes"), "%s", err.msg);
    char *t = nb_read_input(path, "codebook", 0, &len, &err);
    cr_assert_not_null(t, "%s", err.msg);
    cr_assert_eq(len, 10);
    free(t);
}
