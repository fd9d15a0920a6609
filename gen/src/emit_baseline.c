/* nibble_pe_baseline: the reference MAC written the obvious way, for the
 * synthesis comparison (not part of the design): a case table per format
 * from code to a wide integer on the common grid, then `*` and `+`. Same
 * ports as nibble_pe. */
#include <stdio.h>

#include "emit.h"

static void emit_table(vbuf *b, const nb_design *d, bool weights)
{
    int n = weights ? d->nw : d->na, sel = weights ? d->w_sel_bits : d->a_sel_bits;
    int cb = weights ? d->w_code_bits : d->a_code_bits;
    const char *out = weights ? "w_value" : "a_value", *code = weights ? "w_code_q" : "a_code_i";
    const char *selname = weights ? "wfmt_sel_i" : "afmt_sel_i";
    if (sel)
        vb_printf(b, "  always @(*) begin\n    case ({%s, %s})\n", selname, code);
    else
        vb_printf(b, "  always @(*) begin\n    case (%s)\n", code);
    for (int i = 0; i < n; i++) {
        nb_operand op = weights ? nb_design_w_operand(d, i) : nb_design_a_operand(d, i);
        for (int c = 0; c < (1 << cb); c++) {
            int64_t v = nb_operand_mant(&op, (unsigned)c & (unsigned)(op.fmt->num_codes - 1));
            if (sel)
                vb_printf(b, "      {%d'd%d, %d'd%d}: %s = ", sel, i, cb, c, out);
            else
                vb_printf(b, "      %d'd%d: %s = ", cb, c, out);
            vb_sconst(b, 32, v);
            vb_puts(b, ";\n");
        }
    }
    vb_printf(b, "      default: %s = 32'sd0;\n    endcase\n  end\n", out);
}

void emit_baseline(vbuf *b, const nb_design *d)
{
    int acc = d->acc_bits;
    emit_header(b, d, "nibble_pe_baseline.v",
                "Behavioural reference MAC for the synthesis report (not part of the design):\n"
                "each format decodes through a case table to a 32-bit integer on the common\n"
                "grid, then `*` and `+`. Same ports and timing as nibble_pe (pipeline 0).");
    vb_puts(b, "module nibble_pe_baseline (\n  input  wire clk_i,\n  input  wire w_load_i,\n");
    vb_printf(b, "  input  wire [%d:0] w_code_i,\n", d->w_code_bits - 1);
    if (d->w_sel_bits)
        vb_printf(b, "  input  wire [%d:0] wfmt_sel_i,\n", d->w_sel_bits - 1);
    if (d->a_sel_bits)
        vb_printf(b, "  input  wire [%d:0] afmt_sel_i,\n", d->a_sel_bits - 1);
    vb_printf(b, "  input  wire [%d:0] a_code_i,\n  output reg  [%d:0] a_code_o,\n",
              d->a_code_bits - 1, d->a_code_bits - 1);
    vb_printf(b, "  input  wire signed [%d:0] psum_i,\n  output reg  signed [%d:0] psum_o\n);\n",
              acc - 1, acc - 1);
    vb_printf(b, "  reg  [%d:0] w_code_q;\n", d->w_code_bits - 1);
    vb_puts(b, "  reg  signed [31:0] w_value, a_value;\n");
    vb_puts(b, "  // the obvious widths: a 64-bit product, one guard bit on the sum\n");
    vb_puts(b, "  /* verilator lint_off UNUSED */\n  wire signed [63:0] product = w_value * a_value;\n");
    vb_printf(b, "  wire signed [%d:0] sum = {psum_i[%d], psum_i} + product[%d:0];\n", acc, acc - 1,
              acc);
    vb_puts(b, "  /* verilator lint_on UNUSED */\n");
    vb_puts(b, "  always @(posedge clk_i) begin\n    if (w_load_i) w_code_q <= w_code_i;\n  end\n");
    emit_table(b, d, true);
    emit_table(b, d, false);
    vb_puts(b, "  always @(posedge clk_i) begin\n    a_code_o <= a_code_i;\n");
    if (d->acc_mode == NB_ACC_SATURATE)
        vb_printf(b, "    if (sum[%d] != sum[%d]) psum_o <= {sum[%d], {%d{~sum[%d]}}};\n"
                     "    else psum_o <= sum[%d:0];\n",
                  acc, acc - 1, acc, acc - 1, acc, acc - 1);
    else
        vb_printf(b, "    psum_o <= sum[%d:0];  // wraps\n", acc - 1);
    vb_puts(b, "  end\nendmodule\n");
}
