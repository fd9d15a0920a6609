/* nibble overq: OverQ coverage and accuracy against plain 4-bit quantization. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nibble/list.h"
#include "nibble/parse.h"
#include "nibble/num.h"

static const char *CMD = "overq";

#define MAX_POINTS 16

/* Zero fractions --zeros accepts. Beyond them the shift before the ReLU is a
 * quantile deep in a tail: it can leave the float range (t:5 at 1e-300 shifts
 * by 1e60) or leave no activation above zero, and nothing is measured. */
#define ZEROS_MIN 1e-6
#define ZEROS_MAX (1 - 1e-6)

static void help(void)
{
    printf("usage: nibble overq [--dist D] [--cascade A..B] [--zeros LIST] [options]\n\n"
           "Quantizes post-ReLU activations to 4 bits with OverQ (outliers overwrite nearby\n"
           "zeros) and prints, per cascade depth and zero fraction, the share of outliers\n"
           "stored in full and the SQNR gain over plain 4-bit quantization at the same scale.\n\n"
           "  --dist D            pre-ReLU distribution: normal, laplace or t:NU (default t:5;\n"
           "                      a relu- prefix is accepted)\n"
           "  --cascade A..B      depths to tabulate, or a list (default 0..4; 0 = plain)\n"
           "  --zeros LIST        zero fractions in [1e-6, 0.999999], set by shifting before\n"
           "                      the ReLU (default 0.3,0.5,0.7)\n"
           "  --mode M            range (default) or range+precision\n"
           "  --tile T            chains stop every T slots (an array of T rows; default none)\n"
           "  --scale S           mse (the best plain 4-bit scale, default) or absmax\n"
           "  --n N               activations per zero fraction (default 1048576)\n"
           "  --seed S            PRNG seed (default 1)\n"
           "  --json              machine-readable output\n"
           "  -h, --help          this text\n");
}

static bool parse_depths(const char *s, int *out, int *n, nb_err *err)
{
    *n = 0;
    const char *dots = strstr(s, "..");
    if (dots) {
        /* A..B: two whole decimal integers */
        char *first = strndup(s, (size_t)(dots - s));
        long long a = -1, b = -1;
        bool num = first && nb_parse_int(first, 0, NB_OVERQ_CASCADE_MAX, &a) == NB_NUM_OK &&
                   nb_parse_int(dots + 2, 0, NB_OVERQ_CASCADE_MAX, &b) == NB_NUM_OK;
        free(first);
        if (!num || b < a)
            return nb_fail(err, "--cascade %s: use A..B with 0 <= A <= B <= %d", s, NB_OVERQ_CASCADE_MAX);
        for (long long c = a; c <= b; c++)
            out[(*n)++] = (int)c;
        return true;
    }
    nb_list l;
    bool ok = nb_list_split(s, ",", &l, err);
    for (int i = 0; ok && i < l.n; i++) {
        long v;
        if (*n == MAX_POINTS)
            ok = nb_fail(err, "--cascade: at most %d depths", MAX_POINTS);
        else if ((ok = cli_parse_long("--cascade", l.items[i], 0, NB_OVERQ_CASCADE_MAX, &v, err)))
            out[(*n)++] = (int)v;
    }
    nb_list_free(&l);
    return ok && (*n > 0 || nb_fail(err, "--cascade: no depth given"));
}

static bool parse_zeros(const char *s, double *out, int *n, nb_err *err)
{
    *n = 0;
    nb_list l;
    bool ok = nb_list_split(s, ",", &l, err);
    for (int i = 0; ok && i < l.n; i++) {
        double z;
        if (*n == MAX_POINTS)
            ok = nb_fail(err, "--zeros: at most %d fractions", MAX_POINTS);
        else if (!cli_parse_double("--zeros", l.items[i], &z, err))
            ok = false;
        else if (!(z > 0 && z < 1))
            ok = nb_fail(err, "--zeros: %g is not a fraction in (0, 1)", z);
        else if (z < ZEROS_MIN || z > ZEROS_MAX)
            ok = nb_fail(err, "--zeros: %g is outside [%g, %.6f]; a zero fraction that close to "
                         "0 or 1 shifts the activations beyond the float range or leaves none "
                         "above zero", z, ZEROS_MIN, ZEROS_MAX);
        else
            out[(*n)++] = z;
    }
    nb_list_free(&l);
    return ok && (*n > 0 || nb_fail(err, "--zeros: no fraction given"));
}

typedef struct point {
    double zeros, outliers, plain_sqnr;
    double handled[MAX_POINTS], sqnr[MAX_POINTS], precision[MAX_POINTS];
} point;

/* +inf when exact; NaN when there is no signal at all (every activation 0). */
static double sqnr_of(const float *x, const double *v, size_t n, double scale)
{
    double sig = 0, noise = 0;
    for (size_t i = 0; i < n; i++) {
        double t = x[i] > 0 ? x[i] : 0, d = t - v[i] * scale;
        sig += t * t;
        noise += d * d;
    }
    return sig == 0 && noise == 0 ? NAN : nb_sqnr_db(sig, noise);
}

/* A table cell: "-" where the value is undefined (NaN). */
static void print_cell(const char *fmt, double v)
{
    if (isnan(v))
        printf(" %10s", "-");
    else
        printf(fmt, v);
}

int cmd_overq(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dist", required_argument, NULL, 'd'},  {"cascade", required_argument, NULL, 'c'},
        {"zeros", required_argument, NULL, 'z'}, {"mode", required_argument, NULL, 'm'},
        {"tile", required_argument, NULL, 't'},  {"scale", required_argument, NULL, 'S'},
        {"n", required_argument, NULL, 'n'},     {"seed", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dist = "t:5", *scale_rule = "mse";
    int depths[MAX_POINTS], nd = 0, nz = 0;
    double zeros[MAX_POINTS];
    nb_overq_mode mode = NB_OVERQ_RANGE;
    long tile = 0, count = 1 << 20;
    uint64_t seed = 1;
    bool json = false;
    nb_err err;
    parse_depths("0..4", depths, &nd, &err);
    parse_zeros("0.3,0.5,0.7", zeros, &nz, &err);
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        bool ok = true;
        switch (c) {
        case 'd': dist = optarg; break;
        case 'c': ok = parse_depths(optarg, depths, &nd, &err); break;
        case 'z': ok = parse_zeros(optarg, zeros, &nz, &err); break;
        case 'm': ok = nb_overq_mode_parse(optarg, &mode, &err); break;
        case 't': ok = cli_parse_long("--tile", optarg, 0, 1 << 20, &tile, &err); break;
        case 'S': scale_rule = optarg; break;
        case 'n': ok = cli_parse_long("--n", optarg, 16, 1L << 26, &count, &err); break;
        case 's': ok = cli_parse_u64("--seed", optarg, &seed, &err); break;
        case 'j': json = true; break;
        case 'h': help(); return 0;
        default: return cli_bad_option(CMD, argv);
        }
        if (!ok)
            return cli_fail_err(CMD, &err);
    }
    if (optind < argc)
        return cli_fail(CMD, "unexpected argument '%s'", argv[optind]);
    if (strcmp(scale_rule, "mse") != 0 && strcmp(scale_rule, "absmax") != 0)
        return cli_fail(CMD, "unknown --scale '%s': use mse or absmax", scale_rule);
    nb_dist d;
    if (!nb_dist_parse(dist, &d, &err))
        return cli_fail_err(CMD, &err);
    for (int i = 0; i < nd; i++) {
        nb_overq_params p = {depths[i], mode, (size_t)tile};
        if (!nb_overq_params_check(&p, &err))
            return cli_fail_err(CMD, &err);
    }
    size_t n = (size_t)count;
    float *x = malloc(n * sizeof *x);
    uint16_t *u = malloc(n * sizeof *u);
    uint8_t *nib = malloc(n), *tag = malloc(n);
    double *v = malloc(n * sizeof *v);
    point *pts = calloc((size_t)nz, sizeof *pts);
    if (!x || !u || !nib || !tag || !v || !pts) {
        free(x), free(u), free(nib), free(tag), free(v), free(pts);
        return cli_fail(CMD, "out of memory for %zu activations (%zu bytes); use a smaller --n", n,
                        n * (sizeof *x + sizeof *u + 2 + sizeof *v));
    }
    int status = 0;
    for (int zi = 0; zi < nz && !status; zi++) {
        nb_dist dz = d;
        dz.relu = 1;
        dz.shift = nb_dist_quantile(&d, zeros[zi]);
        nb_rng *rng = nb_rng_new(seed + (uint64_t)zi);
        if (!rng) {
            status = cli_fail(CMD, "out of memory for the random number generator");
            break;
        }
        nb_rng_fill(rng, &dz, x, n);
        nb_rng_free(rng);
        double absmax = 0;
        bool finite = isfinite(dz.shift);
        for (size_t i = 0; i < n; i++) {
            finite = finite && isfinite(x[i]);
            absmax = x[i] > absmax ? x[i] : absmax;
        }
        if (!finite) {
            status = cli_fail(CMD, "--zeros %g: shifting %s by its %g quantile (%g) puts "
                              "activations beyond the float range; use a zero fraction nearer "
                              "0.5", zeros[zi], dist, zeros[zi], dz.shift);
            break;
        }
        double scale = strcmp(scale_rule, "mse") == 0 ? nb_overq_mse_scale(x, n) : absmax / 15;
        nb_overq_inputs(x, n, scale, mode, u);
        point *pt = &pts[zi];
        for (int di = 0; di < nd; di++) {
            nb_overq_params p = {depths[di], mode, (size_t)tile};
            nb_overq_stats st = {0};
            nb_overq_encode(u, n, &p, nib, tag, &st);
            nb_overq_decode(nib, tag, n, &p, v);
            pt->zeros = (double)st.zeros / (double)n;
            pt->outliers = (double)st.outliers / (double)n;
            /* no outliers: nothing to handle (NaN prints as "-") */
            pt->handled[di] = st.outliers ? 100.0 * (double)st.handled / (double)st.outliers : NAN;
            pt->precision[di] = 100.0 * (double)st.precision / (double)n;
            pt->sqnr[di] = sqnr_of(x, v, n, scale);
        }
        nb_overq_params plain = {0, mode, (size_t)tile};
        nb_overq_encode(u, n, &plain, nib, tag, NULL);
        nb_overq_decode(nib, tag, n, &plain, v);
        pt->plain_sqnr = sqnr_of(x, v, n, scale);
    }
    char dname[64];
    nb_dist plain_dist = d;
    plain_dist.relu = 0;
    nb_dist_format(&plain_dist, dname, sizeof dname);
    if (status) {
        /* nothing measured */
    } else if (json) {
        json_t *arr = json_array();
        bool ok = arr != NULL;
        for (int zi = 0; ok && zi < nz; zi++)
            for (int di = 0; ok && di < nd; di++) {
                /* every point keeps its row: undefined values are null with a note */
                const point *pt = &pts[zi];
                json_t *row = json_object();
                ok = row &&
                     cli_json_set_real(row, "relu_zero_fraction", zeros[zi], NULL, NULL) &&
                     cli_json_set_real(row, "zero_fraction", pt->zeros, NULL, NULL) &&
                     cli_json_set_real(row, "outlier_fraction", pt->outliers, NULL, NULL) &&
                     json_object_set_new(row, "cascade", json_integer(depths[di])) == 0 &&
                     cli_json_set_real(row, "handled_pct", pt->handled[di], "handled_note",
                                       "no outliers to handle") &&
                     cli_json_set_real(row, "sqnr_db", pt->sqnr[di], "sqnr_note",
                                       cli_sqnr_note(pt->sqnr[di])) &&
                     cli_json_set_real(row, "plain_sqnr_db", pt->plain_sqnr, "plain_sqnr_note",
                                       cli_sqnr_note(pt->plain_sqnr)) &&
                     cli_json_set_real(row, "precision_pct", pt->precision[di], NULL, NULL) &&
                     json_array_append_new(arr, row) == 0;
            }
        json_t *doc = ok ? json_pack("{s:s, s:s, s:I, s:s, s:I, s:O}", "dist", dname, "mode",
                                     nb_overq_mode_name(mode), "tile", (json_int_t)tile, "scale",
                                     scale_rule, "activations", (json_int_t)n, "points", arr)
                         : NULL;
        if (!cli_json_print(doc, JSON_INDENT(2), &err))
            status = cli_fail_err(CMD, &err);
        json_decref(doc);
        json_decref(arr);
    } else {
        printf("OverQ on relu-%s activations (%zu per column), mode %s, scale %s, %s\n\n", dname,
               n, nb_overq_mode_name(mode),
               strcmp(scale_rule, "mse") == 0 ? "= best plain 4-bit (MSE)" : "= absmax / 15",
               tile ? "chains stop at tiles of that many rows" : "no tile boundary");
        printf("%-28s", "zeros after the ReLU");
        for (int zi = 0; zi < nz; zi++)
            printf(" %9.1f%%", 100 * zeros[zi]);
        printf("\n%-28s", "zeros after 4-bit rounding");
        for (int zi = 0; zi < nz; zi++)
            printf(" %9.1f%%", 100 * pts[zi].zeros);
        printf("\n%-28s", "outliers (> 15.5 x scale)");
        for (int zi = 0; zi < nz; zi++)
            printf(" %9.2f%%", 100 * pts[zi].outliers);
        printf("\n%-28s", "plain 4-bit SQNR (dB)");
        for (int zi = 0; zi < nz; zi++)
            print_cell(" %10.2f", pts[zi].plain_sqnr);
        printf("\n\noutliers handled (%% of outliers)\n");
        for (int di = 0; di < nd; di++) {
            printf("  cascade depth %-13d", depths[di]);
            for (int zi = 0; zi < nz; zi++)
                print_cell(" %9.1f%%", pts[zi].handled[di]);
            printf("\n");
        }
        printf("\nSQNR gain over plain 4-bit at the same scale (dB)\n");
        for (int di = 0; di < nd; di++) {
            printf("  cascade depth %-13d", depths[di]);
            for (int zi = 0; zi < nz; zi++) {
                double a = pts[zi].sqnr[di], b = pts[zi].plain_sqnr;
                /* both exact: no gain; otherwise inf - inf would print nan */
                print_cell(" %+10.2f", isinf(a) && isinf(b) && a == b ? 0 : a - b);
            }
            printf("\n");
        }
        if (mode == NB_OVERQ_RANGE_PRECISION) {
            printf("\nvalues given 4 more fraction bits (%% of activations)\n");
            for (int di = 0; di < nd; di++) {
                printf("  cascade depth %-13d", depths[di]);
                for (int zi = 0; zi < nz; zi++)
                    printf(" %9.1f%%", pts[zi].precision[di]);
                printf("\n");
            }
        }
        printf("\ndepth 0 is plain 4-bit; depth 1 overwrites the adjacent zero; each further depth "
               "lets one more value move.\n");
        bool undefined = false;
        for (int zi = 0; zi < nz; zi++)
            undefined = undefined || isnan(pts[zi].plain_sqnr);
        if (undefined)
            printf("'-': no activation is above zero, so there is no signal to measure.\n");
    }
    free(x), free(u), free(nib), free(tag), free(v), free(pts);
    return status;
}
