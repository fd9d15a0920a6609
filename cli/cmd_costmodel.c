/* nibble costmodel: fit the analytic array area model on a sweep table,
 * report its error on held-out sizes, and predict sizes nobody synthesized. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
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
           "the held-out sizes, and predictions for other sizes.\n\n"
           "  --table FILE        synth.json written by nibble sweep\n"
           "  --hold-out LIST     RxC sizes kept out of the fit and predicted (default: the\n"
           "                      largest size of each set)\n"
           "  --predict LIST      RxC sizes to predict (default 16x16,32x32,64x64)\n"
           "  -h, --help          this text\n");
}

typedef struct size {
    int r, c;
} size;

static int parse_sizes(const char *s, size *out, nb_err *err)
{
    int n = 0;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *sv = NULL, *t = strtok_r(buf, ",", &sv); t; t = strtok_r(NULL, ",", &sv)) {
        char tail;
        if (n == MAX_SIZES || sscanf(t, "%dx%d%c", &out[n].r, &out[n].c, &tail) != 2 ||
            out[n].r < 1 || out[n].c < 1)
            return nb_fail(err, "'%s' is not a size RxC (at most %d sizes)", t, MAX_SIZES), -1;
        n++;
    }
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

static int load_table(const char *path, nb_synth_result **out, nb_err *err)
{
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc)
        return nb_fail(err, "%s: %s (give the synth.json that nibble sweep wrote)", path, je.text), -1;
    json_t *rows = json_object_get(doc, "designs"), *v;
    size_t i, n = json_array_size(rows);
    nb_synth_result *r = calloc(n + 1, sizeof *r);
    bool ok = r && json_is_array(rows) ? true : nb_fail(err, "%s has no \"designs\" array", path);
    json_array_foreach(rows, i, v) {
        if (ok && !nb_synth_result_from_json(v, &r[i], err))
            ok = nb_fail_prefix(err, "%s: design %zu", path, i);
    }
    json_decref(doc);
    if (!ok) {
        free(r);
        return -1;
    }
    *out = r;
    return (int)n;
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
    int nheld = hold ? parse_sizes(hold, held, &err) : 0;
    int npred = parse_sizes(predict, pred, &err);
    if (nheld < 0 || npred < 0)
        return cli_fail_err(CMD, &err);
    nb_synth_result *rows;
    int n = load_table(table, &rows, &err);
    if (n < 0)
        return cli_fail_err(CMD, &err);
    bool *done = calloc((size_t)n + 1, sizeof *done);
    int sets = 0, failed = 0;
    double worst = 0;
    for (int i = 0; i < n; i++) {
        if (done[i])
            continue;
        nb_size_point fit[256], test[256];
        int nfit = 0, ntest = 0;
        /* default hold-out: the set's largest array */
        int big = i;
        for (int j = i; j < n; j++)
            if (same_set(&rows[i], &rows[j]) && rows[j].rows * rows[j].cols > rows[big].rows * rows[big].cols)
                big = j;
        for (int j = i; j < n && nfit < 256 && ntest < 256; j++) {
            if (!same_set(&rows[i], &rows[j]))
                continue;
            done[j] = true;
            nb_size_point p = {rows[j].rows, rows[j].cols, rows[j].area_array};
            bool out = hold ? in_list(held, nheld, p.rows, p.cols) : j == big;
            if (out)
                test[ntest++] = p;
            else
                fit[nfit++] = p;
        }
        if (nfit + ntest < NB_SIZE_MODEL_TERMS + 1)
            continue; /* not a size sweep */
        sets++;
        nb_size_model m;
        printf("%s x %s (acc %d):\n", rows[i].weights, rows[i].acts, rows[i].acc_bits);
        if (!nb_size_model_fit(fit, nfit, &m, &err)) {
            printf("  cannot fit: %s\n", err.msg);
            failed++;
            continue;
        }
        printf("  area = %.0f + %.0f*R + %.0f*C + %.0f*R*C + %.0f*R(R-1)/2 + %.0f*C(C-1)/2 um^2\n"
               "  (synthesized PE alone: %.0f um^2); %d sizes fitted, max fit error %.2f%%\n",
               m.fixed, m.per_row, m.per_col, m.per_pe, m.per_skew, m.per_deskew, rows[i].area_pe,
               nfit, 100 * m.fit_max_rel_err);
        for (int k = 0; k < ntest; k++) {
            double p = nb_size_model_predict(&m, test[k].rows, test[k].cols);
            double e = p / test[k].value - 1;
            worst = fabs(e) > worst ? fabs(e) : worst;
            printf("  held out %dx%d: predicted %.0f, synthesized %.0f um^2, error %+.2f%%\n",
                   test[k].rows, test[k].cols, p, test[k].value, 100 * e);
        }
        printf("  predicted:");
        for (int k = 0; k < npred; k++)
            printf(" %dx%d %.3g um^2%s", pred[k].r, pred[k].c,
                   nb_size_model_predict(&m, pred[k].r, pred[k].c), k + 1 < npred ? "," : "\n");
    }
    free(done);
    free(rows);
    if (!sets)
        return cli_fail(CMD, "%s holds no datatype set with 7 or more array sizes; run "
                        "'nibble sweep --preset arrays' first", table);
    printf("held-out error: at most %.2f%% over %d datatype set%s (target 5%%)\n", 100 * worst, sets,
           sets == 1 ? "" : "s");
    return failed ? EXIT_CHECK_FAILED : 0;
}
