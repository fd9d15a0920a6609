/* Shared pieces of the nibble command line. Exit codes: 0 success, 1 a check
 * failed (e.g. a co-simulation mismatch), 2 bad input or usage. */
#ifndef NIBBLE_CLI_H
#define NIBBLE_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nibble/error.h"

#define EXIT_CHECK_FAILED 1
#define EXIT_BAD_INPUT 2

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

int cmd_formats(int argc, char **argv);
int cmd_quantize(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_regress(int argc, char **argv);
int cmd_overq(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_formal(int argc, char **argv);
int cmd_costmodel(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_eval(int argc, char **argv);

/* Print "nibble CMD: error: MSG" to stderr and return EXIT_BAD_INPUT. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_fail_err(const char *cmd, const nb_err *err);

/* Strict number parsing for option values; names the option on failure. */
bool cli_parse_long(const char *opt, const char *text, long min, long max, long *out, nb_err *err);
bool cli_parse_double(const char *opt, const char *text, double *out, nb_err *err);
/* A clock period in ns for --clock: positive and below a second. */
bool cli_parse_clock(const char *text, double *out, nb_err *err);
bool cli_parse_u64(const char *opt, const char *text, uint64_t *out, nb_err *err);

/* getopt_long glue: reset state before a subcommand parses its options. */
void cli_getopt_reset(void);
/* Message for an unknown option or a missing argument (from getopt's optopt). */
int cli_bad_option(const char *cmd, char **argv);

/* Write `len` bytes to `path` atomically (temporary file + rename). */
bool cli_write_file_atomic(const char *path, const char *data, size_t len, nb_err *err);

/* Read whitespace-separated numbers from a text file (malloc'd array). */
/* SIGINT and SIGTERM set the returned flag instead of killing the process
 * (a second signal does kill it): long commands stop cleanly and remove what
 * they had half written. */
const volatile sig_atomic_t *cli_catch_interrupts(void);

bool cli_read_text_floats(const char *path, float **out, size_t *n, nb_err *err);

#endif
