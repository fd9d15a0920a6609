/* Block-format specs: aliases, defaults, canonical names, and bad specs
 * refused with a message that says what is wrong. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "nibble/num.h"
#include "test_support.h"

static nb_block_format parse_ok(const char *spec)
{
    nb_block_format b;
    nb_err err;
    cr_assert(nb_block_format_parse(spec, NULL, &b, &err), "%s: %s", spec, err.msg);
    return b;
}

static void parse_bad(const char *spec, const char *want)
{
    nb_block_format b;
    nb_err err;
    cr_assert_not(nb_block_format_parse(spec, NULL, &b, &err), "%s accepted", spec);
    cr_assert(strstr(err.msg, want), "%s: message '%s' lacks '%s'", spec, err.msg, want);
}

Test(block_format, mxfp4_is_e2m1_e8m0_32_rceil_by_default)
{
    nb_block_format b = parse_ok("mxfp4");
    cr_assert_str_eq(b.elem.name, "e2m1");
    cr_assert_eq(b.scale, NB_SF_E8M0);
    cr_assert_eq(b.block, 32);
    cr_assert_eq(b.rule, NB_RULE_RCEIL);
    cr_assert_eq(b.emax, 2, "E2M1's largest value 6 has exponent 2");
    cr_assert_eq(b.even_bits, 1);
    cr_assert_eq(b.rounding, NB_ROUND_NEAREST_EVEN);
    cr_assert_str_eq(b.name, "mx:e2m1/e8m0/32/rceil");
    cr_assert_str_eq(b.alias, "mxfp4");
    b = parse_ok("MXFP4/floor");
    cr_assert_eq(b.rule, NB_RULE_FLOOR);
    b = parse_ok("mx:e2m1/e8m0/32/even");
    cr_assert_eq(b.rule, NB_RULE_EVEN);
    cr_assert_str_eq(b.alias, "");
}

Test(block_format, nvfp4_group_scales_and_mxint8)
{
    nb_block_format b = parse_ok("nvfp4");
    cr_assert_str_eq(b.name, "mx:e2m1/ue4m3+fp32/16/nearest");
    cr_assert(b.tensor_scale);
    b = parse_ok("int4/fp16/128");
    cr_assert_str_eq(b.name, "mx:int4/fp16/128/nearest");
    cr_assert_eq(b.emax, 2);
    cr_assert_eq(b.even_bits, 2);
    b = parse_ok("mx:sf4/bf16/64");
    cr_assert_eq(b.rounding, NB_ROUND_NEAREST_LOWER, "sf4 has no RNE: ties to the lower value");
    cr_assert_eq(b.emax, 0);
    b = parse_ok("mxint8");
    cr_assert_str_eq(b.name, "mx:int8/e8m0/32/rceil");
    cr_assert_eq(b.emax, 6);
    cr_assert_eq(b.even_bits, 6, "OCP MXINT8 has 6 fraction bits");
    b = parse_ok("mx:sf4:7/e8m0/32/floor");
    cr_assert_str_eq(b.elem.name, "sf4:7");
    b = parse_ok("mx:e2m1-sr/e8m0/32");
    cr_assert_eq(b.emax, 3, "the supernormal 8 is the largest value");
}

/* Elements from the ExMy spec parser (another branch): checked once it is there. */
Test(block_format, ocp_fp6_fp8_aliases)
{
    nb_format probe;
    nb_err err;
    if (!nb_format_parse("fp:e3m2:special=none", NULL, &probe, &err))
        cr_skip_test("ExMy element specs are not in this build: %s", err.msg);
    const struct {
        const char *alias;
        double max;
        int emax;
    } t[] = {{"mxfp6e3m2", 28, 4}, {"mxfp6e2m3", 7.5, 2}, {"mxfp8e4m3", 448, 8},
             {"mxfp8e5m2", 57344, 15}};
    for (int i = 0; i < 4; i++) {
        nb_block_format b = parse_ok(t[i].alias);
        cr_assert_eq(b.elem.max_abs, t[i].max, "%s", t[i].alias);
        cr_assert_eq(b.emax, t[i].emax, "%s", t[i].alias);
        cr_assert_eq(b.block, 32);
    }
}

Test(block_format, is_block)
{
    cr_assert(nb_block_spec_is_block("mxfp4"));
    cr_assert(nb_block_spec_is_block("nvfp4/nearest"));
    cr_assert(nb_block_spec_is_block("mx:e2m1/e8m0/32"));
    cr_assert(nb_block_spec_is_block("int4/fp16/128"));
    cr_assert(nb_block_spec_is_block("int4/fp16/128/nearest"));
    cr_assert(nb_block_spec_is_block("mxfp6"), "so that it gets the ambiguity message");
    cr_assert(nb_block_spec_is_block("e2m1/e8m0/32/bogus"), "so that it gets the rule message");
    cr_assert_not(nb_block_spec_is_block("e2m1"));
    cr_assert_not(nb_block_spec_is_block("sf4:7"));
    cr_assert_not(nb_block_spec_is_block("lut:/tmp/a/b.txt"));
}

Test(block_format, bad_specs_refused_with_a_message)
{
    parse_bad("mx:e2m1/e8m0/0", "block size '0' is zero; use a positive integer");
    parse_bad("mx:e2m1/e8m0/-4", "block size '-4' is not a decimal number");
    parse_bad("mx:e2m1/e8m0/2000000", "block size '2000000' is out of range");
    parse_bad("mx:e2m1/e8m8/32", "scale format 'e8m8' is 17 bits wide; block scales are at most "
                                 "8 bits");
    parse_bad("mx:e5m10/e8m0/32", "element 'e5m10' is 16 bits wide; block elements are 2 to 8 "
                                  "bits");
    parse_bad("mx:fp:e4m5/e8m0/32", "element 'fp:e4m5' is 10 bits wide");
    parse_bad("mx:int16/e8m0/32", "element 'int16' is 16 bits wide");
    parse_bad("mx:int:12/e8m0/32", "element 'int:12' is 12 bits wide");
    parse_bad("mx:e2m1/fp8/32", "unknown scale format 'fp8'");
    parse_bad("mx:e9m9x/e8m0/32", "element: unknown format 'e9m9x'");
    parse_bad("mx:e2m1/e8m0/32/round", "unknown scale rule 'round'");
    parse_bad("e2m1/e8m0/32/bogus", "unknown scale rule 'bogus'");
    parse_bad("mx:e2m1/e8m0/32/nearest", "rule nearest is for ue4m3, fp16 and bf16 scales");
    parse_bad("int4/fp16/128/floor", "rule floor chooses a power of two and needs e8m0 scales");
    parse_bad("mx:e2m1/e8m0+fp32/32", "per-tensor fp32 scale goes with ue4m3 block scales only");
    parse_bad("mx:e2m1/ue4m3+fp16/16", "the only per-tensor scale is fp32");
    parse_bad("mxfp6", "ambiguous: write mxfp6e3m2 or mxfp6e2m3");
    parse_bad("mxfp8", "ambiguous: write mxfp8e4m3 or mxfp8e5m2");
    parse_bad("mxfp4/64", "after the alias mxfp4 only a scale rule may follow");
    parse_bad("mx:e2m1/e8m0", "needs ELEMENT/SCALE/BLOCK");
    parse_bad("mx:overq/e8m0/32", "OverQ slots are not an element format");
    parse_bad("", "empty block format");
}

/* A codebook path holds '/': specs are split from the right. */
Test(block_format, lut_element_with_a_path)
{
    char path[768], spec[1024];
    test_tmp_file(path, sizeof path, "codebook.txt",
                  "-8\n-7\n-6\n-5\n-4\n-3\n-2\n-1\n0\n1\n2\n3\n4\n5\n6\n7\n");
    cr_assert(strchr(path, '/'));
    snprintf(spec, sizeof spec, "mx:lut:%s/e8m0/32/floor", path);
    nb_block_format b = parse_ok(spec);
    cr_assert_eq(b.rule, NB_RULE_FLOOR);
    cr_assert_eq(b.block, 32);
    cr_assert(strstr(b.elem.name, path), "%s", b.elem.name);
    snprintf(spec, sizeof spec, "lut:%s/fp16/64", path);
    cr_assert(nb_block_spec_is_block(spec));
    b = parse_ok(spec);
    cr_assert_eq(b.scale, NB_SF_FP16);
    cr_assert_eq(b.block, 64);
    snprintf(spec, sizeof spec, "lut:%s", path);
    cr_assert_not(nb_block_spec_is_block(spec), "a plain codebook path is not a block format");
}

/* Random specs from the grammar's pieces: every one parses or fails with a
 * message, under AddressSanitizer/UBSan, and never crashes. */
Test(block_format, random_specs_never_crash)
{
    static const char *pieces[] = {"mx:", "/", "e2m1", "e8m0", "ue4m3", "+fp32", "+", "fp16",
                                   "bf16", "32", "0", "16", "floor", "rceil", "even", "nearest",
                                   "sf4:", "7", ":", "mxfp4", "nvfp4", "int8", "e5m10", "fp:",
                                   "e3m2", "lut:", "99999999999999999999", "-", "x", ""};
    const int np = (int)(sizeof pieces / sizeof pieces[0]);
    uint64_t st = 12345;
    for (int i = 0; i < 20000; i++) {
        char spec[256] = "";
        int n = 1 + (int)(st % 8);
        for (int j = 0; j < n; j++) {
            st ^= st << 13;
            st ^= st >> 7;
            st ^= st << 17;
            strncat(spec, pieces[st % (uint64_t)np], sizeof spec - strlen(spec) - 1);
        }
        nb_block_format b;
        nb_err err;
        err.msg[0] = '\0';
        bool block = nb_block_spec_is_block(spec);
        (void)block;
        if (!nb_block_format_parse(spec, NULL, &b, &err))
            cr_assert(err.msg[0], "'%s' failed without a message", spec);
        else
            cr_assert(b.block > 0 && b.name[0], "'%s'", spec);
    }
}
