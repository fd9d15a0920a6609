/* Reference integer GEMM with the hardware's accumulator, one step per product. */
#include "nibble/arith.h"

void nb_gemm_int(const nb_gemm_int_args *g, int64_t *out)
{
    for (size_t m = 0; m < g->M; m++)
        for (size_t n = 0; n < g->N; n++) {
            int64_t acc = g->init ? nb_acc_fit(g->init[m * g->N + n], g->acc_bits, g->acc_mode) : 0;
            const uint8_t *wrow = g->w_codes + n * g->K;
            const uint8_t *arow = g->a_codes + m * g->K;
            const uint8_t *trow = g->a_tags ? g->a_tags + m * g->K : NULL;
            for (size_t k = g->k0; k < g->k1; k++) {
                int64_t p = trow ? nb_overq_product(&g->w, wrow[k], k ? wrow[k - 1] : 0, &g->a,
                                                    arow[k], trow[k])
                                 : nb_product(&g->w, wrow[k], &g->a, arow[k]);
                acc = nb_acc_add(acc, p, g->acc_bits, g->acc_mode);
            }
            out[m * g->N + n] = acc;
        }
}
