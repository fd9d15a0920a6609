/* Running external tools (Verilator, Yosys, OpenSTA, make, compilers, gnuplot)
 * and nibble's own child processes.
 *
 * Every child runs in its own process group with stdin from /dev/null and
 * stdout+stderr in a log, under a wall-clock limit. When it times out, or when
 * nibble gets SIGINT/SIGTERM, the whole group is sent SIGTERM and, after a
 * grace period, SIGKILL; when a tool ends, anything it left running in its
 * group is killed too. Waiting sleeps in poll() on a pidfd per child (woken
 * by an exit, a signal, a deadline, or once a second; where pidfds are
 * unavailable, every 50 ms to call waitid): no busy spinning. See
 * sys/README.md. */
#ifndef NIBBLE_PROCESS_H
#define NIBBLE_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nibble/error.h"

#define NB_TOOL_TIMEOUT_DEFAULT 7200 /* s: one build, synthesis, timing or plot run */
#define NB_PROBE_TIMEOUT 60          /* s: `tool --version` */
#define NB_KILL_GRACE 5              /* s between SIGTERM and SIGKILL to a group */

/* The wall-clock limit of one tool run in seconds: NIBBLE_TOOL_TIMEOUT when
 * set (a whole number of seconds; 0 means no limit), else
 * NB_TOOL_TIMEOUT_DEFAULT. An invalid value is an error. */
bool nb_tool_timeout(double *seconds, nb_err *err);

/* A child process in its own process group. Zero-initialize; pid is 0 when
 * the slot holds no running child. After nb_child_wait_any returned it,
 * status, timed_out and interrupted describe how it ended. */
typedef struct nb_child {
    pid_t pid;
    int pidfd;        /* -1: none (waitpid polling) */
    double limit;     /* seconds, 0: none */
    double deadline;  /* CLOCK_MONOTONIC time of the limit, 0: none */
    double kill_at;   /* when SIGKILL follows the SIGTERM already sent, 0: not sent */
    int status;       /* exit status, or 128 + signal */
    bool timed_out, interrupted;
    int slot;         /* its entry in the table of running groups */
    char tool[64];    /* basename of argv[0], or what the caller called it */
    char log[4608];
} nb_child;

typedef struct nb_spawn {
    const char *log;  /* stdout and stderr are appended here; NULL: /dev/null */
    bool truncate;    /* start the log empty instead of appending */
    const char *cwd;  /* NULL: nibble's working directory */
    double limit;     /* wall-clock seconds; 0: none */
} nb_spawn;

/* Start argv (PATH lookup) in a new process group. Fails, naming the tool,
 * when it is not installed or cannot start, when the log cannot be opened,
 * or when nibble is already stopping after a signal. */
bool nb_child_start(nb_child *c, char *const argv[], const nb_spawn *how, nb_err *err);

/* fork() a copy of nibble into a new process group, tracked like a tool
 * (`what` names it in messages; limit in seconds, 0: none). Returns 0 in the
 * child (which gets the default SIGINT/SIGTERM actions), the pid in the
 * parent, -1 on failure. */
pid_t nb_child_fork(nb_child *c, const char *what, double limit, nb_err *err);

/* Wait until one of the running children among c[0..n) ends, killing groups
 * over their limit or, after a signal, all of them. Returns its index (its
 * pid is then 0), or -1 when none is running or waiting failed (err). */
int nb_child_wait_any(nb_child *c, int n, nb_err *err);

/* How an ended child went: false when it timed out (the message names the
 * tool, the limit and the log) or was stopped by a signal to nibble; else
 * *status is its exit status (or 128 + the signal that ended it). */
bool nb_child_outcome(const nb_child *c, int *status, nb_err *err);

/* Start, wait, outcome: argv with output appended to log_path, in cwd (NULL:
 * here), under nb_tool_timeout(). True when the tool ran to its end; then
 * *status is its exit status (0: success) or 128 + signal. */
bool nb_run_tool(char *const argv[], const char *log_path, const char *cwd, int *status, nb_err *err);

/* Async-signal-safe: nibble is stopping. Sends SIGTERM to every running
 * child's process group; tools are no longer started and waits return the
 * children as interrupted. The command line's SIGINT/SIGTERM handler calls
 * it. (Callers that installed no handler need not: while children run,
 * SIGINT/SIGTERM/SIGHUP at their default action are caught, the children's
 * groups ended, and the signal is then re-raised.) */
void nb_process_interrupt(void);
bool nb_process_interrupted(void);

/* True when `tool` is an executable file in a PATH directory (no process). */
bool nb_tool_on_path(const char *tool);

/* First line of `tool flag` output (cached per tool), run like any tool with
 * min(NB_PROBE_TIMEOUT, nb_tool_timeout()) as its limit; or an error naming
 * the missing tool and how to install it. */
bool nb_tool_version(const char *tool, const char *flag, char *buf, size_t len, nb_err *err);

#endif
