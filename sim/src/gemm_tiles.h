/* Tiling shared by the cycle-level GEMM driver and the fast-forward mode. */
#ifndef NIBBLE_GEMM_TILES_H
#define NIBBLE_GEMM_TILES_H

#include "nibble/sim.h"

typedef struct nb_tile {
    size_t n0, ncols;   /* output columns */
    size_t seg;         /* reduction segment */
    size_t k0, nrows;   /* reduction rows */
    bool first_in_seg;
} nb_tile;

/* Tiles in execution order (columns, then segments, then rows); with t ==
 * NULL only counts them. */
size_t nb_gemm_tiles(const nb_design *d, const nb_gemm_job *job, nb_tile *t);

/* Cycles after a tile's last vector before the next tile may load its rows:
 * the vector must have passed every PE that reads a row, which with OverQ
 * includes the row below (it reads the weight above) one cycle later. */
static inline int64_t nb_gemm_reuse_after(const nb_design *d, const nb_gemm_job *job)
{
    int wstage = d->pipeline >= 2 ? 1 : 0, below = d->tag_bits ? 1 : 0;
    return job->overlap_loads ? (int64_t)d->cols - 1 + wstage + below : (int64_t)d->latency + 1;
}

#endif
