/* nibble regress: the co-simulation regression (RTL vs C model vs golden). */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "design_arg.h"
#include "nibble/regress.h"

static const char *CMD = "regress";

static void help(void)
{
    printf("usage: nibble regress [--quick|--full] [--formats LIST] [--only NAME] [options]\n\n"
           "Generates the regression arrays, builds their Verilator and SystemC models (cached)\n"
           "and runs every (weight, activation) format pair through them: exhaustive PE checks\n"
           "with accumulator corners, quantized GEMMs of ragged shapes, and random cycle-level\n"
           "stimulus with runtime format switching. Each backend runs in lock step with the C\n"
           "cycle model (every output of every cycle) and each result is checked against the\n"
           "golden library. A failure prints the first failing cycle and PE, and writes a\n"
           "waveform. Exit status: 0 passed, 1 a check failed, 2 could not run.\n\n"
           "  --quick             the default matrix (arrays up to 8x8)\n"
           "  --full              also 16x16 arrays, more shapes, longer random runs\n"
           "  --formats LIST      only pairs whose formats are in LIST\n"
           "  --only NAME         only the configuration NAME (see --list)\n"
           "  --config DIR        regress an existing generated design instead\n"
           "  --no-systemc        skip the SystemC backends\n"
           "  --build-only        generate and build every model, run nothing\n"
           "  --waves DIR         where failing runs write waveforms (a new or empty\n"
           "                      directory, or one an earlier --waves marked)\n"
           "  --seed S            stimulus seed (default 1)\n"
           "  --list              list the configurations\n"
           CLI_ALLOW_EDITED_RTL_HELP
           "  -h, --help          this text\n");
}

int cmd_regress(int argc, char **argv)
{
    static const struct option opts[] = {
        {"quick", no_argument, NULL, 'q'},          {"full", no_argument, NULL, 'f'},
        {"formats", required_argument, NULL, 'F'},  {"only", required_argument, NULL, 'o'},
        {"config", required_argument, NULL, 'c'},   {"no-systemc", no_argument, NULL, 'n'},
        {"build-only", no_argument, NULL, 'b'},     {"waves", required_argument, NULL, 'w'},
        {"seed", required_argument, NULL, 's'},     {"list", no_argument, NULL, 'l'},
        {"allow-edited-rtl", no_argument, NULL, 'E'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    nb_regress_opts o = {.systemc = true, .seed = 1, .log = stdout};
    nb_err err;
    int c;
    bool list = false, quick = false;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'q': quick = true; break;
        case 'f': o.full = true; break;
        case 'F': o.formats = optarg; break;
        case 'o': o.only = optarg; break;
        case 'c': o.config_dir = optarg; break;
        case 'n': o.systemc = false; break;
        case 'b': o.build_only = true; break;
        case 'w': o.waves_dir = optarg; break;
        case 'l': list = true; break;
        case 'E': o.allow_edited_rtl = true; break;
        case 's':
            if (!cli_parse_u64("--seed", optarg, &o.seed, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 'h': help(); return 0;
        default: return cli_bad_option(CMD, argv);
        }
    }
    if (optind < argc)
        return cli_fail(CMD, "unexpected argument '%s'", argv[optind]);
    if (quick && o.full)
        return cli_fail(CMD, "--quick and --full contradict each other; give one of them");
    if (list) {
        printf("regression configurations:\n");
        nb_regress_list(stdout, true);
        return 0;
    }
    int rc = nb_regress(&o, &err);
    if (rc == 2)
        return cli_fail_err(CMD, &err);
    return rc;
}
