/* The C ABI between nibble (C) and a compiled simulation model (a shared
 * object built by Verilator, plain or SystemC). One clock cycle per step:
 * the inputs are applied, the registered outputs of this cycle are read, then
 * the rising clock edge happens. Kept in C so both sides include it. */
#ifndef NIBBLE_HARNESS_H
#define NIBBLE_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NB_HARNESS_ABI_VERSION 5

/* Inputs of nibble_top for one cycle. Arrays are indexed by row / column. */
typedef struct nb_port_in {
    bool rst_n;
    uint32_t wfmt_sel, afmt_sel;   /* ignored when the design has no such port */
    bool w_load;
    uint32_t w_row;
    const uint8_t *w_codes;        /* [cols] */
    bool act_valid;
    const uint8_t *act_codes;      /* [rows] */
    const uint8_t *act_tags;       /* [rows] OverQ tags (designs with act_tags_i), else NULL */
    const uint16_t *act_values;    /* [rows] OverQ encoder inputs (act_values_i), else NULL */
    const int64_t *psum;           /* [cols], each within the accumulator range */
    /* Block-scaled designs only (NB_BLOCK_SCALED; gen/README.md): the scale
     * stage's inputs, sampled in the cycle a block sum is on out_psum_o.
     * NULL arrays read as zeros. */
    bool scale_en;
    bool facc_fwd;                 /* accumulators from out_facc_o instead of facc */
    uint32_t a_scale;
    const uint16_t *w_scales;      /* [cols] weight block scale codes */
    const uint32_t *facc;          /* [cols] binary32 accumulators (bit patterns) */
    /* With the fixed-point accumulator (NB_SCALE_FIXED, --scale-acc fixed):
     * facc_i carries these instead of facc, each the register's bits with
     * the NaN flag at bit facc_bits - 1 (gen/README.md). */
    const uint64_t *xacc;          /* [cols] */
} nb_port_in;

/* Outputs of nibble_top during one cycle. */
typedef struct nb_port_out {
    bool out_valid;
    int64_t *psum;                 /* [cols], sign-extended; caller's buffer */
    bool facc_valid;               /* block-scaled designs: out_facc_valid_o */
    uint32_t *facc;                /* [cols] out_facc_o, or NULL (not read); with the
                                    * fixed-point accumulator: out_f32_o */
    uint64_t *xacc;                /* [cols] the fixed-point out_facc_o, or NULL */
} nb_port_out;

/* The sizes a model was compiled for (its nibble_ports.h). The loader
 * compares them with the manifest before the first step: the C side sizes
 * every port array from the manifest, the model from this header. */
typedef struct nb_port_shape {
    int rows, cols, w_code_bits, a_code_bits, acc_bits, w_sel_bits, a_sel_bits, row_addr_bits,
        tag_bits, act_value_bits, latency;
    int block_scaled, w_scale_bits, a_scale_bits;  /* the scale stage (0, 0, 0 without) */
    int scale_fixed, facc_bits;    /* fixed-point accumulator (1, bits + 1) or not (0, 32) */
} nb_port_shape;

/* Kinds of model a harness library can instantiate. */
enum { NB_HARNESS_RTL = 0, NB_HARNESS_SC_RTL = 1, NB_HARNESS_SC_CMODEL = 2 };

/* Exported by every harness library:
 *   int   nb_harness_abi_version(void);
 *   void *nb_harness_create(int kind, const char *manifest, const char *trace_path);
 *   void  nb_harness_step(void *h, const nb_port_in *in, nb_port_out *out);
 *   void  nb_harness_destroy(void *h);
 *   const char *nb_harness_error(void);   -- why create returned NULL
 *   void  nb_harness_shape(nb_port_shape *out);  -- the compiled sizes
 *   const char *nb_harness_finish(void *h);
 *         -- end the waveform (final dump, close); NULL, or why the model could
 *            not write it (e.g. a full disk). Idempotent; destroy calls it too.
 */
typedef int (*nb_harness_abi_version_fn)(void);
typedef void *(*nb_harness_create_fn)(int kind, const char *manifest, const char *trace_path);
typedef void (*nb_harness_step_fn)(void *h, const nb_port_in *in, nb_port_out *out);
typedef void (*nb_harness_destroy_fn)(void *h);
typedef const char *(*nb_harness_error_fn)(void);
typedef void (*nb_harness_shape_fn)(nb_port_shape *out);
typedef const char *(*nb_harness_finish_fn)(void *h);


#ifdef __cplusplus
}
#endif

#endif
