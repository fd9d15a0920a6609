/* The report's tables as CSV and JSON. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/files.h"
#include "nibble/version.h"
#include "report_internal.h"

void rp_path(const rp_report *r, char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", r->tmp_dir, name);
}

static bool write_mem(const rp_report *r, const char *name, char *buf, size_t len, nb_err *err)
{
    char path[4400];
    rp_path(r, path, sizeof path, name);
    bool ok = nb_write_file(path, buf, len, err);
    free(buf);
    return ok;
}

/* NaN and infinities have no JSON spelling: null. */
json_t *rp_json_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* Beside an SQNR that is null: why (an exact result has an infinite SQNR). */
static void sqnr_note(json_t *obj, const char *key, double sqnr_db)
{
    if (obj && !isfinite(sqnr_db))
        json_object_set_new(obj, key,
                            json_string(isnan(sqnr_db)  ? "undefined: no signal and no error"
                                        : sqnr_db > 0 ? "exact: zero error"
                                                      : "no signal: the reference is all zeros"));
}

json_t *rp_design_json(const rp_design *d);
json_t *rp_design_json(const rp_design *d)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:o, s:o, s:o, s:b, s:b, s:b}", "design",
                          d->label, "weights", d->array.weights, "acts", d->array.acts, "rows",
                          d->array.rows, "cols", d->array.cols, "cascade",
                          strstr(d->array.acts, "overq") ? d->array.cascade : -1,
                          "gemm_sqnr_db", rp_json_num(d->gemm.sqnr_db), "array",
                          nb_synth_result_to_json(&d->syn_array), "pe",
                          d->has_pe ? nb_synth_result_to_json(&d->syn_pe) : json_null(),
                          "front_area", d->front_area, "front_power", d->front_power,
                          "front_energy", d->front_energy);
    sqnr_note(j, "gemm_sqnr_note", d->gemm.sqnr_db);
    if (j) {
        json_object_set_new(j, "power_of", json_string(rp_power_of(d)));
        json_object_set_new(j, "power_mw", rp_json_num(rp_power_mw(d)));
        json_object_set_new(j, "energy_per_mac_pj", rp_json_num(rp_energy_pj(d)));
        json_object_set_new(j, "block", json_boolean(d->block));
        json_object_set_new(j, "twin_of_block", json_boolean(d->is_twin));
    }
    if (j && d->block) {
        const rp_design *t = d->twin;
        json_object_set_new(j, "block_scaled",
                            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:o, s:o, s:o}",
                                      "block_size", (json_int_t)d->block_size, "w_scale", d->w_scale,
                                      "a_scale", d->a_scale, "scale_rule", d->rule, "w_elem",
                                      d->w_elem, "a_elem", d->a_elem, "scale_latency",
                                      d->scale_latency, "scale_term_stages", d->scale_term_stages,
                                      "scale_add_stages", d->scale_add_stages, "twin", t->label,
                                      "twin_array_area_um2", rp_json_num(t->syn_array.area_array),
                                      "stage_area_um2",
                                      rp_json_num(d->syn_array.area_array - t->syn_array.area_array),
                                      "twin_gemm_sqnr_block_db", rp_json_num(d->twin_sqnr_block)));
    }
    return j;
}

/* The report's own provenance: the nibble that wrote it, the tools it found,
 * the primary library as its results name it (each design's results in
 * "designs" carry their own, including the nibble that measured them). */
static json_t *rp_provenance_json(const rp_report *r)
{
    json_t *res = r->ndesigns ? nb_synth_result_to_json(&r->designs[0].syn_array) : NULL;
    json_t *lib = json_object_get(json_object_get(res, "provenance"), "library");
    json_t *p = json_pack("{s:{s:s, s:s}, s:s, s:s, s:O?}", "nibble", "version", nb_version(),
                          "commit", nb_build_commit(), "tools", r->versions, "primary_library",
                          r->libs[0].name, "library", lib);
    json_decref(res);
    return p;
}

bool rp_write_tables(const rp_report *r, nb_err *err)
{
    char *buf;
    size_t len;
    /* tensor-level accuracy */
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return nb_fail(err, "out of memory building accuracy.csv");
    fputs("tensor,role,format,scaling,sqnr_db,mse\n", f);
    for (int i = 0; i < r->nacc; i++) {
        const rp_acc_row *a = &r->acc[i];
        nb_csv_quoted(f, a->tensor, ",");
        fprintf(f, "%s,", a->role);
        nb_csv_quoted(f, a->format, ",");
        fprintf(f, "%s,", a->scaling);
        nb_csv_number(f, a->sqnr_db, ",");
        nb_csv_number(f, a->mse, "\n");
    }
    if (!nb_memstream_close(f, &buf, "accuracy.csv", err) ||
        !write_mem(r, "accuracy.csv", buf, len, err))
        return false;
    /* designs: GEMM accuracy, area, timing, power, frontiers */
    f = open_memstream(&buf, &len);
    if (!f)
        return nb_fail(err, "out of memory building designs.csv");
    fputs("design,weights,acts,rows,cols,cascade,gemm_sqnr_db,array_area_um2,array_cells,"
          "array_fmax_mhz,pe_area_um2,pe_baseline_area_um2,power_mw,energy_per_mac_pj,power_of,"
          "front_area,front_power,front_energy,", f);
    /* block-scaled designs (--blocks) and their software twins */
    fputs("block,twin_of_block,block_size,w_scale,a_scale,scale_rule,scale_latency,twin_design,"
          "twin_array_area_um2,stage_area_um2,twin_gemm_sqnr_block_db,", f);
    /* provenance, appended: the library, clock and the power figures' source */
    fputs("library,clock_ns,", f);
    nb_synth_csv_provenance_header(f);
    fputc('\n', f);
    for (int i = 0; i < r->ndesigns; i++) {
        const rp_design *d = &r->designs[i];
        fprintf(f, "%s,%s,%s,%d,%d,%d,", d->label, d->array.weights, d->array.acts, d->array.rows,
                d->array.cols, strstr(d->array.acts, "overq") ? d->array.cascade : -1);
        nb_csv_number(f, d->gemm.sqnr_db, ",");
        fprintf(f, "%.6g,%d,%.6g,", d->syn_array.area_array, d->syn_array.cells_array,
                d->syn_array.fmax_mhz);
        const nb_synth_result *pe = d->has_pe ? &d->syn_pe : &d->syn_array;
        nb_csv_number(f, pe->area_pe, ",");
        nb_csv_number(f, pe->area_pe_baseline > 0 ? pe->area_pe_baseline : NAN, ",");
        nb_csv_number(f, rp_power_mw(d), ",");
        nb_csv_number(f, rp_energy_pj(d), ",");
        fprintf(f, "%s,", rp_power_of(d));
        fprintf(f, "%d,%d,%d,", d->front_area, d->front_power, d->front_energy);
        fprintf(f, "%d,%d,", d->block, d->is_twin);
        if (d->block) {
            fprintf(f, "%zu,%s,%s,%s,%d,", d->block_size, d->w_scale, d->a_scale, d->rule,
                    d->scale_latency);
            nb_csv_quoted(f, d->twin->label, ",");
            nb_csv_number(f, d->twin->syn_array.area_array, ",");
            nb_csv_number(f, d->syn_array.area_array - d->twin->syn_array.area_array, ",");
            nb_csv_number(f, d->twin_sqnr_block, ",");
        } else {
            fputs(",,,,,,,,,", f);
        }
        /* the result the power figures come from (the array's otherwise;
         * a block design's PE+stage: its array): report.json holds every
         * result's own provenance */
        const nb_synth_result *src = rp_power_result(d);
        fprintf(f, "%s,%.6g,", src->library, src->clock_ns);
        nb_synth_csv_provenance(f, src);
        fputc('\n', f);
    }
    if (!nb_memstream_close(f, &buf, "designs.csv", err) ||
        !write_mem(r, "designs.csv", buf, len, err))
        return false;
    /* everything as one JSON document */
    /* every row is kept: a row that cannot be built (out of memory, a name
     * that is not UTF-8) fails the report instead of vanishing from it */
    json_t *acc = json_array(), *designs = json_array(), *tensors = json_array();
    bool rows_ok = acc && designs && tensors;
    for (int i = 0; i < r->nacc; i++) {
        const rp_acc_row *a = &r->acc[i];
        json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "tensor", a->tensor, "role",
                                a->role, "format", a->format, "scaling", a->scaling, "sqnr_db",
                                rp_json_num(a->sqnr_db), "mse", rp_json_num(a->mse));
        sqnr_note(row, "sqnr_note", a->sqnr_db);
        rows_ok = json_array_append_new(acc, row) == 0 && rows_ok;
    }
    for (int i = 0; i < r->ndesigns; i++)
        rows_ok = json_array_append_new(designs, rp_design_json(&r->designs[i])) == 0 && rows_ok;
    for (int i = 0; i < r->ntensors; i++) {
        const rp_tensor *t = &r->tensors[i];
        json_t *tj = json_pack("{s:s, s:s, s:I, s:I}", "name", t->name, "source", t->source, "rows",
                               (json_int_t)t->rows, "cols", (json_int_t)t->cols);
        if (t->fitted)
            json_object_set_new(tj, "student_t_fit",
                                json_pack("{s:o, s:o, s:o, s:o, s:o}", "nu", rp_json_num(t->nu), "loc",
                                          rp_json_num(t->loc), "scale", rp_json_num(t->scale), "loglik",
                                          rp_json_num(t->loglik), "normal_loglik", rp_json_num(t->normal_loglik)));
        rows_ok = json_array_append_new(tensors, tj) == 0 && rows_ok;
    }
    if (!rows_ok) {
        json_decref(acc);
        json_decref(designs);
        json_decref(tensors);
        return nb_fail(err, "cannot build report.json: out of memory, or a tensor, format or "
                       "design name that is not valid UTF-8");
    }
    const nb_report_opts *o = r->o;
    json_t *doc = json_pack("{s:s, s:{s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:f, s:I, s:b, s:b}, s:s, "
                            "s:o, s:o, s:o, s:s, s:f}",
                            "format", "nibble-report-1", "config", "formats", o->formats, "acts",
                            o->acts, "overq", o->overq ? o->overq : "", "rows", o->rows, "cols",
                            o->cols, "weight_dist", o->weight_dist, "act_dist", o->act_dist, "clip",
                            o->clip, "seed", (json_int_t)o->seed, "power", o->power, "array_power", o->array_power, "tools",
                            r->versions, "tensors", tensors, "accuracy", acc, "designs", designs,
                            "findings", r->findings, "seconds", r->seconds);
    if (doc) {
        json_object_set_new(doc, "provenance", rp_provenance_json(r));
        char names[RP_MAX_LIBS * 65] = "";
        for (int l = 0; l < r->nlibs; l++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", l ? "," : "",
                     r->libs[l].name);
        json_object_set_new(json_object_get(doc, "config"), "library", json_string(names));
        json_object_set_new(json_object_get(doc, "config"), "blocks",
                            json_string(o->blocks ? o->blocks : ""));
        json_object_set_new(doc, "scale_rules", rp_blocks_json(r));
        json_object_set_new(doc, "libraries", rp_libraries_json(r));
    }
    if (doc && r->model && json_object_set_new(doc, "model_accuracy", rp_model_json(r)) != 0) {
        json_decref(doc);
        return nb_fail(err, "cannot build report.json's model_accuracy: out of memory, or a "
                       "path or design name that is not valid UTF-8");
    }
    buf = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(8));
    json_decref(doc);
    if (!buf)
        return nb_fail(err, "cannot build report.json: out of memory, or an option or tool "
                       "version that is not valid UTF-8");
    return write_mem(r, "report.json", buf, strlen(buf), err);
}
