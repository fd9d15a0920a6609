/* User text in the Markdown report and the report's list options. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
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
