/* nb_power_estimate on a hand-built netlist: two inverters in a chain into a
 * flip-flop, with a hand-computed result; and its error paths. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "nibble/power.h"
#include "test_support.h"

/* Units: time 1ps (so the 0.1 ns slew is 100), capacitance pF, leakage nW,
 * supply 2 V. INV: A 0.01 pF; Y rise energy is linear in load and slew, so
 * bilinear interpolation is exact: 0.01 + 2 (C - 0.005) + 0.0002 (s - 50) pJ,
 * fall 0.01 pJ. DFF: CLK 0.02 pF with 0.06 pJ per transition at 100 ps (mean
 * of rise 0.06 and fall 0.06), D 0.004 pF, Q 0.05 pJ per transition. */
static const char *lib_text =
    "library (hand) {\n"
    "  time_unit : \"1ps\"; voltage_unit : \"1V\"; leakage_power_unit : \"1nW\";\n"
    "  capacitive_load_unit (1,pf); nom_voltage : 2.0;\n"
    "  power_lut_template (e) { variable_1 : total_output_net_capacitance;\n"
    "    variable_2 : input_transition_time; }\n"
    "  power_lut_template (p) { variable_1 : input_transition_time; }\n"
    "  cell (INV) { area : 1; cell_leakage_power : 1.0;\n"
    "    pin (A) { direction : input; capacitance : 0.01; }\n"
    "    pin (Y) { direction : output; internal_power () { related_pin : \"A\";\n"
    "      rise_power (e) { index_1 (\"0.005, 0.015\"); index_2 (\"50, 150\");\n"
    "                       values (\"0.01, 0.03\", \"0.03, 0.05\"); }\n"
    "      fall_power (scalar) { values (\"0.01\"); } } } }\n"
    "  cell (DFF) { area : 4; cell_leakage_power : 3.0;\n"
    "    pin (CLK) { direction : input; clock : true; capacitance : 0.02;\n"
    "      internal_power () { rise_power (p) { index_1 (\"50, 150\"); values (\"0.04, 0.08\"); }\n"
    "                          fall_power (p) { index_1 (\"50, 150\"); values (\"0.06, 0.06\"); } } }\n"
    "    pin (D) { direction : input; capacitance : 0.004; }\n"
    "    pin (Q) { direction : output; internal_power () { related_pin : \"CLK\";\n"
    "      rise_power (scalar) { values (\"0.05\"); } fall_power (scalar) { values (\"0.05\"); } } } }\n"
    "}\n";

/* Nets: 2 clk_i, 3 a_i (also bus[2]), 4 the inverters' middle (a Yosys-internal
 * name, written "_0_" by write_verilog, and "u.mid"), 5 y_o (also bus[3]) into
 * the flip-flop's D, 6 q_o. Cell u1 is internal too ("_1_"). */
static const char *json_text =
    "{\"modules\": {\"nibble_top\": {\n"
    " \"attributes\": {\"top\": \"00000000000000000000000000000001\"},\n"
    " \"ports\": {\"clk_i\": {\"direction\": \"input\", \"bits\": [2]},\n"
    "           \"a_i\": {\"direction\": \"input\", \"bits\": [3]},\n"
    "           \"y_o\": {\"direction\": \"output\", \"bits\": [5]},\n"
    "           \"q_o\": {\"direction\": \"output\", \"bits\": [6]}},\n"
    " \"cells\": {\n"
    "  \"$abc$9$u1\": {\"hide_name\": 1, \"type\": \"INV\", \"connections\": {\"A\": [3], \"Y\": [4]}},\n"
    "  \"u2\": {\"hide_name\": 0, \"type\": \"INV\", \"connections\": {\"A\": [4], \"Y\": [5]}},\n"
    "  \"ff\": {\"hide_name\": 0, \"type\": \"DFF\",\n"
    "          \"connections\": {\"CLK\": [2], \"D\": [5], \"Q\": [6]}}},\n"
    " \"netnames\": {\n"
    "  \"$abc$9$mid\": {\"hide_name\": 1, \"bits\": [4]},\n"
    "  \"a_i\": {\"hide_name\": 0, \"bits\": [3]},\n"
    "  \"bus\": {\"hide_name\": 0, \"bits\": [3, 5], \"offset\": 2},\n"
    "  \"clk_i\": {\"hide_name\": 0, \"bits\": [2]},\n"
    "  \"q_o\": {\"hide_name\": 0, \"bits\": [6]},\n"
    "  \"u.mid\": {\"hide_name\": 0, \"bits\": [4]},\n"
    "  \"y_o\": {\"hide_name\": 0, \"bits\": [5]},\n"
    "  \"tie\": {\"hide_name\": 0, \"bits\": [\"0\"]}}}}}\n";

#define REC(name, count)                                                                          \
    "C '\001f\002/x/netlist.v\001l\0021\001n\0028\001page\002v_toggle/nibble_top\001o\002" name   \
    "\001h\002nibble_top.nibble_top' " count "\n"

/* 10 cycles: the clock 20 transitions, the data nets 6 each, q 4; also a
 * record of another module and a line-coverage record, both ignored. */
static const char *cov_text = "# SystemC::Coverage-3\n"
    REC("clk_i", "20") REC("a_i", "6") REC("bus[2]", "6") REC("_0_", "6") REC("u__02emid", "6")
    REC("y_o", "6") REC("bus[3]", "6") REC("q_o", "4") REC("tie", "0")
    "C '\001f\002x.v\001l\0021\001page\002v_toggle/INV\001o\002A\001h\002x' 99\n"
    "C '\001f\002x.v\001l\0021\001page\002v_line/nibble_top\001o\002if\001h\002x' 99\n";

typedef struct {
    char lib[512], json[512], cov[512];
} files;

static void write_files(files *f, const char *lib, const char *json, const char *cov)
{
    test_tmp_file(f->lib, sizeof f->lib, "hand.lib", lib);
    test_tmp_file(f->json, sizeof f->json, "net.json", json);
    test_tmp_file(f->cov, sizeof f->cov, "coverage.dat", cov);
}

/* By hand, T = 10 cycles x 5 ns = 50 ns:
 * switching: 0.5 x 2^2 x (20 x 0.02 + 6 x 0.01 + 6 x 0.01 + 6 x 0.004 + 4 x 0) pF
 *          = 2 x 0.544 = 1.088 pJ -> 21.76 uW
 * internal:  u1 -> net 4 (0.01 pF): rise 0.01 + 0.01 + 0.01 = 0.03, fall 0.01: 0.02 x 6 = 0.12 pJ
 *            u2 -> net 5 (0.004 pF, clamped to 0.005): (0.02 + 0.01) / 2 x 6 = 0.09 pJ
 *            DFF CLK: 0.06 x 20 = 1.2 pJ; Q: 0.05 x 4 = 0.2 pJ; total 1.61 pJ -> 32.2 uW
 * leakage:   1 + 1 + 3 = 5 nW; input activity: a_i 6 / 10 = 0.6. */
Test(power, two_inverters_and_a_flip_flop)
{
    files f;
    write_files(&f, lib_text, json_text, cov_text);
    nb_power_report r;
    nb_err err = {{0}};
    cr_assert(nb_power_estimate(f.lib, f.json, f.cov, 10, 5.0, 0.1, &r, &err), "%s", err.msg);
    cr_expect_float_eq(r.switching_w, 21.76e-6, 1e-12);
    cr_expect_float_eq(r.internal_w, 32.2e-6, 1e-12);
    cr_expect_float_eq(r.leakage_w, 5e-9, 1e-15);
    cr_expect_float_eq(r.total_w, 21.76e-6 + 32.2e-6 + 5e-9, 1e-12);
    cr_expect_float_eq(r.input_activity, 0.6, 1e-12);
    cr_expect_eq(r.nets, 5);
    cr_expect_eq(r.nets_without_toggles, 0);
}

/* Without its coverage record the clock is taken to toggle twice a cycle (the
 * same 20 here), but it counts as a net without toggles. */
Test(power, uncovered_clock_runs_free)
{
    files f;
    char cov[4096];
    const char *start = strstr(cov_text, "C '"), *next = strstr(start + 1, "C '");
    snprintf(cov, sizeof cov, "%.*s%s", (int)(start - cov_text), cov_text, next);
    write_files(&f, lib_text, json_text, cov);
    nb_power_report r;
    nb_err err = {{0}};
    cr_assert(nb_power_estimate(f.lib, f.json, f.cov, 10, 5.0, 0.1, &r, &err), "%s", err.msg);
    cr_expect_float_eq(r.switching_w, 21.76e-6, 1e-12);
    cr_expect_float_eq(r.internal_w, 32.2e-6, 1e-12);
    cr_expect_eq(r.nets_without_toggles, 1);
}

static void expect_fail(const files *f, unsigned long long cycles, double clock_ns,
                        const char *needle1, const char *needle2)
{
    nb_power_report r;
    nb_err err = {{0}};
    cr_expect_not(nb_power_estimate(f->lib, f->json, f->cov, cycles, clock_ns, 0.1, &r, &err),
                  "succeeded although it should fail with '%s'", needle1);
    cr_expect(strstr(err.msg, needle1) != NULL, "message '%s' lacks '%s'", err.msg, needle1);
    if (needle2)
        cr_expect(strstr(err.msg, needle2) != NULL, "message '%s' lacks '%s'", err.msg, needle2);
}

Test(power, missing_files)
{
    files f, g;
    write_files(&f, lib_text, json_text, cov_text);
    g = f;
    test_tmp_path(g.lib, sizeof g.lib, "absent.lib");
    expect_fail(&g, 10, 5, g.lib, "liberty");
    g = f;
    test_tmp_path(g.json, sizeof g.json, "absent.json");
    expect_fail(&g, 10, 5, g.json, "netlist JSON");
    g = f;
    test_tmp_path(g.cov, sizeof g.cov, "absent.dat");
    expect_fail(&g, 10, 5, g.cov, "coverage");
}

Test(power, malformed_inputs)
{
    files f;
    write_files(&f, "library (x) {\n  cell (A) {\n", json_text, cov_text);
    expect_fail(&f, 10, 5, f.lib, ":2:");
    write_files(&f, lib_text, "{\"modules\": {\n  \"nibble_top\": [1, 2,\n", cov_text);
    expect_fail(&f, 10, 5, f.json, "not valid JSON");
    write_files(&f, lib_text, "{\"creator\": \"me\"}", cov_text);
    expect_fail(&f, 10, 5, f.json, "modules");
    write_files(&f, lib_text, json_text, "hello\n");
    expect_fail(&f, 10, 5, f.cov, "not a Verilator coverage file");
    write_files(&f, lib_text, json_text, "# SystemC::Coverage-3\nC 'oops\n");
    expect_fail(&f, 10, 5, f.cov, ":2: malformed");
}

Test(power, coverage_without_toggles)
{
    files f;
    write_files(&f, lib_text, json_text,
                "# SystemC::Coverage-3\n"
                "C '\001f\002x.v\001l\0021\001page\002v_line/nibble_top\001o\002if\001h\002x' 9\n");
    expect_fail(&f, 10, 5, f.cov, "--coverage-toggle");
    write_files(&f, lib_text, json_text,
                "# SystemC::Coverage-3\n"
                "C '\001f\002x.v\001l\0021\001page\002v_toggle/other\001o\002a\001h\002x' 9\n");
    expect_fail(&f, 10, 5, f.cov, "none for module nibble_top");
}

Test(power, coverage_of_another_netlist)
{
    files f;
    write_files(&f, lib_text, json_text,
                "# SystemC::Coverage-3\n" REC("p", "1") REC("q", "1") REC("r", "1") REC("clk_i", "20"));
    expect_fail(&f, 10, 5, f.cov, "does not describe netlist");
}

Test(power, unknown_cell_and_pin)
{
    files f;
    char json[4096];
    const char *at = strstr(json_text, "\"type\": \"INV\"");
    snprintf(json, sizeof json, "%.*s\"type\": \"NAND9\"%s", (int)(at - json_text), json_text,
             at + strlen("\"type\": \"INV\""));
    write_files(&f, lib_text, json, cov_text);
    expect_fail(&f, 10, 5, "NAND9", f.lib);
    at = strstr(json_text, "\"D\": [5]");
    snprintf(json, sizeof json, "%.*s\"DX\": [5]%s", (int)(at - json_text), json_text,
             at + strlen("\"D\": [5]"));
    write_files(&f, lib_text, json, cov_text);
    expect_fail(&f, 10, 5, "pin DX", f.json);
}

Test(power, bad_run_parameters)
{
    files f;
    write_files(&f, lib_text, json_text, cov_text);
    expect_fail(&f, 0, 5, "0 cycles", NULL);
    expect_fail(&f, 10, 0, "clock period", NULL);
}
