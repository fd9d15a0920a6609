/* The liberty reader: a hand-written library (units, cells, pins, tables,
 * comments, continuations), syntax errors with line numbers, and OSU018. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "nibble/liberty.h"
#include "test_support.h"

#define OSU018 "/usr/share/qflow/tech/osu018/osu018_stdcells.lib"

static const char *small_lib =
    "/* a tiny library\n"
    "   for the tests */\n"
    "library (tiny) {\n"
    "  time_unit : \"1ns\" ;\n"
    "  voltage_unit : \"1V\";\n"
    "  leakage_power_unit : \"1pW\";\n"
    "  capacitive_load_unit (1, ff);\n"
    "  nom_voltage : 1.2\n"                   /* no ';' at the end of the line */
    "  operating_conditions (typ) { voltage : 1.1; }\n"
    "  default_operating_conditions : typ;\n"
    "  power_lut_template (e2x2) {\n"
    "    variable_1 : total_output_net_capacitance;\n"
    "    variable_2 : input_transition_time;\n"
    "    index_1 (\"1000, 1001\");\n"
    "    index_2 (\"1000, 1001\");\n"
    "  }\n"
    "  power_lut_template (swapped) {\n"
    "    variable_1 : input_transition_time;\n"
    "    variable_2 : total_output_net_capacitance;\n"
    "  }\n"
    "  power_lut_template (p1) { variable_1 : input_transition_time; index_1 (\"0.1, 0.3\"); }\n"
    "  cell (INV) {\n"
    "    area : 2.5;\n"
    "    cell_leakage_power : 3.0; // line comment\n"
    "    pin (A) { direction : input; capacitance : 1.5; }\n"
    "    pin (Y) {\n"
    "      direction : output;\n"
    "      function : \"(!A)\";\n"
    "      internal_power () {\n"
    "        related_pin : \"A\";\n"
    "        rise_power (e2x2) {\n"
    "          index_1 (\"1, 3\");\n"
    "          index_2 (\"0.1, 0.3\");\n"
    "          values (\"1, 2\", \\\n"
    "                  \"3, 5\");\n"
    "        }\n"
    "        fall_power (swapped) {\n"
    "          index_1 (\"0.1, 0.3\");\n"
    "          index_2 (\"1, 3\");\n"
    "          values (\"1, 2\", \\\n"
    "                  \"3, 5\");\n"
    "        }\n"
    "      }\n"
    "    }\n"
    "  }\n"
    "  cell (FF) {\n"
    "    area : 10;\n"
    "    pin (CK) {\n"
    "      direction : input; clock : true; capacitance : 2;\n"
    "      internal_power () { rise_power (p1) { values (\"0.2, 0.4\"); }\n"
    "                          fall_power (scalar) { values (\"0.6\"); } }\n"
    "    }\n"
    "    pin (D, E) { direction : input; rise_capacitance : 1; fall_capacitance : 2; }\n"
    "    pin (Q) { direction : output; }\n"
    "  }\n"
    "}\n";

static nb_liberty *parse(const char *text, nb_err *err)
{
    return nb_liberty_parse(text, strlen(text), "tiny.lib", err);
}

Test(liberty, units_cells_and_pins)
{
    nb_err err = {{0}};
    nb_liberty *lib = parse(small_lib, &err);
    cr_assert_not_null(lib, "%s", err.msg);
    cr_expect_str_eq(lib->name, "tiny");
    cr_expect_float_eq(lib->time_unit_s, 1e-9, 1e-21);
    cr_expect_float_eq(lib->cap_unit_f, 1e-15, 1e-27);
    cr_expect_float_eq(lib->leakage_unit_w, 1e-12, 1e-24);
    cr_expect_float_eq(lib->energy_unit_j, 1e-15, 1e-27);
    cr_expect_float_eq(lib->voltage, 1.1, 1e-12, "the default operating conditions win over nom_voltage");
    cr_assert_eq(lib->n_cells, 2);
    const nb_lib_cell *inv = nb_liberty_cell(lib, "INV"), *ff = nb_liberty_cell(lib, "FF");
    cr_assert(inv && ff);
    cr_expect_null(nb_liberty_cell(lib, "NAND2"));
    cr_expect_float_eq(inv->area, 2.5, 1e-12);
    cr_expect_float_eq(inv->leakage, 3.0, 1e-12);
    const nb_lib_pin *a = nb_lib_cell_pin(inv, "A"), *y = nb_lib_cell_pin(inv, "Y");
    cr_assert(a && y);
    cr_expect_eq(a->direction, NB_LIB_INPUT);
    cr_expect_eq(y->direction, NB_LIB_OUTPUT);
    cr_expect_float_eq(a->capacitance, 1.5, 1e-12);
    cr_assert_eq(y->n_power, 1);
    cr_expect_str_eq(y->power[0].related_pin, "A");
    cr_expect_eq(y->power[0].rise.n1, 2);
    cr_expect_eq(y->power[0].rise.n2, 2);
    const nb_lib_pin *ck = nb_lib_cell_pin(ff, "CK"), *e = nb_lib_cell_pin(ff, "E");
    cr_assert(ck && e && nb_lib_cell_pin(ff, "D"));
    cr_expect(ck->clock);
    cr_expect_float_eq(e->capacitance, 1.5, 1e-12, "mean of rise and fall capacitance");
    cr_expect_float_eq(ff->leakage, 0, 1e-12);
    nb_liberty_free(lib);
}

/* By hand: the rise table has rows at load 1 and 3, columns at slew 0.1 and 0.3:
 *   slew 0.2, load 1.5 -> row 1: 1.5, row 3: 4; a quarter of the way: 2.125.
 * The fall table holds the same numbers with the axes swapped (rows are slews):
 *   row 0.1 at load 1.5: 1.25, row 0.3: 3.5; half way: 2.375. */
Test(liberty, bilinear_interpolation_and_clamping)
{
    nb_err err = {{0}};
    nb_liberty *lib = parse(small_lib, &err);
    cr_assert_not_null(lib, "%s", err.msg);
    const nb_lib_power *p = &nb_lib_cell_pin(nb_liberty_cell(lib, "INV"), "Y")->power[0];
    cr_expect_float_eq(nb_lib_table_eval(&p->rise, 0.2, 1.5), 2.125, 1e-12);
    cr_expect_float_eq(nb_lib_table_eval(&p->fall, 0.2, 1.5), 2.375, 1e-12);
    cr_expect_float_eq(nb_lib_table_eval(&p->rise, 0.1, 1), 1, 1e-12, "a grid point");
    cr_expect_float_eq(nb_lib_table_eval(&p->rise, 0.3, 3), 5, 1e-12, "a grid point");
    cr_expect_float_eq(nb_lib_table_eval(&p->rise, 9, 100), 5, 1e-12, "clamped above");
    cr_expect_float_eq(nb_lib_table_eval(&p->rise, 0, 0), 1, 1e-12, "clamped below");
    cr_expect_float_eq(nb_lib_table_eval(&p->rise, 0.2, -5), 1.5, 1e-12, "one axis clamped");
    cr_expect_float_eq(nb_lib_power_energy(p, 0.2, 1.5), (2.125 + 2.375) / 2, 1e-12);
    /* 1-D rise (0.2 at 0.1, 0.4 at 0.3) and a scalar fall of 0.6: at 0.2, (0.3 + 0.6) / 2 */
    const nb_lib_power *ck = &nb_lib_cell_pin(nb_liberty_cell(lib, "FF"), "CK")->power[0];
    cr_expect_null(ck->related_pin);
    cr_expect_float_eq(nb_lib_power_energy(ck, 0.2, 123), 0.45, 1e-12);
    nb_liberty_free(lib);
}

static void expect_error(const char *text, const char *needle)
{
    nb_err err = {{0}};
    nb_liberty *lib = parse(text, &err);
    cr_expect_null(lib, "parsed although it should fail with '%s'", needle);
    nb_liberty_free(lib);
    cr_expect(strstr(err.msg, needle) != NULL, "message '%s' lacks '%s'", err.msg, needle);
}

Test(liberty, syntax_errors_name_the_line)
{
    expect_error("library (x) {\n  time_unit : \"1ns\";\n  cell (A) {\n    area 5;\n  }\n}\n",
                 "tiny.lib:4:");
    expect_error("library (x) {\n  cell (A) {\n    area : 5;\n", "tiny.lib:2: group 'cell'");
    expect_error("library (x) {\n /* open\n comment\n", "tiny.lib:2: comment");
    expect_error("library (x) {\n  nom_voltage : 1;\n  a : \"unterminated;\n}\n", "tiny.lib:3:");
    expect_error("library (x) {\n  nom_voltage : 1;\n  index_1 (\"1, 2\"\n", "tiny.lib:3:");
    expect_error("library (x) {\n  nom_voltage : 1;\n}\n}\n", "tiny.lib:4:");
}

Test(liberty, not_a_liberty)
{
    expect_error("{\"modules\": {}}\n", "tiny.lib:1: syntax error");
    expect_error("module top(a, b);\n  input a;\nendmodule\n", "tiny.lib:1: syntax error");
    expect_error("cell (A) { area : 1; }\n", "not a Liberty library");
    expect_error("", "not a Liberty library");
}

Test(liberty, bad_contents)
{
    expect_error("library (x) { nom_voltage : 1; time_unit : \"1 fortnight\"; }", "time_unit");
    expect_error("library (x) { time_unit : \"1ns\"; }", "no supply voltage");
    expect_error("library (x) { nom_voltage : 1; cell (A) { area : big; } }", "area \"big\"");
    expect_error("library (x) { nom_voltage : 1;\n cell (A) { pin (Y) { internal_power () {\n"
                 " rise_power (nope) { values (\"1\"); } } } } }",
                 "tiny.lib:3: table 'rise_power' uses template 'nope'");
    expect_error("library (x) { nom_voltage : 1;\n"
                 " power_lut_template (t) { variable_1 : input_transition_time; }\n"
                 " cell (A) { pin (Y) { internal_power () {\n"
                 " rise_power (t) { index_1 (\"1, 2\"); values (\"1, 2, 3\"); } } } } }",
                 "has 3 values; its indices need 2 x 1");
}

/* Negative or non-finite numbers are refused with FILE:LINE: a negative area
 * made a design's total area negative, an "inf" leakage an infinite power. */
Test(liberty, negative_and_non_finite_numbers)
{
    expect_error("library (x) { nom_voltage : 1;\n cell (A) {\n area : -2.5; } }",
                 "tiny.lib:3: area \"-2.5\" is negative");
    expect_error("library (x) { nom_voltage : 1;\n cell (A) { area : nan; } }",
                 "tiny.lib:2: area \"nan\" is not a finite number");
    expect_error("library (x) { nom_voltage : 1;\n cell (A) { area : 1e999; } }",
                 "tiny.lib:2: area \"1e999\" is not a finite number");
    expect_error("library (x) { nom_voltage : 1;\n cell (A) { cell_leakage_power : inf; } }",
                 "tiny.lib:2: cell_leakage_power \"inf\" is not a finite number");
    expect_error("library (x) { nom_voltage : 1;\n cell (A) {\n pin (Y) { capacitance : -1; } } }",
                 "tiny.lib:3: capacitance \"-1\" is negative");
    expect_error("library (x) { nom_voltage : 1;\n cell (A) { pin (Y) { internal_power () {\n"
                 " rise_power (scalar) { values (\"1, nan\"); } } } } }",
                 "tiny.lib:3: 'values' holds nan, not a finite number");
    expect_error("library (x) { nom_voltage : inf; }", "nom_voltage \"inf\" is not a positive number");
    expect_error("library (x) { nom_voltage : 1; time_unit : \"infns\"; }", "time_unit");
}

Test(liberty, missing_file)
{
    nb_err err = {{0}};
    char path[512];
    test_tmp_path(path, sizeof path, "absent.lib");
    cr_expect_null(nb_liberty_read(path, &err));
    cr_expect(strstr(err.msg, path) != NULL, "%s", err.msg);
}

Test(liberty, reads_files)
{
    nb_err err = {{0}};
    char path[512];
    test_tmp_file(path, sizeof path, "tiny.lib", small_lib);
    nb_liberty *lib = nb_liberty_read(path, &err);
    cr_assert_not_null(lib, "%s", err.msg);
    cr_expect_eq(lib->n_cells, 2);
    nb_liberty_free(lib);
}

/* Values read off the file with grep: INVX1 area 16, pin A capacitance
 * 0.00932456, cell_leakage_power 0.0221741; its Y rise_power table starts
 * 0.023555 at (load 0.005 pF, slew 0.06 ns). */
Test(liberty, osu018)
{
    if (access(OSU018, R_OK) != 0)
        cr_skip_test("%s is not installed (flows/setup.sh deps)", OSU018);
    nb_err err = {{0}};
    nb_liberty *lib = nb_liberty_read(OSU018, &err);
    cr_assert_not_null(lib, "%s", err.msg);
    cr_expect_eq(lib->n_cells, 32);
    cr_expect_float_eq(lib->time_unit_s, 1e-9, 1e-21);
    cr_expect_float_eq(lib->cap_unit_f, 1e-12, 1e-24);
    cr_expect_float_eq(lib->leakage_unit_w, 1e-9, 1e-21);
    cr_expect_float_eq(lib->voltage, 1.8, 1e-12);
    const nb_lib_cell *inv = nb_liberty_cell(lib, "INVX1");
    cr_assert_not_null(inv);
    cr_expect_float_eq(inv->area, 16, 1e-12);
    cr_expect_float_eq(inv->leakage, 0.0221741, 1e-12);
    cr_expect_float_eq(nb_lib_cell_pin(inv, "A")->capacitance, 0.00932456, 1e-12);
    const nb_lib_pin *y = nb_lib_cell_pin(inv, "Y");
    cr_assert_eq(y->n_power, 1);
    cr_expect_eq(y->power[0].rise.axis_1, NB_LIB_AXIS_LOAD);
    cr_expect_eq(y->power[0].rise.axis_2, NB_LIB_AXIS_SLEW);
    cr_expect_float_eq(nb_lib_table_eval(&y->power[0].rise, 0.06, 0.005), 0.023555, 1e-12);
    const nb_lib_cell *ff = nb_liberty_cell(lib, "DFFPOSX1");
    cr_assert_not_null(ff);
    cr_expect(nb_lib_cell_pin(ff, "CLK")->clock);
    cr_expect_float_eq(ff->area, 96, 1e-12);
    cr_expect_eq(nb_lib_cell_pin(ff, "CLK")->n_power, 1);
    nb_liberty_free(lib);
}
