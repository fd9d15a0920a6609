/* The tool runner (sys/): exit statuses, logs, missing tools, time limits,
 * process groups, interrupts and fork()ed children. Each test runs in its
 * own process (Criterion), so the runner's "stopping" state does not leak. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nibble/files.h"
#include "nibble/process.h"

static char dir[256];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "%s/process-XXXXXX", getenv("NIBBLE_TEST_TMP") ? getenv("NIBBLE_TEST_TMP") : "/tmp");
    cr_assert(mkdtemp(dir), "mkdtemp %s: %s", dir, strerror(errno));
    unsetenv("NIBBLE_TOOL_TIMEOUT");
}

static void remove_dir(void)
{
    nb_remove_tree(dir);
}

TestSuite(process, .init = make_dir, .fini = remove_dir, .timeout = 60);

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The pid a test shell wrote to `name` in dir. */
static pid_t read_pid(const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    cr_assert(f, "no pid file %s", path);
    long pid = 0;
    cr_assert(fscanf(f, "%ld", &pid) == 1);
    fclose(f);
    return (pid_t)pid;
}

/* True once pid is gone (or a zombie waiting for init to reap it). */
static bool gone(pid_t pid)
{
    for (int i = 0; i < 100; i++) {
        char path[64], state = '?';
        snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
        FILE *f = fopen(path, "r");
        if (!f)
            return true;
        int n = fscanf(f, "%*d (%*[^)]) %c", &state);
        fclose(f);
        if (n == 1 && (state == 'Z' || state == 'X'))
            return true;
        usleep(20000);
    }
    return false;
}

Test(process, exit_status_and_log)
{
    char log[400];
    snprintf(log, sizeof log, "%s/run.log", dir);
    char *argv[] = {"sh", "-c", "echo hello; echo oops >&2; exit 3", NULL};
    int status = -1;
    nb_err err;
    cr_assert(nb_run_tool(argv, log, NULL, &status, &err), "%s", err.msg);
    cr_assert_eq(status, 3);
    cr_assert(nb_run_tool(argv, log, NULL, &status, &err), "%s", err.msg);
    char *text = nb_read_file(log, NULL, &err);
    cr_assert(text, "%s", err.msg);
    cr_assert_str_eq(text, "hello\noops\nhello\noops\n"); /* appended, stderr too */
    free(text);
}

Test(process, killed_by_a_signal)
{
    char *argv[] = {"sh", "-c", "kill -KILL $$", NULL};
    int status = -1;
    nb_err err;
    cr_assert(nb_run_tool(argv, NULL, NULL, &status, &err), "%s", err.msg);
    cr_assert_eq(status, 128 + SIGKILL);
}

Test(process, working_directory)
{
    char log[400];
    snprintf(log, sizeof log, "%s/pwd.log", dir);
    char *argv[] = {"pwd", NULL};
    int status = -1;
    nb_err err;
    cr_assert(nb_run_tool(argv, log, dir, &status, &err), "%s", err.msg);
    char *text = nb_read_file(log, NULL, &err);
    cr_assert(text && strstr(text, strrchr(dir, '/')), "pwd printed %s", text);
    free(text);
    cr_assert_not(nb_run_tool(argv, log, "/nonexistent-dir", &status, &err));
    cr_assert(strstr(err.msg, "cannot start pwd in /nonexistent-dir"), "%s", err.msg);
}

Test(process, missing_tool)
{
    char *argv[] = {"nibble-no-such-tool", NULL};
    int status = -1;
    nb_err err;
    cr_assert_not(nb_run_tool(argv, NULL, NULL, &status, &err));
    cr_assert(strstr(err.msg, "nibble-no-such-tool is not installed (not found in PATH)"), "%s", err.msg);
    cr_assert_not(nb_tool_version("nibble-no-such-tool", "--version", (char[64]){0}, 64, &err));
    cr_assert(strstr(err.msg, "nibble-no-such-tool is not installed"), "%s", err.msg);
    cr_assert(nb_tool_on_path("sh"));
    cr_assert_not(nb_tool_on_path("nibble-no-such-tool"));
}

Test(process, version_probe)
{
    char v[256];
    nb_err err;
    cr_assert(nb_tool_version("cat", "--version", v, sizeof v, &err), "%s", err.msg);
    cr_assert(strstr(v, "cat"), "first line: %s", v);
}

Test(process, timeout_kills_the_group)
{
    setenv("NIBBLE_TOOL_TIMEOUT", "1", 1);
    char log[400], script[600];
    snprintf(log, sizeof log, "%s/slow.log", dir);
    /* the grandchild ignores SIGTERM: only the SIGKILL after the grace ends it */
    snprintf(script, sizeof script,
             "sh -c 'trap \"\" TERM; sleep 60' & echo $! > %s/grandchild; wait", dir);
    char *argv[] = {"sh", "-c", script, NULL};
    int status = -1;
    nb_err err;
    double t0 = seconds();
    cr_assert_not(nb_run_tool(argv, log, NULL, &status, &err));
    double took = seconds() - t0;
    cr_assert(strstr(err.msg, "sh timed out: it was still running after its limit of 1 s, so its "
                              "process group was killed; log ") && strstr(err.msg, log),
              "%s", err.msg);
    cr_assert(took >= 1 && took < 1 + NB_KILL_GRACE + 3, "took %.1f s", took);
    cr_assert(gone(read_pid("grandchild")), "the grandchild survived the timeout");
}

Test(process, leftovers_end_with_the_tool)
{
    char script[600];
    snprintf(script, sizeof script, "sleep 60 & echo $! > %s/leftover; exit 0", dir);
    char *argv[] = {"sh", "-c", script, NULL};
    int status = -1;
    nb_err err;
    cr_assert(nb_run_tool(argv, NULL, NULL, &status, &err), "%s", err.msg);
    cr_assert_eq(status, 0);
    cr_assert(gone(read_pid("leftover")), "a background process outlived its tool");
}

Test(process, interrupt_stops_children_and_new_starts)
{
    nb_child c[2];
    memset(c, 0, sizeof c);
    char *slow[] = {"sleep", "60", NULL};
    nb_spawn how = {0};
    nb_err err;
    cr_assert(nb_child_start(&c[0], slow, &how, &err), "%s", err.msg);
    cr_assert(nb_child_start(&c[1], slow, &how, &err), "%s", err.msg);
    double t0 = seconds();
    nb_process_interrupt();
    cr_assert(nb_process_interrupted());
    int status;
    for (int k = 0; k < 2; k++) {
        int i = nb_child_wait_any(c, 2, &err);
        cr_assert(i == 0 || i == 1, "%s", err.msg);
        cr_assert_not(nb_child_outcome(&c[i], &status, &err));
        cr_assert(strstr(err.msg, "interrupted: sleep and its process group were stopped"), "%s", err.msg);
    }
    cr_assert(seconds() - t0 < 3, "stopping took %.1f s", seconds() - t0);
    cr_assert_eq(nb_child_wait_any(c, 2, &err), -1);
    char *argv[] = {"true", NULL};
    cr_assert_not(nb_run_tool(argv, NULL, NULL, &status, &err));
    cr_assert(strstr(err.msg, "not starting true: nibble is stopping"), "%s", err.msg);
}

Test(process, forked_child)
{
    nb_child c;
    memset(&c, 0, sizeof c);
    nb_err err;
    pid_t pid = nb_child_fork(&c, "a forked child", 0, &err);
    cr_assert(pid >= 0, "%s", err.msg);
    if (pid == 0)
        _exit(getpgrp() == getpid() ? 5 : 6); /* leads its own group */
    int status = -1;
    cr_assert_eq(nb_child_wait_any(&c, 1, &err), 0, "%s", err.msg);
    cr_assert(nb_child_outcome(&c, &status, &err), "%s", err.msg);
    cr_assert_eq(status, 5);
}

/* No handler of nibble's own: a SIGTERM while a tool runs ends the tool's
 * group, then nibble, by the signal's default action. */
Test(process, default_signal_action_after_the_tools)
{
    char script[600], ready[400];
    snprintf(script, sizeof script, "sleep 60 & echo $! > %s/sleeper; wait", dir);
    snprintf(ready, sizeof ready, "%s/sleeper", dir);
    pid_t nibble = fork(); /* stands for nibble: runs a tool, installs no handler */
    cr_assert(nibble >= 0);
    if (nibble == 0) {
        char *argv[] = {"sh", "-c", script, NULL};
        int status;
        nb_err err;
        nb_run_tool(argv, NULL, NULL, &status, &err);
        _exit(0);
    }
    for (int i = 0; i < 500 && access(ready, F_OK) != 0; i++)
        usleep(10000);
    usleep(50000); /* the pid is written */
    pid_t sleeper = read_pid("sleeper");
    kill(nibble, SIGTERM);
    int st;
    cr_assert_eq(waitpid(nibble, &st, 0), nibble);
    cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "nibble did not end by SIGTERM (%#x)", st);
    cr_assert(gone(sleeper), "the tool's group outlived nibble");
}

Test(process, timeout_setting)
{
    double s;
    nb_err err;
    cr_assert(nb_tool_timeout(&s, &err));
    cr_assert_eq(s, NB_TOOL_TIMEOUT_DEFAULT);
    setenv("NIBBLE_TOOL_TIMEOUT", "0", 1);
    cr_assert(nb_tool_timeout(&s, &err));
    cr_assert_eq(s, 0);
    const char *bad[] = {"abc", " 5", "-1", "1.5", "", "5s", "9999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("NIBBLE_TOOL_TIMEOUT", bad[i], 1);
        cr_assert_not(nb_tool_timeout(&s, &err), "'%s' accepted", bad[i]);
        cr_assert(strstr(err.msg, "is not a whole number of seconds"), "%s", err.msg);
    }
}
