/* The report's plots: gnuplot scripts and data, rendered to SVG and PNG. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/files.h"
#include "nibble/process.h"
#include "report_internal.h"

typedef struct plot {
    const char *name, *xlabel, *title;
    int metric;                 /* 0 area, 1 PE power, 2 PE energy per MAC */
    double unit;                /* the axis unit: metric * unit */
} plot;

static const plot PLOTS[] = {
    {"area_vs_sqnr", "array area (mm^2)", "Area vs GEMM accuracy", 0, 1e-6},
    {"power_vs_sqnr", "power at the clock (mW)", "Power vs GEMM accuracy", 1, 1},
    {"energy_vs_sqnr", "energy per MAC (pJ)", "Energy per MAC vs GEMM accuracy", 2, 1},
};
#define NPLOTS (int)(sizeof PLOTS / sizeof PLOTS[0])

static double metric(const rp_design *d, int m, bool *front)
{
    *front = m == 0 ? d->front_area : m == 1 ? d->front_power : d->front_energy;
    return m == 0 ? d->syn_array.area_array : m == 1 ? rp_power_mw(d) : rp_energy_pj(d);
}

/* Points that land on the same spot (e.g. OverQ depths whose PEs are the
 * same hardware) share one label, "a = b", on the first of them; the others
 * get none, so labels never print over each other there. */
static void point_labels(const rp_scatter *s, char labels[][256])
{
    for (int i = 0; i < s->n; i++) {
        double x = s->x[i], y = s->y[i];
        snprintf(labels[i], 256, "%s", s->label[i]);
        for (int j = 0; j < i; j++) {
            double xj = s->x[j], yj = s->y[j];
            if (fabs(x - xj) <= 1e-6 * fabs(xj) && fabs(y - yj) < 0.01) {
                size_t n = strlen(labels[j]);
                if (*labels[j])
                    snprintf(labels[j] + n, 256 - n, " = %s", s->label[i]);
                labels[i][0] = '\0';
                break;
            }
        }
    }
}

static int by_cost(const void *a, const void *b)
{
    double x = ((const double *)a)[0], y = ((const double *)b)[0];
    return (x > y) - (x < y);
}

bool rp_plot_scatter(const rp_scatter *s, const char *dir, nb_err *err)
{
    char *all = NULL, *front = NULL, *script = NULL;
    size_t la = 0, lf = 0, ls = 0;
    if (s->n > RP_MAX)
        return nb_fail(err, "the %s plot has %d points, at most %d", s->name, s->n, RP_MAX);
    FILE *fa = open_memstream(&all, &la), *ff = open_memstream(&front, &lf);
    if (!fa || !ff) {
        nb_memstream_close(fa, &all, "plot data", err);
        nb_memstream_close(ff, &front, "plot data", err);
        return nb_fail(err, "out of memory building the %s plot", s->name);
    }
    double pts[RP_MAX][2];
    int idx[RP_MAX], nf = 0, n = 0;
    static char labels[RP_MAX][256];
    point_labels(s, labels);
    for (int i = 0; i < s->n; i++) {
        bool on = s->front[i];
        double x = s->x[i], y = s->y[i];
        if (!isfinite(x) || !isfinite(y))
            continue;
        n++;
        x *= s->unit;
        /* frontier points are labelled in red by the frontier series */
        fprintf(fa, "%.9g\t%.6g\t%s\n", x, y, on ? "" : labels[i]);
        if (on) {
            pts[nf][0] = x; /* already in the plot's unit */
            pts[nf][1] = y;
            idx[nf++] = i;
        }
    }
    /* the frontier as a staircase line, in order of cost */
    double order[RP_MAX][3];
    for (int i = 0; i < nf; i++) {
        order[i][0] = pts[i][0];
        order[i][1] = pts[i][1];
        order[i][2] = idx[i];
    }
    qsort(order, (size_t)nf, sizeof order[0], by_cost);
    /* labels alternate above and below the line so that neighbours on the
     * frontier do not print over each other */
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < s->n; i++)
        if (isfinite(s->y[i])) {
            lo = fmin(lo, s->y[i]);
            hi = fmax(hi, s->y[i]);
        }
    double dy = 0.045 * (hi > lo ? hi - lo : 1);
    for (int i = 0; i < nf; i++)
        fprintf(ff, "%.9g\t%.6g\t%s\t%.6g\n", order[i][0], order[i][1],
                labels[(int)order[i][2]], order[i][1] + (i % 2 ? -dy : dy));
    bool built = nb_memstream_close(fa, &all, "plot data", err);
    built = nb_memstream_close(ff, &front, "plot data", err) && built;
    if (!built) {
        free(all);
        free(front);
        return false;
    }
    char path[4400];
    bool ok = true;
    if (n == 0) {
        free(all);
        free(front);
        return true; /* e.g. no power measured: no power plot */
    }
    snprintf(path, sizeof path, "%s/%s.dat", dir, s->name);
    ok = nb_write_file(path, all, la, err);
    snprintf(path, sizeof path, "%s/%s_front.dat", dir, s->name);
    ok = ok && nb_write_file(path, front, lf, err);
    free(all);
    free(front);
    FILE *fs = open_memstream(&script, &ls);
    if (!fs)
        return nb_fail(err, "out of memory building %s.gp", s->name);
    for (int t = 0; t < 2; t++) {
        fprintf(fs, "%s\nset output '%s.%s'\n",
                t == 0 ? "set terminal svg size 820,540 dynamic noenhanced font 'sans,11' background '#ffffff'"
                       : "set terminal pngcairo size 1100,720 noenhanced font 'sans,11'",
                s->name, t == 0 ? "svg" : "png");
        fprintf(fs, "set datafile separator '\\t'\nset title '%s (%s; %s is "
                    "better)'\nset xlabel '%s'\nset ylabel '%s'\nset grid\n"
                    "set key bottom right\nset offsets graph 0.05, graph 0.25, graph 0.08, graph 0.08\n"
                    "set format x '%%g'\n",
                s->title, s->what, s->better, s->xlabel, s->ylabel);
        fprintf(fs, "plot '%s.dat' using 1:2 with points pt 7 ps 1.0 lc rgb '#7f7f7f' title 'design', \\\n"
                    "     '%s.dat' using 1:2:3 with labels offset 0.6,-0.7 left font ',9' tc rgb '#555555' notitle, \\\n"
                    "     '%s_front.dat' using 1:2 with linespoints pt 7 ps 1.6 lw 2 lc rgb '#d62728' title 'Pareto frontier', \\\n"
                    "     '%s_front.dat' using 1:4:3 with labels offset 0.8,0 left font ',10' tc rgb '#d62728' notitle\n"
                    "unset output\n",
                s->name, s->name, s->name, s->name);
    }
    snprintf(path, sizeof path, "%s/%s.gp", dir, s->name);
    built = nb_memstream_close(fs, &script, path, err);
    ok = ok && built && nb_write_file(path, script, ls, err);
    free(script);
    if (!ok)
        return false;
    char log[4400], gp[300];
    snprintf(log, sizeof log, "%s/gnuplot.log", dir);
    snprintf(gp, sizeof gp, "%s.gp", s->name);
    char *argv[] = {"gnuplot", gp, NULL};
    int rc = 0;
    if (!nb_run_tool(argv, log, dir, &rc, err))
        return false;
    if (rc != 0) {
        char tail[600];
        nb_file_tail(log, tail, sizeof tail);
        return nb_fail(err, "gnuplot failed (status %d) on %s/%s: %s", rc, dir, gp, tail);
    }
    return true;
}

/* A GEMM-SQNR plot: every design's cost against its GEMM SQNR. */
static bool write_plot(const rp_report *r, const plot *p, const char *dir, nb_err *err)
{
    static double x[RP_MAX], y[RP_MAX];
    static bool on[RP_MAX];
    static const char *label[RP_MAX];
    static char marked[RP_MAX][660];
    for (int i = 0; i < r->ndesigns; i++) {
        x[i] = metric(&r->designs[i], p->metric, &on[i]);
        y[i] = r->designs[i].gemm.sqnr_db;
        /* block-scaled designs (scale stage in the array) are marked */
        snprintf(marked[i], sizeof marked[i], "%s%s", r->designs[i].block ? "[B] " : "",
                 r->designs[i].label);
        label[i] = marked[i];
    }
    char what[160];
    if (p->metric == 0)
        snprintf(what, sizeof what, "%dx%d arrays%s", r->o->rows, r->o->cols,
                 rp_has_blocks(r) ? "; [B] scale stage in the array" : "");
    else
        snprintf(what, sizeof what, "%s; SQNR of the %dx%d array",
                 r->o->array_power   ? "whole arrays"
                 : rp_has_blocks(r) ? "PEs, [B] PE + scale stage share"
                                     : "PEs",
                 r->o->rows, r->o->cols);
    rp_scatter s = {p->name, p->title, what, p->xlabel, "GEMM SQNR (dB)", "higher-left", p->unit,
                    r->ndesigns, x, y, on, label};
    return rp_plot_scatter(&s, dir, err);
}

/* Weight SQNR per format, one series per scaling, on the synthetic weights. */
static bool write_accuracy_plot(const rp_report *r, const char *dir, nb_err *err)
{
    static const char *const SC[] = {"channel", "group128", "group32"};
    char *data = NULL, *script = NULL;
    size_t ld = 0, ls = 0;
    FILE *fd = open_memstream(&data, &ld);
    if (!fd)
        return nb_fail(err, "out of memory building weight_sqnr.dat");
    fputs("# format\tchannel\tgroup128\tgroup32\n", fd);
    for (int i = 0; i < r->nacc; i++) {
        const rp_acc_row *a = &r->acc[i];
        if (strcmp(a->role, "weight") || strcmp(a->tensor, r->tensors[0].name) ||
            strcmp(a->scaling, "channel"))
            continue;
        fprintf(fd, "%s", a->format);
        for (int s = 0; s < 3; s++)
            for (int j = 0; j < r->nacc; j++)
                if (!strcmp(r->acc[j].tensor, a->tensor) && !strcmp(r->acc[j].format, a->format) &&
                    !strcmp(r->acc[j].scaling, SC[s]))
                    fprintf(fd, "\t%.4f", r->acc[j].sqnr_db);
        fputc('\n', fd);
    }
    if (!nb_memstream_close(fd, &data, "weight_sqnr.dat", err))
        return false;
    FILE *fs = open_memstream(&script, &ls);
    if (!fs) {
        free(data);
        return nb_fail(err, "out of memory building weight_sqnr.gp");
    }
    for (int t = 0; t < 2; t++)
        fprintf(fs, "%s\nset output 'weight_sqnr.%s'\nset datafile separator '\\t'\n"
                    "set title 'Weight quantization SQNR on %s'\nset ylabel 'SQNR (dB)'\n"
                    "set style data histograms\nset style histogram clustered gap 1\n"
                    "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset grid ytics\n"
                    "set xtics rotate by -30\nset key top left\nset yrange [0:*]\n"
                    "plot 'weight_sqnr.dat' using 2:xtic(1) title 'per channel', '' using 3 title "
                    "'groups of 128', '' using 4 title 'groups of 32'\nunset output\n",
                t == 0 ? "set terminal svg size 820,480 dynamic noenhanced font 'sans,11' background '#ffffff'"
                       : "set terminal pngcairo size 1100,640 noenhanced font 'sans,11'",
                t == 0 ? "svg" : "png", r->tensors[0].name);
    char path[4400], log[4400];
    snprintf(path, sizeof path, "%s/weight_sqnr.dat", dir);
    bool ok = nb_memstream_close(fs, &script, "weight_sqnr.gp", err) &&
              nb_write_file(path, data, ld, err);
    snprintf(path, sizeof path, "%s/weight_sqnr.gp", dir);
    ok = ok && nb_write_file(path, script, ls, err);
    free(data);
    free(script);
    snprintf(log, sizeof log, "%s/gnuplot.log", dir);
    char *argv[] = {"gnuplot", "weight_sqnr.gp", NULL};
    int rc = 0;
    ok = ok && nb_run_tool(argv, log, dir, &rc, err);
    if (ok && rc != 0) {
        char tail[600];
        nb_file_tail(log, tail, sizeof tail);
        ok = nb_fail(err, "gnuplot failed on %s/weight_sqnr.gp: %s", dir, tail);
    }
    return ok;
}

bool rp_write_plots(const rp_report *r, nb_err *err)
{
    char dir[4400];
    rp_path(r, dir, sizeof dir, "plots");
    if (!nb_mkdir_p(dir, err))
        return false;
    for (int i = 0; i < NPLOTS; i++)
        if (!write_plot(r, &PLOTS[i], dir, err))
            return false;
    if (r->model && !rp_model_plots(r, dir, err))
        return false;
    return write_accuracy_plot(r, dir, err);
}
