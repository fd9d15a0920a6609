/* Synthesis results as JSON: a value that is not finite is written as null and
 * read back as NaN, so the row survives (jansson's json_real() refuses inf and
 * NaN, which made json_pack() return NULL and the whole result vanish). */
#include <criterion/criterion.h>
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
