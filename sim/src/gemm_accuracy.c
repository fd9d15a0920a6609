/* GEMM-level accuracy of a design on a workload, through the C model. */
#include <stdlib.h>

#include "nibble/metrics.h"
#include "nibble/workload.h"

bool nb_gemm_accuracy_run(const nb_design *d, int wsel, int asel, const nb_workload_spec *spec,
                          nb_gemm_accuracy *out, nb_err *err)
{
    nb_workload wl;
    if (!nb_workload_make(d, wsel, asel, spec, &wl, err))
        return false;
    size_t segs = nb_gemm_num_segments(&wl.job), MN = wl.M * wl.N;
    int64_t *seg = malloc(segs * MN * sizeof *seg);
    double *y = malloc(MN * sizeof *y);
    float *f = malloc(MN * sizeof *f);
    nb_gemm_stats st;
    bool ok = (seg && y && f) ? nb_gemm_fast(d, &wl.job, seg, &st, err)
                              : nb_fail(err, "out of memory");
    if (ok) {
        if (wl.block) {
            /* the scale stage's binary32 results (and the host's tensor-scale
             * epilogue), not a software dequantization of the block sums */
            nb_workload_block_output(&wl, wl.facc, f);
            for (size_t i = 0; i < MN; i++)
                y[i] = (double)f[i];
        } else {
            nb_workload_dequantize(d, &wl, seg, y);
        }
        nb_error_stats e = nb_error_stats_double(wl.reference, y, MN);
        out->sqnr_db = e.sqnr_db;
        out->mse = e.mse;
        out->cycles = st.cycles;
        out->utilization = st.utilization;
    }
    free(seg);
    free(y);
    free(f);
    nb_workload_free(&wl);
    return ok;
}
