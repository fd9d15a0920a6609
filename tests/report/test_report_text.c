/* User text in the Markdown report and the report's list options. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

static char *md(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rp_md_text(f, s);
    fclose(f);
    return buf;
}

Test(report_text, markdown_cells_stay_cells)
{
    char *t = md("lut:a|b*c_d`e[f](g)<script>\n| x |");
    cr_assert_str_eq(t, "lut:a\\|b\\*c\\_d\\`e\\[f\\](g)\\<script\\> \\| x \\|");
    free(t);
    t = md("int4 x uint4");
    cr_assert_str_eq(t, "int4 x uint4", "plain names are unchanged");
    free(t);
}

Test(report_text, list_options_checked)
{
    nb_report_opts o = nb_report_opts_default();
    nb_err err;
    cr_assert(rp_check_opts(&o, &err), "%s", err.msg);
    o.overq = "abc";
    cr_assert(!rp_check_opts(&o, &err));
    cr_assert(strstr(err.msg, "'abc' is not a cascade depth"), "%s", err.msg);
    o.overq = "";
    cr_assert(rp_check_opts(&o, &err), "no OverQ is fine: %s", err.msg);
    o.formats = "";
    cr_assert(!rp_check_opts(&o, &err));
    cr_assert(strstr(err.msg, "--formats is empty"), "%s", err.msg);
}

/* A block design's power without --array-power: its twin's PE plus the
 * stage's share measured as the difference of the two arrays (hand numbers). */
Test(report_text, block_power_is_twin_pe_plus_stage)
{
    static rp_design twin, blk;
    memset(&twin, 0, sizeof twin);
    memset(&blk, 0, sizeof blk);
    twin.has_pe = true;
    twin.syn_pe = (nb_synth_result){.has_power = true, .power_mw = 2.0, .energy_per_mac_pj = 20.0};
    twin.syn_array = (nb_synth_result){.has_power = true, .power_mw = 100.0, .energy_per_mac_pj = 15.0};
    blk.block = true;
    blk.twin = &twin;
    blk.array.rows = 4;
    blk.array.cols = 5;
    blk.syn_array = (nb_synth_result){.has_power = true, .power_mw = 140.0, .energy_per_mac_pj = 18.5};
    cr_assert_str_eq(rp_power_of(&blk), "PE+stage");
    cr_assert_float_eq(rp_energy_pj(&blk), 20.0 + (18.5 - 15.0), 1e-12);
    cr_assert_float_eq(rp_power_mw(&blk), 2.0 + (140.0 - 100.0) / 20, 1e-12);
    cr_assert_eq(rp_power_result(&blk), &blk.syn_array);
    /* the twin's own headline stays its PE's, though its array was simulated */
    cr_assert_str_eq(rp_power_of(&twin), "PE");
    cr_assert_float_eq(rp_energy_pj(&twin), 20.0, 1e-12);
    /* a twin array without power: no figure, never a PE-only one */
    twin.syn_array.has_power = false;
    cr_assert_str_eq(rp_power_of(&blk), "");
    cr_assert(isnan(rp_energy_pj(&blk)));
    /* --array-power: every design its whole array */
    twin.syn_array.has_power = true;
    blk.array_power = twin.array_power = true;
    cr_assert_str_eq(rp_power_of(&blk), "array");
    cr_assert_float_eq(rp_energy_pj(&blk), 18.5, 1e-12);
    cr_assert_float_eq(rp_power_mw(&twin), 100.0, 1e-12);
}

Test(report_text, blocks_checked)
{
    nb_err err;
    cr_assert(rp_check_blocks("mxfp4,nvfp4,int4/fp16/128,mx:e2m1/fp16/128,mx:e2m1-sr/e8m0/32@mxfp4,"
                              "mx:e2m1-sp/e8m0/32@mxfp4,mx:sf4/e8m0/32@mxfp4", 8, &err),
              "%s", err.msg);
    cr_assert(rp_check_blocks("", 3, &err), "no block designs: any rows");
    cr_assert(!rp_check_blocks("mxfp4", 3, &err));
    cr_assert(strstr(err.msg, "block size 32 is not a multiple of the array's 3 rows"), "%s", err.msg);
    cr_assert(!rp_check_blocks("mxfp4,mxfp4@mx:e2m1/e8m0/32", 8, &err));
    cr_assert(strstr(err.msg, "are the same design"), "%s", err.msg);
    /* the rule makes another design (the same hardware, other scales) */
    cr_assert(rp_check_blocks("mxfp4,mxfp4/floor", 8, &err), "%s", err.msg);
    cr_assert(!rp_check_blocks("nvfp4@mxfp4", 8, &err));
    cr_assert(strstr(err.msg, "blocks of 16 and the activations mxfp4 blocks of 32"), "%s", err.msg);
    cr_assert(!rp_check_blocks("sf4", 8, &err));
    cr_assert(strstr(err.msg, "give plain formats with --formats"), "%s", err.msg);
}
