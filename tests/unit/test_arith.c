/* Exhaustive product tables against exact rational arithmetic, accumulator
 * wrap/saturate corners, and the reference GEMMs. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "nibble/num.h"

/* A dyadic rational num / 2^exp, found independently of the library's grid. */
typedef struct rational {
    int64_t num;
    int exp;
} rational;

static rational to_rational(double v)
{
    rational r = {0, 0};
    while (v != floor(v)) {
        v *= 2;
        r.exp++;
        cr_assert_leq(r.exp, 40, "value is not dyadic");
    }
    r.num = (int64_t)v;
    return r;
}

static nb_format load(const char *spec)
{
    nb_format f;
    nb_err err;
    cr_assert(nb_format_parse(spec, NULL, &f, &err), "%s", err.msg);
    return f;
}

/* product(w, a) on the grid 2^-(Fw+Fa) equals the exact rational hw_w * hw_a */
static void check_table(const nb_format *wf, const nb_format *af, int wextra, int aextra)
{
    nb_operand w = {wf, wf->frac_bits + wextra}, a = {af, af->frac_bits + aextra};
    int grid = w.grid_frac_bits + a.grid_frac_bits;
    for (int wc = 0; wc < wf->num_codes; wc++)
        for (int ac = 0; ac < af->num_codes; ac++) {
            rational rw = to_rational(wf->hw[wc]), ra = to_rational(af->hw[ac]);
            int64_t exact_num = rw.num * ra.num; /* value = exact_num / 2^(ew + ea) */
            int exp = rw.exp + ra.exp;
            int64_t got = nb_product(&w, (unsigned)wc, &a, (unsigned)ac);
            /* got / 2^grid == exact_num / 2^exp  <=>  got * 2^exp == exact_num * 2^grid */
            cr_assert_leq(exp, grid, "%s x %s: grid too coarse", wf->name, af->name);
            cr_assert_eq(got, exact_num * ((int64_t)1 << (grid - exp)),
                         "%s code %d x %s code %d: got %lld", wf->name, wc, af->name, ac,
                         (long long)got);
        }
}

Test(arith, exhaustive_product_tables)
{
    const char *weights[] = {"int4", "int4-full", "uint4", "e2m1", "e2m1-sr", "e2m1-sp",
                             "e2m1-sp1", "e2m1-ns", "e2m1-i", "e2m1-b", "e1m2", "e3m0",
                             "nf4", "sf4", "sf4:7", "apot4", "apot4-sp"};
    const char *acts[] = {"int4", "uint4", "int8", "e2m1", "e2m1-sr", "e2m1-sp", "sf4"};
    for (size_t i = 0; i < sizeof weights / sizeof weights[0]; i++)
        for (size_t j = 0; j < sizeof acts / sizeof acts[0]; j++) {
            nb_format wf = load(weights[i]), af = load(acts[j]);
            check_table(&wf, &af, 0, 0);
            check_table(&wf, &af, 3, 1); /* aligned to a wider common grid */
        }
}

Test(arith, e2m1_products_by_hand)
{
    nb_format f = load("e2m1"), sr = load("e2m1-sr");
    nb_operand a = {&f, 1}, b = {&sr, 1};
    /* 6 x 6 = 36 = 144 quarter units; 8 (SR code 1000) x -6 = -48 = -192 quarter units */
    cr_assert_eq(nb_product(&a, 0x7, &a, 0x7), 144);
    cr_assert_eq(nb_product(&b, 0x8, &a, 0xF), -192);
    cr_assert_eq(nb_product(&a, 0x1, &a, 0x9), -1); /* 0.5 x -0.5 = -0.25 */
}

Test(arith, accumulator_wrap_corners)
{
    cr_assert_eq(nb_acc_add(127, 1, 8, NB_ACC_WRAP), -128);
    cr_assert_eq(nb_acc_add(-128, -1, 8, NB_ACC_WRAP), 127);
    cr_assert_eq(nb_acc_add(100, 100, 8, NB_ACC_WRAP), -56);
    cr_assert_eq(nb_acc_fit(256, 8, NB_ACC_WRAP), 0);
    cr_assert_eq(nb_acc_fit(-1, 1, NB_ACC_WRAP), -1);
    cr_assert_eq(nb_acc_fit(1, 1, NB_ACC_WRAP), -1);
    cr_assert_eq(nb_acc_fit(((int64_t)1 << 61), 62, NB_ACC_WRAP), -((int64_t)1 << 61));
    cr_assert_eq(nb_acc_fit(-((int64_t)1 << 61) - 1, 62, NB_ACC_WRAP), ((int64_t)1 << 61) - 1);
    cr_assert_eq(nb_acc_fit(0x123456789LL, 24, NB_ACC_WRAP), 0x456789);
    cr_assert_eq(nb_acc_fit(0x123856789LL, 24, NB_ACC_WRAP), 0x856789 - 0x1000000);
}

Test(arith, accumulator_saturate_corners)
{
    cr_assert_eq(nb_acc_add(127, 1, 8, NB_ACC_SATURATE), 127);
    cr_assert_eq(nb_acc_add(-128, -1, 8, NB_ACC_SATURATE), -128);
    cr_assert_eq(nb_acc_add(-128, 255, 8, NB_ACC_SATURATE), 127);
    cr_assert_eq(nb_acc_add(127, -255, 8, NB_ACC_SATURATE), -128);
    cr_assert_eq(nb_acc_fit(5, 1, NB_ACC_SATURATE), 0);
    cr_assert_eq(nb_acc_fit(-5, 1, NB_ACC_SATURATE), -1);
    cr_assert_eq(nb_acc_min(24), -8388608);
    cr_assert_eq(nb_acc_max(24), 8388607);
}

Test(arith, signed_width)
{
    cr_assert_eq(nb_signed_width(0), 1);
    cr_assert_eq(nb_signed_width(-1), 1);
    cr_assert_eq(nb_signed_width(1), 2);
    cr_assert_eq(nb_signed_width(127), 8);
    cr_assert_eq(nb_signed_width(128), 9);
    cr_assert_eq(nb_signed_width(-128), 8);
    cr_assert_eq(nb_signed_width(-129), 9);
}

/* Independent sequential MAC in the test: exact sum with per-step clamp/wrap. */
static int64_t ref_step(int64_t acc, int64_t p, int bits, bool sat)
{
    int64_t lo = -((int64_t)1 << (bits - 1)), hi = ((int64_t)1 << (bits - 1)) - 1;
    int64_t s = acc + p;
    if (sat)
        return s > hi ? hi : s < lo ? lo : s;
    int64_t span = (int64_t)1 << bits;
    s = ((s - lo) % span + span) % span + lo;
    return s;
}

Test(arith, gemm_int_matches_sequential_reference)
{
    nb_format wf = load("sf4"), af = load("e2m1-sr");
    enum { M = 5, N = 7, K = 37 };
    uint8_t w[N * K], a[M * K];
    srand(7);
    for (int i = 0; i < N * K; i++)
        w[i] = (uint8_t)(rand() & 15);
    for (int i = 0; i < M * K; i++)
        a[i] = (uint8_t)(rand() & 15);
    for (int mode = 0; mode < 2; mode++)
        for (int bits = 10; bits <= 30; bits += 10) {
            int64_t init[M * N], out[M * N];
            for (int i = 0; i < M * N; i++)
                init[i] = (i * 37) % 200 - 100;
            nb_gemm_int_args g = {.M = M, .N = N, .K = K, .k0 = 3, .k1 = K - 2, .w_codes = w,
                                  .a_codes = a, .w = {&wf, wf.frac_bits}, .a = {&af, af.frac_bits},
                                  .acc_bits = bits, .acc_mode = mode ? NB_ACC_SATURATE : NB_ACC_WRAP,
                                  .init = init};
            nb_gemm_int(&g, out);
            for (int m = 0; m < M; m++)
                for (int n = 0; n < N; n++) {
                    int64_t acc = ref_step(0, init[m * N + n], bits, mode);
                    for (int k = 3; k < K - 2; k++) {
                        /* hw values are dyadic: value * 2^(Fw+Fa) is the exact integer */
                        double p = wf.hw[w[n * K + k]] * af.hw[a[m * K + k]];
                        acc = ref_step(acc, (int64_t)ldexp(p, wf.frac_bits + af.frac_bits), bits, mode);
                    }
                    cr_assert_eq(out[m * N + n], acc, "mode %d bits %d (%d,%d)", mode, bits, m, n);
                }
        }
}

Test(arith, gemm_float)
{
    const float a[] = {1, 2, 3, 4, 5, 6};       /* 2 x 3 */
    const float w[] = {1, 0, -1, 0.5f, 0.5f, 0.5f}; /* 2 x 3 */
    double out[4];
    nb_gemm_float(a, w, 2, 2, 3, out);
    cr_assert_eq(out[0], -2.0);
    cr_assert_eq(out[1], 3.0);
    cr_assert_eq(out[2], -2.0);
    cr_assert_eq(out[3], 7.5);
}

Test(arith, product_max_abs)
{
    nb_format sr = load("e2m1-sr"), i8 = load("int8");
    nb_operand w = {&sr, 1}, a = {&i8, 0};
    cr_assert_eq(nb_product_max_abs(&w, &a), 16 * 128);
}
