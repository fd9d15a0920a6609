/* The GEMM accuracy step on block-scaled designs uses the array's own scale
 * arithmetic (binary32 block terms, binary32 accumulation), not a software
 * dequantization of the block sums:
 *   - a hand-computed case where binary32 accumulation loses a block: blocks
 *     summing to 2^25 and 1 give 2^25 (the binary32 spacing there is 4), so
 *     the error is exactly 1 against the float product 2^25 + 1;
 *   - random workloads against an independent computation from decoded
 *     values: dequantized tensors, each block's dot product exact in double,
 *     rounded once to binary32 and added in binary32 (the documented
 *     arithmetic, num/README.md "Block-scaled arithmetic"). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "nibble/metrics.h"
#include "nibble/workload.h"

static nb_design *make(const char *w, const char *a, int rows, int cols)
{
    nb_design_params p = nb_design_params_default();
    p.weights = w;
    p.acts = a;
    p.rows = rows;
    p.cols = cols;
    nb_err err;
    nb_design *d = nb_design_create(&p, &err);
    cr_assert(d, "%s", err.msg);
    return d;
}

Test(block_accuracy, binary32_accumulation_by_hand)
{
    nb_design *d = make("mxfp4", "mxfp4", 2, 2); /* blocks of 32 */
    enum { K = 64 };
    float w[K] = {0}, a[K] = {0};
    /* block 0: 32 x 2^12 x 2^8 = 2^25 (E2M1 4 under scales 2^10 and 2^6,
     * exact); block 1: 1 x 1 = 1 (4 under 2^-2) */
    for (int k = 0; k < 32; k++)
        w[k] = 4096.0f, a[k] = 256.0f;
    w[32] = 1.0f, a[32] = 1.0f;
    nb_workload_spec spec = {.M = 1, .K = K, .N = 1, .seed = 1, .w_data = w, .a_data = a};
    nb_gemm_accuracy acc;
    nb_err err;
    cr_assert(nb_gemm_accuracy_run(d, 0, 0, &spec, &acc, &err), "%s", err.msg);
    double ref = 33554433.0; /* 2^25 + 1 */
    cr_assert_eq(acc.mse, 1.0, "binary32 accumulation gives 2^25: mse %g", acc.mse);
    cr_assert(fabs(acc.sqnr_db - 10 * log10(ref * ref)) < 1e-9, "sqnr %.12f", acc.sqnr_db);
    nb_design_free(d);
}

/* y from decoded values, block by block in binary32. */
static void independent(const nb_workload *wl, float *y)
{
    size_t M = wl->M, N = wl->N, K = wl->K, B = wl->group;
    float *wv = malloc(N * K * sizeof *wv), *av = malloc(M * K * sizeof *av);
    nb_block_dequantize(&wl->wbq, wv);
    nb_block_dequantize(&wl->abq, av);
    for (size_t m = 0; m < M; m++)
        for (size_t n = 0; n < N; n++) {
            float acc = 0.0f;
            for (size_t k0 = 0; k0 < K; k0 += B) {
                double p = 0; /* 4-bit values under one scale pair: exact */
                for (size_t k = k0; k < K && k < k0 + B; k++)
                    p += (double)wv[n * K + k] * (double)av[m * K + k];
                acc = (float)((double)acc + (double)(float)p);
            }
            y[m * N + n] = acc;
        }
    free(wv);
    free(av);
}

static void random_case(const char *fmt, int rows, size_t M, size_t K, size_t N, uint64_t seed)
{
    nb_design *d = make(fmt, fmt, rows, 2);
    nb_workload_spec spec = {.M = M, .K = K, .N = N, .seed = seed};
    nb_err err;
    cr_assert(nb_dist_parse("t:5", &spec.wdist, &err) && nb_dist_parse("t:5", &spec.adist, &err));
    nb_gemm_accuracy acc;
    cr_assert(nb_gemm_accuracy_run(d, 0, 0, &spec, &acc, &err), "%s", err.msg);
    nb_workload wl;
    cr_assert(nb_workload_make(d, 0, 0, &spec, &wl, &err), "%s", err.msg);
    cr_assert(wl.block && wl.group == (size_t)d->block);
    float *y = malloc(M * N * sizeof *y);
    double *yd = malloc(M * N * sizeof *yd);
    independent(&wl, y);
    for (size_t i = 0; i < M * N; i++)
        yd[i] = y[i];
    nb_error_stats e = nb_error_stats_double(wl.reference, yd, M * N);
    cr_assert_eq(acc.sqnr_db, e.sqnr_db, "%s: accuracy step %.15g dB, independent %.15g dB", fmt,
                 acc.sqnr_db, e.sqnr_db);
    cr_assert_eq(acc.mse, e.mse);
    cr_assert(acc.sqnr_db > 10 && acc.sqnr_db < 40, "%s: %g dB", fmt, acc.sqnr_db);
    free(y);
    free(yd);
    nb_workload_free(&wl);
    nb_design_free(d);
}

Test(block_accuracy, random_against_decoded_values)
{
    random_case("mxfp4", 4, 5, 100, 7, 3);                 /* K not a multiple of 32 */
    random_case("mx:e2m1/e8m0/16/floor", 2, 3, 64, 9, 4);
    random_case("int4/fp16/32", 8, 4, 96, 3, 5);           /* FP16 group scales */
    random_case("mx:sf4/e8m0/16", 2, 6, 48, 5, 6);
}
