/* Cells of a library group: area, leakage, pins and their internal power. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liberty_internal.h"

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    return c ? memcpy(c, s, n) : NULL;
}

/* The line of the simple attribute whose value is v, for messages (0: unknown). */
static int attr_line(const lty_node *g, const char *v)
{
    for (int i = 0; i < g->n_kids; i++)
        if (g->kids[i].value == v)
            return g->kids[i].line;
    return 0;
}

/* A numeric attribute: finite, and not negative where `nonneg` (an area or a
 * capacitance below zero would make totals shrink as cells are added). */
static bool num_attr(const lty_node *g, const char *name, const char *where, double dflt,
                     bool nonneg, double *out, nb_err *err)
{
    const char *v = lty_attr(g, name);
    *out = dflt;
    if (!v)
        return true;
    char *end;
    *out = strtod(v, &end);
    while (isspace((unsigned char)*end))
        end++;
    const char *why = end == v || *end     ? "is not a number"
                      : !isfinite(*out)    ? "is not a finite number"
                      : nonneg && *out < 0 ? "is negative"
                                           : NULL;
    if (!why)
        return true;
    int line = attr_line(g, v);
    return line ? nb_fail(err, "%s:%d: %s \"%s\" %s", where, line, name, v, why)
                : nb_fail(err, "%s: %s \"%s\" %s", where, name, v, why);
}

static void power_free(nb_lib_power *p)
{
    free(p->related_pin);
    lty_table_free(&p->rise);
    lty_table_free(&p->fall);
}

static void pin_free(nb_lib_pin *p)
{
    for (int i = 0; i < p->n_power; i++)
        power_free(&p->power[i]);
    free(p->power);
    free(p->name);
}

static void cell_free(nb_lib_cell *c)
{
    for (int i = 0; i < c->n_pins; i++)
        pin_free(&c->pins[i]);
    free(c->pins);
    free(c->name);
}

static int count_groups(const lty_node *g, const char *name)
{
    int n = 0;
    for (int i = 0; i < g->n_kids; i++)
        n += g->kids[i].group && strcmp(g->kids[i].name, name) == 0;
    return n;
}

/* internal_power() { related_pin : "A"; rise_power(t) {...} fall_power(t) {...} }
 * A plain power(t) table (no rise/fall split) serves as both. */
static bool read_power(const lty_node *g, const lty_templates *tpl, const char *where,
                       nb_lib_power *p, nb_err *err)
{
    const char *rel = lty_attr(g, "related_pin");
    if (rel && !(p->related_pin = dup(rel)))
        return nb_fail(err, "out of memory reading %s", where);
    for (int i = 0; i < g->n_kids; i++) {
        const lty_node *k = &g->kids[i];
        if (!k->group)
            continue;
        bool rise = strcmp(k->name, "rise_power") == 0, fall = strcmp(k->name, "fall_power") == 0;
        bool both = strcmp(k->name, "power") == 0;
        if (rise || both) {
            lty_table_free(&p->rise);
            if (!lty_read_table(k, tpl, where, &p->rise, err))
                return false;
        }
        if (fall || both) {
            lty_table_free(&p->fall);
            if (!lty_read_table(k, tpl, where, &p->fall, err))
                return false;
        }
    }
    return true;
}

static bool read_pin(const lty_node *g, const char *name, const lty_templates *tpl,
                     const char *where, nb_lib_pin *p, nb_err *err)
{
    if (!(p->name = dup(name)))
        return nb_fail(err, "out of memory reading %s", where);
    const char *dir = lty_attr(g, "direction");
    p->direction = !dir                           ? NB_LIB_INPUT
                   : strcmp(dir, "output") == 0   ? NB_LIB_OUTPUT
                   : strcmp(dir, "inout") == 0    ? NB_LIB_INOUT
                   : strcmp(dir, "internal") == 0 ? NB_LIB_INTERNAL
                                                  : NB_LIB_INPUT;
    const char *clk = lty_attr(g, "clock");
    p->clock = clk && strcmp(clk, "true") == 0;
    p->has_function = lty_attr(g, "function") != NULL;
    double rise, fall;
    if (!num_attr(g, "capacitance", where, -1, true, &p->capacitance, err) ||
        !num_attr(g, "rise_capacitance", where, -1, true, &rise, err) ||
        !num_attr(g, "fall_capacitance", where, -1, true, &fall, err))
        return false;
    if (p->capacitance < 0) /* only rise/fall given: their mean (0 if neither) */
        p->capacitance = rise >= 0 && fall >= 0 ? 0.5 * (rise + fall) : rise >= 0 ? rise
                         : fall >= 0            ? fall
                                                : 0;
    int np = count_groups(g, "internal_power");
    p->power = calloc((size_t)np + 1, sizeof *p->power);
    if (!p->power)
        return nb_fail(err, "out of memory reading %s", where);
    for (int i = 0; i < g->n_kids; i++) {
        const lty_node *k = &g->kids[i];
        if (k->group && strcmp(k->name, "internal_power") == 0 &&
            !read_power(k, tpl, where, &p->power[p->n_power++], err))
            return false;
    }
    return true;
}

/* cell_leakage_power, else the mean of the state-dependent leakage_power groups. */
static bool read_leakage(const lty_node *g, const char *where, double *out, nb_err *err)
{
    if (lty_attr(g, "cell_leakage_power"))
        return num_attr(g, "cell_leakage_power", where, 0, false, out, err);
    double sum = 0;
    int n = 0;
    for (int i = 0; i < g->n_kids; i++) {
        const lty_node *k = &g->kids[i];
        double v;
        if (k->group && strcmp(k->name, "leakage_power") == 0 && lty_attr(k, "value")) {
            if (!num_attr(k, "value", where, 0, false, &v, err))
                return false;
            sum += v;
            n++;
        }
    }
    *out = n ? sum / n : 0;
    return true;
}

/* Smallest value of the tables called t1 or t2 in a timing group (into *min). */
static bool table_min(const lty_node *timing, const char *t1, const char *t2, const char *where,
                      double *min, nb_err *err)
{
    for (int i = 0; i < timing->n_kids; i++) {
        const lty_node *g = &timing->kids[i];
        if (!g->group || (strcmp(g->name, t1) != 0 && strcmp(g->name, t2) != 0))
            continue;
        const lty_node *v = lty_kid(g, "values");
        double *x;
        int n;
        if (!v)
            continue;
        if (!lty_numbers(v, where, &x, &n, err))
            return false;
        for (int k = 0; k < n; k++)
            if (x[k] < *min)
                *min = x[k];
        free(x);
    }
    return true;
}

/* A flip-flop's fastest clock-to-Q delay and setup time (NAN when absent):
 * with them the flow bounds the clock period from below. */
static bool ff_timing(const lty_node *cell, const char *where, nb_lib_cell *c, nb_err *err)
{
    double clk_q = INFINITY, setup = INFINITY;
    for (int p = 0; p < cell->n_kids; p++) {
        const lty_node *pin = &cell->kids[p];
        if (!pin->group || strcmp(pin->name, "pin") != 0)
            continue;
        for (int t = 0; t < pin->n_kids; t++) {
            const lty_node *tm = &pin->kids[t];
            const char *type = tm->group && strcmp(tm->name, "timing") == 0
                                   ? lty_attr(tm, "timing_type") : NULL;
            bool ok = true;
            if (type && (!strcmp(type, "rising_edge") || !strcmp(type, "falling_edge")))
                ok = table_min(tm, "cell_rise", "cell_fall", where, &clk_q, err);
            else if (type && (!strcmp(type, "setup_rising") || !strcmp(type, "setup_falling")))
                ok = table_min(tm, "rise_constraint", "fall_constraint", where, &setup, err);
            if (!ok)
                return false;
        }
    }
    c->clock_to_q = isfinite(clk_q) ? clk_q : NAN;
    c->setup = isfinite(setup) ? setup : NAN;
    return true;
}

/* Whether synthesis may map onto the cell, and if not, why (see nibble/liberty.h).
 * Yosys needs a function on every output (and internal) pin of a cell it reads. */
static const char *left_out_reason(const lty_node *g, const nb_lib_cell *c)
{
    const char *v = lty_attr(g, "dont_use");
    if (v && strcmp(v, "true") == 0)
        return "dont_use";
    if (lty_attr(g, "clock_gating_integrated_cell"))
        return "integrated clock-gating cell";
    if (lty_kid(g, "test_cell"))
        return "scan flip-flop (nibble's designs have no scan chain)";
    bool outputs = false;
    for (int i = 0; i < c->n_pins; i++) {
        const nb_lib_pin *p = &c->pins[i];
        if (p->direction == NB_LIB_INPUT)
            continue;
        outputs = true;
        if (!p->has_function)
            return "an output without a function (clock gate, state table or analog cell)";
    }
    if (!outputs)
        return "no output (fill, tap, antenna or decap cell)";
    return NULL;
}

static bool read_cell(const lty_node *g, const lty_templates *tpl, const char *where,
                      nb_lib_cell *c, nb_err *err)
{
    if (g->n_args < 1)
        return nb_fail(err, "%s:%d: cell group without a name", where, g->line);
    if (!(c->name = dup(g->args[0])))
        return nb_fail(err, "out of memory reading %s", where);
    if (!num_attr(g, "area", where, 0, true, &c->area, err) || !read_leakage(g, where, &c->leakage, err))
        return false;
    int n = 0;
    for (int i = 0; i < g->n_kids; i++) /* pin(A, B) { ... } declares two pins */
        if (g->kids[i].group && strcmp(g->kids[i].name, "pin") == 0)
            n += g->kids[i].n_args;
    c->pins = calloc((size_t)n + 1, sizeof *c->pins);
    if (!c->pins)
        return nb_fail(err, "out of memory reading %s", where);
    for (int i = 0; i < g->n_kids; i++) {
        const lty_node *k = &g->kids[i];
        if (!k->group || strcmp(k->name, "pin") != 0)
            continue;
        for (int a = 0; a < k->n_args; a++)
            if (!read_pin(k, k->args[a], tpl, where, &c->pins[c->n_pins++], err))
                return false;
    }
    c->kind = lty_kid(g, "ff") || lty_kid(g, "ff_bank")       ? NB_LIB_FLIP_FLOP
              : lty_kid(g, "latch") || lty_kid(g, "latch_bank") ? NB_LIB_LATCH
                                                                : NB_LIB_COMBINATIONAL;
    c->left_out = left_out_reason(g, c);
    c->clock_to_q = c->setup = NAN;
    return c->kind != NB_LIB_FLIP_FLOP || ff_timing(g, where, c, err);
}

static int cell_cmp(const void *a, const void *b)
{
    return strcmp(((const nb_lib_cell *)a)->name, ((const nb_lib_cell *)b)->name);
}

bool lty_read_cells(const lty_node *library, const lty_templates *tpl, const char *where,
                    nb_liberty *lib, nb_err *err)
{
    int n = count_groups(library, "cell");
    nb_lib_cell *cells = realloc(lib->cells, ((size_t)lib->n_cells + (size_t)n + 1) * sizeof *cells);
    if (!cells)
        return nb_fail(err, "out of memory reading %s", where);
    lib->cells = cells;
    memset(cells + lib->n_cells, 0, ((size_t)n + 1) * sizeof *cells);
    for (int i = 0; i < library->n_kids; i++) {
        const lty_node *k = &library->kids[i];
        if (!k->group || strcmp(k->name, "cell") != 0)
            continue;
        nb_lib_cell *c = &lib->cells[lib->n_cells++];
        if (!read_cell(k, tpl, where, c, err))
            return false;
        lib->n_flip_flops += c->kind == NB_LIB_FLIP_FLOP;
        lib->n_latches += c->kind == NB_LIB_LATCH;
        lib->n_left_out += c->left_out != NULL;
    }
    return true;
}

bool lty_sort_cells(nb_liberty *lib, const char *where, nb_err *err)
{
    qsort(lib->cells, (size_t)lib->n_cells, sizeof *lib->cells, cell_cmp);
    for (int i = 1; i < lib->n_cells; i++)
        if (strcmp(lib->cells[i - 1].name, lib->cells[i].name) == 0)
            return nb_fail(err, "cell %s is defined twice in the library (%s): a cell may appear "
                           "once; leave one of the files or cells out", lib->cells[i].name,
                           where);
    return true;
}

void nb_liberty_free(nb_liberty *lib)
{
    if (!lib)
        return;
    for (int i = 0; i < lib->n_cells; i++)
        cell_free(&lib->cells[i]);
    free(lib->cells);
    free(lib->name);
    free(lib->mappable);
    free(lib);
}

const nb_lib_cell *nb_liberty_cell(const nb_liberty *lib, const char *name)
{
    nb_lib_cell key = {.name = (char *)name};
    return bsearch(&key, lib->cells, (size_t)lib->n_cells, sizeof key, cell_cmp);
}

const nb_lib_pin *nb_lib_cell_pin(const nb_lib_cell *cell, const char *name)
{
    for (int i = 0; i < cell->n_pins; i++)
        if (strcmp(cell->pins[i].name, name) == 0)
            return &cell->pins[i];
    return NULL;
}
