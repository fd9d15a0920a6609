/* nibble_array: ROWS x COLS processing elements, activations flowing right,
 * partial sums flowing down. Inputs arrive already skewed (see nibble_top). */
#include <stdio.h>

#include "emit.h"

void emit_array(vbuf *b, const nb_design *d)
{
    int R = d->rows, C = d->cols;
    emit_header(b, d, "nibble_array.v",
                "Weight-stationary systolic array. PE(k, n) holds W[k][n]. Row k's activations\n"
                "enter at the left and move right one PE per cycle; column n's partial sum\n"
                "enters at the top and leaves at the bottom after ROWS PEs.\n"
                "Bus slots: a_bus slot k*(COLS+1)+n feeds PE(k, n) from the left; p_bus slot\n"
                "k*COLS+n feeds PE(k, n) from above.");
    vb_printf(b, "module nibble_array #(\n  parameter integer ROWS = %d,\n"
                 "  parameter integer COLS = %d\n) (\n",
              R, C);
    vb_puts(b, "  input  wire clk_i,\n");
    vb_puts(b, "  input  wire [ROWS-1:0] w_load_row_i,  // load enable per row\n");
    vb_printf(b, "  input  wire [COLS*%d-1:0] w_codes_i,  // column n at [n*%d +: %d]\n",
              d->w_code_bits, d->w_code_bits, d->w_code_bits);
    if (d->w_sel_bits)
        vb_printf(b, "  input  wire [%d:0] wfmt_sel_i,\n", d->w_sel_bits - 1);
    if (d->a_sel_bits)
        vb_printf(b, "  input  wire [%d:0] afmt_sel_i,\n", d->a_sel_bits - 1);
    vb_printf(b, "  input  wire [ROWS*%d-1:0] a_codes_i,  // row k at [k*%d +: %d], skewed\n",
              d->a_code_bits, d->a_code_bits, d->a_code_bits);
    if (d->tag_bits)
        vb_printf(b, "  input  wire [ROWS*%d-1:0] a_tags_i,   // OverQ tag of row k, skewed like the codes\n",
                  d->tag_bits);
    vb_printf(b, "  input  wire [COLS*%d-1:0] psum_i,     // top of column n, skewed\n",
              d->acc_bits);
    vb_printf(b, "  output wire [COLS*%d-1:0] psum_o      // bottom of column n\n);\n",
              d->acc_bits);
    vb_printf(b, "  localparam integer ACB = %d;  // activation code bits\n", d->a_code_bits);
    vb_printf(b, "  localparam integer WCB = %d;  // weight code bits\n", d->w_code_bits);
    vb_printf(b, "  localparam integer ACC = %d;  // accumulator bits\n", d->acc_bits);
    if (d->tag_bits) {
        vb_printf(b, "  localparam integer TW  = %d;  // OverQ tag bits\n", d->tag_bits);
        vb_printf(b, "  localparam integer WM  = %d;  // decoded weight bits\n", d->w_mant_bits);
    }
    vb_puts(b, "\n");
    vb_puts(b, "  // The rightmost column's activation outputs leave the array unused.\n");
    vb_puts(b, "  /* verilator lint_off UNUSED */\n");
    vb_puts(b, "  wire [ROWS*(COLS+1)*ACB-1:0] a_bus;\n");
    if (d->tag_bits) {
        vb_puts(b, "  wire [ROWS*(COLS+1)*TW-1:0] t_bus;    // tags, beside a_bus\n");
        vb_puts(b, "  // OverQ: slot k*COLS+n carries PE(k-1, n)'s decoded weight to PE(k, n); the\n"
                   "  // bottom row's weights go nowhere, the top row sees zeros.\n");
        vb_puts(b, "  wire [(ROWS+1)*COLS*WM-1:0] wm_bus;\n");
    }
    vb_puts(b, "  /* verilator lint_on UNUSED */\n");
    vb_puts(b, "  wire [(ROWS+1)*COLS*ACC-1:0] p_bus;\n\n");
    vb_puts(b, "  assign p_bus[0 +: COLS*ACC] = psum_i;\n");
    vb_puts(b, "  assign psum_o = p_bus[ROWS*COLS*ACC +: COLS*ACC];\n");
    if (d->tag_bits)
        vb_puts(b, "  assign wm_bus[0 +: COLS*WM] = {COLS*WM{1'b0}};\n");
    vb_puts(b, "\n");
    vb_puts(b, "  genvar k, n;\n  generate\n");
    vb_puts(b, "    for (k = 0; k < ROWS; k = k + 1) begin : g_row\n");
    vb_puts(b, "      assign a_bus[(k*(COLS+1))*ACB +: ACB] = a_codes_i[k*ACB +: ACB];\n");
    if (d->tag_bits)
        vb_puts(b, "      assign t_bus[(k*(COLS+1))*TW +: TW] = a_tags_i[k*TW +: TW];\n");
    vb_puts(b, "      for (n = 0; n < COLS; n = n + 1) begin : g_col\n");
    vb_puts(b, "        nibble_pe u_pe (\n");
    vb_puts(b, "          .clk_i    (clk_i),\n");
    vb_puts(b, "          .w_load_i (w_load_row_i[k]),\n");
    vb_puts(b, "          .w_code_i (w_codes_i[n*WCB +: WCB]),\n");
    if (d->w_sel_bits)
        vb_puts(b, "          .wfmt_sel_i(wfmt_sel_i),\n");
    if (d->a_sel_bits)
        vb_puts(b, "          .afmt_sel_i(afmt_sel_i),\n");
    vb_puts(b, "          .a_code_i (a_bus[(k*(COLS+1)+n)*ACB +: ACB]),\n");
    vb_puts(b, "          .a_code_o (a_bus[(k*(COLS+1)+n+1)*ACB +: ACB]),\n");
    if (d->tag_bits) {
        vb_puts(b, "          .a_tag_i  (t_bus[(k*(COLS+1)+n)*TW +: TW]),\n");
        vb_puts(b, "          .a_tag_o  (t_bus[(k*(COLS+1)+n+1)*TW +: TW]),\n");
        vb_puts(b, "          .w_mant_above_i(wm_bus[(k*COLS+n)*WM +: WM]),\n");
        vb_puts(b, "          .w_mant_o (wm_bus[((k+1)*COLS+n)*WM +: WM]),\n");
    }
    vb_puts(b, "          .psum_i   (p_bus[(k*COLS+n)*ACC +: ACC]),\n");
    vb_puts(b, "          .psum_o   (p_bus[((k+1)*COLS+n)*ACC +: ACC])\n");
    vb_puts(b, "        );\n      end\n    end\n  endgenerate\nendmodule\n");
}
