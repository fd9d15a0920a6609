/* Small helpers shared by the subcommands. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "nibble/process.h"
#include "nibble/parse.h"

int cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "nibble %s: error: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_BAD_INPUT;
}

int cli_fail_err(const char *cmd, const nb_err *err)
{
    /* a failure must say what failed; an empty message is a bug, not silence */
    if (!err->msg[0])
        return cli_fail(cmd, "an operation failed without a message (a bug in nibble: please "
                        "report the command line)");
    return cli_fail(cmd, "%s", err->msg);
}

bool cli_parse_long(const char *opt, const char *text, long min, long max, long *out, nb_err *err)
{
    long long v = 0;
    nb_num_status st = nb_parse_int(text, min, max, &v);
    if (st == NB_NUM_SYNTAX)
        return nb_fail(err, "%s: '%s' is not an integer; write it in decimal digits", opt, text);
    if (st == NB_NUM_RANGE)
        return nb_fail(err, "%s: %s is out of range (%ld..%ld)", opt, text, min, max);
    *out = (long)v;
    return true;
}

bool cli_parse_double(const char *opt, const char *text, double *out, nb_err *err)
{
    if (nb_parse_decimal(text, out) != NB_NUM_OK)
        return nb_fail(err, "%s: '%s' is not a finite number; write a decimal like 0.5 or 1e-3",
                       opt, text);
    return true;
}

bool cli_parse_size(const char *opt, const char *text, long max, int *rows, int *cols, nb_err *err)
{
    const char *x = strchr(text, 'x');
    size_t len = strlen(text);
    char *copy = malloc(len + 1);
    if (!copy)
        return nb_fail(err, "%s: out of memory", opt);
    memcpy(copy, text, len + 1);
    long long r = 0, c = 0;
    bool ok = x != NULL;
    if (ok) {
        copy[x - text] = '\0';
        ok = copy[0] != '+' && x[1] != '+' && nb_parse_int(copy, 1, max, &r) == NB_NUM_OK &&
             nb_parse_int(x + 1, 1, max, &c) == NB_NUM_OK;
    }
    free(copy);
    if (!ok)
        return nb_fail(err, "%s: '%s' is not a size RxC with 1 <= R, C <= %ld", opt, text, max);
    *rows = (int)r;
    *cols = (int)c;
    return true;
}

bool cli_parse_clock(const char *text, double *out, nb_err *err)
{
    if (!cli_parse_double("--clock", text, out, err))
        return false;
    return (*out > 0 && *out < 1e6) ||
           nb_fail(err, "--clock %s: give a positive period in ns", text);
}

bool cli_parse_u64(const char *opt, const char *text, uint64_t *out, nb_err *err)
{
    nb_num_status st = nb_parse_uint(text, UINT64_MAX, out);
    if (st == NB_NUM_RANGE)
        return nb_fail(err, "%s: %s is out of range (0..%llu)", opt, text,
                       (unsigned long long)UINT64_MAX);
    if (st != NB_NUM_OK)
        return nb_fail(err, "%s: '%s' is not a non-negative integer; write it in decimal digits",
                       opt, text);
    return true;
}

void cli_getopt_reset(void)
{
    optind = 0; /* glibc: 0 also reinitializes its internal state */
    opterr = 0;
}

int cli_bad_option(const char *cmd, char **argv)
{
    return cli_fail(cmd, "option '%s' is unknown or needs a value; see 'nibble %s --help'",
                    argv[optind - 1], cmd);
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
    nb_process_interrupt(); /* running tools' process groups end now */
}

const volatile sig_atomic_t *cli_catch_interrupts(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sa.sa_flags = (int)SA_RESETHAND; /* the second Ctrl-C kills at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &interrupted;
}

bool cli_liberty_list(char *list, size_t len, const char *file, nb_err *err)
{
    size_t used = strlen(list);
    int n = snprintf(list + used, len - used, "%s%s", used ? "," : "", file);
    if (n < 0 || (size_t)n >= len - used)
        return nb_fail(err, "--liberty: the files given add up to more than %zu bytes", len - 1);
    return true;
}
