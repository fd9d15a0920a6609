/* nibble: the command line. Each subcommand lives in its own cmd_*.c file. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nibble/num.h"
#include "nibble/version.h"

static const cli_command COMMANDS[] = {
    {"report", cmd_report, "the area-versus-accuracy report (HTML, Markdown, CSV, JSON, plots)"},
    {"formats", cmd_formats, "list every number format: codebook, encoding, hardware grid"},
    {"quantize", cmd_quantize, "quantize a tensor and print MSE / SQNR per format"},
    {"gen", cmd_gen, "generate Verilog for a systolic array over a set of formats"},
    {"regress", cmd_regress, "co-simulation regression: RTL vs C model vs golden, every format pair"},
    {"overq", cmd_overq, "OverQ outlier coverage and SQNR gain vs cascade depth and zero fraction"},
    {"synth", cmd_synth, "synthesize a design: area, timing (OpenSTA), power from gate-level toggles"},
    {"sweep", cmd_sweep, "synthesize many designs in parallel into one area/timing/power table"},
    {"costmodel", cmd_costmodel, "fit the analytic array area model on a sweep, with held-out error"},
    {"formal", cmd_formal, "prove each generated PE adds exactly the golden product (Yosys SAT)"},
    {"eval", cmd_eval, "perplexity of a real model (llama2.c) in float and on designs' arithmetic"},
    {"export", cmd_export, "Accelergy/Timeloop energy and area tables, SCALE-Sim configuration"},
    {"sim", cmd_sim, "run a quantized GEMM on a generated array (C model, Verilator, SystemC)"},
};

#define NUM_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: nibble [--version] [--help] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < NUM_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(out, "\n'nibble COMMAND --help' describes a command's options.\n");
}

/* Every command's results go to stdout: a write that failed (a full disk, a
 * closed pipe, /dev/full) means the user did not get them, so the run is an
 * error whatever the command itself concluded. stdio reports a failed write
 * only through the stream's error flag or the final flush, so it is checked
 * once here, after the command, by closing stdout. */
static int finish(const char *cmd, int status)
{
    errno = 0;
    bool failed = ferror(stdout) != 0;
    failed = fclose(stdout) != 0 || failed;
    if (!failed)
        return status;
    int e = errno;
    fprintf(stderr, "nibble%s%s: error: cannot write to standard output%s%s; the output is "
            "incomplete (is the disk full, or the reader of a pipe gone?)\n", cmd ? " " : "",
            cmd ? cmd : "", e ? ": " : "", e ? strerror(e) : "");
    return EXIT_BAD_INPUT;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_BAD_INPUT;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return finish(NULL, 0);
    }
    if (strcmp(argv[1], "--version") == 0) {
        /* the commit only when built from a git checkout */
        const char *commit = nb_build_commit();
        printf("nibble %s%s%s%s\n", nb_version(), commit[0] ? " (git " : "", commit,
               commit[0] ? ")" : "");
        return finish(NULL, 0);
    }
    for (size_t i = 0; i < NUM_COMMANDS; i++)
        if (strcmp(argv[1], COMMANDS[i].name) == 0) {
            cli_getopt_reset();
            return finish(COMMANDS[i].name, COMMANDS[i].run(argc - 1, argv + 1));
        }
    fprintf(stderr, "nibble: error: unknown command '%s'; commands:", argv[1]);
    for (size_t i = 0; i < NUM_COMMANDS; i++)
        fprintf(stderr, " %s", COMMANDS[i].name);
    fprintf(stderr, " (see 'nibble --help')\n");
    return EXIT_BAD_INPUT;
}
