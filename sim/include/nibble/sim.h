/* Simulation of generated arrays: one interface for every backend (the C
 * cycle model, Verilator, SystemC), the GEMM tiling driver that plays the
 * host controller, and lock-step comparison of two backends. */
#ifndef NIBBLE_SIM_H
#define NIBBLE_SIM_H

#include <stdint.h>
#include <stdio.h>

#include "nb_harness.h"
#include "nibble/design.h"

typedef struct nb_backend nb_backend;

typedef struct nb_backend_ops {
    void (*step)(nb_backend *b, const nb_port_in *in, nb_port_out *out);
    void (*destroy)(nb_backend *b);
    /* optional: end outputs the model writes (waveforms); false with err set
     * if they could not be written */
    bool (*finish)(nb_backend *b, nb_err *err);
} nb_backend_ops;

struct nb_backend {
    const nb_backend_ops *ops;
    const nb_design *design;
    char name[64];
};

static inline void nb_backend_step(nb_backend *b, const nb_port_in *in, nb_port_out *out)
{
    b->ops->step(b, in, out);
}
void nb_backend_free(nb_backend *b);
/* After the last step: complete the waveform a backend writes and report
 * whether it could (a full disk is an error, and the cut-off file is removed). */
bool nb_backend_finish(nb_backend *b, nb_err *err);

/* The C cycle model: bit- and cycle-exact at the nibble_top boundary. */
nb_backend *nb_cmodel_new(const nb_design *d, nb_err *err);
/* The C model's output registers as they stand (what the next step reports),
 * for wrappers that present outputs right after the clock edge. */
void nb_cmodel_outputs(const nb_backend *cmodel, nb_port_out *out);

/* The scale stage of a block-scaled design (gen/README.md, "Block-scaled
 * designs") for one column: the binary32 pattern of
 * nb_f32_add(facc, nb_block_term(psum, ...)) with the design's scale formats
 * and grid, every NaN as the quiet NaN 0x7FC00000 the RTL produces. */
uint32_t nb_scale_stage(const nb_design *d, int64_t psum, unsigned w_scale, unsigned a_scale,
                        uint32_t facc);
/* Its two halves, one per cycle of the stage: the block term (binary32
 * pattern), and the addition of a term to an accumulator. */
uint32_t nb_scale_term(const nb_design *d, int64_t psum, unsigned w_scale, unsigned a_scale);
uint32_t nb_scale_add(uint32_t facc, uint32_t term);

/* The fixed-point accumulator's stage (--scale-acc fixed; gen/README.md,
 * "Fixed-point accumulator"), the golden steps of nb_block_gemm_fixed with
 * the ports' encoding: a register value is its `bits` low bits (two's
 * complement) with the NaN flag at bit `bits`. The block term (the shifted
 * block sum; *nan for a 0xFF scale code), one addition into a register, the
 * register's binary32 (0x7FC00000 when NaN), and the three in a row. */
int64_t nb_scale_fixed_term(const nb_design *d, int64_t psum, unsigned w_scale, unsigned a_scale,
                            bool *nan);
uint64_t nb_scale_fixed_add(const nb_design *d, uint64_t xacc, int64_t term, bool term_nan);
uint32_t nb_scale_fixed_f32(const nb_design *d, uint64_t xacc);
uint64_t nb_scale_fixed_stage(const nb_design *d, int64_t psum, unsigned w_scale, unsigned a_scale,
                              uint64_t xacc);

/* Which compiled model to load. */
typedef enum nb_backend_kind {
    NB_BACKEND_C,           /* the C cycle model */
    NB_BACKEND_VERILATOR,   /* the RTL through Verilator */
    NB_BACKEND_SC_RTL,      /* the RTL through verilator --sc in a SystemC testbench */
    NB_BACKEND_SC_CMODEL,   /* the C cycle model wrapped as an sc_module */
} nb_backend_kind;

bool nb_backend_kind_parse(const char *s, nb_backend_kind *out, nb_err *err);
const char *nb_backend_kind_name(nb_backend_kind k);

/* Build (or reuse from the cache) the shared object for a generated design
 * directory and backend kind; writes its path. Progress goes to `log`.
 * `traced`: compile waveform support in (Verilator; slower, built on demand). */
bool nb_model_build(const char *design_dir, nb_backend_kind kind, bool traced, char *so_path,
                    size_t len, FILE *log, nb_err *err);

/* A Verilator model of a design: its RTL (files.f), or a gate-level netlist
 * with the same top ports (netlist_files, e.g. the netlist and cell models),
 * optionally with toggle coverage for power estimation. */
typedef struct nb_model_spec {
    const char *design_dir;             /* nibble_ports.h and manifest.json live here */
    bool systemc, traced, coverage;
    const char *const *netlist_files;   /* NULL: the design's RTL */
    int n_netlist_files;
} nb_model_spec;

bool nb_model_build_spec(const nb_model_spec *spec, char *so_path, size_t len, FILE *log,
                         nb_err *err);

/* A backend from an already built model library (kind: NB_HARNESS_*);
 * arg: waveform path, or the coverage file a coverage model writes when freed. */
nb_backend *nb_backend_load(const nb_design *d, const char *so_path, const char *design_dir,
                            int harness_kind, const char *arg, const char *name, nb_err *err);

/* Open a backend of any kind for a design directory (builds models as needed).
 * trace_path: waveform file to write (VCD), or NULL. */
nb_backend *nb_backend_open(const nb_design *d, const char *design_dir, nb_backend_kind kind,
                            const char *trace_path, FILE *log, nb_err *err);

/* Root of the model/design cache: $NIBBLE_CACHE_DIR, or the build tree's cache. */
const char *nb_cache_dir(void);

/* ---- Lock-step comparison -------------------------------------------- */

typedef struct nb_mismatch {
    bool found;
    uint64_t cycle;        /* first cycle whose outputs differ */
    int column;            /* first differing column (-1: out_valid differs) */
    bool valid_a, valid_b;
    int64_t a, b;          /* the two values of that column */
    bool scale_stage;      /* in out_facc_valid_o / out_facc_o (binary32 patterns) */
} nb_mismatch;

/* A backend that steps `a` and `b` with the same inputs, returns a's outputs,
 * and records the first cycle where they differ. Takes ownership of both. */
nb_backend *nb_lockstep_new(nb_backend *a, nb_backend *b);
const nb_mismatch *nb_lockstep_mismatch(const nb_backend *lockstep);
/* Forget the recorded mismatch (before checking the next job). */
void nb_lockstep_clear(nb_backend *lockstep);

/* ---- GEMM on the array -------------------------------------------------- */

/* out[m][n] = for each segment s of the reduction axis, acc over k in s of
 * P(w[n][k], a[m][k]), starting from init (or 0), in the design's W-bit
 * accumulator. Segments model per-group scaling: each group is accumulated
 * separately (results in seg_out[s][m][n]). */
typedef struct nb_gemm_job {
    int wsel, asel;              /* format indices into the design's sets */
    size_t M, N, K;
    const uint8_t *w_codes;      /* [N][K] */
    const uint8_t *a_codes;      /* [M][K] */
    size_t group;                /* segment length along K (0 = whole K) */
    bool overlap_loads;          /* load the next tile while the last one drains */
    const int64_t *init;         /* [M][N] initial accumulator of every segment, or NULL */
    const uint8_t *a_tags;       /* [M][K] OverQ tags with a_codes (designs with act_tags_i) */
    const uint16_t *a_values;    /* [M][K] OverQ encoder inputs instead of a_codes (encoder designs) */
    /* Block-scaled designs (group = the design's block size): the block scale
     * codes; the driver scales each block's sum on the block's last tile and
     * writes the binary32 results (nb_block_gemm's arithmetic) to facc_out. */
    const uint16_t *w_scales;    /* [N][segments] */
    const uint16_t *a_scales;    /* [M][segments] */
    float *facc_out;             /* [M][N], or NULL (integer segments only) */
} nb_gemm_job;

/* A block-scaled job's checks (group = block size, scales given). */
bool nb_gemm_block_check(const nb_design *d, const nb_gemm_job *job, nb_err *err);

/* The scale stage's result from the integer segment sums seg_out: every
 * output's blocks in order through nb_scale_stage (what the array computes). */
void nb_gemm_block_combine(const nb_design *d, const nb_gemm_job *job, const int64_t *seg_out,
                           float *facc_out);

/* OverQ: encode job->a_values into slots and tags tile by tile, exactly where
 * the array's encoder sees them (codes and tags are [M][K]). */
void nb_gemm_encode_overq(const nb_design *d, const nb_gemm_job *job, uint8_t *codes, uint8_t *tags);

typedef struct nb_gemm_stats {
    uint64_t cycles;             /* clock cycles from the first load to the last output */
    uint64_t busy_vectors;       /* activation vectors streamed */
    uint64_t macs;               /* useful MACs: M * N * K */
    double utilization;          /* macs / (cycles * rows * cols) */
    uint64_t tiles;
} nb_gemm_stats;

size_t nb_gemm_num_segments(const nb_gemm_job *job);

/* Run a job; seg_out is [segments][M][N]. Returns false only on bad input. */
bool nb_gemm_run(nb_backend *b, const nb_gemm_job *job, int64_t *seg_out, nb_gemm_stats *st,
                 nb_err *err);

/* The C model's fast-forward mode: the results and cycle count nb_gemm_run
 * gives with the C cycle model, computed per tile instead of per clock. */
bool nb_gemm_fast(const nb_design *d, const nb_gemm_job *job, int64_t *seg_out, nb_gemm_stats *st,
                  nb_err *err);

/* The golden reference of the same job (nb_gemm_int per segment). */
void nb_gemm_golden(const nb_design *d, const nb_gemm_job *job, int64_t *seg_out);

#endif
