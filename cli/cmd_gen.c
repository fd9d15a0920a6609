/* nibble gen: generate the RTL of a systolic array for a set of formats. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nibble/gen.h"

static const char *CMD = "gen";

static void help(void)
{
    printf("usage: nibble gen --weights LIST --acts LIST [options] -o DIR\n\n"
           "Generate Verilog for a weight-stationary systolic array whose PEs support the\n"
           "given weight and activation formats (runtime format-select inputs when a set\n"
           "has more than one). Writes the RTL, manifest.json and nibble_ports.h into DIR\n"
           "atomically; an existing DIR is replaced only if it is an earlier nibble output.\n\n"
           "  --weights LIST      weight formats, comma separated (e.g. sf4,e2m1-sr)\n"
           "  --acts LIST         activation formats (e.g. int4,int8)\n"
           "  --rows R            array rows = reduction length per tile (default 8)\n"
           "  --cols C            array columns = output channels per tile (default 8)\n"
           "  --acc-bits W        accumulator width (default %d)\n"
           "  --acc-mode M        wrap or sat (default wrap)\n"
           "  --pipeline N        register stages inside the PE, 0..%d (default 0)\n"
           "  --lut-frac-bits F   lookup ROM fractional bits (default %d)\n"
           "  --cascade C         OverQ cascade depth when --acts has overq (default 1;\n"
           "                      0 = plain 4-bit, 1 = adjacent zero, each step one more)\n"
           "  --overq-mode M      range (default) or range+precision\n"
           "  --overq-encoder     put the OverQ encoder at the array edge (act_values_i in)\n"
           "  --scale-stages N    block-scaled designs: cycles of the scale stage, %d..%d\n"
           "                      (default %d: meets osu018's 10 ns clock; 2 is the shortest,\n"
           "                      gen/README.md \"Pipeline depth\")\n"
           "  --scale-acc A       block-scaled designs: the accumulator, fp32 (default) or\n"
           "                      fixed[:BITS[:LSB[:wrap|sat]]] (E8M0 scales only; default\n"
           "                      fixed:%d:%d:wrap, gen/README.md \"Fixed-point accumulator\")\n"
           "  -o, --output DIR    output directory\n"
           "  -h, --help          this text\n\n"
           "formats: %s\n",
           NB_ACC_BITS_DEFAULT, NB_PIPELINE_MAX, NB_LUT_FRAC_BITS_DEFAULT, NB_SCALE_STAGES_MIN,
           NB_SCALE_STAGES_MAX, NB_SCALE_STAGES_DEFAULT, NB_SCALE_FIXED_BITS_DEFAULT,
           NB_SCALE_FIXED_LSB_DEFAULT, nb_format_valid_names());
}

/* The command line, for the provenance header of every generated file. The
 * output directory is left out so the files do not depend on where they go. */
static char *join_command(int argc, char **argv)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fputs("nibble", f);
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            i++;
            continue;
        }
        if (strncmp(argv[i], "--output=", 9) == 0 || (strncmp(argv[i], "-o", 2) == 0 && argv[i][2]))
            continue;
        /* quoted for sh so the recorded line can be run again as it is */
        const char *s = argv[i];
        bool plain = *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789._-/+,:=@%") == strlen(s);
        fputc(' ', f);
        if (plain) {
            fputs(s, f);
            continue;
        }
        fputc('\'', f);
        for (; *s; s++)
            fputs(*s == '\'' ? "'\\''" : (char[]){*s, '\0'}, f);
        fputc('\'', f);
    }
    fclose(f);
    return buf;
}

int cmd_gen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"weights", required_argument, NULL, 'w'},  {"acts", required_argument, NULL, 'a'},
        {"rows", required_argument, NULL, 'r'},     {"cols", required_argument, NULL, 'c'},
        {"acc-bits", required_argument, NULL, 'b'}, {"acc-mode", required_argument, NULL, 'm'},
        {"pipeline", required_argument, NULL, 'p'}, {"lut-frac-bits", required_argument, NULL, 'l'},
        {"output", required_argument, NULL, 'o'},   {"help", no_argument, NULL, 'h'},
        {"cascade", required_argument, NULL, 'C'},  {"overq-mode", required_argument, NULL, 'M'},
        {"overq-encoder", no_argument, NULL, 'E'}, {"scale-stages", required_argument, NULL, 'S'},
        {"scale-acc", required_argument, NULL, 'A'},
        {NULL, 0, NULL, 0},
    };
    nb_design_params p = nb_design_params_default();
    p.weights = NULL;
    p.acts = NULL;
    const char *out = NULL;
    nb_err err;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'w':
            p.weights = optarg;
            break;
        case 'a':
            p.acts = optarg;
            break;
        case 'r':
        case 'c':
        case 'b':
        case 'p':
        case 'l': {
            const char *name = c == 'r' ? "--rows" : c == 'c' ? "--cols" : c == 'b' ? "--acc-bits"
                             : c == 'p' ? "--pipeline" : "--lut-frac-bits";
            if (!cli_parse_long(name, optarg, -1000000, 1000000, &v, &err))
                return cli_fail_err(CMD, &err);
            int *field = c == 'r' ? &p.rows : c == 'c' ? &p.cols : c == 'b' ? &p.acc_bits
                       : c == 'p' ? &p.pipeline : &p.lut_frac_bits;
            *field = (int)v;
            break;
        }
        case 'm':
            if (!nb_acc_mode_parse(optarg, &p.acc_mode, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 'C':
            if (!cli_parse_long("--cascade", optarg, 0, NB_OVERQ_CASCADE_MAX, &v, &err))
                return cli_fail_err(CMD, &err);
            p.cascade = (int)v;
            break;
        case 'M':
            if (!nb_overq_mode_parse(optarg, &p.overq_mode, &err))
                return cli_fail_err(CMD, &err);
            p.overq_mode_given = true;
            break;
        case 'E':
            p.overq_encoder = true;
            break;
        case 'S':
            if (!cli_parse_long("--scale-stages", optarg, NB_SCALE_STAGES_MIN, NB_SCALE_STAGES_MAX,
                                &v, &err))
                return cli_fail_err(CMD, &err);
            p.scale_stages = (int)v;
            break;
        case 'A':
            p.scale_acc = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'h':
            help();
            return 0;
        default:
            return cli_bad_option(CMD, argv);
        }
    }
    if (optind < argc)
        return cli_fail(CMD, "unexpected argument '%s'", argv[optind]);
    if (!p.weights || !p.acts)
        return cli_fail(CMD, "give both --weights and --acts (e.g. --weights sf4 --acts int4)");
    if (!out)
        return cli_fail(CMD, "give an output directory with -o DIR");
    if (p.lut_frac_bits < 1 || p.lut_frac_bits > 16)
        return cli_fail(CMD, "--lut-frac-bits %d is out of range (1..16)", p.lut_frac_bits);
    char *command = join_command(argc, argv);
    if (!command)
        return cli_fail(CMD, "out of memory for the command line");
    p.command = command;
    nb_design *d = nb_design_create(&p, &err);
    free(command);
    if (!d)
        return cli_fail_err(CMD, &err);
    if (!nb_gen_write(d, out, &err)) {
        nb_design_free(d);
        return cli_fail_err(CMD, &err);
    }
    printf("wrote %s: %dx%d array, weights {%s}, activations {%s}, %d-bit %s accumulator, "
           "latency %d cycles\n",
           out, d->rows, d->cols, d->weights_spec, d->acts_spec, d->acc_bits,
           nb_acc_mode_name(d->acc_mode), d->latency);
    nb_design_free(d);
    return 0;
}
