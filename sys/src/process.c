/* Child processes: each in its own process group, under a wall-clock limit,
 * ended as a group on timeout or when nibble is asked to stop. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nibble/process.h"
#include "process_internal.h"

extern char **environ;

#define MAX_GROUPS 512
#define FALLBACK_POLL_MS 50 /* waitid polling period where pidfds are unavailable */

/* The process groups of running children (-1: a slot being filled), read by
 * signal handlers; the table belongs to the process groups_owner (a fork()ed
 * child starts with an empty one). */
static volatile sig_atomic_t groups[MAX_GROUPS];
static volatile sig_atomic_t groups_owner;
static volatile sig_atomic_t stopping;
static int running; /* reserved slots */

/* SIGINT/SIGTERM/SIGHUP at their default action are caught while children
 * run, so that ending nibble ends its children's groups too. */
static const int STOP_SIGNALS[] = {SIGINT, SIGTERM, SIGHUP};
#define NSTOP (int)(sizeof STOP_SIGNALS / sizeof STOP_SIGNALS[0])
static struct sigaction saved_action[NSTOP];
static bool replaced[NSTOP];
static volatile sig_atomic_t caught; /* the signal our own handler caught; 0: none */

double nb_monotonic(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void nb_process_interrupt(void)
{
    int saved_errno = errno;
    stopping = 1;
    if (groups_owner == getpid())
        for (int i = 0; i < MAX_GROUPS; i++) {
            pid_t g = groups[i];
            if (g > 0)
                kill(-g, SIGTERM);
        }
    errno = saved_errno;
}

bool nb_process_interrupted(void)
{
    return stopping != 0;
}

static void on_stop_signal(int sig)
{
    caught = sig;
    nb_process_interrupt();
}

static void catch_stop_signals(void)
{
    for (int i = 0; i < NSTOP; i++) {
        struct sigaction cur;
        replaced[i] = false;
        if (sigaction(STOP_SIGNALS[i], NULL, &cur) != 0 || (cur.sa_flags & SA_SIGINFO) ||
            cur.sa_handler != SIG_DFL)
            continue; /* ignored, or someone else's handler: theirs to handle */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        replaced[i] = sigaction(STOP_SIGNALS[i], &sa, &saved_action[i]) == 0;
    }
}

/* Back to the default actions; a signal caught meanwhile now ends nibble as
 * it would have without children. */
static void release_stop_signals(void)
{
    for (int i = 0; i < NSTOP; i++)
        if (replaced[i]) {
            sigaction(STOP_SIGNALS[i], &saved_action[i], NULL);
            replaced[i] = false;
        }
    int sig = caught;
    if (sig) {
        caught = 0;
        raise(sig);
    }
}

/* The table of a fork()ed child is its parent's: start afresh. */
static void adopt_table(void)
{
    if (groups_owner == getpid())
        return;
    for (int i = 0; i < MAX_GROUPS; i++)
        groups[i] = 0;
    running = 0;
    for (int i = 0; i < NSTOP; i++)
        replaced[i] = false;
    caught = 0;
    groups_owner = getpid();
}

static int reserve_slot(const char *tool, nb_err *err)
{
    adopt_table();
    if (stopping)
        return nb_fail(err, "not starting %s: nibble is stopping after an interrupt", tool), -1;
    for (int i = 0; i < MAX_GROUPS; i++)
        if (groups[i] == 0) {
            groups[i] = -1;
            if (running++ == 0)
                catch_stop_signals();
            return i;
        }
    return nb_fail(err, "cannot start %s: more than %d child processes at once", tool, MAX_GROUPS), -1;
}

static void free_slot(int slot)
{
    groups[slot] = 0;
    if (--running == 0)
        release_stop_signals();
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0); /* close-on-exec by definition */
#else
    (void)pid;
    return -1;
#endif
}

/* The slot is filled: the child is tracked (and ended at once if a signal
 * already asked nibble to stop). */
static void track(nb_child *c, pid_t pid, int slot, double limit)
{
    groups[slot] = pid;
    c->pid = pid;
    c->slot = slot;
    c->pidfd = open_pidfd(pid);
    c->limit = limit;
    c->deadline = limit > 0 ? nb_monotonic() + limit : 0;
    c->kill_at = 0;
    c->status = 0;
    c->timed_out = c->interrupted = false;
    if (stopping) {
        kill(-pid, SIGTERM);
        c->interrupted = true;
        c->kill_at = nb_monotonic() + NB_KILL_GRACE;
    }
}

bool nb_child_start_fd(nb_child *c, char *const argv[], int out_fd, const char *cwd, double limit,
                       nb_err *err)
{
    int slot = reserve_slot(c->tool, err);
    if (slot < 0)
        return false;
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    posix_spawnattr_setpgroup(&at, 0);
    sigset_t dflt, none;
    sigemptyset(&dflt);
    for (int i = 0; i < NSTOP; i++)
        sigaddset(&dflt, STOP_SIGNALS[i]);
    sigaddset(&dflt, SIGPIPE);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&at, &dflt);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETSIGMASK);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
    if (cwd)
        posix_spawn_file_actions_addchdir_np(&fa, cwd);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0) {
        free_slot(slot);
        struct stat st;
        if (cwd && stat(cwd, &st) != 0)
            return nb_fail(err, "cannot start %s in %s: %s", c->tool, cwd, strerror(errno));
        if (rc == ENOENT && !strchr(argv[0], '/'))
            return nb_fail(err, "%s is not installed (not found in PATH); run 'flows/setup.sh "
                           "deps' to install it", argv[0]);
        return nb_fail(err, "cannot start %s: %s", argv[0], strerror(rc));
    }
    track(c, pid, slot, limit);
    return true;
}

bool nb_child_start(nb_child *c, char *const argv[], const nb_spawn *how, nb_err *err)
{
    const char *base = strrchr(argv[0], '/');
    snprintf(c->tool, sizeof c->tool, "%s", base ? base + 1 : argv[0]);
    snprintf(c->log, sizeof c->log, "%s", how->log ? how->log : "");
    c->pid = 0;
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (how->truncate ? O_TRUNC : O_APPEND);
    int fd = open(how->log ? how->log : "/dev/null", flags, 0644);
    if (fd < 0)
        return nb_fail(err, "cannot open %s, the log of %s: %s", how->log, c->tool, strerror(errno));
    bool ok = nb_child_start_fd(c, argv, fd, how->cwd, how->limit, err);
    close(fd);
    return ok;
}

pid_t nb_child_fork(nb_child *c, const char *what, double limit, nb_err *err)
{
    snprintf(c->tool, sizeof c->tool, "%s", what);
    c->log[0] = '\0';
    c->pid = 0;
    int slot = reserve_slot(what, err);
    if (slot < 0)
        return -1;
    fflush(NULL); /* nothing buffered is written twice */
    pid_t pid = fork();
    if (pid < 0) {
        free_slot(slot);
        return nb_fail(err, "cannot start %s: fork: %s", what, strerror(errno)), -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        sigemptyset(&sa.sa_mask);
        for (int i = 0; i < NSTOP; i++)
            sigaction(STOP_SIGNALS[i], &sa, NULL);
        stopping = 0;
        groups_owner = 0;
        adopt_table();
        return 0;
    }
    setpgid(pid, pid); /* also here: the group exists before anyone signals it */
    track(c, pid, slot, limit);
    return pid;
}

/* Ask a child's group to end (SIGTERM now, SIGKILL after the grace period). */
static void end_group(nb_child *c, double now)
{
    if (c->kill_at != 0)
        return;
    kill(-c->pid, SIGTERM);
    c->kill_at = now + NB_KILL_GRACE;
}

/* The child has exited (not yet reaped, so its group id cannot be reused):
 * end whatever it left in its group, then reap it. */
static void finish(nb_child *c)
{
    kill(-c->pid, SIGKILL);
    groups[c->slot] = 0;
    int st = 0;
    pid_t r;
    while ((r = waitpid(c->pid, &st, 0)) < 0 && errno == EINTR)
        ;
    if (r != c->pid) /* reaped elsewhere (SIGCHLD ignored): its status is lost, not success */
        c->status = 255;
    else
        c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    if (c->pidfd >= 0)
        close(c->pidfd);
    c->pidfd = -1;
    c->pid = 0;
    free_slot(c->slot); /* may re-raise a caught signal: nibble ends here */
}

static bool has_exited(const nb_child *c)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0)
        return errno == ECHILD; /* gone already: nothing to wait for */
    return si.si_pid == c->pid;
}

int nb_child_wait_any(nb_child *c, int n, nb_err *err)
{
    if (n > MAX_GROUPS)
        return nb_fail(err, "cannot wait for more than %d children", MAX_GROUPS), -1;
    struct pollfd fds[MAX_GROUPS];
    int who[MAX_GROUPS];
    for (;;) {
        double now = nb_monotonic(), wake = INFINITY;
        int nfds = 0, live = 0;
        bool fallback = false;
        for (int i = 0; i < n; i++) {
            nb_child *k = &c[i];
            if (k->pid <= 0)
                continue;
            live++;
            if (stopping && !k->timed_out) {
                k->interrupted = true;
                end_group(k, now);
            }
            if (k->deadline > 0 && now >= k->deadline && !k->interrupted) {
                k->timed_out = true;
                end_group(k, now);
            }
            if (k->kill_at > 0 && now >= k->kill_at) {
                kill(-k->pid, SIGKILL);
                k->kill_at = -1; /* sent */
            }
            if (k->pidfd < 0) {
                fallback = true;
                if (has_exited(k)) {
                    finish(k);
                    return i;
                }
            } else {
                fds[nfds].fd = k->pidfd;
                fds[nfds].events = POLLIN;
                fds[nfds].revents = 0;
                who[nfds++] = i;
            }
            if (k->kill_at == 0 && k->deadline > 0 && k->deadline < wake)
                wake = k->deadline;
            if (k->kill_at > 0 && k->kill_at < wake)
                wake = k->kill_at;
        }
        if (!live)
            return nb_fail(err, "no child process to wait for"), -1;
        int ms = -1;
        if (isfinite(wake))
            ms = wake <= now ? 0 : (int)fmin(ceil((wake - now) * 1000), 86400000.0);
        if (fallback && (ms < 0 || ms > FALLBACK_POLL_MS))
            ms = FALLBACK_POLL_MS;
        /* wake at least once a second: a signal that came just before poll()
         * is then still seen (its handler has already sent SIGTERM) */
        if (ms < 0 || ms > 1000)
            ms = 1000;
        int r = poll(fds, (nfds_t)nfds, ms); /* a signal interrupts it (EINTR) */
        if (r < 0 && errno != EINTR)
            return nb_fail(err, "waiting for %s: %s", c[who[0]].tool, strerror(errno)), -1;
        for (int f = 0; r > 0 && f < nfds; f++)
            if (fds[f].revents && has_exited(&c[who[f]])) {
                finish(&c[who[f]]);
                return who[f];
            }
    }
}

bool nb_child_outcome(const nb_child *c, int *status, nb_err *err)
{
    const char *sep = c->log[0] ? "; log " : ""; /* a version probe keeps no log */
    if (c->timed_out)
        return nb_fail(err, "%s timed out: it was still running after its limit of %.0f s, so its "
                       "process group was killed%s%s. If it is merely slow, raise the limit with "
                       "NIBBLE_TOOL_TIMEOUT=SECONDS (0: no limit)", c->tool, c->limit, sep, c->log);
    if (c->interrupted)
        return nb_fail(err, "interrupted: %s and its process group were stopped%s%s", c->tool, sep,
                       c->log);
    *status = c->status;
    return true;
}

bool nb_tool_timeout(double *seconds, nb_err *err)
{
    const char *v = getenv("NIBBLE_TOOL_TIMEOUT");
    if (!v) {
        *seconds = NB_TOOL_TIMEOUT_DEFAULT;
        return true;
    }
    size_t n = strlen(v);
    if (n == 0 || n > 9 || strspn(v, "0123456789") != n)
        return nb_fail(err, "NIBBLE_TOOL_TIMEOUT='%.40s' is not a whole number of seconds: set it to "
                       "the wall-clock limit of one tool run, e.g. 7200 (0: no limit), or unset "
                       "it for the default of %d s", v, NB_TOOL_TIMEOUT_DEFAULT);
    *seconds = (double)strtol(v, NULL, 10);
    return true;
}

bool nb_run_tool(char *const argv[], const char *log_path, const char *cwd, int *status, nb_err *err)
{
    double limit;
    if (!nb_tool_timeout(&limit, err))
        return false;
    nb_child c;
    memset(&c, 0, sizeof c);
    nb_spawn how = {.log = log_path, .cwd = cwd, .limit = limit};
    if (!nb_child_start(&c, argv, &how, err))
        return false;
    if (nb_child_wait_any(&c, 1, err) < 0) {
        kill(-c.pid, SIGKILL);
        finish(&c);
        return false;
    }
    return nb_child_outcome(&c, status, err);
}
