/* nibble_top: the array with its boundary: input registers, weight-row
 * decode, activation skew, psum skew, output deskew and the valid pipeline. */
#include <stdio.h>

#include "emit.h"

void emit_top(vbuf *b, const nb_design *d)
{
    int R = d->rows, C = d->cols, P = d->pipeline;
    int wcb = d->w_code_bits, acb = d->a_code_bits, acc = d->acc_bits, tw = d->tag_bits;
    char purpose[2048], scale_line[512];
    snprintf(scale_line, sizeof scale_line,
             "  scale:  scale_en_i with w_scales_i and a_scale_i, presented in the cycle s a\n"
             "          block sum is on out_psum_o, and facc_i (or facc_fwd_i) in cycle s + %d\n"
             "          give out_facc_o = RNE(facc + RNE(sum * scales)) with out_facc_valid_o\n"
             "          in s + %d (nibble_scale_prod.v; gen/README.md, Block-scaled designs).\n",
             d->scale_term_stages, d->scale_latency);
    if (d->scale_fixed)
        snprintf(scale_line, sizeof scale_line,
                 "  scale:  scale_en_i with w_scales_i and a_scale_i, presented in the cycle s a\n"
                 "          block sum is on out_psum_o, and facc_i (or facc_fwd_i) in cycle s + 1\n"
                 "          give out_facc_o = facc + sum * scales in the fixed-point register\n"
                 "          %s and out_f32_o = its binary32 value with out_facc_valid_o\n"
                 "          in s + %d (nibble_fixed_term.v; gen/README.md, Fixed-point accumulator).\n",
                 d->scale_acc_spec, d->scale_latency);
    snprintf(purpose, sizeof purpose,
             "Top level of a %dx%d weight-stationary array.\n"
             "Interface (all inputs are registered once at the boundary):\n"
             "  load:   w_load_i with w_row_i and w_codes_i writes one row of weight codes;\n"
             "          the row holds the new codes from two cycles later. Rows >= %d are ignored.\n"
             "  stream: act_valid_i with act_codes_i (row k at [k*%d +: %d]) and psum_i (the\n"
             "          initial accumulator of column n at [n*%d +: %d]) presented in cycle t\n"
             "          leave as out_psum_o with out_valid_o in cycle t + %d (the latency).\n"
             "          out_psum_o is 0 whenever out_valid_o is 0.\n"
             "%s"
             "%s"
             "%s"
             "Weights and format selects are quasi-static: change them only between streams,\n"
             "or where no activation in flight still needs the old value (see gen/README.md).",
             R, C, R, acb, acb, acc, acc, d->latency,
             (d->w_sel_bits || d->a_sel_bits)
                 ? "  config: wfmt_sel_i / afmt_sel_i pick the formats (registered like the rest).\n"
                 : "",
             d->overq_encoder ? "  OverQ: act_values_i replaces act_codes_i; the encoder block turns each\n"
                                "          vector into 4-bit slots and tags (nibble_overq_encoder.v).\n"
             : tw             ? "  OverQ: act_tags_i carries each slot's tag (NORMAL 0, HIGH 1, MOVED 2,\n"
                                "          LOW 3; see num/include/nibble/overq.h) beside its code.\n"
                              : "",
             d->block_scaled ? scale_line : "");
    emit_header(b, d, "nibble_top.v", purpose);

    vb_puts(b, "module nibble_top (\n  input  wire clk_i,\n");
    vb_puts(b, "  input  wire rst_ni,  // synchronous, active low: clears the valid pipeline\n");
    if (d->w_sel_bits)
        vb_printf(b, "  input  wire [%d:0] wfmt_sel_i,\n", d->w_sel_bits - 1);
    if (d->a_sel_bits)
        vb_printf(b, "  input  wire [%d:0] afmt_sel_i,\n", d->a_sel_bits - 1);
    vb_puts(b, "  input  wire w_load_i,\n");
    vb_printf(b, "  input  wire [%d:0] w_row_i,\n", d->row_addr_bits - 1);
    vb_printf(b, "  input  wire [%d:0] w_codes_i,\n", C * wcb - 1);
    vb_puts(b, "  input  wire act_valid_i,\n");
    if (d->overq_encoder) {
        vb_printf(b, "  input  wire [%d:0] act_values_i,  // OverQ encoder input of row k at [k*%d +: %d]\n",
                  R * d->act_value_bits - 1, d->act_value_bits, d->act_value_bits);
    } else {
        vb_printf(b, "  input  wire [%d:0] act_codes_i,\n", R * acb - 1);
        if (tw)
            vb_printf(b, "  input  wire [%d:0] act_tags_i,   // OverQ tag of row k at [k*%d +: %d]\n",
                      R * tw - 1, tw, tw);
    }
    vb_printf(b, "  input  wire [%d:0] psum_i,\n", C * acc - 1);
    if (d->block_scaled) {
        vb_puts(b, "  // scale stage: sampled in the cycle a block sum is on out_psum_o\n");
        vb_puts(b, "  input  wire scale_en_i,\n");
        vb_puts(b, "  input  wire facc_fwd_i,  // 1: accumulators from out_facc_o, not facc_i\n");
        vb_printf(b, "  input  wire [%d:0] w_scales_i,  // column n at [n*%d +: %d]\n",
                  C * d->w_scale_bits - 1, d->w_scale_bits, d->w_scale_bits);
        vb_printf(b, "  input  wire [%d:0] a_scale_i,\n", d->a_scale_bits - 1);
        int fb = d->facc_bits;
        vb_printf(b, "  input  wire [%d:0] facc_i,  // %s, column n at [n*%d +: %d]\n",
                  C * fb - 1, d->scale_fixed ? "{NaN flag, fixed-point register}" : "binary32", fb, fb);
        vb_puts(b, "  output reg  out_facc_valid_o,\n");
        vb_printf(b, "  output reg  [%d:0] out_facc_o,\n", C * fb - 1);
        if (d->scale_fixed)
            vb_printf(b, "  output reg  [%d:0] out_f32_o,  // binary32 of out_facc_o, column n at [n*32 +: 32]\n",
                      C * 32 - 1);
    }
    vb_puts(b, "  output reg  out_valid_o,\n");
    vb_printf(b, "  output reg  [%d:0] out_psum_o\n);\n", C * acc - 1);
    vb_printf(b, "  localparam integer ROWS = %d;\n  localparam integer COLS = %d;\n", R, C);
    vb_printf(b, "  localparam integer ACB = %d;\n  localparam integer ACC = %d;\n\n", acb, acc);

    /* Input registers */
    vb_puts(b, "  // ---- Input registers\n");
    if (d->w_sel_bits)
        vb_printf(b, "  reg  [%d:0] wfmt_sel_q;\n", d->w_sel_bits - 1);
    if (d->a_sel_bits)
        vb_printf(b, "  reg  [%d:0] afmt_sel_q;\n", d->a_sel_bits - 1);
    vb_printf(b, "  reg  w_load_q;\n  reg  [%d:0] w_row_q;\n  reg  [%d:0] w_codes_q;\n",
              d->row_addr_bits - 1, C * wcb - 1);
    vb_puts(b, "  reg  act_valid_q;\n");
    if (d->overq_encoder)
        vb_printf(b, "  reg  [%d:0] act_values_q;\n", R * d->act_value_bits - 1);
    else
        vb_printf(b, "  reg  [%d:0] act_codes_q;\n", R * acb - 1);
    if (tw && !d->overq_encoder)
        vb_printf(b, "  reg  [%d:0] act_tags_q;\n", R * tw - 1);
    vb_printf(b, "  reg  [%d:0] psum_q;\n\n", C * acc - 1);
    vb_puts(b, "  always @(posedge clk_i) begin\n");
    vb_puts(b, "    if (!rst_ni) begin\n      w_load_q    <= 1'b0;\n      act_valid_q <= 1'b0;\n");
    vb_puts(b, "    end else begin\n      w_load_q    <= w_load_i;\n      act_valid_q <= act_valid_i;\n    end\n");
    if (d->w_sel_bits)
        vb_puts(b, "    wfmt_sel_q  <= wfmt_sel_i;\n");
    if (d->a_sel_bits)
        vb_puts(b, "    afmt_sel_q  <= afmt_sel_i;\n");
    vb_puts(b, "    w_row_q     <= w_row_i;\n    w_codes_q   <= w_codes_i;\n");
    if (d->overq_encoder)
        vb_puts(b, "    act_values_q <= act_values_i;\n");
    else
        vb_puts(b, "    act_codes_q <= act_codes_i;\n");
    if (tw && !d->overq_encoder)
        vb_puts(b, "    act_tags_q  <= act_tags_i;\n");
    vb_puts(b, "    psum_q      <= psum_i;\n  end\n\n");
    if (d->overq_encoder) {
        vb_puts(b, "  // ---- OverQ encoder: activation values -> 4-bit slots and tags\n");
        vb_printf(b, "  wire [%d:0] act_codes_q;\n", R * acb - 1);
        if (tw)
            vb_printf(b, "  wire [%d:0] act_tags_q;\n", R * tw - 1);
        vb_printf(b, "  nibble_overq_encoder u_encoder (.values_i(act_values_q), .codes_o(act_codes_q)%s);\n\n",
                  tw ? ", .tags_o(act_tags_q)" : "");
    }

    /* Row decode */
    vb_puts(b, "  // ---- Weight row decode\n");
    vb_puts(b, "  wire [ROWS-1:0] w_load_row;\n");
    for (int k = 0; k < R; k++)
        vb_printf(b, "  assign w_load_row[%d] = w_load_q && (w_row_q == %d'd%d);\n", k,
                  d->row_addr_bits, k);
    vb_puts(b, "\n");

    /* Skew */
    vb_puts(b, "  // ---- Row k's activations enter the array k cycles late (skew)\n");
    vb_puts(b, "  wire [ROWS*ACB-1:0] act_skewed;\n");
    if (tw)
        vb_printf(b, "  wire [ROWS*%d-1:0] tag_skewed;  // OverQ tags travel with their codes\n", tw);
    for (int k = 0; k < R; k++) {
        if (k == 0) {
            vb_printf(b, "  assign act_skewed[0 +: ACB] = act_codes_q[0 +: ACB];\n");
            if (tw)
                vb_printf(b, "  assign tag_skewed[0 +: %d] = act_tags_q[0 +: %d];\n", tw, tw);
        } else if (tw) {
            vb_printf(b, "  nibble_delay #(.W(ACB+%d), .N(%d)) u_skew_row%d (.clk_i(clk_i), "
                         ".data_i({act_tags_q[%d*%d +: %d], act_codes_q[%d*ACB +: ACB]}), "
                         ".data_o({tag_skewed[%d*%d +: %d], act_skewed[%d*ACB +: ACB]}));\n",
                      tw, k, k, k, tw, tw, k, k, tw, tw, k);
        } else {
            vb_printf(b, "  nibble_delay #(.W(ACB), .N(%d)) u_skew_row%d (.clk_i(clk_i), "
                         ".data_i(act_codes_q[%d*ACB +: ACB]), .data_o(act_skewed[%d*ACB +: ACB]));\n",
                      k, k, k, k);
        }
    }
    vb_puts(b, "\n");
    vb_printf(b, "  // ---- Column n's initial partial sum enters n + %d cycles late\n", P);
    vb_puts(b, "  wire [COLS*ACC-1:0] psum_skewed;\n");
    for (int n = 0; n < C; n++) {
        if (n + P == 0)
            vb_printf(b, "  assign psum_skewed[0 +: ACC] = psum_q[0 +: ACC];\n");
        else
            vb_printf(b, "  nibble_delay #(.W(ACC), .N(%d)) u_skew_col%d (.clk_i(clk_i), "
                         ".data_i(psum_q[%d*ACC +: ACC]), .data_o(psum_skewed[%d*ACC +: ACC]));\n",
                      n + P, n, n, n);
    }
    vb_puts(b, "\n");

    /* Array */
    vb_puts(b, "  // ---- The array\n  wire [COLS*ACC-1:0] psum_bottom;\n");
    vb_puts(b, "  nibble_array #(.ROWS(ROWS), .COLS(COLS)) u_array (\n");
    vb_puts(b, "    .clk_i       (clk_i),\n    .w_load_row_i(w_load_row),\n");
    vb_puts(b, "    .w_codes_i   (w_codes_q),\n");
    if (d->w_sel_bits)
        vb_puts(b, "    .wfmt_sel_i  (wfmt_sel_q),\n");
    if (d->a_sel_bits)
        vb_puts(b, "    .afmt_sel_i  (afmt_sel_q),\n");
    vb_puts(b, "    .a_codes_i   (act_skewed),\n");
    if (tw)
        vb_puts(b, "    .a_tags_i    (tag_skewed),\n");
    vb_puts(b, "    .psum_i      (psum_skewed),\n");
    vb_puts(b, "    .psum_o      (psum_bottom)\n  );\n\n");

    /* Deskew */
    vb_puts(b, "  // ---- Column n waits COLS-1-n cycles so a vector's results leave together\n");
    vb_puts(b, "  wire [COLS*ACC-1:0] psum_aligned;\n");
    for (int n = 0; n < C; n++) {
        int delay = C - 1 - n;
        if (delay == 0)
            vb_printf(b, "  assign psum_aligned[%d*ACC +: ACC] = psum_bottom[%d*ACC +: ACC];\n", n, n);
        else
            vb_printf(b, "  nibble_delay #(.W(ACC), .N(%d)) u_deskew_col%d (.clk_i(clk_i), "
                         ".data_i(psum_bottom[%d*ACC +: ACC]), .data_o(psum_aligned[%d*ACC +: ACC]));\n",
                      delay, n, n, n);
    }
    vb_puts(b, "\n");

    /* Valid and output */
    vb_puts(b, "  // ---- Valid travels beside the data; outputs are registered and zeroed when invalid\n");
    vb_puts(b, "  wire valid_aligned;\n");
    vb_printf(b, "  nibble_valid_delay #(.N(%d)) u_valid (.clk_i(clk_i), .rst_ni(rst_ni), "
                 ".valid_i(act_valid_q), .valid_o(valid_aligned));\n\n",
              d->latency - 2);
    vb_puts(b, "  always @(posedge clk_i) begin\n");
    vb_puts(b, "    // a reset edge also clears the data, so invalid outputs always read 0\n");
    vb_puts(b, "    out_valid_o <= rst_ni && valid_aligned;\n");
    vb_puts(b, "    out_psum_o  <= (rst_ni && valid_aligned) ? psum_aligned : {COLS*ACC{1'b0}};\n  end\n");
    if (d->scale_fixed)
        emit_top_scale_fixed(b, d);
    else if (d->block_scaled)
        emit_top_scale_stage(b, d);
    vb_puts(b, "endmodule\n");
}
