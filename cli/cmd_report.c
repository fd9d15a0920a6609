/* nibble report: the area-versus-accuracy report (the main job). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "nibble/report.h"

static const char *CMD = "report";

#define MAX_TENSOR_FILES 64

static void help(const nb_report_opts *d)
{
    printf("usage: nibble report [options] [-o DIR]\n\n"
           "Measures each weight format's accuracy on t-distributed and your own tensors\n"
           "(per channel and per group of 128/64/32), runs each design's GEMM through the\n"
           "bit-exact C cycle model for GEMM-level SQNR, synthesizes every array and PE\n"
           "(cached), finds the area/power/energy-vs-accuracy Pareto frontiers and writes\n"
           "DIR/report.html (self-contained), report.md, accuracy.csv, designs.csv,\n"
           "report.json and plots/*.svg|png. With no options it runs the embedded default.\n\n"
           "  -o, --out DIR       output directory (default %s; replaced, atomically, only\n"
           "                      if empty or an earlier report nibble marked)\n"
           "  --library LIST      libraries from constraints/libraries.json (default: its\n"
           "                      default); the first drives the report; two or more add a\n"
           "                      side-by-side table and plot of the PEs on each and the\n"
           "                      paper's ordering (INT4 < E2M1 < E2M1-SR area) per library\n"
           "  --formats LIST      weight formats (default %s)\n"
           "  --acts LIST         activation formats of the designs (default %s)\n"
           "  --overq LIST        OverQ cascade depths added as int4 x overq designs\n"
           "                      (default %s; '' for none)\n"
           "  --blocks LIST       block-scaled designs, each W (weights and activations W)\n"
           "                      or W@A, block formats with the same block size, a\n"
           "                      multiple of --rows ('' for none; default\n"
           "                      %s):\n"
           "                      the array with its scale stage, beside its software twin\n"
           "                      (the element formats, e.g. e2m1 x e2m1, with FP32 scales\n"
           "                      in software in groups of the block size); adds the\n"
           "                      section Block scales in hardware and scale_rules.csv\n"
           "                      (every scale rule: floor, rceil, even; nearest); with\n"
           "                      power the block and twin arrays are simulated and a\n"
           "                      block design's energy is its twin PE's plus the stage's\n"
           "                      share (PE+stage, see flows/README.md)\n"
           "  --tensors FILE      a .safetensors or .npy file of weights (repeatable); each\n"
           "                      tensor is fitted with Student's t and gets SF4 at its nu\n"
           "  --select LIST       tensor names or globs to use from those files\n"
           "  --rows R, --cols C  array size (default %dx%d)\n"
           "  --weight-dist D     synthetic weights (default %s)\n"
           "  --act-dist D        synthetic activations (default %s)\n"
           "  --clip Q            quantizer clipping quantile in (0, 1] (default 1: absmax)\n"
           "  -j, --jobs N        parallel synthesis jobs (default %d)\n"
           "  --no-power          skip gate-level power (area and timing only)\n"
           "  --array-power       also simulate each whole array for power (minutes per\n"
           "                      8x8 array); by default power is measured on each PE\n"
           "  --seed S            PRNG seed (default 1)\n"
           "  --model M           add a Model accuracy section: the llama model M (llama2.c\n"
           "                      checkpoint or Hugging Face directory) run with every\n"
           "                      linear layer on each design's arithmetic (see nibble eval):\n"
           "                      perplexity, its change from float32, mean KL, top-1\n"
           "                      agreement, frontiers of area and energy per MAC against\n"
           "                      perplexity, model.csv (designs with unsigned or OverQ\n"
           "                      activations are listed as not run: a llama's layer\n"
           "                      inputs are signed)\n"
           "  --tokenizer T       llama2.c tokenizer.bin (needed with --text)\n"
           "  --text F            text for the model, one sequence per non-empty line\n"
           "  --tokens F.npy      token ids instead of --text (int32/int64)\n"
           "  --lines N           only the first N non-empty lines (rows)\n"
           "  --model-group LIST  weight scalings of the model rows: 'channel' and/or group\n"
           "                      sizes (default 128, the GEMM frontiers' scaling)\n"
           "  -q, --quiet         no progress lines\n"
           "  -h, --help          this text\n",
           d->out_dir, d->formats, d->acts, d->overq, d->blocks, d->rows, d->cols, d->weight_dist, d->act_dist,
           d->jobs);
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},         {"formats", required_argument, NULL, 'F'},
        {"acts", required_argument, NULL, 'A'},        {"overq", required_argument, NULL, 'Q'},
        {"blocks", required_argument, NULL, 'B'},
        {"tensors", required_argument, NULL, 't'},     {"select", required_argument, NULL, 's'},
        {"rows", required_argument, NULL, 'R'},        {"cols", required_argument, NULL, 'C'},
        {"weight-dist", required_argument, NULL, 'w'}, {"act-dist", required_argument, NULL, 'a'},
        {"clip", required_argument, NULL, 'c'},        {"jobs", required_argument, NULL, 'j'},
        {"no-power", no_argument, NULL, 'n'},          {"seed", required_argument, NULL, 'S'},
        {"array-power", no_argument, NULL, 'P'},      {"library", required_argument, NULL, 'b'},
        {"model", required_argument, NULL, 'm'},       {"tokenizer", required_argument, NULL, 'T'},
        {"text", required_argument, NULL, 'x'},        {"tokens", required_argument, NULL, 'k'},
        {"lines", required_argument, NULL, 'L'},       {"model-group", required_argument, NULL, 'G'},
        {"quiet", no_argument, NULL, 'q'},             {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    nb_report_opts o = nb_report_opts_default();
    o.progress = stdout;
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = nproc > 0 ? (int)nproc : 1;
    const char *tensors[MAX_TENSOR_FILES];
    int ntensors = 0;
    nb_err err;
    long v;
    uint64_t seed;
    int c;
    while ((c = getopt_long(argc, argv, "o:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': o.out_dir = optarg; break;
        case 'F': o.formats = optarg; break;
        case 'b': o.library = optarg; break;
        case 'A': o.acts = optarg; break;
        case 'Q': o.overq = optarg; break;
        case 'B': o.blocks = optarg; break;
        case 't':
            if (ntensors == MAX_TENSOR_FILES)
                return cli_fail(CMD, "at most %d --tensors files", MAX_TENSOR_FILES);
            if (access(optarg, R_OK) != 0)
                return cli_fail(CMD, "--tensors %s: cannot read the file", optarg);
            tensors[ntensors++] = optarg;
            break;
        case 's': o.select = optarg; break;
        case 'R':
        case 'C':
            if (!cli_parse_long(c == 'R' ? "--rows" : "--cols", optarg, 1, 128, &v, &err))
                return cli_fail_err(CMD, &err);
            *(c == 'R' ? &o.rows : &o.cols) = (int)v;
            break;
        case 'w': o.weight_dist = optarg; break;
        case 'a': o.act_dist = optarg; break;
        case 'c':
            if (!cli_parse_double("--clip", optarg, &o.clip, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 'j':
            if (!cli_parse_long("--jobs", optarg, 1, 256, &v, &err))
                return cli_fail_err(CMD, &err);
            o.jobs = (int)v;
            break;
        case 'n': o.power = false; break;
        case 'P': o.array_power = true; break;
        case 'S':
            if (!cli_parse_u64("--seed", optarg, &seed, &err))
                return cli_fail_err(CMD, &err);
            o.seed = seed;
            break;
        case 'm': o.model = optarg; break;
        case 'T': o.tokenizer = optarg; break;
        case 'x': o.text = optarg; break;
        case 'k': o.tokens = optarg; break;
        case 'L':
            if (!cli_parse_long("--lines", optarg, 1, 1000000000, &o.lines, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 'G': o.model_groups = optarg; break;
        case 'q': o.progress = NULL; break;
        case 'h': help(&o); return 0;
        default: return cli_bad_option(CMD, argv);
        }
    }
    if (optind < argc)
        return cli_fail(CMD, "unexpected argument '%s'", argv[optind]);
    if (o.select && !ntensors)
        return cli_fail(CMD, "--select needs --tensors FILE");
    o.tensors = tensors;
    o.ntensors = ntensors;
    o.cancel = cli_catch_interrupts();
    if (!nb_report_run(&o, &err))
        return cli_fail_err(CMD, &err);
    return 0;
}
