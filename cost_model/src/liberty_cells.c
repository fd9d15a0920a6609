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
    return true;
}

static int cell_cmp(const void *a, const void *b)
{
    return strcmp(((const nb_lib_cell *)a)->name, ((const nb_lib_cell *)b)->name);
}

bool lty_read_cells(const lty_node *library, const lty_templates *tpl, const char *where,
                    nb_liberty *lib, nb_err *err)
{
    int n = count_groups(library, "cell");
    lib->cells = calloc((size_t)n + 1, sizeof *lib->cells);
    if (!lib->cells)
        return nb_fail(err, "out of memory reading %s", where);
    for (int i = 0; i < library->n_kids; i++) {
        const lty_node *k = &library->kids[i];
        if (k->group && strcmp(k->name, "cell") == 0 &&
            !read_cell(k, tpl, where, &lib->cells[lib->n_cells++], err))
            return false;
    }
    qsort(lib->cells, (size_t)lib->n_cells, sizeof *lib->cells, cell_cmp);
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
