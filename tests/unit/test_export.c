/* nibble export without synthesis: the provenance of a result is every
 * non-measurement field of its JSON (fields a later nibble adds flow
 * through), YAML numbers read back as floats by YAML 1.1 readers, and the
 * Accelergy text has Accelergy's structure with the per-PE shares adding up
 * to the array's energies. (tests/synth/export_accelergy.sh checks real
 * designs with PyYAML against synth.csv.) */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"
#include "nibble/export.h"

static nb_synth_result sample(void)
{
    nb_synth_result r;
    memset(&r, 0, sizeof r);
    strcpy(r.name, "int4 x int4 2x2");
    strcpy(r.weights, "int4");
    strcpy(r.acts, "int4");
    strcpy(r.acc_mode, "wrap");
    strcpy(r.library, "osu018");
    strcpy(r.liberty, "/lib/osu018.lib");
    strcpy(r.key, "k");
    r.rows = r.cols = 2;
    r.acc_bits = 16;
    r.cascade = -1;
    r.clock_ns = 10;
    r.area_array = 51174;
    r.area_pe = 9207;
    r.has_power = true;
    r.energy_per_mac_pj = 22.08;
    r.power_cycles = 600;
    r.power_macs = 512;
    r.gate_level_match = true;
    return r;
}

Test(export, provenance_is_every_non_measurement_field)
{
    nb_synth_result r = sample();
    json_t *j = nb_synth_result_to_json(&r);
    /* what a later result may hold: a nested provenance group and a version */
    json_object_set_new(j, "provenance", json_pack("{s:s, s:{s:s}}", "liberty_sha256", "abc",
                                                   "tools", "yosys", "0.23"));
    json_object_set_new(j, "nibble_version", json_string("0.2.0"));
    json_t *p = nb_export_provenance_json(j);
    cr_assert(p);
    cr_expect_str_eq(json_string_value(json_object_get(p, "library")), "osu018");
    cr_expect_str_eq(json_string_value(json_object_get(p, "liberty")), "/lib/osu018.lib");
    cr_expect_float_eq(json_number_value(json_object_get(p, "clock_ns")), 10.0, 1e-12);
    cr_expect_str_eq(json_string_value(json_object_get(p, "provenance.liberty_sha256")), "abc");
    cr_expect_str_eq(json_string_value(json_object_get(p, "provenance.tools.yosys")), "0.23");
    cr_expect_str_eq(json_string_value(json_object_get(p, "nibble_version")), "0.2.0");
    cr_expect_eq(json_integer_value(json_object_get(p, "power_cycles")), 600);
    cr_expect_eq(json_integer_value(json_object_get(p, "power_macs")), 512);
    /* the measurements are the table's numbers, not provenance */
    cr_expect_null(json_object_get(p, "area_um2"));
    cr_expect_null(json_object_get(p, "area_um2.array"));
    cr_expect_null(json_object_get(p, "timing.fmax_mhz"));
    cr_expect_null(json_object_get(p, "power.total_mw"));
    json_decref(p);
    json_decref(j);
}

static char *number(double v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    yaml_number(f, v);
    fclose(f);
    return buf;
}

Test(export, yaml_numbers_are_floats_to_every_reader)
{
    const struct { double v; const char *text; } cases[] = {
        {2, "2.0"}, {370.5, "370.5"}, {1e-05, "1.00000000e-05"}, {-3e20, "-3.00000000e+20"},
        {0, "0.0"}, {23.5029047, "23.5029047"}, {0.0 / 0.0, "null"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *t = number(cases[i].v);
        cr_expect_str_eq(t, cases[i].text, "%g", cases[i].v);
        free(t);
    }
}

static double energy_after(const char *text, const char *from, const char *action)
{
    const char *t = strstr(text, from);
    cr_assert(t, "no %s", from);
    char key[128];
    snprintf(key, sizeof key, "- name: \"%s\"\n      arguments: null\n      energy: ", action);
    const char *a = strstr(t, key);
    cr_assert(a, "no action %s after %s", action, from);
    return strtod(a + strlen(key), NULL);
}

Test(export, accelergy_tables)
{
    nb_err err;
    nb_design_params dp = nb_design_params_default();
    dp.weights = "int4,e2m1";
    dp.acts = "int4";
    dp.rows = dp.cols = 2;
    nb_design *d = nb_design_create(&dp, &err);
    cr_assert(d, "%s", err.msg);
    nb_synth_result r = sample();
    nb_synth_actions *a = calloc(1, sizeof *a);
    a->nw = 2;
    a->na = 1;
    a->mac_pj[0][0] = 22.08;
    a->mac_pj[1][0] = 22.42;
    a->idle_cycle_pj = 44.0;
    a->load_cycle_pj = 50.0;
    a->idle_cycles = a->load_cycles = 256;
    nb_export_design e[2] = {{d, &r, a}, {d, &r, a}};
    char *ert, *art;
    cr_assert(nb_export_accelergy_text(e, 2, "nibble test", &ert, &art, &err), "%s", err.msg);
    cr_expect(strstr(ert, "ERT:\n  version: 0.3\n  tables:\n"));
    cr_expect(strstr(art, "ART:\n  version: 0.3\n  tables:\n"));
    /* the same design twice gets two names */
    cr_expect(strstr(ert, "- name: nibble.int4_e2m1_x_int4_2x2.array\n"));
    cr_expect(strstr(ert, "- name: nibble.int4_e2m1_x_int4_2x2_2.array\n"));
    cr_expect(strstr(art, "- name: nibble.int4_e2m1_x_int4_2x2.array.PE[0..3]\n    area: 9207.0\n"));
    cr_expect(strstr(art, "- name: nibble.int4_e2m1_x_int4_2x2.array\n    area: 51174.0\n"));
    const char *arr = "name: nibble.int4_e2m1_x_int4_2x2.array\n";
    const char *pe = "name: nibble.int4_e2m1_x_int4_2x2.array.PE[0..3]\n";
    cr_expect_float_eq(energy_after(ert, arr, "mac_random"), 22.08, 1e-9);
    cr_expect_float_eq(energy_after(ert, arr, "mac_int4_int4"), 22.08, 1e-9);
    cr_expect_float_eq(energy_after(ert, arr, "mac_e2m1_int4"), 22.42, 1e-9);
    cr_expect_float_eq(energy_after(ert, arr, "idle"), 44.0, 1e-9);
    cr_expect_float_eq(energy_after(ert, arr, "weight_load"), 50.0, 1e-9);
    double pe_idle = energy_after(ert, pe, "idle"), pe_load = energy_after(ert, pe, "weight_load");
    cr_expect_float_eq(pe_idle, 11.0, 1e-9);
    /* C loading PEs and (R-1)*C idle ones make the array's load cycle */
    cr_expect_float_eq(2 * pe_load + 2 * pe_idle, 50.0, 1e-9);
    cr_expect(strstr(ert, "    nibble_provenance:\n      \"design\": \"int4 x int4 2x2\"\n"));
    cr_expect(strstr(ert, "      \"library\": \"osu018\"\n"));
    cr_expect(strstr(ert, "      exported_by: \"nibble test\"\n"));
    free(ert);
    free(art);
    free(a);
    nb_design_free(d);
}
