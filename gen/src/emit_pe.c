/* nibble_pe: one processing element of the weight-stationary array. */
#include <stdio.h>

#include "emit.h"

void emit_pe(vbuf *b, const nb_design *d)
{
    int wcb = d->w_code_bits, acb = d->a_code_bits, acc = d->acc_bits;
    int wm = d->w_mant_bits, am = d->a_mant_bits, pw = d->prod_bits;
    char purpose[1024];
    snprintf(purpose, sizeof purpose,
             "Processing element: holds one stationary weight code, decodes it and the passing\n"
             "activation onto their grids, multiplies exactly and adds the product to the\n"
             "partial sum coming from above (%d-bit %s). The activation code moves one PE to\n"
             "the right per cycle, the partial sum one PE down.\n"
             "Pipeline %d: %s",
             acc, d->acc_mode == NB_ACC_SATURATE ? "saturating" : "two's-complement wrap",
             d->pipeline,
             d->pipeline == 0 ? "decode, multiply and accumulate in one cycle."
             : d->pipeline == 1 ? "the product is registered before the accumulate."
                                : "the decoded activation and the product are registered.");
    emit_header(b, d, "nibble_pe.v", purpose);

    vb_puts(b, "module nibble_pe (\n  input  wire clk_i,\n");
    vb_puts(b, "  // stationary weight\n");
    vb_puts(b, "  input  wire w_load_i,  // capture w_code_i at this clock edge\n");
    vb_printf(b, "  input  wire [%d:0] w_code_i,\n", wcb - 1);
    if (d->w_sel_bits)
        vb_printf(b, "  input  wire [%d:0] wfmt_sel_i,  // weight format (index into the set)\n",
                  d->w_sel_bits - 1);
    if (d->a_sel_bits)
        vb_printf(b, "  input  wire [%d:0] afmt_sel_i,  // activation format\n", d->a_sel_bits - 1);
    vb_puts(b, "  // activation: from the left, registered to the right\n");
    vb_printf(b, "  input  wire [%d:0] a_code_i,\n", acb - 1);
    vb_printf(b, "  output reg  [%d:0] a_code_o,\n", acb - 1);
    vb_puts(b, "  // partial sum: from above, registered below\n");
    vb_printf(b, "  input  wire signed [%d:0] psum_i,\n", acc - 1);
    vb_printf(b, "  output reg  signed [%d:0] psum_o\n);\n", acc - 1);

    vb_printf(b, "  reg  [%d:0] w_code_q;\n", wcb - 1);
    vb_printf(b, "  wire signed [%d:0] w_mant;     // weight x 2^%d\n", wm - 1, d->w_grid_frac);
    vb_printf(b, "  wire signed [%d:0] a_mant;     // activation x 2^%d\n", am - 1, d->a_grid_frac);
    vb_printf(b, "  wire signed [%d:0] product;    // exact, x 2^%d\n", pw - 1,
              d->w_grid_frac + d->a_grid_frac);
    vb_printf(b, "  wire signed [%d:0] addend;     // product sign-extended to the accumulator\n",
              acc - 1);
    vb_printf(b, "  wire signed [%d:0] psum_next;\n\n", acc - 1);

    vb_puts(b, "  always @(posedge clk_i) begin\n    if (w_load_i) w_code_q <= w_code_i;\n  end\n\n");
    vb_printf(b, "  nibble_wdec u_wdec (.code_i(w_code_q), %s.mant_o(w_mant));\n",
              d->w_sel_bits ? ".fmt_sel_i(wfmt_sel_i), " : "");
    vb_printf(b, "  nibble_adec u_adec (.code_i(a_code_i), %s.mant_o(a_mant));\n\n",
              d->a_sel_bits ? ".fmt_sel_i(afmt_sel_i), " : "");

    const char *a_operand = "a_mant", *p_source = "product";
    if (d->pipeline >= 2) {
        vb_printf(b, "  reg  signed [%d:0] a_mant_q;   // pipeline stage: decoded activation\n",
                  am - 1);
        vb_puts(b, "  always @(posedge clk_i) a_mant_q <= a_mant;\n");
        a_operand = "a_mant_q";
    }
    vb_printf(b, "  assign product = w_mant * %s;\n", a_operand);
    if (d->pipeline >= 1) {
        vb_printf(b, "  reg  signed [%d:0] product_q;  // pipeline stage: product\n", pw - 1);
        vb_puts(b, "  always @(posedge clk_i) product_q <= product;\n");
        p_source = "product_q";
    }
    vb_puts(b, "  assign addend = ");
    vb_sext_shift(b, p_source, pw, 0, acc);
    vb_puts(b, ";\n\n");
    vb_printf(b, "  nibble_acc_add #(.W(%d), .SAT(%d)) u_acc (\n", acc,
              d->acc_mode == NB_ACC_SATURATE ? 1 : 0);
    vb_puts(b, "    .acc_i(psum_i), .addend_i(addend), .sum_o(psum_next)\n  );\n\n");
    vb_puts(b, "  always @(posedge clk_i) begin\n    a_code_o <= a_code_i;\n"
               "    psum_o   <= psum_next;\n  end\nendmodule\n");
}
