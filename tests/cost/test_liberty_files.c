/* The liberty reader on whole files: what kind each cell is (from its ff and
 * latch groups, not its name) and which cells are left out of mapping (the
 * clock-gating cell, a fill cell, an output without a function, dont_use);
 * units read from each file (gated_ns.lib and its ps/fF/pW twin give the
 * same physical values); .lib.gz read through zlib, and gzip files that are
 * not gzip or are cut short; several files as one library; provenance. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "nibble/liberty.h"
#include "test_support.h"

static void data_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", NIBBLE_LIBERTY_DATA, name);
}

static nb_liberty *read_data(const char *name)
{
    char path[1024];
    data_path(path, sizeof path, name);
    nb_err err = {{0}};
    nb_liberty *lib = nb_liberty_read(path, &err);
    cr_assert_not_null(lib, "%s: %s", path, err.msg);
    return lib;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    cr_assert(buf && fread(buf, 1, (size_t)n, f) == (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot create %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* gzip text into path with zlib; returns the compressed bytes (malloc'ed). */
static unsigned char *gzip_to(const char *path, const char *text, size_t len, size_t *zlen)
{
    gzFile g = gzopen(path, "wb9");
    cr_assert(g, "gzopen %s", path);
    cr_assert_eq(gzwrite(g, text, (unsigned)len), (int)len);
    cr_assert_eq(gzclose(g), Z_OK);
    return (unsigned char *)slurp(path, zlen);
}

static void expect_read_error(const char *path, const char *needle)
{
    nb_err err = {{0}};
    nb_liberty *lib = nb_liberty_read(path, &err);
    cr_expect_null(lib, "%s was read", path);
    nb_liberty_free(lib);
    cr_expect(strstr(err.msg, needle) != NULL, "message '%s' lacks '%s'", err.msg, needle);
    cr_expect(strstr(err.msg, path) != NULL, "message '%s' does not name %s", err.msg, path);
}

Test(liberty_files, cell_kinds_and_left_out)
{
    nb_liberty *lib = read_data("gated_ns.lib");
    cr_expect_str_eq(lib->name, "gated_ns");
    cr_expect_eq(lib->n_cells, 13);
    cr_expect_eq(lib->n_flip_flops, 1);
    cr_expect_eq(lib->n_latches, 1);
    cr_expect_eq(lib->n_left_out, 4);
    cr_expect_eq(nb_liberty_cell(lib, "REG")->kind, NB_LIB_FLIP_FLOP);
    cr_expect_eq(nb_liberty_cell(lib, "HOLD")->kind, NB_LIB_LATCH);
    cr_expect_eq(nb_liberty_cell(lib, "XOR2")->kind, NB_LIB_COMBINATIONAL);
    const char *mapped[] = {"BUF", "INV", "NAND2", "NOR2", "XOR2", "AND2", "OR2", "REG", "HOLD"};
    for (size_t i = 0; i < sizeof mapped / sizeof mapped[0]; i++)
        cr_expect_null(nb_liberty_cell(lib, mapped[i])->left_out, "%s left out", mapped[i]);
    cr_expect_str_eq(nb_liberty_cell(lib, "GATE")->left_out, "integrated clock-gating cell");
    cr_expect(strstr(nb_liberty_cell(lib, "FILL")->left_out, "no output") != NULL);
    cr_expect(strstr(nb_liberty_cell(lib, "ODD")->left_out, "without a function") != NULL);
    cr_expect_str_eq(nb_liberty_cell(lib, "SPARE")->left_out, "dont_use");
    /* the flip-flop's fastest arcs: clock-to-Q 0.2 x 0.9 (cell_fall), setup 0.08 */
    const nb_lib_cell *reg = nb_liberty_cell(lib, "REG");
    cr_expect_float_eq(reg->clock_to_q, 0.18, 1e-12);
    cr_expect_float_eq(reg->setup, 0.08, 1e-12);
    cr_expect_float_eq(lib->nom_voltage, 1.2, 1e-12);
    cr_expect_float_eq(lib->nom_temperature, 25.0, 1e-12);
    cr_expect_float_eq(lib->nom_process, 1.0, 1e-12);
    /* the mappable text is a library of the nine other cells, nothing left out */
    nb_err err = {{0}};
    nb_liberty *m = nb_liberty_parse(lib->mappable, lib->mappable_len, "mappable", &err);
    cr_assert_not_null(m, "%s", err.msg);
    cr_expect_eq(m->n_cells, 9);
    cr_expect_eq(m->n_left_out, 0);
    cr_expect_null(nb_liberty_cell(m, "GATE"));
    cr_expect_not_null(nb_liberty_cell(m, "REG"));
    cr_expect_float_eq(m->time_unit_s, lib->time_unit_s, 0);
    nb_liberty_free(m);
    nb_liberty_free(lib);
}

/* Same physical value within a relative 1e-9. */
static void expect_same(double a, double b, const char *what, const char *cell)
{
    cr_expect(fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b)) + 1e-30, "%s of %s: %g vs %g", what,
              cell, a, b);
}

Test(liberty_files, units_from_each_file)
{
    nb_liberty *ns = read_data("gated_ns.lib"), *ps = read_data("gated_ps.lib");
    cr_expect_float_eq(ns->time_unit_s, 1e-9, 1e-21);
    cr_expect_float_eq(ps->time_unit_s, 1e-12, 1e-24);
    cr_expect_float_eq(ns->cap_unit_f, 1e-12, 1e-24);
    cr_expect_float_eq(ps->cap_unit_f, 1e-15, 1e-27);
    cr_expect_float_eq(ns->leakage_unit_w, 1e-9, 1e-21);
    cr_expect_float_eq(ps->leakage_unit_w, 1e-12, 1e-24);
    cr_assert_eq(ns->n_cells, ps->n_cells);
    /* slew 0.1 ns and load 0.01 pF in each file's own units */
    double slew_s = 0.1e-9, load_f = 0.01e-12;
    for (int i = 0; i < ns->n_cells; i++) {
        const nb_lib_cell *a = &ns->cells[i], *b = nb_liberty_cell(ps, a->name);
        cr_assert_not_null(b, "%s missing in the twin", a->name);
        expect_same(a->area, b->area, "area", a->name);
        expect_same(a->leakage * ns->leakage_unit_w, b->leakage * ps->leakage_unit_w, "leakage", a->name);
        if (a->kind == NB_LIB_FLIP_FLOP) {
            expect_same(a->clock_to_q * ns->time_unit_s, b->clock_to_q * ps->time_unit_s, "clock-to-Q", a->name);
            expect_same(a->setup * ns->time_unit_s, b->setup * ps->time_unit_s, "setup", a->name);
        }
        cr_assert_eq(a->n_pins, b->n_pins);
        for (int p = 0; p < a->n_pins; p++) {
            const nb_lib_pin *pa = &a->pins[p], *pb = nb_lib_cell_pin(b, pa->name);
            cr_assert_not_null(pb);
            expect_same(pa->capacitance * ns->cap_unit_f, pb->capacitance * ps->cap_unit_f, "capacitance", a->name);
            cr_assert_eq(pa->n_power, pb->n_power);
            for (int g = 0; g < pa->n_power; g++) {
                double ea = nb_lib_power_energy(&pa->power[g], slew_s / ns->time_unit_s, load_f / ns->cap_unit_f);
                double eb = nb_lib_power_energy(&pb->power[g], slew_s / ps->time_unit_s, load_f / ps->cap_unit_f);
                cr_expect(ea > 0, "%s.%s energy %g", a->name, pa->name, ea);
                expect_same(ea * ns->energy_unit_j, eb * ps->energy_unit_j, "energy", a->name);
            }
        }
    }
    nb_liberty_free(ns);
    nb_liberty_free(ps);
}

Test(liberty_files, gzip)
{
    char plain[1024], gz[1024];
    data_path(plain, sizeof plain, "gated_ns.lib");
    size_t len, zlen;
    char *text = slurp(plain, &len);
    test_tmp_path(gz, sizeof gz, "gated.lib.gz");
    unsigned char *z = gzip_to(gz, text, len, &zlen);
    nb_err err = {{0}};
    nb_liberty *a = nb_liberty_read(plain, &err), *b = nb_liberty_read(gz, &err);
    cr_assert_not_null(a);
    cr_assert_not_null(b, "%s", err.msg);
    cr_expect_eq(a->n_cells, b->n_cells);
    cr_expect_eq(a->mappable_len, b->mappable_len);
    cr_expect(memcmp(a->mappable, b->mappable, a->mappable_len) == 0);
    nb_liberty_free(a);
    nb_liberty_free(b);
    size_t tlen;
    char *back = nb_liberty_file_text(gz, "liberty", &tlen, &err);
    cr_assert_not_null(back, "%s", err.msg);
    cr_expect_eq(tlen, len);
    cr_expect(memcmp(back, text, len) == 0);
    free(back);
    /* a .gz that is plain text, a gzip stream cut short, a corrupt one */
    char fake[1024], cut[1024], bad[1024];
    test_tmp_file(fake, sizeof fake, "fake.lib.gz", text);
    expect_read_error(fake, "is not gzip data");
    test_tmp_path(cut, sizeof cut, "cut.lib.gz");
    write_bytes(cut, z, zlen / 2);
    expect_read_error(cut, "truncated");
    test_tmp_path(bad, sizeof bad, "bad.lib.gz");
    for (size_t i = 20; i < zlen - 20; i += 7)
        z[i] ^= 0x5a;
    write_bytes(bad, z, zlen);
    expect_read_error(bad, "gzip data is");
    free(z);
    free(text);
}

Test(liberty_files, empty_and_truncated)
{
    char empty[1024], cut[1024], plain[1024];
    test_tmp_file(empty, sizeof empty, "empty.lib", "");
    expect_read_error(empty, "not a Liberty library");
    data_path(plain, sizeof plain, "gated_ns.lib");
    size_t len;
    char *text = slurp(plain, &len);
    text[len / 3] = '\0';
    test_tmp_file(cut, sizeof cut, "cut.lib", text);
    expect_read_error(cut, "never closed");
    free(text);
}

#define HEAD(name, tu)                                                                            \
    "library (" name ") { time_unit : \"" tu "\"; voltage_unit : \"1V\";\n"                       \
    " leakage_power_unit : \"1nW\"; capacitive_load_unit (1, pf); nom_voltage : 1.0;\n"         \
    " power_lut_template (e1) { variable_1 : input_transition_time; index_1 (\"0.1, 1\"); }\n"
#define INV                                                                                       \
    " cell (INV) { area : 2; pin (A) { direction : input; capacitance : 0.01; }\n"              \
    "  pin (Y) { direction : output; function : \"!A\"; internal_power () { related_pin : \"A\";\n" \
    "   rise_power (e1) { values (\"1, 2\"); } } } }\n"
#define REG                                                                                       \
    " cell (REG) { area : 9; ff (IQ, IQN) { clocked_on : \"CK\"; next_state : \"D\"; }\n"       \
    "  pin (CK) { direction : input; clock : true; } pin (D) { direction : input; }\n"          \
    "  pin (Q) { direction : output; function : \"IQ\"; } }\n"

Test(liberty_files, several_files_one_library)
{
    char a[1024], b[1024], c[1024], d[1024];
    test_tmp_file(a, sizeof a, "a.lib", HEAD("part_a", "1ns") INV "}\n");
    test_tmp_file(b, sizeof b, "b.lib", HEAD("part_b", "1ns") REG "}\n");
    test_tmp_file(c, sizeof c, "c.lib", HEAD("part_c", "1ps") REG "}\n");
    test_tmp_file(d, sizeof d, "d.lib", HEAD("part_d", "1ns") INV REG "}\n");
    nb_err err = {{0}};
    const char *ab[] = {a, b};
    nb_liberty *lib = nb_liberty_read_files(ab, 2, &err);
    cr_assert_not_null(lib, "%s", err.msg);
    cr_expect_str_eq(lib->name, "part_a");
    cr_expect_eq(lib->n_cells, 2);
    cr_expect_eq(lib->n_flip_flops, 1);
    /* one mappable text: both cells, the template once */
    nb_liberty *m = nb_liberty_parse(lib->mappable, lib->mappable_len, "mappable", &err);
    cr_assert_not_null(m, "%s\n%s", err.msg, lib->mappable);
    cr_expect_eq(m->n_cells, 2);
    cr_expect_not_null(nb_liberty_cell(m, "REG"));
    cr_expect_not_null(nb_liberty_cell(m, "INV"));
    cr_expect_eq(strstr(strstr(lib->mappable, "power_lut_template") + 1, "power_lut_template"), NULL);
    nb_liberty_free(m);
    nb_liberty_free(lib);
    const char *ac[] = {a, c};
    cr_expect_null(nb_liberty_read_files(ac, 2, &err));
    cr_expect(strstr(err.msg, "c.lib: its time_unit differs from that of") != NULL, "%s", err.msg);
    const char *ad[] = {a, d};
    cr_expect_null(nb_liberty_read_files(ad, 2, &err));
    cr_expect(strstr(err.msg, "cell INV is defined twice") != NULL, "%s", err.msg);
}

Test(liberty_files, provenance)
{
    char plain[1024], gz[1024];
    data_path(plain, sizeof plain, "gated_ps.lib");
    nb_liberty_info a, b, c;
    nb_err err = {{0}};
    cr_assert(nb_liberty_info_read(plain, &a, &err), "%s", err.msg);
    cr_expect_str_eq(a.name, "gated_ps");
    cr_expect_float_eq(a.nom_voltage, 1.2, 1e-12);
    cr_expect_float_eq(a.nom_temperature, 25, 1e-12);
    cr_expect_float_eq(a.nom_process, 1, 1e-12);
    cr_expect_eq(a.n_cells, 13);
    cr_expect_eq(strlen(a.checksum), 39u);
    cr_expect_eq(strncmp(a.checksum, "xxh128:", 7), 0);
    cr_assert(nb_liberty_info_read(plain, &b, &err));
    cr_expect_str_eq(a.checksum, b.checksum);
    /* the checksum is of the file as stored: its gzip copy differs */
    size_t len, zlen;
    char *text = slurp(plain, &len);
    test_tmp_path(gz, sizeof gz, "prov.lib.gz");
    free(gzip_to(gz, text, len, &zlen));
    free(text);
    cr_assert(nb_liberty_info_read(gz, &c, &err), "%s", err.msg);
    cr_expect_str_eq(c.name, "gated_ps");
    cr_expect_str_neq(c.checksum, a.checksum);
    /* no nominal temperature: NAN */
    char bare[1024];
    test_tmp_file(bare, sizeof bare, "bare.lib", HEAD("bare", "1ns") REG "}\n");
    cr_assert(nb_liberty_info_read(bare, &c, &err), "%s", err.msg);
    cr_expect(isnan(c.nom_temperature) && isnan(c.nom_process));
    cr_expect_float_eq(c.nom_voltage, 1.0, 1e-12);
}
