/* Lookup tables: templates, reading a table group, and evaluating it. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liberty_internal.h"

bool lty_numbers(const lty_node *n, const char *where, double **out, int *count, nb_err *err)
{
    int cap = 16, used = 0;
    double *v = malloc((size_t)cap * sizeof *v);
    if (!v)
        return nb_fail(err, "out of memory reading %s", where);
    for (int a = 0; a < n->n_args; a++) {
        const char *p = n->args[a];
        for (;;) {
            while (*p == ',' || isspace((unsigned char)*p))
                p++;
            if (!*p)
                break;
            char *end;
            double x = strtod(p, &end);
            if (end == p) {
                free(v);
                return nb_fail(err, "%s:%d: '%s' holds \"%.40s\" where a number was expected", where,
                               n->line, n->name, p);
            }
            if (!isfinite(x)) {
                free(v);
                return nb_fail(err, "%s:%d: '%s' holds %.*s, not a finite number", where, n->line,
                               n->name, (int)(end - p > 40 ? 40 : end - p), p);
            }
            if (used == cap) {
                double *g = realloc(v, (size_t)(cap *= 2) * sizeof *g);
                if (!g) {
                    free(v);
                    return nb_fail(err, "out of memory reading %s", where);
                }
                v = g;
            }
            v[used++] = x;
            p = end;
        }
    }
    *out = v;
    *count = used;
    return true;
}

static nb_lib_axis axis_of(const char *variable)
{
    if (!variable)
        return NB_LIB_AXIS_OTHER;
    if (strcmp(variable, "input_transition_time") == 0 || strcmp(variable, "input_net_transition") == 0)
        return NB_LIB_AXIS_SLEW;
    if (strcmp(variable, "total_output_net_capacitance") == 0 ||
        strcmp(variable, "equal_or_opposite_output_net_capacitance") == 0)
        return NB_LIB_AXIS_LOAD;
    return NB_LIB_AXIS_OTHER;
}

void lty_table_free(nb_lib_table *t)
{
    free(t->index_1);
    free(t->index_2);
    free(t->values);
    memset(t, 0, sizeof *t);
}

/* index_k of group g (if present) into *idx / *n; indices must not decrease. */
static bool read_index(const lty_node *g, const char *which, const char *where, double **idx, int *n,
                       nb_err *err)
{
    const lty_node *k = lty_kid(g, which);
    if (!k)
        return true;
    double *v;
    int c;
    if (!lty_numbers(k, where, &v, &c, err))
        return false;
    for (int i = 1; i < c; i++) {
        if (v[i] < v[i - 1]) {
            free(v);
            return nb_fail(err, "%s:%d: %s is not in increasing order", where, k->line, which);
        }
    }
    if (c == 0) {
        free(v);
        return nb_fail(err, "%s:%d: %s is empty", where, k->line, which);
    }
    free(*idx);
    *idx = v;
    *n = c;
    return true;
}

void lty_templates_free(lty_templates *t)
{
    for (int i = 0; i < t->n; i++)
        lty_table_free(&t->t[i].idx);
    free(t->t);
    memset(t, 0, sizeof *t);
}

bool lty_read_templates(const lty_node *library, const char *where, lty_templates *out, nb_err *err)
{
    memset(out, 0, sizeof *out);
    out->t = calloc((size_t)library->n_kids + 1, sizeof *out->t);
    if (!out->t)
        return nb_fail(err, "out of memory reading %s", where);
    for (int i = 0; i < library->n_kids; i++) {
        const lty_node *g = &library->kids[i];
        if (!g->group || g->n_args < 1 ||
            (strcmp(g->name, "lu_table_template") != 0 && strcmp(g->name, "power_lut_template") != 0))
            continue;
        lty_template *t = &out->t[out->n++];
        t->name = g->args[0];
        if (lty_attr(g, "variable_3")) {
            lty_templates_free(out);
            return nb_fail(err, "%s:%d: template '%s' is 3-D; only 1-D and 2-D tables are supported",
                           where, g->line, g->args[0]);
        }
        t->dims = lty_attr(g, "variable_2") ? 2 : lty_attr(g, "variable_1") ? 1 : 0;
        t->axis[0] = axis_of(lty_attr(g, "variable_1"));
        t->axis[1] = axis_of(lty_attr(g, "variable_2"));
        if (!read_index(g, "index_1", where, &t->idx.index_1, &t->idx.n1, err) ||
            !read_index(g, "index_2", where, &t->idx.index_2, &t->idx.n2, err)) {
            lty_templates_free(out);
            return false;
        }
    }
    return true;
}

static const lty_template *find_template(const lty_templates *tpl, const char *name)
{
    for (int i = 0; i < tpl->n; i++)
        if (strcmp(tpl->t[i].name, name) == 0)
            return &tpl->t[i];
    return NULL;
}

static double *copy_index(const double *v, int n)
{
    double *c = malloc((size_t)(n > 0 ? n : 1) * sizeof *c);
    if (c && n > 0)
        memcpy(c, v, (size_t)n * sizeof *c);
    return c;
}

/* Fill index k (0 or 1) of t from the group or else the template; a missing
 * axis becomes a single point (0) so every table is n1 x n2. */
static bool table_index(const lty_node *g, const lty_template *tp, int k, const char *where,
                        nb_lib_table *t, nb_err *err)
{
    double **idx = k == 0 ? &t->index_1 : &t->index_2;
    int *n = k == 0 ? &t->n1 : &t->n2;
    if (!tp || tp->dims <= k) {
        *idx = calloc(1, sizeof **idx);
        *n = 1;
        return *idx ? true : nb_fail(err, "out of memory reading %s", where);
    }
    const double *dv = k == 0 ? tp->idx.index_1 : tp->idx.index_2;
    int dn = k == 0 ? tp->idx.n1 : tp->idx.n2;
    if (dn > 0 && !(*idx = copy_index(dv, dn)))
        return nb_fail(err, "out of memory reading %s", where);
    *n = dn;
    if (!read_index(g, k == 0 ? "index_1" : "index_2", where, idx, n, err))
        return false;
    if (*n == 0)
        return nb_fail(err, "%s:%d: table '%s' has no index_%d (neither its own nor its template's)",
                       where, g->line, g->name, k + 1);
    return true;
}

bool lty_read_table(const lty_node *g, const lty_templates *tpl, const char *where,
                    nb_lib_table *out, nb_err *err)
{
    memset(out, 0, sizeof *out);
    const lty_template *tp = NULL;
    const char *tname = g->n_args > 0 ? g->args[0] : "scalar";
    if (strcmp(tname, "scalar") != 0 && !(tp = find_template(tpl, tname)))
        return nb_fail(err, "%s:%d: table '%s' uses template '%s', which the library does not "
                       "define", where, g->line, g->name, tname);
    if (tp) {
        out->axis_1 = tp->axis[0];
        out->axis_2 = tp->axis[1];
    }
    const lty_node *vals = lty_kid(g, "values");
    if (!vals) {
        return nb_fail(err, "%s:%d: table '%s' has no values", where, g->line, g->name);
    }
    int nv;
    bool ok = table_index(g, tp, 0, where, out, err) && table_index(g, tp, 1, where, out, err) &&
              lty_numbers(vals, where, &out->values, &nv, err);
    if (ok && nv != out->n1 * out->n2)
        ok = nb_fail(err, "%s:%d: table '%s' has %d values; its indices need %d x %d = %d", where,
                     vals->line, g->name, nv, out->n1, out->n2, out->n1 * out->n2);
    if (!ok)
        lty_table_free(out);
    return ok;
}

/* Position of x in idx[0..n-1]: segment i and weight w of idx[i+1], clamped. */
static void locate(const double *idx, int n, double x, int *i, double *w)
{
    *i = 0;
    *w = 0;
    if (n < 2 || x <= idx[0])
        return;
    if (x >= idx[n - 1]) {
        *i = n - 2;
        *w = 1;
        return;
    }
    int k = 0;
    while (k < n - 2 && x > idx[k + 1])
        k++;
    double span = idx[k + 1] - idx[k];
    *i = k;
    *w = span > 0 ? (x - idx[k]) / span : 0;
}

static double axis_arg(nb_lib_axis a, const double *idx, double slew, double load)
{
    return a == NB_LIB_AXIS_SLEW ? slew : a == NB_LIB_AXIS_LOAD ? load : idx[0];
}

double nb_lib_table_eval(const nb_lib_table *t, double slew, double load)
{
    if (!t || t->n1 <= 0 || t->n2 <= 0)
        return 0;
    int i, j;
    double u, v;
    locate(t->index_1, t->n1, axis_arg(t->axis_1, t->index_1, slew, load), &i, &u);
    locate(t->index_2, t->n2, axis_arg(t->axis_2, t->index_2, slew, load), &j, &v);
    int i1 = t->n1 > 1 ? i + 1 : i, j1 = t->n2 > 1 ? j + 1 : j;
    const double *z = t->values;
    int n2 = t->n2;
    return (1 - u) * (1 - v) * z[i * n2 + j] + (1 - u) * v * z[i * n2 + j1] +
           u * (1 - v) * z[i1 * n2 + j] + u * v * z[i1 * n2 + j1];
}

double nb_lib_power_energy(const nb_lib_power *p, double slew, double load)
{
    bool r = p->rise.n1 > 0, f = p->fall.n1 > 0;
    double er = r ? nb_lib_table_eval(&p->rise, slew, load) : 0;
    double ef = f ? nb_lib_table_eval(&p->fall, slew, load) : 0;
    if (r && f)
        return 0.5 * (er + ef);
    return r ? er : ef;
}
