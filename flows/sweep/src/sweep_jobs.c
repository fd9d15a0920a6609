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
#include "nibble/output.h"
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
    if (o->liberty_dir)
        ARG("--liberty-dir"), ARG("%s", o->liberty_dir);
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

/* A shell word inside a make recipe: make expands every '$' (even inside the
 * shell's quotes), so each becomes '$$'. */
static void make_word(FILE *f, const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return;
    shell_word(m, s);
    fclose(m);
    for (size_t i = 0; i < len; i++)
        fputs(buf[i] == '$' ? "$$" : (char[]){buf[i], '\0'}, f);
    free(buf);
}

/* One line: the job with its output going to its log; quoted for make
 * recipes when `make` is set, else for sh. */
static void job_words(FILE *f, const nb_sweep_point *p, const nb_sweep_opts *o, bool make)
{
    char store[SWEEP_MAX_ARGS][4400], *argv[SWEEP_MAX_ARGS + 1], log[4400];
    int n = sweep_job_argv(p, o, store, argv);
    void (*word)(FILE *, const char *) = make ? make_word : shell_word;
    for (int i = 0; i < n; i++) {
        if (i)
            fputc(' ', f);
        word(f, argv[i]);
    }
    sweep_path(log, sizeof log, o, "logs", p, ".log");
    fputs(" >", f);
    word(f, log);
    fputs(" 2>&1\n", f);
}

static void job_line(FILE *f, const nb_sweep_point *p, const nb_sweep_opts *o)
{
    job_words(f, p, o, false);
}

/* The byte that cannot go into a one-line job list, or 0. */
static unsigned char control_char(const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return *c;
    return 0;
}

/* Every word of every job fits on one line of jobs.txt, jobs.mk and
 * jobs.sbatch: a newline (or other control character) in a directory or a
 * file name would split a job, or escape from a comment into code. Quotes,
 * spaces and '$' are fine: they are quoted. */
static bool check_job_text(const nb_sweep_plan *plan, const nb_sweep_opts *o, nb_err *err)
{
    unsigned char c;
    if ((c = control_char(o->out_dir)))
        return nb_fail(err, "sweep directory '%s' contains a control character (byte 0x%02x); "
                       "job lists hold one job per line: choose another directory", o->out_dir, c);
    for (int i = 0; i < plan->n; i++) {
        char store[SWEEP_MAX_ARGS][4400], *argv[SWEEP_MAX_ARGS + 1];
        int n = sweep_job_argv(&plan->points[i], o, store, argv);
        for (int k = 0; k < n; k++)
            if ((c = control_char(argv[k])))
                return nb_fail(err, "sweep job %s: argument '%s' contains a control character "
                               "(byte 0x%02x); job lists hold one job per line: rename it",
                               plan->points[i].name, argv[k], c);
    }
    return true;
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

/* Every design of the plan, built in memory (NULL with err set if one fails). */
static nb_design **build_designs(const nb_sweep_plan *plan, nb_err *err)
{
    nb_design **ds = calloc((size_t)plan->n, sizeof *ds);
    if (!ds)
        return nb_fail(err, "out of memory"), NULL;
    for (int i = 0; i < plan->n; i++)
        if (!(ds[i] = nb_sweep_design(&plan->points[i], err))) {
            nb_fail_prefix(err, "sweep design %s", plan->points[i].name);
            for (int j = 0; j < i; j++)
                nb_design_free(ds[j]);
            free(ds);
            return NULL;
        }
    return ds;
}

bool nb_sweep_prepare(const nb_sweep_plan *plan, const nb_sweep_opts *o, nb_err *err)
{
    if (!check_job_text(plan, o, err))
        return false;
    if (plan->n == 0)
        return nb_fail(err, "the sweep has no designs");
    /* every option and design is checked before the directory is touched */
    nb_synth_opts so = nb_synth_opts_default();
    so.library = o->library;
    so.liberty = o->liberty;
    so.liberty_dir = o->liberty_dir;
    so.sdc = o->sdc;
    so.clock_ns = o->clock_ns;
    so.power = o->power;
    so.log = o->progress; /* the library's note on cells left out of mapping, once */
    nb_synth_setup setup;
    if (!nb_synth_check_setup(&so, &setup, err))
        return false;
    nb_design **ds = build_designs(plan, err);
    if (!ds)
        return false;
    /* only a directory nibble marked as a sweep (or an empty or new one) is
     * cleaned; then an earlier sweep's table, results and job lists go, so
     * that a table never mixes runs and a sweep that fails from here on
     * leaves none that looks current */
    bool ok = nb_output_dir_claim(o->out_dir, NB_OUTPUT_SWEEP, err);
    if (ok)
        sweep_clean(o->out_dir);
    static const char *const SUBDIRS[] = {"designs", "results", "logs"};
    char path[4400];
    for (int i = 0; ok && i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", o->out_dir, SUBDIRS[i]);
        ok = nb_mkdir_p(path, err);
    }
    json_t *points = json_array();
    for (int i = 0; i < plan->n; i++) {
        const nb_sweep_point *p = &plan->points[i];
        sweep_path(path, sizeof path, o, "designs", p, "");
        if (ok && !nb_gen_write(ds[i], path, err))
            ok = nb_fail_prefix(err, "sweep design %s", p->name);
        json_array_append_new(points, point_json(p));
        nb_design_free(ds[i]);
    }
    free(ds);
    if (!ok) {
        json_decref(points);
        return false;
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
    ok = text ? nb_write_file(path, text, strlen(text), err)
              : nb_fail(err, "cannot build %s: out of memory, or a path or name that is not "
                        "valid UTF-8", path);
    free(text);
    snprintf(path, sizeof path, "%s/jobs.txt", o->out_dir);
    return ok && write_text(path, fill_jobs, plan, o, err);
}

bool nb_sweep_load_plan(const char *out_dir, nb_sweep_plan *plan, nb_err *err)
{
    nb_output_state state;
    if (!nb_output_dir_check(out_dir, NB_OUTPUT_SWEEP, &state, err))
        return false;
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

/* Targets are job numbers, not result paths: make cannot quote a space, ':',
 * '%' or '*' in a target name. A job whose result exists is skipped. */
static void fill_make(FILE *f, const nb_sweep_plan *plan, const nb_sweep_opts *o)
{
    fputs("# nibble sweep jobs: make -j N -f jobs.mk, then nibble sweep --collect -o ", f);
    shell_word(f, o->out_dir); /* ends in a quote: never a '\' that continues the comment */
    fputs("\nall:", f);
    for (int i = 0; i < plan->n; i++)
        fprintf(f, " job%d", i + 1);
    fputs("\n.PHONY: all", f);
    for (int i = 0; i < plan->n; i++)
        fprintf(f, " job%d", i + 1);
    fputc('\n', f);
    for (int i = 0; i < plan->n; i++) {
        char result[4400];
        sweep_path(result, sizeof result, o, "results", &plan->points[i], ".json");
        fprintf(f, "\n# %s\njob%d:\n\ttest -f ", plan->points[i].name, i + 1);
        make_word(f, result);
        fputs(" || ", f);
        job_words(f, &plan->points[i], o, true);
    }
}

static void fill_slurm(FILE *f, const nb_sweep_plan *plan, const nb_sweep_opts *o)
{
    char jobs[4400];
    snprintf(jobs, sizeof jobs, "%s/jobs.txt", o->out_dir);
    fputs("#!/bin/sh\n# nibble sweep as a Slurm array: sbatch jobs.sbatch, then\n"
          "# nibble sweep --collect -o ", f);
    shell_word(f, o->out_dir);
    fprintf(f, "\n#SBATCH --job-name=nibble-sweep\n#SBATCH --array=1-%d\n"
               "#SBATCH --cpus-per-task=1\nsh -c \"$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" ", plan->n);
    shell_word(f, jobs); /* quoted: a ' in the directory must not end the quote */
    fputs(")\"\n", f);
}

bool nb_sweep_emit(const nb_sweep_plan *plan, const nb_sweep_opts *o, const char *kind, FILE *out,
                   nb_err *err)
{
    char path[4200];
    if (!check_job_text(plan, o, err))
        return false;
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
