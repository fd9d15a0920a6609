/* Preparing a sweep directory: designs, plan.json, and the job of each point
 * (a `nibble synth` command line) for this runner or another scheduler. */
#define _GNU_SOURCE
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nibble/gen.h"
#include "nibble/sweep.h"
#include "nibble/files.h"
#include "sweep_internal.h"

static char self_exe[4096];

const char *sweep_nibble_exe(void)
{
    if (!self_exe[0]) {
        ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
        snprintf(self_exe + (n > 0 ? n : 0), sizeof self_exe - (size_t)(n > 0 ? n : 0), "%s",
                 n > 0 ? "" : "nibble");
    }
    return self_exe;
}

void sweep_path(char *buf, size_t len, const nb_sweep_opts *o, const char *sub,
                const nb_sweep_point *p, const char *ext)
{
    snprintf(buf, len, "%s/%s/%s%s", o->out_dir, sub, p->name, ext);
}

int sweep_job_argv(const nb_sweep_point *p, const nb_sweep_opts *o, char store[][4400], char **argv)
{
    int n = 0;
#define ARG(...) (snprintf(store[n], 4400, __VA_ARGS__), argv[n] = store[n], n++)
    ARG("%s", sweep_nibble_exe());
    ARG("synth");
    ARG("--config");
    sweep_path(store[n], 4400, o, "designs", p, "");
    argv[n] = store[n];
    n++;
    ARG("--json");
    sweep_path(store[n], 4400, o, "results", p, ".json");
    argv[n] = store[n];
    n++;
    if (!o->power)
        ARG("--no-power");
    if (o->force)
        ARG("--force");
    if (o->library)
        ARG("--library"), ARG("%s", o->library);
    if (o->liberty)
        ARG("--liberty"), ARG("%s", o->liberty);
    if (o->sdc)
        ARG("--sdc"), ARG("%s", o->sdc);
    if (o->clock_ns > 0)
        ARG("--clock"), ARG("%.9g", o->clock_ns);
#undef ARG
    argv[n] = NULL;
    return n;
}

/* A single-quoted shell word. */
static void shell_word(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

/* One line: the job with its output going to its log. */
static void job_line(FILE *f, const nb_sweep_point *p, const nb_sweep_opts *o)
{
    char store[SWEEP_MAX_ARGS][4400], *argv[SWEEP_MAX_ARGS + 1], log[4400];
    int n = sweep_job_argv(p, o, store, argv);
    for (int i = 0; i < n; i++) {
        if (i)
            fputc(' ', f);
        shell_word(f, argv[i]);
    }
    sweep_path(log, sizeof log, o, "logs", p, ".log");
    fputs(" >", f);
    shell_word(f, log);
    fputs(" 2>&1\n", f);
}

static json_t *point_json(const nb_sweep_point *p)
{
    return json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:s, s:b}", "name", p->name, "weights",
                     p->weights, "acts", p->acts, "rows", p->rows, "cols", p->cols, "acc_bits",
                     p->acc_bits, "cascade", p->cascade, "overq_mode",
                     nb_overq_mode_name(p->overq_mode), "encoder", p->encoder);
}

static bool write_text(const char *path, void (*fill)(FILE *, const nb_sweep_plan *, const nb_sweep_opts *),
                       const nb_sweep_plan *plan, const nb_sweep_opts *o, nb_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return nb_fail(err, "out of memory");
    fill(f, plan, o);
    bool ok = nb_memstream_close(f, &buf, path, err) && nb_write_file(path, buf, len, err);
    free(buf);
    return ok;
}

static void fill_jobs(FILE *f, const nb_sweep_plan *plan, const nb_sweep_opts *o)
{
    for (int i = 0; i < plan->n; i++)
        job_line(f, &plan->points[i], o);
}

/* Remove the regular files in dir whose names end in ext. */
static void remove_files(const char *dir, const char *ext)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t el = strlen(ext);
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        char path[4400];
        if (n <= el || strcmp(e->d_name + n - el, ext) != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path); /* files only */
    }
    closedir(d);
}

void sweep_clean(const char *out_dir)
{
    static const char *const FILES[] = {"synth.csv", "synth.json", "plan.json",
                                        "jobs.txt",  "jobs.mk",    "jobs.sbatch"};
    char path[4400];
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", out_dir, FILES[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/results", out_dir);
    remove_files(path, ".json");
    snprintf(path, sizeof path, "%s/logs", out_dir);
    remove_files(path, ".log");
}

bool nb_sweep_prepare(const nb_sweep_plan *plan, const nb_sweep_opts *o, nb_err *err)
{
    /* an earlier sweep's table, results and job lists go first, whatever
     * happens next: a table never mixes runs, and a sweep that fails leaves
     * none that looks current */
    sweep_clean(o->out_dir);
    if (plan->n == 0)
        return nb_fail(err, "the sweep has no designs");
    nb_synth_opts so = nb_synth_opts_default();
    so.library = o->library;
    so.liberty = o->liberty;
    so.sdc = o->sdc;
    so.clock_ns = o->clock_ns;
    so.power = o->power;
    nb_synth_setup setup;
    if (!nb_synth_check_setup(&so, &setup, err))
        return false;
    static const char *const SUBDIRS[] = {"designs", "results", "logs"};
    char path[4400];
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", o->out_dir, SUBDIRS[i]);
        if (!nb_mkdir_p(path, err))
            return false;
    }
    json_t *points = json_array();
    for (int i = 0; i < plan->n; i++) {
        const nb_sweep_point *p = &plan->points[i];
        nb_design *d = nb_sweep_design(p, err);
        sweep_path(path, sizeof path, o, "designs", p, "");
        bool ok = d && nb_gen_write(d, path, err);
        nb_design_free(d);
        if (!ok) {
            json_decref(points);
            return nb_fail_prefix(err, "sweep design %s", p->name);
        }
        json_array_append_new(points, point_json(p));
    }
    /* what every result must have been made with (nb_sweep_collect checks) */
    json_t *options = json_pack("{s:s, s:s, s:f, s:b, s:s?}", "library", setup.library, "liberty",
                                setup.liberty, "clock_ns", setup.clock_ns, "power", o->power,
                                "sdc", o->sdc);
    json_t *doc = json_pack("{s:s, s:o, s:o}", "format", "nibble-sweep-plan-1", "options", options,
                            "points", points);
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    json_decref(doc);
    snprintf(path, sizeof path, "%s/plan.json", o->out_dir);
    bool ok = text ? nb_write_file(path, text, strlen(text), err)
                   : nb_fail(err, "cannot build %s: out of memory, or a path or name that is not "
                             "valid UTF-8", path);
    free(text);
    snprintf(path, sizeof path, "%s/jobs.txt", o->out_dir);
    return ok && write_text(path, fill_jobs, plan, o, err);
}

bool nb_sweep_load_plan(const char *out_dir, nb_sweep_plan *plan, nb_err *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/plan.json", out_dir);
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc)
        return nb_fail(err, "%s: %s (prepare the sweep first: nibble sweep -o %s ...)", path,
                       je.text, out_dir);
    json_t *points = json_object_get(doc, "points"), *v;
    size_t i;
    bool ok = json_is_array(points) || nb_fail(err, "%s has no points array", path);
    json_array_foreach(points, i, v) {
        const char *w, *a, *mode;
        int r, c, acc, cas, enc;
        nb_overq_mode m;
        if (!ok)
            break;
        ok = (json_unpack_ex(v, &je, 0, "{s:s, s:s, s:i, s:i, s:i, s:i, s:s, s:b}", "weights", &w,
                             "acts", &a, "rows", &r, "cols", &c, "acc_bits", &acc, "cascade", &cas,
                             "overq_mode", &mode, "encoder", &enc) == 0 ||
              nb_fail(err, "%s: point %zu: %s", path, i, je.text)) &&
             nb_overq_mode_parse(mode, &m, err) &&
             nb_sweep_add(plan, w, a, r, c, acc, cas, m, enc, err);
    }
    json_decref(doc);
    return ok;
}

/* ---- job lists for other schedulers --------------------------------------- */

static void fill_make(FILE *f, const nb_sweep_plan *plan, const nb_sweep_opts *o)
{
    fprintf(f, "# nibble sweep jobs: make -j N -f jobs.mk, then nibble sweep --collect -o %s\n",
            o->out_dir);
    fputs("all:", f);
    for (int i = 0; i < plan->n; i++)
        fprintf(f, " \\\n  %s/results/%s.json", o->out_dir, plan->points[i].name);
    fputs("\n.PHONY: all\n", f);
    for (int i = 0; i < plan->n; i++) {
        fprintf(f, "\n%s/results/%s.json:\n\t", o->out_dir, plan->points[i].name);
        job_line(f, &plan->points[i], o);
    }
}

static void fill_slurm(FILE *f, const nb_sweep_plan *plan, const nb_sweep_opts *o)
{
    fprintf(f, "#!/bin/sh\n# nibble sweep as a Slurm array: sbatch jobs.sbatch, then\n"
               "# nibble sweep --collect -o %s\n#SBATCH --job-name=nibble-sweep\n"
               "#SBATCH --array=1-%d\n#SBATCH --cpus-per-task=1\n"
               "sh -c \"$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" '%s/jobs.txt')\"\n",
            o->out_dir, plan->n, o->out_dir);
}

bool nb_sweep_emit(const nb_sweep_plan *plan, const nb_sweep_opts *o, const char *kind, FILE *out,
                   nb_err *err)
{
    char path[4200];
    if (strcmp(kind, "make") == 0) {
        snprintf(path, sizeof path, "%s/jobs.mk", o->out_dir);
        if (!write_text(path, fill_make, plan, o, err))
            return false;
        fprintf(out, "wrote %s: run 'make -j N -f %s'", path, path);
    } else if (strcmp(kind, "parallel") == 0) {
        snprintf(path, sizeof path, "%s/jobs.txt", o->out_dir);
        fprintf(out, "wrote %s: run 'parallel -j N < %s'", path, path);
    } else if (strcmp(kind, "slurm") == 0) {
        snprintf(path, sizeof path, "%s/jobs.sbatch", o->out_dir);
        if (!write_text(path, fill_slurm, plan, o, err))
            return false;
        fprintf(out, "wrote %s: run 'sbatch %s'", path, path);
    } else {
        return nb_fail(err, "--emit-jobs %s: use make, parallel or slurm", kind);
    }
    fprintf(out, ", then 'nibble sweep --collect -o %s' (%d jobs)\n", o->out_dir, plan->n);
    return true;
}
