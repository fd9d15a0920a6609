/* Float reference GEMM in double precision. */
#include "nibble/arith.h"

void nb_gemm_float(const float *a, const float *w, size_t M, size_t N, size_t K, double *out)
{
    for (size_t m = 0; m < M; m++)
        for (size_t n = 0; n < N; n++) {
            double s = 0;
            for (size_t k = 0; k < K; k++)
                s += (double)a[m * K + k] * (double)w[n * K + k];
            out[m * N + n] = s;
        }
}
