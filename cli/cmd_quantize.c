/* nibble quantize: quantize a tensor with one or more formats, print errors. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nibble/list.h"
#include "nibble/num.h"
#include "nibble/text_io.h"

static const char *CMD = "quantize";

#define MAX_FORMATS 64

static void help(void)
{
    printf("usage: nibble quantize --format F[,F...|all] [--dist D | --input FILE] [options]\n\n"
           "Quantize a matrix (rows x cols, groups along cols) and print MSE, SQNR and\n"
           "maximum error of the dequantized result per format.\n\n"
           "  --format LIST       formats, comma separated, or 'all' (default all)\n"
           "  --dist D            synthetic input: normal, laplace, t:NU, relu-... (default t:5)\n"
           "  --input FILE        text file of whitespace-separated numbers instead\n"
           "  --rows R, --cols C  matrix shape (default 256 x 1024; --input: 1 x n)\n"
           "  --seed S            PRNG seed (default 1)\n"
           "  --scaling S         tensor, channel or group (default group)\n"
           "  --group G           group size along cols (default %d)\n"
           "  --clip Q            clipping quantile in (0, 1] (default 1)\n"
           "  --rounding R        nearest (ties to lower, the paper's rule) or rne\n"
           "  --lut-frac-bits N   lookup ROM fractional bits (default %d)\n"
           "  --json              machine-readable output\n"
           "  -h, --help          this text\n\n"
           "formats: %s\n\n"
           "Block formats (num/README.md) carry their own block size along cols, scale\n"
           "rule and element rounding; --scaling, --group, --clip and --rounding apply to\n"
           "the other formats: mx:ELEMENT/SCALE/BLOCK[/RULE] (mx: optional), e.g.\n"
           "mx:e2m1/e8m0/32/floor, int4/fp16/128, or mxfp4, mxfp6e3m2, mxfp6e2m3,\n"
           "mxfp8e4m3, mxfp8e5m2, mxint8, nvfp4 [/RULE]; scales %s; rules floor, rceil,\n"
           "even (e8m0; default rceil), nearest (the others).\n",
           NB_GROUP_SIZE_DEFAULT, NB_LUT_FRAC_BITS_DEFAULT, nb_format_valid_names(),
           nb_scale_fmt_valid_names());
}

typedef struct quantize_args {
    const char *formats;
    const char *dist;
    const char *input;
    long rows, cols;
    uint64_t seed;
    nb_quant_opts q;
    nb_format_opts f;
    bool json;
} quantize_args;

static int parse_args(int argc, char **argv, quantize_args *a, nb_err *err)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},  {"dist", required_argument, NULL, 'd'},
        {"input", required_argument, NULL, 'i'},   {"rows", required_argument, NULL, 'r'},
        {"cols", required_argument, NULL, 'c'},    {"seed", required_argument, NULL, 's'},
        {"scaling", required_argument, NULL, 'S'}, {"group", required_argument, NULL, 'g'},
        {"clip", required_argument, NULL, 'q'},    {"rounding", required_argument, NULL, 'R'},
        {"lut-frac-bits", required_argument, NULL, 'l'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            a->formats = optarg;
            break;
        case 'd':
            a->dist = optarg;
            break;
        case 'i':
            a->input = optarg;
            break;
        case 'r':
            if (!cli_parse_long("--rows", optarg, 1, 1L << 24, &a->rows, err))
                return EXIT_BAD_INPUT;
            break;
        case 'c':
            if (!cli_parse_long("--cols", optarg, 1, 1L << 24, &a->cols, err))
                return EXIT_BAD_INPUT;
            break;
        case 's':
            if (!cli_parse_u64("--seed", optarg, &a->seed, err))
                return EXIT_BAD_INPUT;
            break;
        case 'S':
            if (!nb_granularity_parse(optarg, &a->q.granularity, err))
                return EXIT_BAD_INPUT;
            break;
        case 'g':
            if (!cli_parse_long("--group", optarg, 0, 1L << 24, &v, err))
                return EXIT_BAD_INPUT;
            a->q.group_size = (size_t)v;
            a->q.granularity = NB_SCALE_GROUP;
            break;
        case 'q':
            if (!cli_parse_double("--clip", optarg, &a->q.clip, err))
                return EXIT_BAD_INPUT;
            break;
        case 'R':
            if (!nb_rounding_parse(optarg, &a->q.rounding, err))
                return EXIT_BAD_INPUT;
            break;
        case 'l':
            if (!cli_parse_long("--lut-frac-bits", optarg, 1, 16, &v, err))
                return EXIT_BAD_INPUT;
            a->f.lut_frac_bits = (int)v;
            break;
        case 'j':
            a->json = true;
            break;
        case 'h':
            help();
            return -1;
        default:
            nb_fail(err, "option '%s' is unknown or needs a value; see 'nibble quantize --help'",
                    argv[optind - 1]);
            return EXIT_BAD_INPUT;
        }
    }
    if (optind < argc) {
        nb_fail(err, "unexpected argument '%s'", argv[optind]);
        return EXIT_BAD_INPUT;
    }
    if (a->input && a->dist) {
        nb_fail(err, "give either --dist or --input, not both");
        return EXIT_BAD_INPUT;
    }
    return 0;
}

/* One entry of --format: a plain format or a block format. */
typedef struct quant_format {
    bool is_block;
    nb_format plain;
    nb_block_format block;
} quant_format;

static const char *qf_name(const quant_format *q)
{
    return q->is_block ? q->block.name : q->plain.name;
}

/* Build the format list: "all" means every builtin; block specs (mx:..., the
 * aliases, ELEM/SCALE/BLOCK) become block formats. */
static int load_formats(const quantize_args *a, quant_format *out, nb_err *err)
{
    if (strcmp(a->formats, "all") == 0) {
        int n = nb_format_builtin_count();
        for (int i = 0; i < n; i++)
            if (!nb_format_parse(nb_format_builtin_name(i), &a->f, &out[i].plain, err))
                return -1;
        return n;
    }
    nb_list items;
    if (!nb_list_split(a->formats, ",", &items, err)) {
        nb_list_free(&items);
        return -1;
    }
    int n = 0;
    bool ok = items.n > 0;
    if (!ok)
        nb_fail(err, "empty format list; valid formats: %s", nb_format_valid_names());
    for (int i = 0; ok && i < items.n; i++) {
        if (n == MAX_FORMATS) {
            ok = nb_fail(err, "too many formats in '%s' (at most %d)", a->formats, MAX_FORMATS);
            break;
        }
        const char *spec = items.items[i];
        out[n].is_block = nb_block_spec_is_block(spec);
        ok = out[n].is_block ? nb_block_format_parse(spec, &a->f, &out[n].block, err)
                             : nb_format_parse(spec, &a->f, &out[n].plain, err);
        for (int j = 0; ok && j < n; j++)
            if (strcmp(qf_name(&out[j]), qf_name(&out[n])) == 0)
                ok = nb_fail(err, "format %s appears twice in '%s'", qf_name(&out[n]),
                             a->formats);
        n++;
    }
    nb_list_free(&items);
    return ok ? n : -1;
}

/* Quantize and dequantize x into y with one format. */
static bool quantize_one(const quant_format *f, const nb_quant_opts *o, const float *x, float *y,
                         size_t rows, size_t cols, nb_err *err)
{
    if (f->is_block) {
        nb_block_qtensor q;
        if (!nb_block_quantize(x, rows, cols, &f->block, &q, err))
            return false;
        nb_block_dequantize(&q, y);
        nb_block_qtensor_free(&q);
        return true;
    }
    nb_qtensor q;
    if (!nb_quantize(x, rows, cols, &f->plain, o, &q, err))
        return false;
    nb_dequantize(&q, y);
    nb_qtensor_free(&q);
    return true;
}

/* Allocate both tensors before generating anything: an input too large for
 * memory fails at once, not after minutes of sampling. */
static bool alloc_output(float *x, size_t rows, size_t cols, float **y, nb_err *err)
{
    *y = malloc(rows * cols * sizeof **y);
    if (*y)
        return true;
    free(x);
    return nb_fail(err, "out of memory for the %zu x %zu dequantized tensor (%zu bytes); use "
                   "fewer --rows or --cols", rows, cols, rows * cols * sizeof **y);
}

static bool load_input(const quantize_args *a, float **x, float **y, size_t *rows, size_t *cols,
                       nb_err *err)
{
    if (a->input) {
        size_t n;
        if (!nb_text_floats_read(a->input, x, &n, err))
            return false;
        *cols = a->cols ? (size_t)a->cols : n;
        if (n % *cols) {
            free(*x);
            return nb_fail(err, "%s holds %zu numbers, not a multiple of --cols %zu", a->input, n,
                           *cols);
        }
        *rows = n / *cols;
        return alloc_output(*x, *rows, *cols, y, err);
    }
    nb_dist d;
    if (!nb_dist_parse(a->dist ? a->dist : "t:5", &d, err))
        return false;
    *rows = a->rows ? (size_t)a->rows : 256;
    *cols = a->cols ? (size_t)a->cols : 1024;
    *x = malloc(*rows * *cols * sizeof **x);
    if (!*x)
        return nb_fail(err, "out of memory for the %zu x %zu input tensor (%zu bytes); use "
                       "fewer --rows or --cols", *rows, *cols, *rows * *cols * sizeof **x);
    if (!alloc_output(*x, *rows, *cols, y, err))
        return false;
    nb_rng *rng = nb_rng_new(a->seed);
    if (!rng) {
        free(*x);
        free(*y);
        return nb_fail(err, "out of memory for the random number generator");
    }
    nb_rng_fill(rng, &d, *x, *rows * *cols);
    nb_rng_free(rng);
    return true;
}

int cmd_quantize(int argc, char **argv)
{
    quantize_args a = {.formats = "all", .seed = 1, .q = nb_quant_opts_default(),
                       .f = nb_format_opts_default()};
    nb_err err;
    int rc = parse_args(argc, argv, &a, &err);
    if (rc < 0)
        return 0;
    if (rc)
        return cli_fail_err(CMD, &err);
    quant_format *formats = calloc(MAX_FORMATS, sizeof *formats);
    float *x = NULL, *y = NULL;
    size_t rows = 0, cols = 0;
    int nf = formats ? load_formats(&a, formats, &err) : -1;
    if (!formats)
        nb_fail(&err, "out of memory");
    if (nf < 0 || !load_input(&a, &x, &y, &rows, &cols, &err)) {
        free(formats);
        return cli_fail_err(CMD, &err);
    }
    for (int i = 0; i < nf; i++)
        if (!formats[i].is_block && !nb_quant_opts_check(&a.q, &formats[i].plain, &err)) {
            free(formats);
            free(x);
            free(y);
            return cli_fail_err(CMD, &err);
        }
    json_t *results = a.json ? json_array() : NULL;
    if (a.json && !results) {
        free(formats);
        free(x);
        free(y);
        return cli_fail(CMD, "out of memory for the JSON output");
    }
    char dist_name[64];
    const char *source = a.input; /* the path whole, however long */
    if (!a.input) {
        nb_dist d;
        nb_dist_parse(a.dist ? a.dist : "t:5", &d, &err);
        nb_dist_format(&d, dist_name, sizeof dist_name);
        source = dist_name;
    }
    char scaling[64];
    if (a.q.granularity == NB_SCALE_GROUP)
        snprintf(scaling, sizeof scaling, "group of %zu", a.q.group_size);
    else
        snprintf(scaling, sizeof scaling, "per %s", nb_granularity_name(a.q.granularity));
    int width = 12; /* the format column fits the longest name (block formats are long) */
    for (int i = 0; i < nf; i++)
        if ((int)strlen(qf_name(&formats[i])) > width)
            width = (int)strlen(qf_name(&formats[i]));
    if (!a.json) {
        printf("input: %s, %zu x %zu", source, rows, cols);
        if (!a.input)
            printf(", seed %llu", (unsigned long long)a.seed);
        printf("; scaling: %s, clip %g, rounding %s\n\n", scaling, a.q.clip,
               nb_rounding_name(a.q.rounding));
        printf("%-*s %14s %10s %12s\n", width, "format", "MSE", "SQNR(dB)", "max error");
    }
    int status = 0;
    for (int i = 0; i < nf; i++) {
        if (!quantize_one(&formats[i], &a.q, x, y, rows, cols, &err)) {
            status = cli_fail_err(CMD, &err);
            break;
        }
        nb_error_stats s = nb_error_stats_float(x, y, rows * cols);
        if (a.json) {
            /* every format keeps its row: an exact result has an infinite SQNR */
            json_t *row = json_object();
            bool ok = row &&
                      json_object_set_new(row, "format", json_string(qf_name(&formats[i]))) == 0 &&
                      cli_json_set_real(row, "mse", s.mse, "mse_note", "not finite") &&
                      cli_json_set_real(row, "sqnr_db", s.sqnr_db, "sqnr_note",
                                        cli_sqnr_note(s.sqnr_db)) &&
                      cli_json_set_real(row, "max_error", s.max_abs_error, "max_error_note",
                                        "not finite");
            if (!ok || json_array_append_new(results, row) != 0) {
                status = cli_fail(CMD, "out of memory building the JSON output");
                break;
            }
        } else {
            printf("%-*s %14.6e %10.3f %12.6f\n", width, qf_name(&formats[i]), s.mse, s.sqnr_db,
                   s.max_abs_error);
        }
    }
    if (a.json && status == 0) {
        json_t *doc = json_pack("{s:s, s:I, s:I, s:I, s:s, s:f, s:s, s:O}", "input", source,
                                "rows", (json_int_t)rows, "cols", (json_int_t)cols, "seed",
                                (json_int_t)a.seed, "scaling", scaling, "clip", a.q.clip,
                                "rounding", nb_rounding_name(a.q.rounding), "results", results);
        if (!cli_json_print(doc, JSON_INDENT(2), &err))
            status = cli_fail_err(CMD, &err);
        json_decref(doc);
    }
    json_decref(results);
    free(formats);
    free(x);
    free(y);
    return status;
}
