/* nb_report_run: the steps of the report, into a temporary directory that is
 * swapped into place (atomically, sys/ nibble/output.h) only when everything
 * succeeded. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nibble/gen.h"
#include "nibble/files.h"
#include "nibble/output.h"
#include "nibble/process.h"
#include "report_internal.h"

nb_report_opts nb_report_opts_default(void)
{
    return (nb_report_opts){
        .out_dir = "nibble-report",
        /* the paper's 4-bit formats */
        .formats = "int4,e2m1,e2m1-sr,e2m1-sp,nf4,sf4,apot4",
        .acts = "uint4",
        .overq = "1,2,3",
        /* block-scaled designs: OCP MXFP4, NVFP4, the paper's FP16 group
         * scales, and E8M0 scales on elements no one else has built */
        .blocks = "mxfp4,nvfp4,int4/fp16/128,mx:e2m1/fp16/128,mx:e2m1-sr/e8m0/32@mxfp4,"
                  "mx:e2m1-sp/e8m0/32@mxfp4,mx:sf4/e8m0/32@mxfp4",
        .rows = 8,
        .cols = 8,
        .weight_dist = "t:5",
        .act_dist = "relu-t:5",
        .clip = 1.0,
        .jobs = 2,
        .power = true,
        .seed = 1,
    };
}

void rp_progress(const rp_report *r, const char *fmt, ...)
{
    if (!r->o->progress)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("[report] ", r->o->progress);
    vfprintf(r->o->progress, fmt, ap);
    fputc('\n', r->o->progress);
    fflush(r->o->progress);
    va_end(ap);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static bool versions(rp_report *r, nb_err *err)
{
    char y[256], s[256], v[256], g[256];
    if (!nb_tool_version("yosys", "-V", y, sizeof y, err) ||
        !nb_tool_version("sta", "-version", s, sizeof s, err) ||
        !nb_tool_version("verilator", "--version", v, sizeof v, err) ||
        !nb_tool_version("gnuplot", "--version", g, sizeof g, err))
        return false;
    snprintf(r->versions, sizeof r->versions, "%s; OpenSTA %s; %s; %s", y, s, v, g);
    return true;
}

/* False, with the reason, once a signal asked the report to stop. */
static bool go_on(const rp_report *r, nb_err *err)
{
    if (r->o->cancel && *r->o->cancel)
        return nb_fail(err, "interrupted; the partial report was removed and %s is as it was",
                       r->o->out_dir);
    return true;
}

static bool steps(rp_report *r, nb_err *err)
{
    double t0 = now();
    if (!versions(r, err) || !rp_plan_designs(r, err) || !rp_load_tensors(r, err) || !go_on(r, err))
        return false;
    rp_progress(r, "step 1/4: quantization accuracy of %d tensors", r->ntensors);
    if (!rp_tensor_accuracy(r, err) || !go_on(r, err))
        return false;
    rp_progress(r, "step 2/4: GEMM accuracy of %d designs through the C cycle model", r->ndesigns);
    if (!rp_gemm_accuracy(r, err) || !go_on(r, err))
        return false;
    if (r->model) {
        bool ran = rp_model_accuracy(r, err);
        if (!go_on(r, err) || !ran) /* an interrupt says so, whatever the step said */
            return false;
    }
    rp_progress(r, "step 3/4: synthesis");
    if (!rp_synthesize(r, err) || !go_on(r, err) || !rp_synthesize_libraries(r, err) ||
        !go_on(r, err))
        return false;
    rp_pareto(r);
    rp_findings(r);
    if (r->model) {
        rp_model_pareto(r);
        rp_model_findings(r);
    }
    rp_library_findings(r);
    r->seconds = now() - t0;
    rp_progress(r, "step 4/4: tables, plots, HTML and Markdown");
    return rp_write_tables(r, err) && rp_write_block_table(r, err) &&
           (!r->model || rp_model_table(r, err)) &&
           rp_write_library_table(r, err) && rp_write_plots(r, err) &&
           rp_write_library_plot(r, err) && rp_write_markdown(r, err) && rp_write_html(r, err);
}

bool nb_report_run(const nb_report_opts *o, nb_err *err)
{
    if (!o->out_dir || !*o->out_dir)
        return nb_fail(err, "no output directory given; use -o DIR");
    if (o->rows < 1 || o->cols < 1 || o->rows > NB_ARRAY_DIM_MAX || o->cols > NB_ARRAY_DIM_MAX)
        return nb_fail(err, "array size %dx%d is impossible: use 1..%d", o->rows, o->cols,
                       NB_ARRAY_DIM_MAX);
    if (!(o->clip > 0 && o->clip <= 1))
        return nb_fail(err, "--clip %g: give a quantile in (0, 1]", o->clip);
    if (!rp_check_opts(o, err))
        return false;
    /* the model, tokenizer and text are read before any work: bad input
     * writes nothing */
    rp_model *model;
    if (!rp_model_prepare(o, &model, err))
        return false;
    rp_report *r = calloc(1, sizeof *r);
    if (!r) {
        rp_model_free(model);
        return nb_fail(err, "out of memory");
    }
    r->o = o;
    r->model = model;
    /* every library resolves before anything is written */
    if (!rp_check_libraries(r, err)) {
        rp_model_free(r->model);
        free(r);
        return false;
    }
    /* the report is built in a marked temporary sibling of the output and
     * swapped in whole; only an empty directory or an earlier report is
     * replaced */
    nb_output_dir out;
    bool ok = nb_output_dir_begin(&out, o->out_dir, NB_OUTPUT_REPORT, err);
    if (ok) {
        snprintf(r->tmp_dir, sizeof r->tmp_dir, "%s", out.tmp);
        ok = steps(r, err) && nb_output_dir_commit(&out, err);
        if (ok)
            rp_progress(r, "wrote %s/report.html, report.md, accuracy.csv, designs.csv, %s%sreport.json "
                        "and plots/ (%.0f s)", out.dir, rp_has_blocks(r) ? "scale_rules.csv, " : "",
                        r->model ? "model.csv, " : "", r->seconds);
        else
            nb_output_dir_abort(&out);
    }
    for (int i = 0; i < r->ntensors; i++)
        free(r->tensors[i].data);
    free(r->acc);
    free(r->rules);
    rp_free_libraries(r);
    rp_model_free(r->model);
    free(r);
    return ok;
}
