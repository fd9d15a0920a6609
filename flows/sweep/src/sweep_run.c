/* Running a sweep's jobs here, N at a time, with a progress line per job. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nibble/sweep.h"
#include "nibble/files.h"
#include "sweep_internal.h"

extern char **environ;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static pid_t start_job(const nb_sweep_point *p, const nb_sweep_opts *o, nb_err *err)
{
    char store[SWEEP_MAX_ARGS][4400], *argv[SWEEP_MAX_ARGS + 1], log[4400];
    sweep_job_argv(p, o, store, argv);
    sweep_path(log, sizeof log, o, "logs", p, ".log");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return nb_fail(err, "cannot start %s: %s", argv[0], strerror(rc)), -1;
    return pid;
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
    pid_t pid;
    int point;
    double start;
} running;

int nb_sweep_run(const nb_sweep_plan *plan, const nb_sweep_opts *o, nb_err *err)
{
    int jobs = o->jobs > 0 ? o->jobs : 1;
    running *run = calloc((size_t)jobs, sizeof *run);
    if (!run)
        return nb_fail(err, "out of memory"), -1;
    int next = 0, done = 0, failed = 0, cached = 0, active = 0;
    double t0 = now();
    while (done < plan->n) {
        bool stop = o->cancel && *o->cancel;
        if (stop && !active) {
            free(run);
            return nb_fail(err, "interrupted after %d of %d jobs; run it again to "
                           "finish (finished jobs are cached)", done, plan->n), -1;
        }
        while (!stop && active < jobs && next < plan->n) {
            int slot = 0;
            while (run[slot].pid)
                slot++;
            pid_t pid = start_job(&plan->points[next], o, err);
            if (pid < 0)
                break;
            run[slot] = (running){pid, next++, now()};
            active++;
        }
        if (!active) {
            free(run);
            return -1; /* could not start anything: err says why */
        }
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            free(run);
            return nb_fail(err, "waiting for sweep jobs: %s", strerror(errno)), -1;
        }
        int slot = 0;
        while (slot < jobs && run[slot].pid != pid)
            slot++;
        if (slot == jobs)
            continue; /* not one of ours */
        const nb_sweep_point *p = &plan->points[run[slot].point];
        char log[4400], line[512];
        sweep_path(log, sizeof log, o, "logs", p, ".log");
        bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        bool hit = ok && was_cached(log);
        done++;
        active--;
        failed += !ok;
        cached += hit;
        if (o->progress) {
            double t = now();
            fprintf(o->progress, "[sweep %3d/%d] %-48s %6.1f s%s", done, plan->n, p->name,
                    t - run[slot].start, hit ? " (cached)" : "");
            if (!ok) {
                last_line(log, line, sizeof line);
                fprintf(o->progress, " FAILED (log %s): %s", log, line);
            } else if (done < plan->n) {
                double eta = (t - t0) / done * (plan->n - done);
                fprintf(o->progress, "  [%.0f s elapsed, ~%.0f s left]", t - t0, eta);
            }
            fputc('\n', o->progress);
            fflush(o->progress);
        }
        run[slot].pid = 0;
    }
    free(run);
    if (o->progress)
        fprintf(o->progress, "[sweep] %d designs in %.1f s: %d synthesized, %d cached, %d failed\n",
                plan->n, now() - t0, plan->n - cached - failed, cached, failed);
    return failed;
}
