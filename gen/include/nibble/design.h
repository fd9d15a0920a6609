/* A generated array design: the configuration the user chose plus every width
 * and timing figure derived from it. The generator writes it as manifest.json
 * beside the Verilog; simulators and the synthesis flow load it back. */
#ifndef NIBBLE_DESIGN_H
#define NIBBLE_DESIGN_H

#include <stdbool.h>

#include "nibble/arith.h"
#include "nibble/block_format.h"
#include "nibble/block_gemm.h"
#include "nibble/format.h"
#include "nibble/overq.h"

#define NB_SET_MAX 24
#define NB_ARRAY_DIM_MAX 128
#define NB_PIPELINE_MAX 2
#define NB_SCALE_STAGES_MIN 2
#define NB_SCALE_STAGES_MAX 5
/* 5: the fewest cycles that meet osu018's 10 ns clock (and sky130hd's 12.5
 * ns); measured per library in gen/README.md, "Pipeline depth" */
#define NB_SCALE_STAGES_DEFAULT 5
#define NB_ACC_BITS_DEFAULT 32
/* --scale-acc fixed without sizes (gen/README.md, "Fixed-point accumulator") */
#define NB_SCALE_FIXED_BITS_DEFAULT 48
#define NB_SCALE_FIXED_LSB_DEFAULT (-24)

/* What the user asks for (strings as on the command line). */
typedef struct nb_design_params {
    const char *weights;      /* comma-separated format list */
    const char *acts;
    int rows, cols;
    int acc_bits;
    nb_acc_mode acc_mode;
    int pipeline;             /* 0..2 register stages inside the PE */
    int lut_frac_bits;
    int cascade;              /* OverQ depth when "overq" is an activation format (-1: default 1) */
    nb_overq_mode overq_mode;
    bool overq_mode_given;    /* --overq-mode was said (an error without overq) */
    bool overq_encoder;       /* put the OverQ encoder at the array edge */
    int scale_stages;         /* block-scaled: scale stage cycles, 2..5 (0: the default, 5 for binary32, 2 for fixed) */
    const char *scale_acc;    /* block-scaled accumulator: NULL or "fp32", or
                               * "fixed[:BITS[:LSB[:wrap|sat]]]" (E8M0 only) */
    const char *command;      /* the command line, recorded in headers */
} nb_design_params;

nb_design_params nb_design_params_default(void);

typedef struct nb_design {
    nb_design_params params;  /* strings below are owned copies */
    char weights_spec[2048], acts_spec[2048], command[2048];

    nb_format w[NB_SET_MAX];
    int nw;
    nb_format a[NB_SET_MAX];
    int na;
    int rows, cols;
    int acc_bits;
    nb_acc_mode acc_mode;
    int pipeline;

    /* Derived widths. Every weight format is aligned to the grid 2^-w_grid_frac
     * (the largest frac_bits in the set), every activation to 2^-a_grid_frac. */
    int w_code_bits, a_code_bits;
    int w_grid_frac, a_grid_frac;
    int w_mant_bits, a_mant_bits;   /* signed widths of aligned mantissas */
    int prod_bits;                  /* signed width of any product */
    int w_sel_bits, a_sel_bits;     /* 0 for a single-format set (no select port) */
    int row_addr_bits;              /* >= 1 */

    /* OverQ (see num/include/nibble/overq.h): slots carry a tag; tagged slots
     * use the weight of the PE above and a shifted product. */
    int overq_index;                /* select index of "overq" in the activation set, or -1 */
    int cascade;
    nb_overq_mode overq_mode;
    int tag_bits;                   /* 0: no tags (no OverQ, or depth 0) */
    bool overq_encoder;             /* act_values_i in, encoder block at the edge */
    int act_value_bits;             /* encoder input bits per row: 8 (+4 with precision) */

    /* Block-scaled design (--weights and --acts both block formats, e.g.
     * mxfp4): the element formats are the PE array's only formats, the scale
     * formats and the block size go to the scale stage at the bottom of the
     * columns (gen/README.md, "Block-scaled designs"). */
    bool block_scaled;
    nb_block_format wblock, ablock;
    int block;                      /* elements per block along K, a multiple of rows */
    int w_scale_bits, a_scale_bits; /* scale code widths (8) */
    int scale_latency;              /* cycles from out_psum_o to out_facc_o (--scale-stages) */
    int scale_term_stages;          /* of which the block term (1 or 2) ... */
    int scale_add_stages;           /* ... and the binary32 addition (1..3) */
    /* --scale-acc fixed:BITS:LSB:MODE (E8M0 x E8M0 only): a wide fixed-point
     * accumulator (nb_block_gemm_fixed) instead of the binary32 one; the
     * accumulator ports carry facc_bits = bits + 1 per column (bit `bits`:
     * the NaN flag) and out_f32_o the binary32 conversion (gen/README.md,
     * "Fixed-point accumulator"). */
    bool scale_fixed;
    nb_block_fixed_acc fixed;
    int facc_bits;                  /* 32 (binary32) or fixed.bits + 1 */
    char scale_acc_spec[64];        /* canonical: "fp32" or "fixed:48:-24:wrap" */

    /* Timing at the top-level boundary (see gen/README.md):
     * a vector presented at cycle t leaves at cycle t + latency. */
    int latency;
} nb_design;

/* --scale-acc of a block-scaled design whose scale formats are parsed:
 * fills scale_fixed, fixed, facc_bits, scale_acc_spec (gen/src/scale_acc.c). */
bool nb_design_scale_acc(const nb_design_params *p, nb_design *d, nb_err *err);

/* Validate params, parse formats and derive everything. NULL on error. */
nb_design *nb_design_create(const nb_design_params *p, nb_err *err);
void nb_design_free(nb_design *d);

/* Operand view of weight/activation format i on the design's common grid. */
nb_operand nb_design_w_operand(const nb_design *d, int i);
nb_operand nb_design_a_operand(const nb_design *d, int i);

/* Index of a format name in the weight / activation set, or -1. */
int nb_design_find_w(const nb_design *d, const char *name);
int nb_design_find_a(const nb_design *d, const char *name);

/* Rebuild a design from manifest.json, checking that every format grid in it
 * still matches the golden library (a stale manifest is an error). */
nb_design *nb_design_load(const char *manifest_path, nb_err *err);

#endif
