/* Quantization throughput per format, in values per second, and as a ratio to
 * a plain float scale-and-round loop run on the same data in the same process.
 * usage: bench_quantize [--quick] */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nibble/num.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Baseline: per-group absmax, x / scale, round, clamp to [-7, 7]. */
static void plain_int4(const float *x, size_t n, size_t group, int8_t *out)
{
    for (size_t g = 0; g < n; g += group) {
        float absmax = 0;
        for (size_t i = g; i < g + group; i++)
            absmax = fmaxf(absmax, fabsf(x[i]));
        float scale = absmax / 7.0f;
        for (size_t i = g; i < g + group; i++) {
            float q = scale > 0 ? roundf(x[i] / scale) : 0;
            out[i] = (int8_t)fmaxf(-7.0f, fminf(7.0f, q));
        }
    }
}

int main(int argc, char **argv)
{
    bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    size_t rows = quick ? 64 : 1024, cols = 1024, n = rows * cols;
    int reps = quick ? 1 : 5;
    float *x = malloc(n * sizeof *x);
    int8_t *base_out = malloc(n);
    nb_dist d;
    nb_err err;
    nb_dist_parse("t:5", &d, &err);
    nb_rng *rng = nb_rng_new(1);
    nb_rng_fill(rng, &d, x, n);
    nb_rng_free(rng);

    /* one untimed pass first: the output pages are untouched until then */
    plain_int4(x, n, NB_GROUP_SIZE_DEFAULT, base_out);
    double t0 = now();
    for (int r = 0; r < reps; r++)
        plain_int4(x, n, NB_GROUP_SIZE_DEFAULT, base_out);
    double base_rate = (double)n * reps / (now() - t0);
    printf("quantization throughput, %zu x %zu t:5 tensor, groups of %d, %d repetitions\n", rows,
           cols, NB_GROUP_SIZE_DEFAULT, reps);
    printf("%-12s %16s %10s\n", "format", "values/s", "vs plain");
    printf("%-12s %16.3e %10.2f  (float scale-and-round to int4)\n", "baseline", base_rate, 1.0);

    nb_quant_opts o = nb_quant_opts_default();
    for (int i = 0; i < nb_format_builtin_count(); i++) {
        nb_format f;
        if (!nb_format_parse(nb_format_builtin_name(i), NULL, &f, &err))
            return fprintf(stderr, "%s\n", err.msg), 1;
        t0 = now();
        for (int r = 0; r < reps; r++) {
            nb_qtensor q;
            if (!nb_quantize(x, rows, cols, &f, &o, &q, &err))
                return fprintf(stderr, "%s\n", err.msg), 1;
            nb_qtensor_free(&q);
        }
        double rate = (double)n * reps / (now() - t0);
        printf("%-12s %16.3e %10.2f\n", f.name, rate, rate / base_rate);
    }
    free(x);
    free(base_out);
    return 0;
}
