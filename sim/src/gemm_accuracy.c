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
    size_t segs = nb_gemm_num_segments(&wl.job);
    int64_t *seg = malloc(segs * wl.M * wl.N * sizeof *seg);
    double *y = malloc(wl.M * wl.N * sizeof *y);
    nb_gemm_stats st;
    bool ok = (seg && y) ? nb_gemm_fast(d, &wl.job, seg, &st, err) : nb_fail(err, "out of memory");
    if (ok) {
        nb_workload_dequantize(d, &wl, seg, y);
        nb_error_stats e = nb_error_stats_double(wl.reference, y, wl.M * wl.N);
        out->sqnr_db = e.sqnr_db;
        out->mse = e.mse;
        out->cycles = st.cycles;
        out->utilization = st.utilization;
    }
    free(seg);
    free(y);
    nb_workload_free(&wl);
    return ok;
}
