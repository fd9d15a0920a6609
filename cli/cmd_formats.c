/* nibble formats: every format's codebook, encoding and hardware grid. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nibble/format_json.h"
#include "nibble/num.h"

static const char *CMD = "formats";

static void help(void)
{
    printf("usage: nibble formats [--json] [--lut-frac-bits N] [FORMAT...]\n\n"
           "Print every format (or the ones named): its codes and values, its encoding,\n"
           "and its hardware grid (integer mantissa x 2^-frac_bits) with the rounding\n"
           "error of lookup ROMs.\n\n"
           "  --json              machine-readable output\n"
           "  --lut-frac-bits N   fractional bits of lookup ROM entries (default %d)\n"
           "  -h, --help          this text\n\n"
           "formats: %s\n"
           "element specs (num/README.md): fp:eXmY[:bias=B][:sub=ieee|none]\n"
           "  [:special=none|ieee|fn|fnuz][:super=range|precision|VALUE], int:N[:range=sym|full],\n"
           "  uint:N (2..8 bits), e.g. fp:e4m3:special=fn (OCP E4M3), fp:e5m2:special=ieee\n",
           NB_LUT_FRAC_BITS_DEFAULT, nb_format_valid_names());
}

static void print_binary(unsigned code, int bits)
{
    for (int b = bits - 1; b >= 0; b--)
        putchar((code >> b) & 1 ? '1' : '0');
}

static void print_text(const nb_format *f, const char *aliases)
{
    char enc[160];
    nb_format_describe_encoding(f, enc, sizeof enc);
    printf("%s  --  %s\n", f->name, f->title);
    if (aliases && *aliases)
        printf("  aliases:  %s\n", aliases);
    printf("  encoding: %s\n", enc);
    printf("  grid:     value = mantissa x 2^-%d, mantissa %d-bit signed, %s", f->frac_bits,
           f->mant_bits, f->grid_exact ? "exact" : "ROM-rounded");
    if (!f->grid_exact)
        printf(" (max rounding error %.3g)", f->lut_max_error);
    printf("\n  values (%d):", f->num_values);
    for (int i = 0; i < f->num_values; i++) {
        if (f->num_values > 32 && i == 8) {
            printf(" ...");
            i = f->num_values - 9;
            continue;
        }
        printf(" %.9g", f->values[i]);
    }
    printf("\n");
    if (f->code_bits > 4)
        return;
    printf("  code  value          mantissa  hw value\n");
    for (int c = 0; c < f->num_codes; c++) {
        printf("  ");
        print_binary((unsigned)c, f->code_bits);
        printf("  %-13.9g  %8lld  %.9g%s\n", f->ideal[c], (long long)f->mant[c], f->hw[c],
               f->nonfinite[c] ? "   (inf/NaN: decodes to 0, not emitted)"
               : f->used[c]    ? ""
                               : "   (not emitted)");
    }
}

int cmd_formats(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"lut-frac-bits", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false;
    nb_format_opts fopts = nb_format_opts_default();
    nb_err err;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        long v;
        switch (c) {
        case 'j':
            json = true;
            break;
        case 'l':
            if (!cli_parse_long("--lut-frac-bits", optarg, 1, 16, &v, &err))
                return cli_fail_err(CMD, &err);
            fopts.lut_frac_bits = (int)v;
            break;
        case 'h':
            help();
            return 0;
        default:
            return cli_bad_option(CMD, argv);
        }
    }
    int count = optind < argc ? argc - optind : nb_format_builtin_count();
    nb_format *formats = calloc((size_t)count, sizeof *formats);
    if (!formats)
        return cli_fail(CMD, "out of memory for %d formats", count);
    for (int i = 0; i < count; i++) {
        const char *spec = optind < argc ? argv[optind + i] : nb_format_builtin_name(i);
        if (!nb_format_parse(spec, &fopts, &formats[i], &err)) {
            free(formats);
            return cli_fail_err(CMD, &err);
        }
    }
    int status = 0;
    if (json) {
        /* a format whose JSON cannot be built is an error, not a missing entry */
        json_t *arr = json_array();
        bool ok = arr != NULL;
        for (int i = 0; ok && i < count; i++)
            if (json_array_append_new(arr, nb_format_to_json(&formats[i])) != 0)
                ok = nb_fail(&err, "cannot build the JSON of format %s (out of memory, or a value "
                             "that is not finite)", formats[i].name);
        if (ok && !cli_json_print(arr, JSON_INDENT(2) | JSON_REAL_PRECISION(17), &err))
            ok = false;
        if (!ok)
            status = cli_fail_err(CMD, &err);
        json_decref(arr);
    } else {
        for (int i = 0; i < count; i++) {
            print_text(&formats[i], optind < argc ? NULL : nb_format_builtin_aliases(i));
            putchar('\n');
        }
    }
    free(formats);
    return status;
}
