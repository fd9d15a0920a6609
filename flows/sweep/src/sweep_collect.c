/* Gathering a sweep's results into one table (CSV and JSON), all or nothing. */
#define _GNU_SOURCE
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nibble/sweep.h"
#include "nibble/files.h"
#include "nibble/output.h"
#include "sweep_internal.h"

/* The options DIR/plan.json says every result was made with (absent from
 * plans written before they were recorded: then nothing is checked). */
typedef struct plan_options {
    bool known;
    const char *library, *liberty;
    double clock_ns;
    int power;
} plan_options;

static bool same_clock(double a, double b)
{
    return fabs(a - b) <= 1e-6 * fmax(fabs(a), fabs(b));
}

/* Why result r cannot be point p's row of this sweep ("" when it can). */
static void mismatch(const nb_sweep_point *p, const nb_synth_result *r, const plan_options *po,
                     char *why, size_t len)
{
    why[0] = '\0';
    if (strcmp(r->weights, p->weights) != 0 || strcmp(r->acts, p->acts) != 0 || r->rows != p->rows ||
        r->cols != p->cols || r->acc_bits != p->acc_bits ||
        (strstr(p->acts, "overq") && r->cascade != p->cascade))
        snprintf(why, len, "it is the design %s (acc %d bits), not %s", r->name, r->acc_bits, p->name);
    else if (po->known && strcmp(r->library, po->library) != 0)
        snprintf(why, len, "its library is %s, the plan's %s", r->library, po->library);
    else if (po->known && strcmp(r->liberty, po->liberty) != 0)
        snprintf(why, len, "its liberty is %s, the plan's %s", r->liberty, po->liberty);
    else if (po->known && !same_clock(r->clock_ns, po->clock_ns))
        snprintf(why, len, "its clock is %g ns, the plan's %g ns", r->clock_ns, po->clock_ns);
    else if (po->known && (po->power != 0) != r->has_power)
        snprintf(why, len, "its power was %smeasured, the plan %s power", r->has_power ? "" : "not ",
                 po->power ? "measures" : "does not measure");
}

bool nb_sweep_collect(const nb_sweep_plan *plan, const char *out_dir, nb_synth_result **results,
                      nb_err *err)
{
    /* the table is written (or removed) only in a directory nibble marked as a sweep */
    nb_output_state state;
    if (!nb_output_dir_check(out_dir, NB_OUTPUT_SWEEP, &state, err))
        return false;
    if (state != NB_OUTPUT_OURS)
        return nb_fail(err, "%s is not a sweep directory: prepare the sweep first (nibble sweep -o "
                       "%s ...)", out_dir, out_dir);
    nb_sweep_opts o = {.out_dir = out_dir};
    nb_synth_result *r = calloc((size_t)plan->n + 1, sizeof *r);
    json_t *rows = json_array();
    int missing = 0, foreign = 0;
    char first_missing[4400] = "", first_foreign[4400 + 1024] = "";
    bool ok = r != NULL || nb_fail(err, "out of memory");
    plan_options po = {0};
    char plan_path[4400];
    snprintf(plan_path, sizeof plan_path, "%s/plan.json", out_dir);
    json_t *plan_doc = json_load_file(plan_path, 0, NULL);
    json_t *opts = json_object_get(plan_doc, "options");
    po.known = opts && json_unpack(opts, "{s:s, s:s, s:F, s:b}", "library", &po.library, "liberty",
                                   &po.liberty, "clock_ns", &po.clock_ns, "power", &po.power) == 0;
    for (int i = 0; ok && i < plan->n; i++) {
        char path[4400];
        sweep_path(path, sizeof path, &o, "results", &plan->points[i], ".json");
        if (access(path, R_OK) != 0) {
            if (!missing++)
                snprintf(first_missing, sizeof first_missing, "%s", path);
            continue;
        }
        json_error_t je;
        json_t *j = json_load_file(path, 0, &je);
        ok = (j || nb_fail(err, "%s: %s", path, je.text)) &&
             (nb_synth_result_from_json(j, &r[i], err) || nb_fail_prefix(err, "%s", path));
        char why[1024];
        if (ok)
            mismatch(&plan->points[i], &r[i], &po, why, sizeof why);
        if (ok && why[0] && !foreign++)
            snprintf(first_foreign, sizeof first_foreign, "%s: %s", path, why);
        if (ok)
            json_array_append(rows, j);
        json_decref(j);
    }
    if (ok && foreign)
        ok = nb_fail(err, "%d of %d sweep results do not belong to the plan in %s (first: %s); "
                     "run the sweep again", foreign, plan->n, plan_path, first_foreign);
    if (ok && missing)
        ok = nb_fail(err, "%d of %d sweep results are missing (first: %s); run the jobs (their "
                     "logs are in %s/logs), then collect again", missing, plan->n, first_missing,
                     out_dir);
    char *csv = NULL;
    size_t len = 0;
    if (ok) {
        FILE *f = open_memstream(&csv, &len);
        if (f) {
            nb_synth_csv_header(f);
            for (int i = 0; i < plan->n; i++)
                nb_synth_csv_row(f, &r[i]);
        }
        char path[4400];
        snprintf(path, sizeof path, "%s/synth.csv", out_dir);
        ok = nb_memstream_close(f, &csv, path, err) && nb_write_file(path, csv, len, err);
        json_t *doc = json_pack("{s:s, s:O}", "format", "nibble-synth-table-1", "designs", rows);
        char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        json_decref(doc);
        snprintf(path, sizeof path, "%s/synth.json", out_dir);
        if (ok && !text)
            ok = nb_fail(err, "cannot build %s: out of memory, or a name that is not valid UTF-8",
                         path);
        ok = ok && nb_write_file(path, text, strlen(text), err);
        free(text);
    }
    if (!ok) {
        /* all or nothing: no earlier table stays next to results it does not hold */
        char path[4400];
        snprintf(path, sizeof path, "%s/synth.csv", out_dir);
        unlink(path);
        snprintf(path, sizeof path, "%s/synth.json", out_dir);
        unlink(path);
    }
    free(csv);
    json_decref(rows);
    json_decref(plan_doc);
    if (ok && results)
        *results = r;
    else
        free(r);
    return ok;
}
