/* Shared pieces of the nibble command line. Exit codes: 0 success, 1 a check
 * failed (e.g. a co-simulation mismatch), 2 bad input or usage. */
#ifndef NIBBLE_CLI_H
#define NIBBLE_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

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
int cmd_export(int argc, char **argv);

/* Print "nibble CMD: error: MSG" to stderr and return EXIT_BAD_INPUT. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_fail_err(const char *cmd, const nb_err *err);

/* Strict number parsing for option values; names the option on failure. */
bool cli_parse_long(const char *opt, const char *text, long min, long max, long *out, nb_err *err);
bool cli_parse_double(const char *opt, const char *text, double *out, nb_err *err);
/* A clock period in ns for --clock: positive and below a second. */
bool cli_parse_clock(const char *text, double *out, nb_err *err);
/* --liberty given again adds a file to the library: list becomes "A,B". */
bool cli_liberty_list(char *list, size_t len, const char *file, nb_err *err);
/* An array size RxC in decimal, each in 1..max. */
bool cli_parse_size(const char *opt, const char *text, long max, int *rows, int *cols, nb_err *err);
bool cli_parse_u64(const char *opt, const char *text, uint64_t *out, nb_err *err);

/* getopt_long glue: reset state before a subcommand parses its options. */
void cli_getopt_reset(void);
/* Message for an unknown option or a missing argument (from getopt's optopt). */
int cli_bad_option(const char *cmd, char **argv);


/* SIGINT and SIGTERM set the returned flag instead of killing the process
 * (a second signal does kill it): long commands stop cleanly and remove what
 * they had half written. */
const volatile sig_atomic_t *cli_catch_interrupts(void);

/* --json output (cli_json.c). obj[key] = v; a non-finite v becomes null and,
 * if note_key is given, obj[note_key] = note says why. False when out of memory. */
bool cli_json_set_real(json_t *obj, const char *key, double v, const char *note_key,
                       const char *note);
/* Why an SQNR is not finite: +inf exact, -inf no signal, NaN neither. */
const char *cli_sqnr_note(double sqnr_db);
/* Print doc and a newline; doc NULL (a failed json_pack: out of memory or a
 * string that is not UTF-8) is reported as such. */
bool cli_json_print(json_t *doc, size_t flags, nb_err *err);
/* Write doc (indented, 10 significant digits) and a newline to the output file
 * path, atomically through nb_output_file_write; takes doc's reference (NULL
 * is reported as for cli_json_print). */
bool cli_json_write_file(const char *path, json_t *doc, nb_err *err);

#endif
