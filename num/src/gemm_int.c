/* Reference integer GEMM with the hardware's accumulator, one step per product. */
#include "nibble/arith.h"

void nb_gemm_int(const nb_gemm_int_args *g, int64_t *out)
{
    for (size_t m = 0; m < g->M; m++)
        for (size_t n = 0; n < g->N; n++) {
            int64_t acc = g->init ? nb_acc_fit(g->init[m * g->N + n], g->acc_bits, g->acc_mode) : 0;
            const uint8_t *wrow = g->w_codes + n * g->K;
            const uint8_t *arow = g->a_codes + m * g->K;
            for (size_t k = g->k0; k < g->k1; k++)
                acc = nb_acc_add(acc, nb_product(&g->w, wrow[k], &g->a, arow[k]), g->acc_bits,
                                 g->acc_mode);
            out[m * g->N + n] = acc;
        }
}
