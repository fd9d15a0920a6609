/* The fixed-point scale stage of an E8M0 x E8M0 block-scaled design
 * (--scale-acc fixed:BITS:LSB:MODE; gen/README.md, "Fixed-point
 * accumulator"): per column, the block sum shifted by the sum of the two
 * scale exponents into a BITS-bit register whose LSB weighs 2^LSB, wrapped or
 * saturated, and the register converted to binary32 (round to nearest
 * even): nb_block_gemm_fixed of the golden library, bit for bit.
 *
 * Modules: nibble_fixed_term (NaN scale codes, the exponent add and the
 * barrel shift of the block sum) and nibble_fixed_add (the register
 * addition, wrap or saturation, NaN flag, and the binary32 conversion by
 * nibble_f32_round); nibble_top registers between them. */
#include <stdio.h>

#include "emit.h"

/* Shift counts fit 14 bits signed: |ew + ea - 254 - F - LSB| < 1000. */
#define SH_BITS 14

/* Width of the term register: a left shift is fitted to BITS, a right shift
 * keeps the block sum's ACC bits (the golden fits only the sum). */
int emit_fixed_term_bits(const nb_design *d)
{
    return d->fixed.bits > d->acc_bits ? d->fixed.bits : d->acc_bits;
}

static int clog2(int v)
{
    int n = 0;
    while ((1 << n) < v)
        n++;
    return n < 1 ? 1 : n;
}

void emit_fixed_term(vbuf *b, const nb_design *d)
{
    int acc = d->acc_bits, bits = d->fixed.bits, tw = emit_fixed_term_bits(d), ww = acc + bits;
    int frac = d->w_grid_frac + d->a_grid_frac, k = 2 * 127 + frac + d->fixed.lsb_exp;
    bool sat = d->fixed.mode == NB_ACC_SATURATE;
    int lw = clog2(bits), rw = clog2(acc);
    char purpose[1200];
    snprintf(purpose, sizeof purpose,
             "Block term of the fixed-point accumulator: psum_i (the exact integer sum of one\n"
             "K-block on the product grid 2^-%d) times 2^(ew - 127) * 2^(ea - 127) (E8M0\n"
             "scale codes), on the register's grid 2^%d: psum_i * 2^s with\n"
             "s = ew + ea - %d. A left shift (s >= 0) is %s to %d bits; a right shift\n"
             "truncates toward minus infinity (arithmetic shift) and is not fitted\n"
             "(nb_block_fixed_shifted). nan_o: a scale code is 0xFF. term_o is signed,\n"
             "%d bits. Combinational.",
             frac, d->fixed.lsb_exp, k, sat ? "saturated" : "wrapped", bits, tw);
    emit_header(b, d, "nibble_fixed_term.v", purpose);
    vb_printf(b,
              "module nibble_fixed_term (\n"
              "  input  wire [%d:0] psum_i,     // signed block sum\n"
              "  input  wire [7:0]  w_scale_i,  // E8M0\n"
              "  input  wire [7:0]  a_scale_i,  // E8M0\n"
              "  output wire [%d:0] term_o,     // signed, LSB 2^%d\n"
              "  output wire        nan_o\n"
              ");\n",
              acc - 1, tw - 1, d->fixed.lsb_exp);
    vb_puts(b, "  assign nan_o = (w_scale_i == 8'hFF) || (a_scale_i == 8'hFF);\n");
    vb_printf(b, "  // s = (ew - 127) + (ea - 127) - %d (grid) - (%d) (register LSB)\n", frac,
              d->fixed.lsb_exp);
    vb_printf(b, "  wire signed [%d:0] s = $signed({%d'd0, w_scale_i}) + $signed({%d'd0, a_scale_i}) %s %d'sd%d;\n",
              SH_BITS - 1, SH_BITS - 8, SH_BITS - 8, k >= 0 ? "-" : "+", SH_BITS, k >= 0 ? k : -k);
    vb_printf(b, "  wire               neg = psum_i[%d];\n", acc - 1);
    vb_printf(b, "  wire signed [%d:0] r = -s;\n", SH_BITS - 1);
    vb_printf(b, "  // right: an arithmetic shift by %d or more leaves only sign bits\n", acc - 1);
    vb_printf(b, "  wire [%d:0] rsh = (r >= %d'sd%d) ? %d'd%d : r[%d:0];\n", rw - 1, SH_BITS, acc - 1,
              rw, acc - 1, rw - 1);
    vb_printf(b, "  wire signed [%d:0] right = $signed(psum_i) >>> rsh;\n", acc - 1);
    vb_printf(b, "  // left: exact in %d bits for s < %d; from s = %d on, no bit of a nonzero\n"
                 "  // sum stays in the register (%s)\n",
              ww, bits, bits, sat ? "saturation" : "wrapped to 0");
    vb_printf(b, "  wire               big = (s >= %d'sd%d);\n", SH_BITS, bits);
    vb_printf(b, "  wire [%d:0] lsh = s[%d:0];\n", lw - 1, lw - 1);
    vb_printf(b, "  wire [%d:0] wide = {{%d{neg}}, psum_i} << lsh;\n", ww - 1, bits);
    if (!sat) {
        vb_printf(b, "  wire [%d:0] left = big ? %d'd0 : wide[%d:0];\n", bits - 1, bits, bits - 1);
    } else {
        vb_printf(b, "  // fits when the bits above the register's sign bit are all copies of it\n"
                     "  wire        fits = !big && ((wide[%d:%d] == {%d{1'b0}}) || (wide[%d:%d] == {%d{1'b1}}));\n",
                  ww - 1, bits - 1, acc + 1, ww - 1, bits - 1, acc + 1);
        vb_printf(b, "  wire        zero = (psum_i == %d'd0);\n", acc);
        vb_printf(b, "  wire [%d:0] left = zero ? %d'd0 : fits ? wide[%d:0]\n"
                     "                   : neg ? {1'b1, {%d{1'b0}}} : {1'b0, {%d{1'b1}}};\n",
                  bits - 1, bits, bits - 1, bits - 1, bits - 1);
    }
    /* sign-extended to the term's width (no replication of zero copies) */
    char rx[64] = "right", lx[64] = "left";
    if (tw > acc)
        snprintf(rx, sizeof rx, "{{%d{right[%d]}}, right}", tw - acc, acc - 1);
    if (tw > bits)
        snprintf(lx, sizeof lx, "{{%d{left[%d]}}, left}", tw - bits, bits - 1);
    vb_printf(b, "  assign term_o = s[%d] ? %s : %s;\n", SH_BITS - 1, rx, lx);
    vb_puts(b, "  // the shift amounts' high bits are covered by the range compares\n"
               "  /* verilator lint_off UNUSED */\n");
    vb_printf(b, "  wire unused_ok = |{r[%d:%d], s[%d:%d]", SH_BITS - 1, rw, SH_BITS - 1, lw);
    if (!sat)
        vb_printf(b, ", wide[%d:%d]", ww - 1, bits);
    vb_puts(b, "};\n");
    vb_puts(b, "  /* verilator lint_on UNUSED */\nendmodule\n");
}

/* The register addition: wrap or saturate, the sticky NaN flag. */
void emit_fixed_sum(vbuf *b, const nb_design *d)
{
    int bits = d->fixed.bits, tw = emit_fixed_term_bits(d), fb = d->facc_bits;
    bool sat = d->fixed.mode == NB_ACC_SATURATE;
    char purpose[1200];
    snprintf(purpose, sizeof purpose,
             "Addition of the fixed-point accumulator: acc_o = acc_i + term_i %s to %d bits\n"
             "(nb_acc_fit), or acc_i unchanged when term_nan_i; the NaN flag (bit %d of\n"
             "acc_i / acc_o) is sticky. Combinational.",
             sat ? "saturated" : "wrapped", bits, bits);
    emit_header(b, d, "nibble_fixed_sum.v", purpose);
    vb_printf(b,
              "module nibble_fixed_sum (\n"
              "  input  wire [%d:0] acc_i,       // {NaN flag, two's complement register}\n"
              "  input  wire [%d:0] term_i,      // signed block term (nibble_fixed_term)\n"
              "  input  wire        term_nan_i,\n"
              "  output wire [%d:0] acc_o\n"
              ");\n",
              fb - 1, tw - 1, fb - 1);
    vb_printf(b, "  // exact in %d bits: the register is %d bits, the term %d\n", tw + 1, bits, tw);
    vb_printf(b, "  wire [%d:0] sum = {{%d{acc_i[%d]}}, acc_i[%d:0]} + {term_i[%d], term_i};\n", tw,
              tw + 1 - bits, bits - 1, bits - 1, tw - 1);
    if (sat) {
        vb_printf(b, "  wire        fits = (sum[%d:%d] == {%d{1'b0}}) || (sum[%d:%d] == {%d{1'b1}});\n",
                  tw, bits - 1, tw - bits + 2, tw, bits - 1, tw - bits + 2);
        vb_printf(b, "  wire [%d:0] fitted = fits ? sum[%d:0] : sum[%d] ? {1'b1, {%d{1'b0}}}\n"
                     "                                          : {1'b0, {%d{1'b1}}};\n",
                  bits - 1, bits - 1, tw, bits - 1, bits - 1);
    } else {
        vb_printf(b, "  wire [%d:0] fitted = sum[%d:0];  // wrap: the low bits\n", bits - 1, bits - 1);
    }
    vb_printf(b, "  wire [%d:0] acc_new = term_nan_i ? acc_i[%d:0] : fitted;\n", bits - 1, bits - 1);
    vb_printf(b, "  wire        nan_new = acc_i[%d] | term_nan_i;\n", bits);
    vb_puts(b, "  assign acc_o = {nan_new, acc_new};\n");
    if (!sat) {
        vb_printf(b, "  /* verilator lint_off UNUSED */\n  wire unused_ok = |sum[%d:%d];\n"
                     "  /* verilator lint_on UNUSED */\n", tw, bits);
    }
    vb_puts(b, "endmodule\n");
}

/* The register's binary32 value. */
void emit_fixed_f32(vbuf *b, const nb_design *d)
{
    int bits = d->fixed.bits, fb = d->facc_bits, lsb = d->fixed.lsb_exp;
    char purpose[1200];
    snprintf(purpose, sizeof purpose,
             "Conversion of the fixed-point accumulator: f32_o = RNE_fp32(acc_i * 2^%d) by\n"
             "nibble_f32_round (exact below 2^24 LSBs, round to nearest even above), the\n"
             "quiet NaN 0x7FC00000 when the NaN flag (bit %d) is set (nb_block_fixed_out).\n"
             "Combinational.",
             lsb, bits);
    emit_header(b, d, "nibble_fixed_f32.v", purpose);
    vb_printf(b,
              "module nibble_fixed_f32 (\n"
              "  input  wire [%d:0] acc_i,       // {NaN flag, two's complement register}\n"
              "  output wire [31:0] f32_o\n"
              ");\n",
              fb - 1);
    vb_puts(b, "  // |acc| (2^(BITS-1) fits unsigned) times 2^LSB\n");
    vb_printf(b, "  wire        neg = acc_i[%d];\n", bits - 1);
    vb_printf(b, "  wire [%d:0] mag = neg ? (~acc_i[%d:0] + %d'd1) : acc_i[%d:0];\n", bits - 1, bits - 1,
              bits, bits - 1);
    vb_puts(b, "  wire [31:0] rounded;\n");
    /* nibble_f32_round takes 3 bits or more: a narrower register is zero-extended */
    int xw = bits < 3 ? 3 : bits;
    char mag[64] = "mag";
    if (xw > bits)
        snprintf(mag, sizeof mag, "{%d'd0, mag}", xw - bits);
    vb_printf(b, "  nibble_f32_round #(.XW(%d)) u_round (.sign_i(neg), .mag_i(%s), .exp_i(%s14'sd%d),\n"
                 "                                       .f32_o(rounded));\n",
              xw, mag, lsb < 0 ? "-" : "", lsb < 0 ? -lsb : lsb);
    vb_printf(b, "  assign f32_o = acc_i[%d] ? 32'h7FC00000 : rounded;\n", bits);
    vb_puts(b, "endmodule\n");
}

void emit_fixed_add(vbuf *b, const nb_design *d)
{
    int tw = emit_fixed_term_bits(d), fb = d->facc_bits;
    emit_header(b, d, "nibble_fixed_add.v",
                "Addition and conversion of the fixed-point accumulator in one cycle:\n"
                "nibble_fixed_sum, then nibble_fixed_f32 of its result. Combinational.");
    vb_printf(b,
              "module nibble_fixed_add (\n"
              "  input  wire [%d:0] acc_i,       // {NaN flag, two's complement register}\n"
              "  input  wire [%d:0] term_i,      // signed block term (nibble_fixed_term)\n"
              "  input  wire        term_nan_i,\n"
              "  output wire [%d:0] acc_o,\n"
              "  output wire [31:0] f32_o\n"
              ");\n"
              "  nibble_fixed_sum u_sum (.acc_i(acc_i), .term_i(term_i), .term_nan_i(term_nan_i),\n"
              "                          .acc_o(acc_o));\n"
              "  nibble_fixed_f32 u_f32 (.acc_i(acc_o), .f32_o(f32_o));\n"
              "endmodule\n",
              fb - 1, tw - 1, fb - 1);
}

/* The stage inside nibble_top: cycle s the term (registered in term_q);
 * with 2 cycles, cycle s + 1 the addition and conversion (registered in
 * out_facc_o and out_f32_o); with 3, cycle s + 1 the addition (into sum_q)
 * and cycle s + 2 the conversion. The protocol of the binary32 stage with
 * Dt = 1 and Da = scale_add_stages. */
void emit_top_scale_fixed(vbuf *b, const nb_design *d)
{
    int C = d->cols, tw = emit_fixed_term_bits(d), fb = d->facc_bits, da = d->scale_add_stages;
    vb_printf(b, "\n  // ---- Scale stage, fixed-point accumulator %s, %d cycles\n"
                 "  // (gen/README.md, Fixed-point accumulator). A block scaled in cycle s (its\n"
                 "  // sum on out_psum_o, scale_en_i with the scales):\n"
                 "  // cycle s: the block sum shifted by the scale exponents into term_q;\n"
                 "  // cycle s + 1: term_q + the register (facc_i, or with facc_fwd_i the value\n"
                 "  // on out_facc_o), wrapped or saturated, %s\n"
                 "  // value into out_f32_o: valid in s + %d.\n",
              d->scale_acc_spec, d->scale_latency,
              da == 1 ? "into out_facc_o, and its binary32"
                      : "into sum_q;\n  // cycle s + 2: sum_q into out_facc_o, and its binary32",
              d->scale_latency);
    vb_printf(b, "  localparam integer TW = %d;  // term bits\n  localparam integer FB = %d;  // register + NaN flag\n",
              tw, fb);
    vb_puts(b, "  wire [COLS*TW-1:0] term_next;\n  wire [COLS-1:0] term_nan_next;\n"
               "  reg  [COLS*TW-1:0] term_q;\n  reg  [COLS-1:0] term_nan_q;\n  reg  term_valid_q;\n"
               "  wire [COLS*FB-1:0] facc_next;\n  wire [COLS*32-1:0] f32_next;\n");
    if (da == 2)
        vb_puts(b, "  reg  [COLS*FB-1:0] sum_q;\n  reg  sum_valid_q;\n");
    vb_printf(b, "  // forwarding: the previous block of the same outputs, scaled %d cycle(s)\n"
                 "  // earlier, comes straight from the output register\n", da);
    vb_puts(b, "  wire [COLS*FB-1:0] facc_src = facc_fwd_i ? out_facc_o : facc_i;\n");
    vb_puts(b, "  wire scale_fire = rst_ni && out_valid_o && scale_en_i;\n"
               "  wire add_fire = rst_ni && term_valid_q;\n");
    vb_puts(b, da == 1 ? "  wire out_fire = add_fire;\n" : "  wire out_fire = rst_ni && sum_valid_q;\n");
    vb_puts(b, "  genvar n;\n  generate\n    for (n = 0; n < COLS; n = n + 1) begin : g_scale\n");
    vb_puts(b, "      nibble_fixed_term u_term (.psum_i(out_psum_o[n*ACC +: ACC]),\n"
               "                                .w_scale_i(w_scales_i[n*8 +: 8]), .a_scale_i(a_scale_i),\n"
               "                                .term_o(term_next[n*TW +: TW]), .nan_o(term_nan_next[n]));\n");
    if (da == 1)
        vb_puts(b, "      nibble_fixed_add u_add (.acc_i(facc_src[n*FB +: FB]), .term_i(term_q[n*TW +: TW]),\n"
                   "                              .term_nan_i(term_nan_q[n]), .acc_o(facc_next[n*FB +: FB]),\n"
                   "                              .f32_o(f32_next[n*32 +: 32]));\n");
    else
        vb_puts(b, "      wire [FB-1:0] sum_next;\n"
                   "      nibble_fixed_sum u_sum (.acc_i(facc_src[n*FB +: FB]), .term_i(term_q[n*TW +: TW]),\n"
                   "                              .term_nan_i(term_nan_q[n]), .acc_o(sum_next));\n"
                   "      always @(posedge clk_i) sum_q[n*FB +: FB] <= sum_next;  // read only when sum_valid_q\n"
                   "      assign facc_next[n*FB +: FB] = sum_q[n*FB +: FB];\n"
                   "      nibble_fixed_f32 u_f32 (.acc_i(sum_q[n*FB +: FB]), .f32_o(f32_next[n*32 +: 32]));\n");
    vb_puts(b, "    end\n  endgenerate\n");
    vb_puts(b, "  always @(posedge clk_i) begin\n"
               "    term_valid_q     <= scale_fire;\n"
               "    term_q           <= term_next;  // read only when term_valid_q\n"
               "    term_nan_q       <= term_nan_next;\n");
    if (da == 2)
        vb_puts(b, "    sum_valid_q      <= add_fire;\n");
    vb_puts(b, "    out_facc_valid_o <= out_fire;\n");
    vb_printf(b, "    out_facc_o       <= out_fire ? facc_next : {%d{1'b0}};\n"
                 "    out_f32_o        <= out_fire ? f32_next : {%d{1'b0}};\n  end\n",
              C * fb, C * 32);
}
