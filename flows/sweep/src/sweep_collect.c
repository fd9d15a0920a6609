/* Gathering a sweep's results into one table (CSV and JSON), all or nothing. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nibble/sweep.h"
#include "nibble/tools.h"
#include "sweep_internal.h"

bool nb_sweep_collect(const nb_sweep_plan *plan, const char *out_dir, nb_synth_result **results,
                      nb_err *err)
{
    nb_sweep_opts o = {.out_dir = out_dir};
    nb_synth_result *r = calloc((size_t)plan->n + 1, sizeof *r);
    json_t *rows = json_array();
    int missing = 0;
    char first_missing[4400] = "";
    bool ok = r != NULL || nb_fail(err, "out of memory");
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
        if (ok)
            json_array_append(rows, j);
        json_decref(j);
    }
    if (ok && missing)
        ok = nb_fail(err, "%d of %d sweep results are missing (first: %s); run the jobs (their "
                     "logs are in %s/logs), then collect again", missing, plan->n, first_missing,
                     out_dir);
    char *csv = NULL;
    size_t len = 0;
    if (ok) {
        FILE *f = open_memstream(&csv, &len);
        nb_synth_csv_header(f);
        for (int i = 0; i < plan->n; i++)
            nb_synth_csv_row(f, &r[i]);
        fclose(f);
        char path[4400];
        snprintf(path, sizeof path, "%s/synth.csv", out_dir);
        ok = nb_write_file(path, csv, len, err);
        json_t *doc = json_pack("{s:s, s:O}", "format", "nibble-synth-table-1", "designs", rows);
        char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        json_decref(doc);
        snprintf(path, sizeof path, "%s/synth.json", out_dir);
        ok = ok && text && nb_write_file(path, text, strlen(text), err);
        free(text);
    }
    free(csv);
    json_decref(rows);
    if (ok && results)
        *results = r;
    else
        free(r);
    return ok;
}
