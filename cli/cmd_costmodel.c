/* nibble costmodel: fit the analytic array area model on a sweep table,
 * report its error on held-out sizes, and predict sizes nobody synthesized. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nibble/input_file.h"
#include "nibble/list.h"
#include "nibble/size_model.h"
#include "nibble/synth.h"

static const char *CMD = "costmodel";

#define MAX_SIZES 32

static void help(void)
{
    printf("usage: nibble costmodel --table DIR/synth.json [--hold-out LIST] [--predict LIST]\n\n"
           "Fits, per datatype set, array area = fixed + a*R + b*C + c*R*C + d*R(R-1)/2 +\n"
           "e*C(C-1)/2 (um^2: PEs, edge registers, skew and deskew delay lines) by least\n"
           "squares on the synthesized sizes of a sweep table (e.g. 'nibble sweep --preset\n"
           "arrays'), prints the coefficients next to the synthesized PE area, the error on\n"
           "the held-out sizes, and predictions for other sizes. Where every size has a\n"
           "measured power, the same model is fitted to power (mW at the target clock).\n"
           "Each set must hold every size once; a hold-out that leaves no size to test or\n"
           "fewer than 6 to fit is an error (exit 2), as are sizes beyond 65536x65536 and\n"
           "areas or powers that are not positive or absurdly large.\n\n"
           "  --table FILE        synth.json written by nibble sweep\n"
           "  --hold-out LIST     RxC sizes kept out of the fit and predicted (default: the\n"
           "                      largest size of each set)\n"
           "  --predict LIST      RxC sizes to predict (default 16x16,32x32,64x64)\n"
           "  -h, --help          this text\n");
}

typedef struct size {
    int r, c;
} size;

/* Array sides the model accepts, in the table and in --hold-out/--predict:
 * generous for predictions, small enough that R*C and the triangular delay
 * line terms stay exact in a double. */
#define COSTMODEL_DIM_MAX 65536

/* Areas and powers beyond these are not measurements (a square metre of
 * silicon, a megawatt); their squares would also overflow the fit. */
#define COSTMODEL_AREA_MAX 1e12
#define COSTMODEL_POWER_MAX 1e9

/* sizes beyond this are not arrays anyone builds; the bound keeps R*C far from overflow */
#define SIZE_DIM_MAX 4096

static int parse_sizes(const char *opt, const char *s, size *out, nb_err *err)
{
    nb_list l;
    int n = nb_list_split(s, ",", &l, err) ? 0 : -1;
    for (int k = 0; n >= 0 && k < l.n; k++) {
        if (n == MAX_SIZES)
            n = nb_fail(err, "%s: more than %d sizes; give at most %d", opt, MAX_SIZES,
                        MAX_SIZES) - 1;
        else if (!cli_parse_size(opt, l.items[k], SIZE_DIM_MAX, &out[n].r, &out[n].c, err))
            n = -1;
        else
            n++;
    }
    nb_list_free(&l);
    return n;
}

static bool in_list(const size *l, int n, int r, int c)
{
    for (int i = 0; i < n; i++)
        if (l[i].r == r && l[i].c == c)
            return true;
    return false;
}

/* Rows of the same datatype set and PE configuration. */
static bool same_set(const nb_synth_result *a, const nb_synth_result *b)
{
    return !strcmp(a->weights, b->weights) && !strcmp(a->acts, b->acts) &&
           a->acc_bits == b->acc_bits && a->pipeline == b->pipeline && a->cascade == b->cascade &&
           !strcmp(a->overq_mode, b->overq_mode) && a->overq_encoder == b->overq_encoder &&
           !strcmp(a->acc_mode, b->acc_mode);
}

/* What the fit needs of a row: a size in range and a finite, positive area
 * (and power, where measured) below the absurd. */
static bool check_row(const char *path, size_t i, const nb_synth_result *r, nb_err *err)
{
    if (r->rows < 1 || r->rows > COSTMODEL_DIM_MAX || r->cols < 1 || r->cols > COSTMODEL_DIM_MAX)
        return nb_fail(err, "%s: design %zu (%s) is %dx%d; rows and cols must be 1..%d", path, i,
                       r->name, r->rows, r->cols, COSTMODEL_DIM_MAX);
    if (!(r->area_array > 0 && r->area_array < COSTMODEL_AREA_MAX))
        return nb_fail(err, "%s: design %zu (%s) has array area %g um^2; an area must be positive "
                       "and below %g um^2 (regenerate the table with nibble sweep)", path, i,
                       r->name, r->area_array, COSTMODEL_AREA_MAX);
    if (r->has_power && !(r->power_mw > 0 && r->power_mw < COSTMODEL_POWER_MAX))
        return nb_fail(err, "%s: design %zu (%s) has power %g mW; a power must be positive and "
                       "below %g mW (regenerate the table with nibble sweep)", path, i, r->name,
                       r->power_mw, COSTMODEL_POWER_MAX);
    return true;
}

static int load_table(const char *path, nb_synth_result **out, nb_err *err)
{
    json_error_t je;
    size_t len;
    char *text = nb_read_input(path, "table", 0, &len, err); /* regular files only */
    if (!text)
        return -1;
    json_t *doc = json_loadb(text, len, 0, &je);
    free(text);
    if (!doc)
        return nb_fail(err, "%s: %s (give the synth.json that nibble sweep wrote)", path, je.text), -1;
    json_t *rows = json_object_get(doc, "designs"), *v;
    size_t i, n = json_array_size(rows);
    nb_synth_result *r = NULL;
    bool ok = json_is_array(rows) || nb_fail(err, "%s has no \"designs\" array", path);
    if (ok && n > 1000000)
        ok = nb_fail(err, "%s holds %zu designs; at most 1000000 are read", path, n);
    if (ok && !(r = calloc(n + 1, sizeof *r)))
        ok = nb_fail(err, "out of memory for the %zu designs of %s (%zu bytes)", n, path,
                     (n + 1) * sizeof *r);
    json_array_foreach(rows, i, v) {
        if (ok && !nb_synth_result_from_json(v, &r[i], err))
            ok = nb_fail_prefix(err, "%s: design %zu", path, i);
        ok = ok && check_row(path, i, &r[i], err);
    }
    json_decref(doc);
    if (!ok) {
        free(r);
        return -1;
    }
    *out = r;
    return (int)n;
}

typedef struct metric {
    const char *name, *unit;
    bool power;          /* power at the target clock, else array area */
} metric;

static double metric_of(const nb_synth_result *r, const metric *m)
{
    return m->power ? r->power_mw : r->area_array;
}

/* "W x A (acc N)": how messages name a datatype set. */
static void set_name(const nb_synth_result *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s x %s (acc %d)", r->weights, r->acts, r->acc_bits);
}

/* A set must hold each size once: two measurements of one size are two
 * sweeps mixed in one table, and the default hold-out would be ambiguous. */
static bool check_distinct(const nb_synth_result *rows, const int *members, int nm,
                           const char *path, nb_err *err)
{
    for (int a = 0; a < nm; a++)
        for (int b = a + 1; b < nm; b++) {
            const nb_synth_result *x = &rows[members[a]], *y = &rows[members[b]];
            if (x->rows == y->rows && x->cols == y->cols) {
                char set[1100];
                set_name(x, set, sizeof set);
                return nb_fail(err, "%s: datatype set %s holds size %dx%d twice (designs %d and "
                               "%d); give a table with one design per size", path, set, x->rows,
                               x->cols, members[a], members[b]);
            }
        }
    return true;
}

/* Split a set's sizes into fitted and held-out ones (held == NULL: the
 * largest size). Errors when nothing is left to test or to fit: then no
 * held-out error exists, and printing one would be a wrong answer. */
static bool split_sizes(const nb_synth_result *rows, const int *members, int nm, const metric *mt,
                        const size *held, int nheld, nb_size_point *fit, int *nfit,
                        nb_size_point *test, int *ntest, nb_err *err)
{
    int big = members[0];
    for (int k = 0; k < nm; k++)
        if ((long long)rows[members[k]].rows * rows[members[k]].cols >
            (long long)rows[big].rows * rows[big].cols)
            big = members[k];
    *nfit = *ntest = 0;
    for (int k = 0; k < nm; k++) {
        const nb_synth_result *r = &rows[members[k]];
        nb_size_point p = {r->rows, r->cols, metric_of(r, mt)};
        if (held ? in_list(held, nheld, p.rows, p.cols) : members[k] == big)
            test[(*ntest)++] = p;
        else
            fit[(*nfit)++] = p;
    }
    char set[1100];
    set_name(&rows[members[0]], set, sizeof set);
    if (*ntest == 0)
        return nb_fail(err, "none of the --hold-out sizes is among the %d sizes of datatype set %s, "
                       "so no held-out error can be computed; hold out sizes the table holds", nm,
                       set);
    if (*nfit < NB_SIZE_MODEL_TERMS)
        return nb_fail(err, "--hold-out leaves %d of the %d sizes of datatype set %s to fit; the "
                       "model needs at least %d, so no held-out error can be computed", *nfit, nm,
                       set, NB_SIZE_MODEL_TERMS);
    return true;
}

/* Fit one metric of one datatype set, print the model, the held-out error
 * and predictions. *worst gets the largest held-out relative error. */
static bool fit_metric(const nb_synth_result *rows, const int *members, int nm, const metric *mt,
                       const size *held, int nheld, const size *pred, int npred, double *worst,
                       nb_err *err)
{
    nb_size_point fit[256], test[256];
    int nfit, ntest;
    if (!split_sizes(rows, members, nm, mt, held, nheld, fit, &nfit, test, &ntest, err))
        return false;
    nb_size_model m;
    if (!nb_size_model_fit(fit, nfit, &m, err)) {
        char set[1100];
        set_name(&rows[members[0]], set, sizeof set);
        return nb_fail_prefix(err, "%s of datatype set %s", mt->name, set);
    }
    const char *fmt = mt->power ? "%.4g" : "%.0f";
    printf("  %s = ", mt->name);
    const double coef[] = {m.fixed, m.per_row, m.per_col, m.per_pe, m.per_skew, m.per_deskew};
    const char *term[] = {"", "*R", "*C", "*R*C", "*R(R-1)/2", "*C(C-1)/2"};
    for (int k = 0; k < NB_SIZE_MODEL_TERMS; k++) {
        printf(k ? (coef[k] < 0 ? " - " : " + ") : "");
        printf(fmt, k ? fabs(coef[k]) : coef[k]);
        printf("%s", term[k]);
    }
    printf(" %s\n  ", mt->unit);
    if (!mt->power)
        printf("(synthesized PE alone: %.0f um^2); ", rows[members[0]].area_pe);
    printf("%d sizes fitted, max fit error %.2f%%\n", nfit, 100 * m.fit_max_rel_err);
    *worst = 0;
    for (int k = 0; k < ntest; k++) {
        double p = nb_size_model_predict(&m, test[k].rows, test[k].cols), e = p / test[k].value - 1;
        *worst = fabs(e) > *worst ? fabs(e) : *worst;
        printf("  held out %dx%d: predicted ", test[k].rows, test[k].cols);
        printf(fmt, p);
        printf(", synthesized ");
        printf(fmt, test[k].value);
        printf(" %s, error %+.2f%%\n", mt->unit, 100 * e);
    }
    printf("  predicted:");
    for (int k = 0; k < npred; k++)
        printf(" %dx%d %.3g %s%s", pred[k].r, pred[k].c, nb_size_model_predict(&m, pred[k].r, pred[k].c),
               mt->unit, k + 1 < npred ? "," : "\n");
    return true;
}

int cmd_costmodel(int argc, char **argv)
{
    static const struct option opts[] = {
        {"table", required_argument, NULL, 't'},  {"hold-out", required_argument, NULL, 'o'},
        {"predict", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *table = NULL, *hold = NULL, *predict = "16x16,32x32,64x64";
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': table = optarg; break;
        case 'o': hold = optarg; break;
        case 'p': predict = optarg; break;
        case 'h': help(); return 0;
        default: return cli_bad_option(CMD, argv);
        }
    }
    if (optind < argc)
        return cli_fail(CMD, "unexpected argument '%s'", argv[optind]);
    if (!table)
        return cli_fail(CMD, "--table is required: the synth.json of a sweep over array sizes");
    nb_err err;
    size held[MAX_SIZES], pred[MAX_SIZES];
    int nheld = hold ? parse_sizes("--hold-out", hold, held, &err) : 0;
    int npred = nheld < 0 ? -1 : parse_sizes("--predict", predict, pred, &err);
    if (nheld < 0 || npred < 0)
        return cli_fail_err(CMD, &err);
    nb_synth_result *rows;
    int n = load_table(table, &rows, &err);
    if (n < 0)
        return cli_fail_err(CMD, &err);
    bool *done = calloc((size_t)n + 1, sizeof *done);
    int *members = calloc((size_t)n + 1, sizeof *members);
    if (!done || !members) {
        free(done), free(members), free(rows);
        return cli_fail(CMD, "out of memory for the %d designs of %s", n, table);
    }
    int sets = 0;
    bool ok = true;
    double worst = 0, worst_power = 0;
    for (int i = 0; ok && i < n; i++) {
        if (done[i])
            continue;
        int nm = 0;
        for (int j = i; j < n; j++)
            if (same_set(&rows[i], &rows[j])) {
                done[j] = true;
                members[nm++] = j;
            }
        if (nm < NB_SIZE_MODEL_TERMS + 1)
            continue; /* not a size sweep */
        if (nm > 256) {
            char set[1100];
            set_name(&rows[i], set, sizeof set);
            ok = nb_fail(&err, "%s: datatype set %s has %d sizes; the model fits at most 256",
                         table, set, nm);
            break;
        }
        if (!(ok = check_distinct(rows, members, nm, table, &err)))
            break;
        sets++;
        printf("%s x %s (acc %d):\n", rows[i].weights, rows[i].acts, rows[i].acc_bits);
        bool power = true;
        for (int k = 0; k < nm; k++)
            power = power && rows[members[k]].has_power;
        const metric metrics[] = {{"area", "um^2", false}, {"power", "mW", true}};
        for (int mi = 0; ok && mi < (power ? 2 : 1); mi++) {
            double e = 0;
            ok = fit_metric(rows, members, nm, &metrics[mi], hold ? held : NULL, nheld, pred, npred,
                            &e, &err);
            double *w = metrics[mi].power ? &worst_power : &worst;
            *w = ok && e > *w ? e : *w;
        }
    }
    free(done);
    free(members);
    free(rows);
    if (!ok)
        return cli_fail_err(CMD, &err);
    if (!sets)
        return cli_fail(CMD, "%s holds no datatype set with 7 or more array sizes; run "
                        "'nibble sweep --preset arrays' first", table);
    printf("held-out error: at most %.2f%% over %d datatype set%s (target 5%%)\n", 100 * worst, sets,
           sets == 1 ? "" : "s");
    if (worst_power > 0)
        printf("held-out power error: at most %.2f%%\n", 100 * worst_power);
    return 0;
}
