/* Synthesis results as JSON: a value that is not finite is written as null and
 * read back as NaN, so the row survives (jansson's json_real() refuses inf and
 * NaN, which made json_pack() return NULL and the whole result vanish). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "nibble/synth.h"

static nb_synth_result sample(void)
{
    nb_synth_result r;
    memset(&r, 0, sizeof r);
    strcpy(r.name, "int4_int4_2x2");
    strcpy(r.weights, "int4");
    strcpy(r.acts, "int4");
    strcpy(r.acc_mode, "wrap");
    strcpy(r.overq_mode, "none");
    strcpy(r.library, "osu018");
    strcpy(r.liberty, "x.lib");
    strcpy(r.key, "k");
    r.rows = r.cols = 2;
    r.acc_bits = 16;
    r.cascade = -1;
    r.clock_ns = 10;
    r.area_array = 1234.5;
    r.slack_ns = 1;
    r.critical_ns = 9;
    r.fmax_mhz = 111.1;
    r.has_power = true;
    r.power_mw = 2;
    return r;
}

Test(synth_result, non_finite_values_round_trip_as_null)
{
    nb_synth_result r = sample(), back;
    r.energy_per_mac_pj = NAN; /* e.g. no MAC counted */
    r.fmax_mhz = INFINITY;
    json_t *j = nb_synth_result_to_json(&r);
    cr_assert_not_null(j, "the result was dropped");
    cr_expect(json_is_null(json_object_get(json_object_get(j, "power"), "energy_per_mac_pj")));
    cr_expect(json_is_null(json_object_get(json_object_get(j, "timing"), "fmax_mhz")));
    nb_err err = {{0}};
    memset(&back, 0, sizeof back);
    cr_assert(nb_synth_result_from_json(j, &back, &err), "%s", err.msg);
    cr_expect(isnan(back.energy_per_mac_pj));
    cr_expect(isnan(back.fmax_mhz));
    cr_expect_float_eq(back.area_array, 1234.5, 1e-9);
    cr_expect_float_eq(back.power_mw, 2, 1e-12);
    cr_expect_str_eq(back.name, r.name);
    json_decref(j);
}

Test(synth_result, a_number_given_as_text_is_malformed)
{
    nb_synth_result r = sample(), back;
    json_t *j = nb_synth_result_to_json(&r);
    cr_assert_not_null(j);
    json_object_set_new(json_object_get(j, "area_um2"), "array", json_string("big"));
    nb_err err = {{0}};
    cr_expect_not(nb_synth_result_from_json(j, &back, &err));
    cr_expect(strstr(err.msg, "malformed synthesis result") != NULL, "%s", err.msg);
    json_decref(j);
}

Test(synth_result, provenance_round_trips)
{
    nb_synth_result r = sample(), back;
    strcpy(r.prov.liberty_file, "x.lib");
    strcpy(r.prov.liberty_xxh128, "0123456789abcdef0123456789abcdef");
    strcpy(r.prov.library_name, "x");
    r.prov.process = 1;
    r.prov.voltage_v = 1.8;
    r.prov.temperature_c = NAN; /* the file gives none */
    strcpy(r.prov.workload, "gemm 64x4x2 weights t:5 in int4, acts t:5 in int4");
    r.prov.seed = 7;
    r.power_cycles = 525;
    strcpy(r.prov.yosys, "Yosys 0.23 (git sha1 7ce5011c24b)");
    strcpy(r.prov.nibble_version, "0.1.0");
    strcpy(r.prov.nibble_commit, "34d368d473ca");
    json_t *j = nb_synth_result_to_json(&r);
    cr_assert_not_null(j);
    json_t *p = json_object_get(j, "provenance");
    cr_expect(json_is_null(json_object_get(json_object_get(p, "library"), "temperature_c")));
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(p, "activity"), "cycles")), 525);
    nb_err err = {{0}};
    memset(&back, 0, sizeof back);
    cr_assert(nb_synth_result_from_json(j, &back, &err), "%s", err.msg);
    cr_expect_str_eq(back.prov.liberty_xxh128, r.prov.liberty_xxh128);
    cr_expect_str_eq(back.prov.workload, r.prov.workload);
    cr_expect_str_eq(back.prov.yosys, r.prov.yosys);
    cr_expect_str_eq(back.prov.nibble_commit, r.prov.nibble_commit);
    cr_expect_eq(back.prov.seed, 7);
    cr_expect_float_eq(back.prov.voltage_v, 1.8, 1e-12);
    cr_expect(isnan(back.prov.temperature_c));
    json_decref(j);
}

/* An older or hand-written table has none: unknown, not an error; a
 * provenance of the wrong shape is malformed. */
Test(synth_result, provenance_absent_is_unknown_and_malformed_is_refused)
{
    nb_synth_result r = sample(), back;
    strcpy(r.prov.nibble_version, "0.1.0");
    json_t *j = nb_synth_result_to_json(&r);
    cr_assert_not_null(j);
    json_object_del(j, "provenance");
    nb_err err = {{0}};
    cr_assert(nb_synth_result_from_json(j, &back, &err), "%s", err.msg);
    cr_expect_str_eq(back.prov.nibble_version, "");
    cr_expect_str_eq(back.prov.liberty_xxh128, "");
    cr_expect(isnan(back.prov.voltage_v));
    json_object_set_new(j, "provenance", json_pack("{s:s}", "library", "osu018"));
    cr_expect_not(nb_synth_result_from_json(j, &back, &err));
    cr_expect(strstr(err.msg, "malformed synthesis result: provenance") != NULL, "%s", err.msg);
    json_decref(j);
}

/* Provenance columns are appended; a field with commas or quotes is quoted
 * with its quotes doubled, so the row keeps as many fields as the header. */
Test(synth_result, csv_provenance_columns_are_appended_and_quoted)
{
    nb_synth_result r = sample();
    strcpy(r.prov.yosys, "Yosys \"0.23\", custom");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    nb_synth_csv_header(f);
    nb_synth_csv_row(f, &r);
    fclose(f);
    cr_expect(strstr(buf, "gate_level_match,liberty_file,liberty_xxh128,") != NULL, "%s", buf);
    cr_expect(strstr(buf, ",nibble_version,nibble_commit\n") != NULL, "%s", buf);
    cr_expect(strstr(buf, ",\"Yosys \"\"0.23\"\", custom\",") != NULL, "%s", buf);
    /* fields outside quotes: header and row alike */
    int fields[2] = {1, 1}, line = 0;
    bool quoted = false;
    for (const char *c = buf; *c && line < 2; c++) {
        if (*c == '"')
            quoted = !quoted;
        else if (*c == ',' && !quoted)
            fields[line]++;
        else if (*c == '\n' && !quoted)
            line++;
    }
    cr_expect_eq(fields[0], fields[1], "header %d fields, row %d", fields[0], fields[1]);
    free(buf);
}
