/* Synthesis results as JSON (cache, tables) and CSV rows. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nibble/csv.h"
#include "nibble/synth.h"

/* JSON has no inf or NaN, and jansson's json_real() returns NULL for them,
 * which would make json_pack() drop the whole result: a value that is not
 * finite (none should be, but a failed measurement must not delete a row)
 * is written as null and read back as NaN. */
static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *nb_synth_result_to_json(const nb_synth_result *r)
{
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:i, s:i, s:s, s:b, s:s, s:s, s:o}", "design",
        r->name, "weights", r->weights, "acts", r->acts, "rows", r->rows, "cols", r->cols,
        "acc_bits", r->acc_bits, "acc_mode", r->acc_mode, "pipeline", r->pipeline, "cascade",
        r->cascade, "overq_mode", r->overq_mode, "overq_encoder", r->overq_encoder, "library",
        r->library, "liberty", r->liberty, "clock_ns", num(r->clock_ns));
    json_object_set_new(j, "area_um2", json_pack("{s:o, s:o, s:o, s:o, s:o}", "array",
                                                 num(r->area_array), "pe", num(r->area_pe),
                                                 "pe_decoders", num(r->area_pe_decoders),
                                                 "pe_baseline", num(r->area_pe_baseline),
                                                 "encoder", num(r->area_encoder)));
    json_object_set_new(j, "cells", json_pack("{s:i, s:i, s:i}", "array", r->cells_array, "flops",
                                              r->flops_array, "pe", r->cells_pe));
    json_object_set_new(j, "timing", json_pack("{s:o, s:o, s:o, s:b}", "slack_ns",
                                               num(r->slack_ns), "critical_ns",
                                               num(r->critical_ns), "fmax_mhz", num(r->fmax_mhz),
                                               "met", nb_synth_timing_met(r)));
    json_object_set_new(j, "power", json_pack("{s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:i, s:b}",
        "measured", r->has_power, "total_mw", num(r->power_mw), "internal_mw",
        num(r->power_internal_mw), "switching_mw", num(r->power_switching_mw), "leakage_mw",
        num(r->power_leakage_mw), "opensta_mw", num(r->sta_power_mw), "input_activity",
        num(r->input_activity), "energy_per_mac_pj", num(r->energy_per_mac_pj), "cycles",
        (json_int_t)r->power_cycles, "macs", (json_int_t)r->power_macs,
        "nets_without_toggles", r->nets_without_toggles, "gate_level_match", r->gate_level_match));
    const nb_synth_provenance *p = &r->prov;
    json_object_set_new(j, "provenance", json_pack(
        "{s:{s:s, s:s, s:s, s:s, s:o, s:o, s:o}, s:o, s:{s:s, s:s, s:I, s:I}, "
        "s:{s:s, s:s, s:s}, s:{s:s, s:s}}",
        "library", "file", p->liberty_file, "xxh128", p->liberty_xxh128, "name", p->library_name,
        "path", r->liberty, "process", num(p->process), "voltage_v", num(p->voltage_v),
        "temperature_c", num(p->temperature_c), "clock_ns", num(r->clock_ns), "activity",
        "source", r->has_power ? "gate-level simulation" : "none", "workload", p->workload,
        "seed", (json_int_t)p->seed, "cycles", (json_int_t)r->power_cycles, "tools", "yosys",
        p->yosys, "opensta", p->opensta, "verilator", p->verilator, "nibble", "version",
        p->nibble_version, "commit", p->nibble_commit));
    json_object_set_new(j, "key", json_string(r->key));
    return j;
}

/* The provenance object (nb_synth_result_to_json); numbers may be null. A
 * result without one (a table from a nibble before provenance, or written by
 * hand for `nibble costmodel`) reads as unknown provenance: empty texts, NaN
 * conditions, seed 0. */
static bool provenance_from_json(json_t *j, nb_synth_provenance *p, nb_err *err)
{
    memset(p, 0, sizeof *p);
    p->process = p->voltage_v = p->temperature_c = NAN;
    if (!j)
        return true;
    const char *file, *hash, *name, *workload, *yosys, *sta, *verilator, *version, *commit;
    json_t *v[3];
    json_int_t seed;
    json_error_t e;
    if (json_unpack_ex(j, &e, 0,
                       "{s:{s:s, s:s, s:s, s:o, s:o, s:o}, s:{s:s, s:I}, s:{s:s, s:s, s:s}, "
                       "s:{s:s, s:s}}",
                       "library", "file", &file, "xxh128", &hash, "name", &name, "process", &v[0],
                       "voltage_v", &v[1], "temperature_c", &v[2], "activity", "workload",
                       &workload, "seed", &seed, "tools", "yosys", &yosys, "opensta", &sta,
                       "verilator", &verilator, "nibble", "version", &version, "commit",
                       &commit) != 0)
        return nb_fail(err, "malformed synthesis result: provenance: %s", e.text);
    double *dst[3] = {&p->process, &p->voltage_v, &p->temperature_c};
    for (int k = 0; k < 3; k++) {
        if (!json_is_null(v[k]) && !json_is_number(v[k]))
            return nb_fail(err, "malformed synthesis result: provenance: a number is not a number");
        *dst[k] = json_is_null(v[k]) ? NAN : json_number_value(v[k]);
    }
    snprintf(p->liberty_file, sizeof p->liberty_file, "%s", file);
    snprintf(p->liberty_xxh128, sizeof p->liberty_xxh128, "%s", hash);
    snprintf(p->library_name, sizeof p->library_name, "%s", name);
    snprintf(p->workload, sizeof p->workload, "%s", workload);
    p->seed = (unsigned long long)seed;
    snprintf(p->yosys, sizeof p->yosys, "%s", yosys);
    snprintf(p->opensta, sizeof p->opensta, "%s", sta);
    snprintf(p->verilator, sizeof p->verilator, "%s", verilator);
    snprintf(p->nibble_version, sizeof p->nibble_version, "%s", version);
    snprintf(p->nibble_commit, sizeof p->nibble_commit, "%s", commit);
    return true;
}

bool nb_synth_result_from_json(json_t *j, nb_synth_result *r, nb_err *err)
{
    const char *name, *w, *a, *mode, *oqm, *lib, *liberty, *key;
    int enc, measured, match;
    json_int_t cycles, macs;
    json_error_t e;
    /* the numbers as JSON values first: null stands for a value that was not finite */
    enum { CLOCK, A_ARRAY, A_PE, A_DEC, A_BASE, A_ENC, SLACK, CRIT, FMAX, P_TOTAL, P_INT, P_SW,
           P_LEAK, P_STA, ACTIVITY, ENERGY, N_NUM };
    json_t *v[N_NUM];
    double *dst[N_NUM] = {&r->clock_ns, &r->area_array, &r->area_pe, &r->area_pe_decoders,
                          &r->area_pe_baseline, &r->area_encoder, &r->slack_ns, &r->critical_ns,
                          &r->fmax_mhz, &r->power_mw, &r->power_internal_mw,
                          &r->power_switching_mw, &r->power_leakage_mw, &r->sta_power_mw,
                          &r->input_activity, &r->energy_per_mac_pj};
    if (json_unpack_ex(j, &e, 0,
                       "{s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:i, s:i, s:s, s:b, s:s, s:s, s:o, "
                       "s:{s:o, s:o, s:o, s:o, s:o}, s:{s:i, s:i, s:i}, s:{s:o, s:o, s:o}, "
                       "s:{s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:i, s:b}, s:s}",
                       "design", &name, "weights", &w, "acts", &a, "rows", &r->rows, "cols", &r->cols,
                       "acc_bits", &r->acc_bits, "acc_mode", &mode, "pipeline", &r->pipeline,
                       "cascade", &r->cascade, "overq_mode", &oqm, "overq_encoder", &enc, "library",
                       &lib, "liberty", &liberty, "clock_ns", &v[CLOCK], "area_um2", "array",
                       &v[A_ARRAY], "pe", &v[A_PE], "pe_decoders", &v[A_DEC],
                       "pe_baseline", &v[A_BASE], "encoder", &v[A_ENC], "cells",
                       "array", &r->cells_array, "flops", &r->flops_array, "pe", &r->cells_pe,
                       "timing", "slack_ns", &v[SLACK], "critical_ns", &v[CRIT],
                       "fmax_mhz", &v[FMAX], "power", "measured", &measured, "total_mw",
                       &v[P_TOTAL], "internal_mw", &v[P_INT], "switching_mw",
                       &v[P_SW], "leakage_mw", &v[P_LEAK], "opensta_mw",
                       &v[P_STA], "input_activity", &v[ACTIVITY], "energy_per_mac_pj",
                       &v[ENERGY], "cycles", &cycles, "macs", &macs,
                       "nets_without_toggles", &r->nets_without_toggles, "gate_level_match", &match,
                       "key", &key) != 0)
        return nb_fail(err, "malformed synthesis result: %s", e.text);
    for (int k = 0; k < N_NUM; k++) {
        if (json_is_null(v[k]))
            *dst[k] = NAN;
        else if (json_is_number(v[k]))
            *dst[k] = json_number_value(v[k]);
        else
            return nb_fail(err, "malformed synthesis result: a number is a JSON %s",
                           json_is_string(v[k]) ? "string" : "non-number");
    }
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->weights, sizeof r->weights, "%s", w);
    snprintf(r->acts, sizeof r->acts, "%s", a);
    snprintf(r->acc_mode, sizeof r->acc_mode, "%s", mode);
    snprintf(r->overq_mode, sizeof r->overq_mode, "%s", oqm);
    snprintf(r->library, sizeof r->library, "%s", lib);
    snprintf(r->liberty, sizeof r->liberty, "%s", liberty);
    snprintf(r->key, sizeof r->key, "%s", key);
    if (!provenance_from_json(json_object_get(j, "provenance"), &r->prov, err))
        return false;
    r->overq_encoder = enc;
    r->has_power = measured;
    r->gate_level_match = match;
    r->power_cycles = (unsigned long long)cycles;
    r->power_macs = (unsigned long long)macs;
    return true;
}

static void csv_field(FILE *f, const char *s)
{
    nb_csv_text(f, s, ",");
}

static void csv_number(FILE *f, double v)
{
    nb_csv_number(f, v, ",");
}

void nb_synth_csv_header(FILE *f)
{
    fputs("weights,acts,rows,cols,acc_bits,acc_mode,pipeline,cascade,overq_mode,overq_encoder,"
          "library,clock_ns,area_pe_um2,area_pe_decoders_um2,area_pe_baseline_um2,area_array_um2,"
          "area_encoder_um2,cells_array,flops_array,cells_pe,slack_ns,critical_ns,fmax_mhz,timing_met,"
          "power_mw,"
          "power_internal_mw,power_switching_mw,power_leakage_mw,opensta_power_mw,input_activity,"
          "energy_per_mac_pj,gate_level_match,", f);
    /* provenance, appended: the columns before keep their places */
    nb_synth_csv_provenance_header(f);
    fputc('\n', f);
}

void nb_synth_csv_row(FILE *f, const nb_synth_result *r)
{
    csv_field(f, r->weights);
    csv_field(f, r->acts);
    fprintf(f, "%d,%d,%d,%s,%d,%d,", r->rows, r->cols, r->acc_bits, r->acc_mode, r->pipeline,
            r->cascade);
    csv_field(f, r->overq_mode);
    fprintf(f, "%d,%s,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%d,%d,%d,%.6g,%.6g,%.6g,%d,", r->overq_encoder,
            r->library, r->clock_ns, r->area_pe, r->area_pe_decoders, r->area_pe_baseline,
            r->area_array, r->area_encoder, r->cells_array, r->flops_array, r->cells_pe,
            r->slack_ns, r->critical_ns, r->fmax_mhz, nb_synth_timing_met(r));
    if (r->has_power)
        fprintf(f, "%.6g,%.6g,%.6g,%.6g,", r->power_mw, r->power_internal_mw,
                r->power_switching_mw, r->power_leakage_mw);
    else
        fputs(",,,,", f);
    fprintf(f, "%.6g,%.4g,", r->sta_power_mw, r->input_activity);
    if (r->has_power)
        fprintf(f, "%.6g,%d,", r->energy_per_mac_pj, r->gate_level_match);
    else
        fputs(",,", f);
    nb_synth_csv_provenance(f, r);
    fputc('\n', f);
}

void nb_synth_csv_provenance_header(FILE *f)
{
    fputs("liberty_file,liberty_xxh128,library_name,process,voltage_v,temperature_c,"
          "activity_workload,activity_seed,activity_cycles,yosys_version,opensta_version,"
          "verilator_version,nibble_version,nibble_commit", f);
}

void nb_synth_csv_provenance(FILE *f, const nb_synth_result *r)
{
    const nb_synth_provenance *p = &r->prov;
    csv_field(f, p->liberty_file);
    csv_field(f, p->liberty_xxh128);
    csv_field(f, p->library_name);
    csv_number(f, p->process);
    csv_number(f, p->voltage_v);
    csv_number(f, p->temperature_c);
    csv_field(f, r->has_power ? p->workload : "");
    if (r->has_power)
        fprintf(f, "%llu,%llu,", p->seed, r->power_cycles);
    else
        fputs(",,", f);
    csv_field(f, p->yosys);
    csv_field(f, p->opensta);
    csv_field(f, p->verilator);
    csv_field(f, p->nibble_version);
    nb_csv_text(f, p->nibble_commit, "");
}
