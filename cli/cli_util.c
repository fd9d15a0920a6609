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
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno == ERANGE)
        return nb_fail(err, "%s: '%s' is not an integer", opt, text);
    if (v < min || v > max)
        return nb_fail(err, "%s: %ld is out of range (%ld..%ld)", opt, v, min, max);
    *out = v;
    return true;
}

bool cli_parse_double(const char *opt, const char *text, double *out, nb_err *err)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno == ERANGE || !isfinite(v))
        return nb_fail(err, "%s: '%s' is not a finite number", opt, text);
    *out = v;
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
    char *end;
    errno = 0;
    if (text[0] == '-')
        return nb_fail(err, "%s: '%s' must not be negative", opt, text);
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end || errno == ERANGE)
        return nb_fail(err, "%s: '%s' is not a non-negative integer", opt, text);
    *out = (uint64_t)v;
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

bool cli_write_file_atomic(const char *path, const char *data, size_t len, nb_err *err)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp)
        return nb_fail(err, "out of memory");
    snprintf(tmp, plen + 16, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        nb_fail(err, "cannot write %s: %s", path, strerror(errno));
        free(tmp);
        return false;
    }
    bool ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        nb_fail(err, "cannot write %s: %s", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return false;
    }
    free(tmp);
    return true;
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
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

bool cli_read_text_floats(const char *path, float **out, size_t *n, nb_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return nb_fail(err, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return nb_fail(err, "%s is a directory; give a text file of numbers", path);
    }
    size_t cap = 1024, len = 0;
    float *v = malloc(cap * sizeof *v);
    char tok[128];
    bool ok = v != NULL;
    while (ok && fscanf(f, "%127s", tok) == 1) {
        char *end;
        errno = 0;
        double x = strtod(tok, &end);
        if (end == tok || *end || errno == ERANGE) {
            ok = nb_fail(err, "%s: value %zu ('%s') is not a number", path, len + 1, tok);
            break;
        }
        if (isfinite(x) && !isfinite((float)x)) {
            ok = nb_fail(err, "%s: value %zu (%s) is beyond the float32 range (+-3.4e38)", path,
                         len + 1, tok);
            break;
        }
        if (len == cap) {
            cap *= 2;
            float *grown = realloc(v, cap * sizeof *v);
            if (!grown) {
                ok = nb_fail(err, "%s: out of memory", path);
                break;
            }
            v = grown;
        }
        v[len++] = (float)x;
    }
    fclose(f);
    if (ok && len == 0)
        ok = nb_fail(err, "%s: no numbers found; give whitespace-separated values", path);
    if (!ok) {
        free(v);
        return false;
    }
    *out = v;
    *n = len;
    return true;
}
