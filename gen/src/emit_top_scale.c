/* The scale stage inside nibble_top of a block-scaled design (gen/README.md,
 * "Block-scaled designs"): per column, the block term (nibble_scale_col, or
 * nibble_scale_prod and nibble_f32_round with a register between them) and
 * the binary32 addition into the accumulator (nibble_f32_add, or its steps
 * nibble_f32_add_align, nibble_f32_add_sum and nibble_f32_round with
 * registers between them), as many cycles as --scale-stages says. */
#include <stdbool.h>

#include "emit.h"

/* The addition's first cycle: the accumulator (facc_i, or out_facc_o with
 * facc_fwd_i) and the registered term. With one add cycle it is the whole
 * nibble_f32_add. */
static void emit_add_stages(vbuf *b, int da)
{
    if (da == 1) {
        vb_puts(b, "      nibble_f32_add u_add (.a_i(facc_src[n*32 +: 32]), .b_i(term_q[n*32 +: 32]),\n"
                   "                            .sum_o(facc_next[n*32 +: 32]));\n");
        return;
    }
    vb_puts(b, "      // addition, cycle 1: order, exponent difference and specials\n"
               "      wire [26:0] x_ext, y_ext;\n      wire [4:0]  shift;\n"
               "      wire        x_sign, y_sign, add_special, add_nan, add_inf_sign;\n"
               "      wire signed [13:0] add_exp;\n"
               "      nibble_f32_add_align u_align (.a_i(facc_src[n*32 +: 32]), .b_i(term_q[n*32 +: 32]),\n"
               "                                    .x_ext_o(x_ext), .y_ext_o(y_ext), .shift_o(shift),\n"
               "                                    .x_sign_o(x_sign), .y_sign_o(y_sign), .exp_o(add_exp),\n"
               "                                    .special_o(add_special), .nan_o(add_nan),\n"
               "                                    .inf_sign_o(add_inf_sign));\n");
    /* nibble_f32_add_sum reads the first cycle's wires, or (3 add cycles) their
     * registered copies al_*_q */
    bool reg1 = da == 3;
    if (reg1) {
        vb_puts(b, "      // register: the addition's cycle 1 | cycle 2\n"
                   "      reg  [26:0] al_x_ext_q, al_y_ext_q;\n      reg  [4:0]  al_shift_q;\n"
                   "      reg         al_x_sign_q, al_y_sign_q, al_special_q, al_nan_q, al_inf_sign_q;\n"
                   "      reg  signed [13:0] al_exp_q;\n"
                   "      always @(posedge clk_i)\n"
                   "        begin\n"
                   "          al_x_ext_q <= x_ext;     al_y_ext_q <= y_ext;     al_shift_q <= shift;\n"
                   "          al_x_sign_q <= x_sign;   al_y_sign_q <= y_sign;   al_exp_q <= add_exp;\n"
                   "          al_special_q <= add_special; al_nan_q <= add_nan;\n"
                   "          al_inf_sign_q <= add_inf_sign;\n"
                   "        end\n");
    }
    const char *p = reg1 ? "al_" : "", *q = reg1 ? "_q" : "";
    vb_printf(b, "      // addition, cycle %d: alignment and the exact-enough sum\n", da - 1);
    vb_puts(b, "      wire        sum_sign;\n      wire [27:0] sum_mag;\n");
    vb_printf(b, "      nibble_f32_add_sum u_sum (.x_ext_i(%sx_ext%s), .y_ext_i(%sy_ext%s),\n"
                 "                                .shift_i(%sshift%s), .x_sign_i(%sx_sign%s),\n"
                 "                                .y_sign_i(%sy_sign%s), .sign_o(sum_sign), .mag_o(sum_mag));\n",
              p, q, p, q, p, q, p, q, p, q);
    vb_printf(b, "      // register: the addition's cycle %d | cycle %d (the rounding)\n", da - 1, da);
    vb_puts(b, "      reg         as_sign_q, as_special_q, as_nan_q, as_inf_sign_q;\n"
               "      reg  [27:0] as_mag_q;\n      reg  signed [13:0] as_exp_q;\n"
               "      always @(posedge clk_i)\n");
    vb_puts(b, "        begin\n");
    const char *r = reg1 ? "al_" : "add_";
    vb_printf(b, "          as_sign_q <= sum_sign;   as_mag_q <= sum_mag;   as_exp_q <= %sexp%s;\n"
                 "          as_special_q <= %sspecial%s; as_nan_q <= %snan%s;\n"
                 "          as_inf_sign_q <= %sinf_sign%s;\n"
                 "        end\n", r, q, r, q, r, q, r, q);
    vb_printf(b, "      // addition, cycle %d: the one rounding of the sum\n", da);
    vb_puts(b, "      wire [31:0] sum_rounded;\n"
               "      nibble_f32_round #(.XW(28)) u_add_round (.sign_i(as_sign_q), .mag_i(as_mag_q),\n"
               "                                               .exp_i(as_exp_q), .f32_o(sum_rounded));\n"
               "      assign facc_next[n*32 +: 32] = !as_special_q ? sum_rounded\n"
               "                                   : as_nan_q ? 32'h7FC00000 : {as_inf_sign_q, 8'hFF, 23'd0};\n");
}

void emit_top_scale_stage(vbuf *b, const nb_design *d)
{
    int C = d->cols, dt = d->scale_term_stages, da = d->scale_add_stages;
    vb_printf(b, "\n  // ---- Scale stage, %d cycles (gen/README.md, Block-scaled designs). A block\n"
                 "  // scaled in cycle s (its sum on out_psum_o, scale_en_i with the scales):\n",
              d->scale_latency);
    if (dt == 1)
        vb_puts(b, "  // cycle s: the block term, rounded to binary32, into term_q;\n");
    else
        vb_puts(b, "  // cycle s: the exact product of the block sum and the scales, registered;\n"
                   "  // cycle s + 1: its rounding to binary32 (the block term) into term_q;\n");
    if (da == 1)
        vb_printf(b, "  // cycle s + %d: term_q + the accumulator (facc_i, or with facc_fwd_i the\n"
                     "  // value on out_facc_o), rounded, into out_facc_o: valid in s + %d.\n",
                  dt, d->scale_latency);
    else
        vb_printf(b, "  // cycles s + %d .. s + %d: term_q + the accumulator (facc_i, or with\n"
                     "  // facc_fwd_i the value on out_facc_o, both read in cycle s + %d only),\n"
                     "  // %s, rounded;\n"
                     "  // out_facc_o valid in s + %d.\n",
                  dt, d->scale_latency - 1, dt,
                  da == 2 ? "ordered, aligned and added, registered"
                          : "ordered, registered, aligned and added, registered",
                  d->scale_latency);
    vb_printf(b, "  wire [%d:0] term_next, facc_next;\n  reg  [%d:0] term_q;\n  reg  term_valid_q;\n",
              C * 32 - 1, C * 32 - 1);
    vb_printf(b, "  // forwarding: the previous block of the same outputs, scaled %d cycle(s)\n"
                 "  // earlier, comes straight from the output register\n", da);
    vb_printf(b, "  wire [%d:0] facc_src = facc_fwd_i ? out_facc_o : facc_i;\n", C * 32 - 1);
    vb_puts(b, "  wire scale_fire = rst_ni && out_valid_o && scale_en_i;\n");
    if (dt == 2)
        vb_puts(b, "  reg  prod_valid_q;\n  wire term_fire = rst_ni && prod_valid_q;\n");
    else
        vb_puts(b, "  wire term_fire = scale_fire;\n");
    vb_puts(b, "  wire add_fire = rst_ni && term_valid_q;    // the addition's first cycle\n");
    if (da == 3)
        vb_puts(b, "  reg  align_valid_q;\n  wire sum_fire = rst_ni && align_valid_q;\n");
    if (da >= 2)
        vb_puts(b, "  reg  sum_valid_q;\n  wire out_fire = rst_ni && sum_valid_q;\n");
    else
        vb_puts(b, "  wire out_fire = add_fire;\n");
    if (d->scale_latency > 2)
        vb_puts(b, "  // The data registers inside the stage load every cycle, without enable: an\n"
                   "  // enable would be one signal driving every bit, the design's slowest path.\n");
    vb_puts(b, "  genvar n;\n  generate\n    for (n = 0; n < COLS; n = n + 1) begin : g_scale\n");
    if (dt == 1) {
        vb_printf(b, "      nibble_scale_col u_term (\n"
                     "        .psum_i   (out_psum_o[n*ACC +: ACC]),\n"
                     "        .w_scale_i(w_scales_i[n*%d +: %d]),\n"
                     "        .a_scale_i(a_scale_i),\n"
                     "        .term_o   (term_next[n*32 +: 32])\n      );\n",
                  d->w_scale_bits, d->w_scale_bits);
    } else {
        int mb = emit_scale_mag_bits(d);
        vb_puts(b, "      // term, cycle 1: the exact product\n");
        vb_printf(b, "      wire        prod_sign, prod_special, prod_nan;\n"
                     "      wire [%d:0] prod_mag;\n      wire signed [13:0] prod_exp;\n", mb - 1);
        vb_printf(b, "      nibble_scale_prod u_prod (.psum_i(out_psum_o[n*ACC +: ACC]),\n"
                     "                                .w_scale_i(w_scales_i[n*%d +: %d]), .a_scale_i(a_scale_i),\n"
                     "                                .sign_o(prod_sign), .mag_o(prod_mag), .exp_o(prod_exp),\n"
                     "                                .special_o(prod_special), .nan_o(prod_nan));\n",
                  d->w_scale_bits, d->w_scale_bits);
        vb_puts(b, "      // register: the term's cycle 1 | cycle 2 (the rounding)\n");
        vb_printf(b, "      reg         prod_sign_q, prod_special_q, prod_nan_q;\n"
                     "      reg  [%d:0] prod_mag_q;\n      reg  signed [13:0] prod_exp_q;\n", mb - 1);
        vb_puts(b, "      always @(posedge clk_i)\n"
                   "        begin\n"
                   "          prod_sign_q <= prod_sign;  prod_mag_q <= prod_mag;  prod_exp_q <= prod_exp;\n"
                   "          prod_special_q <= prod_special;  prod_nan_q <= prod_nan;\n"
                   "        end\n");
        vb_printf(b, "      wire [31:0] term_rounded;\n"
                     "      nibble_f32_round #(.XW(%d)) u_term_round (.sign_i(prod_sign_q), .mag_i(prod_mag_q),\n"
                     "                                                .exp_i(prod_exp_q), .f32_o(term_rounded));\n"
                     "      assign term_next[n*32 +: 32] = !prod_special_q ? term_rounded\n"
                     "                                   : prod_nan_q ? 32'h7FC00000 : {prod_sign_q, 8'hFF, 23'd0};\n",
                  mb);
    }
    emit_add_stages(b, da);
    vb_puts(b, "    end\n  endgenerate\n");
    vb_puts(b, "  always @(posedge clk_i) begin\n");
    if (dt == 2)
        vb_puts(b, "    prod_valid_q     <= scale_fire;\n");
    vb_puts(b, "    term_valid_q     <= term_fire;\n");
    vb_puts(b, "    term_q           <= term_next;  // read only when term_valid_q\n");
    if (da == 3)
        vb_puts(b, "    align_valid_q    <= add_fire;\n    sum_valid_q      <= sum_fire;\n");
    else if (da == 2)
        vb_puts(b, "    sum_valid_q      <= add_fire;\n");
    vb_puts(b, "    out_facc_valid_o <= out_fire;\n");
    vb_printf(b, "    out_facc_o       <= out_fire ? facc_next : {%d{1'b0}};\n  end\n", C * 32);
}
