/* Running a sweep's jobs here, N at a time, with a progress line per job.
 * Each job (a `nibble synth`) runs in its own process group through the tool
 * runner; a job has no time limit of its own, every tool inside it has one. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nibble/sweep.h"
#include "nibble/files.h"
#include "nibble/process.h"
#include "sweep_internal.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static bool start_job(nb_child *c, const nb_sweep_point *p, const nb_sweep_opts *o, nb_err *err)
{
    char store[SWEEP_MAX_ARGS][4400], *argv[SWEEP_MAX_ARGS + 1], log[4400];
    sweep_job_argv(p, o, store, argv);
    sweep_path(log, sizeof log, o, "logs", p, ".log");
    nb_spawn how = {.log = log, .truncate = true};
    return nb_child_start(c, argv, &how, err);
}

/* The last non-empty line of a job's log (its error message). */
static void last_line(const char *log, char *buf, size_t len)
{
    char tail[2048];
    nb_file_tail(log, tail, sizeof tail);
    size_t n = strlen(tail);
    while (n && (tail[n - 1] == '\n' || tail[n - 1] == ' '))
        tail[--n] = '\0';
    char *nl = strrchr(tail, '\n');
    snprintf(buf, len, "%s", nl ? nl + 1 : tail);
}

static bool was_cached(const char *log)
{
    char tail[2048];
    nb_file_tail(log, tail, sizeof tail);
    return strstr(tail, "\ncached in ") != NULL || strncmp(tail, "cached in ", 10) == 0;
}

typedef struct running {
    int point;
    double start;
} running;

int nb_sweep_run(const nb_sweep_plan *plan, const nb_sweep_opts *o, nb_err *err)
{
    int jobs = o->jobs > 0 ? o->jobs : 1;
    running *run = calloc((size_t)jobs, sizeof *run);
    nb_child *child = calloc((size_t)jobs, sizeof *child);
    if (!run || !child) {
        free(run);
        free(child);
        return nb_fail(err, "out of memory for %d job slots", jobs), -1;
    }
    int next = 0, done = 0, failed = 0, cached = 0, active = 0, stopped = 0;
    double t0 = now();
    while (done < plan->n) {
        bool stop = o->cancel && *o->cancel;
        if (stop && !active)
            break;
        while (!stop && active < jobs && next < plan->n) {
            int slot = 0;
            while (child[slot].pid)
                slot++;
            if (!start_job(&child[slot], &plan->points[next], o, err))
                break;
            run[slot] = (running){next++, now()};
            active++;
        }
        if (!active) {
            free(run);
            free(child);
            return -1; /* could not start anything: err says why */
        }
        /* a signal ends the running jobs' groups: they come back here as failed */
        int slot = nb_child_wait_any(child, jobs, err);
        if (slot < 0) {
            nb_err ignored;
            nb_process_interrupt(); /* end every job rather than orphan it */
            while (nb_child_wait_any(child, jobs, &ignored) >= 0)
                ;
            free(run);
            free(child);
            return -1;
        }
        const nb_sweep_point *p = &plan->points[run[slot].point];
        char log[4400], line[512];
        sweep_path(log, sizeof log, o, "logs", p, ".log");
        int status = 0;
        nb_err why;
        bool ok = nb_child_outcome(&child[slot], &status, &why) && status == 0;
        stop = o->cancel && *o->cancel;
        bool hit = ok && was_cached(log);
        done++;
        active--;
        stopped += !ok && stop;
        failed += !ok;
        cached += hit;
        if (o->progress) {
            double t = now();
            fprintf(o->progress, "[sweep %3d/%d] %-48s %6.1f s%s", done, plan->n, p->name,
                    t - run[slot].start, hit ? " (cached)" : "");
            if (!ok && stop) {
                fputs(" stopped", o->progress);
            } else if (!ok) {
                last_line(log, line, sizeof line);
                fprintf(o->progress, " FAILED (log %s): %s", log, line);
            } else if (done < plan->n) {
                double eta = (t - t0) / done * (plan->n - done);
                fprintf(o->progress, "  [%.0f s elapsed, ~%.0f s left]", t - t0, eta);
            }
            fputc('\n', o->progress);
            fflush(o->progress);
        }
    }
    free(run);
    free(child);
    if (o->cancel && *o->cancel)
        return nb_fail(err, "interrupted after %d of %d jobs; run it again to "
                       "finish (finished jobs are cached)", done - stopped, plan->n), -1;
    if (o->progress)
        fprintf(o->progress, "[sweep] %d designs in %.1f s: %d synthesized, %d cached, %d failed\n",
                plan->n, now() - t0, plan->n - cached - failed, cached, failed);
    return failed;
}
