/* The scale stage of a block-scaled design (gen/README.md, "Block-scaled
 * designs"): per column, the exact integer sum of one K-block times the
 * product of the weight and activation block scales, rounded once to IEEE
 * binary32, plus one binary32 addition into the output's accumulator, both
 * round to nearest even: the arithmetic of nb_block_gemm (num/README.md,
 * "Block-scaled arithmetic"), bit for bit.
 *
 * Modules, each combinational, cut where nibble_top may put pipeline
 * registers (--scale-stages): nibble_f32_round (an unsigned integer times a
 * power of two rounded to binary32); nibble_f32_add_align (operand order,
 * exponent difference, specials), nibble_f32_add_sum (alignment and the
 * exact-enough sum) and nibble_f32_add (the three in a row); nibble_scale_prod
 * (scale decode and the exact product of the block sum and the scales) and
 * nibble_scale_col (the product rounded: the block term). */
#include <stdio.h>

#include "emit.h"

/* Scale exponents, block-term exponents and their sums fit 14 bits signed:
 * E8M0 x E8M0 reaches +-254, minus the element grids' fraction bits. */
#define EXP_BITS 14

void emit_f32_round(vbuf *b, const nb_design *d)
{
    emit_header(b, d, "nibble_f32_round.v",
                "Rounds sign * mag_i * 2^exp_i to IEEE binary32, round to nearest, ties to\n"
                "even, with gradual underflow and overflow to infinity: the one rounding of\n"
                "nb_f32_round_scaled (num/src/f32_round.c). Combinational.");
    vb_printf(b,
              "module nibble_f32_round #(\n"
              "  parameter integer XW = 8  // width of the unsigned magnitude\n"
              ") (\n"
              "  input  wire          sign_i,\n"
              "  input  wire [XW-1:0] mag_i,\n"
              "  input  wire signed [%d:0] exp_i,  // value = mag_i * 2^exp_i\n"
              "  output reg  [31:0]   f32_o\n"
              ");\n", EXP_BITS - 1);
    vb_puts(b,
            "  localparam integer YW = XW + 24;\n"
            "  // a shift of YW or more leaves nothing: the shifter needs only SHW bits\n"
            "  localparam integer SHW = $clog2(YW + 1);\n"
            "  localparam integer YW_INT = YW;\n"
            "  localparam [15:0] YW16 = YW_INT[15:0];\n"
            "  // lead: index of the leading one of mag_i; e: the value lies in [2^e, 2^(e+1));\n"
            "  // the result's quantum is 2^(e-23), or 2^-149 below the normal range;\n"
            "  // sh: how far {mag_i, 24'b0} shifts right so that bit 0 is the rounding bit:\n"
            "  // quantum - exp_i + 23, that is lead for a normal result and\n"
            "  // sub_sh = -126 - exp_i for a subnormal one (sub_sh > lead exactly when\n"
            "  // e < -126), so no adder lies between the leading one and the shifter.\n"
            "  reg        [15:0]   lead;\n"
            "  reg signed [15:0]   exp_w, e, sub_sh;\n"
            "  reg                 subnormal;\n"
            "  reg        [SHW-1:0] sh;\n"
            "  reg        [YW-1:0] y, kept, below;\n"
            "  reg        [24:0]   m, m_rounded;\n"
            "  reg        [8:0]    e_field;\n"
            "  reg        [31:0]   bits;\n"
            "  integer            i;\n"
            "  always @* begin\n"
            "    lead = 16'd0;\n"
            "    for (i = 0; i < XW; i = i + 1)\n"
            "      if (mag_i[i]) lead = i[15:0];\n");
    vb_printf(b, "    exp_w = {{%d{exp_i[%d]}}, exp_i};\n", 16 - EXP_BITS, EXP_BITS - 1);
    vb_puts(b,
            "    e = $signed(lead) + exp_w;\n"
            "    sub_sh = -16'sd126 - exp_w;\n"
            "    subnormal = sub_sh > $signed(lead);\n"
            "    sh = !subnormal ? lead[SHW-1:0]\n"
            "       : (sub_sh > $signed(YW16)) ? YW16[SHW-1:0] : sub_sh[SHW-1:0];\n"
            "    y = {mag_i, 24'd0};\n"
            "    kept = y >> sh;                        // kept[0] is the rounding bit\n"
            "    below = y & ~({YW{1'b1}} << sh);       // the sticky bits under it\n"
            "    m = kept[25:1];                        // < 2^24 before rounding\n"
            "    m_rounded = m + {24'd0, kept[0] & ((|below) | m[0])};\n"
            "    // Exponent field and significand in one addition: (e + 126) * 2^23 + m is\n"
            "    // the binary32 pattern of a normal m * 2^(e-23) (m in [2^23, 2^24)), 0 + m\n"
            "    // that of a subnormal m * 2^-149, and a carry to 2^24 bumps the exponent.\n"
            "    e_field = subnormal ? 9'd0 : e[8:0] + 9'd126;\n"
            "    bits = {e_field, 23'd0} + {7'd0, m_rounded};\n"
            "    if (mag_i == {XW{1'b0}})\n"
            "      f32_o = {sign_i, 31'd0};\n"
            "    else if (e > 16'sd127)\n"
            "      f32_o = {sign_i, 8'hFF, 23'd0};        // overflow: infinity\n"
            "    else\n"
            "      f32_o = {sign_i, bits[30:0]};          // bits[31] is 0 here\n"
            "  end\n"
            "  // kept's high bits, bits[31] and e's high bits are 0 or unused by construction\n"
            "  /* verilator lint_off UNUSED */\n"
            "  wire unused_ok = |{kept[YW-1:26], bits[31], e[15:9], sub_sh[15:SHW], lead[15:SHW],\n"
            "                     YW16[15:SHW]};\n"
            "  /* verilator lint_on UNUSED */\n"
            "endmodule\n");
}

/* The addition's three steps, each a module so that nibble_top can register
 * between them: align (which operand is larger, the exponent difference, the
 * special results), sum (align the smaller operand, add or subtract) and
 * nibble_f32_round. The special result travels as two bits (NaN, or an
 * infinity of the sign inf_sign). */
void emit_f32_add_align(vbuf *b, const nb_design *d)
{
    emit_header(b, d, "nibble_f32_add_align.v",
                "First step of the binary32 addition nibble_f32_add: orders the operands by\n"
                "magnitude, unpacks them with three guard bits and computes the alignment\n"
                "shift and the exponent of the sum's LSB. special_o says the sum is not\n"
                "rounded: the quiet NaN (nan_o: a NaN operand or inf - inf) or the infinity\n"
                "of sign inf_sign_o (an infinite operand). Combinational.");
    vb_printf(b,
              "module nibble_f32_add_align (\n"
              "  input  wire [31:0] a_i,\n"
              "  input  wire [31:0] b_i,\n"
              "  output wire [26:0] x_ext_o,     // larger magnitude: hidden bit, fraction, 3 zeros\n"
              "  output wire [26:0] y_ext_o,     // the other operand, not yet aligned\n"
              "  output wire [4:0]  shift_o,     // how far y_ext_o shifts right (27: all gone)\n"
              "  output wire        x_sign_o,\n"
              "  output wire        y_sign_o,\n"
              "  output wire signed [%d:0] exp_o,  // x_ext_o's LSB weighs 2^exp_o\n"
              "  output wire        special_o,\n"
              "  output wire        nan_o,\n"
              "  output wire        inf_sign_o\n"
              ");\n"
              "  wire a_nan = (a_i[30:23] == 8'hFF) && (a_i[22:0] != 23'd0);\n"
              "  wire b_nan = (b_i[30:23] == 8'hFF) && (b_i[22:0] != 23'd0);\n"
              "  wire a_inf = (a_i[30:23] == 8'hFF) && (a_i[22:0] == 23'd0);\n"
              "  wire b_inf = (b_i[30:23] == 8'hFF) && (b_i[22:0] == 23'd0);\n"
              "  // x: the operand of larger magnitude, y the other\n"
              "  wire        a_big = a_i[30:0] >= b_i[30:0];\n"
              "  wire [31:0] x = a_big ? a_i : b_i;\n"
              "  wire [31:0] y = a_big ? b_i : a_i;\n"
              "  wire [7:0]  x_exp = (x[30:23] == 8'd0) ? 8'd1 : x[30:23];  // subnormals: 2^-126\n"
              "  wire [7:0]  y_exp = (y[30:23] == 8'd0) ? 8'd1 : y[30:23];\n"
              "  wire [7:0]  diff = x_exp - y_exp;\n"
              "  // a shift of 27 or more leaves nothing: a 5-bit shifter suffices\n"
              "  assign shift_o = (diff > 8'd27) ? 5'd27 : diff[4:0];\n"
              "  assign x_ext_o = {x[30:23] != 8'd0, x[22:0], 3'b000};\n"
              "  assign y_ext_o = {y[30:23] != 8'd0, y[22:0], 3'b000};\n"
              "  assign x_sign_o = x[31];\n"
              "  assign y_sign_o = y[31];\n"
              "  // x_ext's LSB weighs 2^(x_exp - 127 - 23 - 3)\n"
              "  assign exp_o = $signed({%d'd0, x_exp}) - %d'sd153;\n"
              "  assign nan_o = a_nan || b_nan || (a_inf && b_inf && (a_i[31] != b_i[31]));\n"
              "  assign special_o = a_nan || b_nan || a_inf || b_inf;\n"
              "  assign inf_sign_o = a_inf ? a_i[31] : b_i[31];\n"
              "endmodule\n",
              EXP_BITS - 1, EXP_BITS - 8, EXP_BITS);
}

void emit_f32_add_sum(vbuf *b, const nb_design *d)
{
    emit_header(b, d, "nibble_f32_add_sum.v",
                "Second step of the binary32 addition nibble_f32_add: shifts the smaller\n"
                "operand into place with guard, round and sticky bits and adds or subtracts\n"
                "it. mag_o times 2^(exponent of nibble_f32_add_align) rounds to the correctly\n"
                "rounded sum (nibble_f32_round). Combinational.");
    vb_puts(b,
            "module nibble_f32_add_sum (\n"
            "  input  wire [26:0] x_ext_i,\n"
            "  input  wire [26:0] y_ext_i,\n"
            "  input  wire [4:0]  shift_i,\n"
            "  input  wire        x_sign_i,\n"
            "  input  wire        y_sign_i,\n"
            "  output wire        sign_o,\n"
            "  output wire [27:0] mag_o\n"
            ");\n"
            "  wire [26:0] y_shifted = y_ext_i >> shift_i;\n"
            "  wire        y_sticky = |(y_ext_i & ~({27{1'b1}} << shift_i));\n"
            "  wire [26:0] y_aligned = {y_shifted[26:1], y_shifted[0] | y_sticky};\n"
            "  wire        subtract = x_sign_i ^ y_sign_i;\n"
            "  // |x| >= |y|: the difference is never negative\n"
            "  assign mag_o = subtract ? {1'b0, x_ext_i} - {1'b0, y_aligned}\n"
            "                          : {1'b0, x_ext_i} + {1'b0, y_aligned};\n"
            "  // an exact zero is +0 in round to nearest, -0 only for (-0) + (-0)\n"
            "  assign sign_o = (mag_o == 28'd0) ? (x_sign_i & y_sign_i) : x_sign_i;\n"
            "endmodule\n");
}

void emit_f32_add(vbuf *b, const nb_design *d)
{
    emit_header(b, d, "nibble_f32_add.v",
                "IEEE binary32 addition, round to nearest even (gradual underflow, overflow to\n"
                "infinity): nb_f32_add of the golden library. NaN in, or inf - inf, gives the\n"
                "quiet NaN 0x7FC00000; an exact zero sum is +0 unless both operands are -0.\n"
                "nibble_f32_add_align, nibble_f32_add_sum and nibble_f32_round in a row (the\n"
                "exact-enough sum is rounded once). Combinational.");
    vb_printf(b,
              "module nibble_f32_add (\n"
              "  input  wire [31:0] a_i,\n"
              "  input  wire [31:0] b_i,\n"
              "  output wire [31:0] sum_o\n"
              ");\n"
              "  wire [26:0] x_ext, y_ext;\n"
              "  wire [4:0]  shift;\n"
              "  wire        x_sign, y_sign, special, nan, inf_sign, sign;\n"
              "  wire signed [%d:0] exp_lsb;\n"
              "  wire [27:0] mag;\n"
              "  wire [31:0] rounded;\n"
              "  nibble_f32_add_align u_align (.a_i(a_i), .b_i(b_i), .x_ext_o(x_ext), .y_ext_o(y_ext),\n"
              "                                .shift_o(shift), .x_sign_o(x_sign), .y_sign_o(y_sign),\n"
              "                                .exp_o(exp_lsb), .special_o(special), .nan_o(nan),\n"
              "                                .inf_sign_o(inf_sign));\n"
              "  nibble_f32_add_sum u_sum (.x_ext_i(x_ext), .y_ext_i(y_ext), .shift_i(shift),\n"
              "                            .x_sign_i(x_sign), .y_sign_i(y_sign), .sign_o(sign),\n"
              "                            .mag_o(mag));\n"
              "  nibble_f32_round #(.XW(28)) u_round (.sign_i(sign), .mag_i(mag), .exp_i(exp_lsb),\n"
              "                                       .f32_o(rounded));\n"
              "  assign sum_o = !special ? rounded : nan ? 32'h7FC00000 : {inf_sign, 8'hFF, 23'd0};\n"
              "endmodule\n",
              EXP_BITS - 1);
}

/* Decoding of one scale code into NaN, infinity, sign, a significand and
 * an exponent (nb_scale_decode_exact): E8M0 2^(code - 127) with 0xFF NaN;
 * UE4M3 bias 7, subnormals m * 2^-9, 0x7F and bit 7 set NaN; FP16 and BF16
 * IEEE (sign, biased exponent, hidden bit, subnormals, inf, NaN). */
static int scale_mant_bits(nb_scale_fmt f)
{
    switch (f) {
    case NB_SF_E8M0: return 1;
    case NB_SF_UE4M3: return 4;
    case NB_SF_FP16: return 11;
    default: return 8;
    }
}

static void emit_scale_decode(vbuf *b, nb_scale_fmt f, const char *x)
{
    int mb = scale_mant_bits(f);
    vb_printf(b, "  // %s scale: %s\n", x, nb_scale_fmt_name(f));
    vb_printf(b, "  wire        %s_nan, %s_inf, %s_sign;\n  wire [%d:0] %s_mant;\n"
                 "  wire signed [%d:0] %s_exp;\n", x, x, x, mb - 1, x, EXP_BITS - 1, x);
    if (f == NB_SF_E8M0) {
        vb_printf(b, "  assign %s_nan  = (%s_scale_i == 8'hFF);\n", x, x);
        vb_printf(b, "  assign %s_inf  = 1'b0;\n  assign %s_sign = 1'b0;\n", x, x);
        vb_printf(b, "  assign %s_mant = 1'b1;\n", x);
        vb_printf(b, "  assign %s_exp  = $signed({%d'd0, %s_scale_i}) - %d'sd127;  // 2^(code - 127)\n",
                  x, EXP_BITS - 8, x, EXP_BITS);
    } else if (f == NB_SF_UE4M3) {
        vb_printf(b, "  wire [3:0] %s_e = %s_scale_i[6:3];\n", x, x);
        vb_printf(b, "  assign %s_nan  = %s_scale_i[7] || (%s_scale_i[6:0] == 7'h7F);\n", x, x, x);
        vb_printf(b, "  assign %s_inf  = 1'b0;\n  assign %s_sign = 1'b0;\n", x, x);
        vb_printf(b, "  assign %s_mant = {%s_e != 4'd0, %s_scale_i[2:0]};\n", x, x, x);
        vb_printf(b, "  // normal: (8 + m) * 2^(e - 10); subnormal: m * 2^-9\n");
        vb_printf(b, "  assign %s_exp  = (%s_e == 4'd0) ? -%d'sd9 : $signed({%d'd0, %s_e}) - %d'sd10;\n",
                  x, x, EXP_BITS, EXP_BITS - 4, x, EXP_BITS);
    } else {
        /* IEEE: FP16 e5m10 bias 15, BF16 e8m7 bias 127 */
        int eb = f == NB_SF_FP16 ? 5 : 8, m = mb - 1, bias = f == NB_SF_FP16 ? 15 : 127;
        vb_printf(b, "  wire [%d:0] %s_e = %s_scale_i[14:%d];\n", eb - 1, x, x, m);
        vb_printf(b, "  wire        %s_top = (%s_e == {%d{1'b1}});\n", x, x, eb);
        vb_printf(b, "  assign %s_nan  = %s_top && (%s_scale_i[%d:0] != %d'd0);\n", x, x, x, m - 1, m);
        vb_printf(b, "  assign %s_inf  = %s_top && (%s_scale_i[%d:0] == %d'd0);\n", x, x, x, m - 1, m);
        vb_printf(b, "  assign %s_sign = %s_scale_i[15];\n", x, x);
        vb_printf(b, "  assign %s_mant = {%s_e != %d'd0, %s_scale_i[%d:0]};\n", x, x, eb, x, m - 1);
        vb_printf(b, "  // normal: (2^%d + m) * 2^(e - %d); subnormal: m * 2^%d\n", m, bias + m,
                  1 - bias - m);
        vb_printf(b, "  assign %s_exp  = (%s_e == %d'd0) ? -%d'sd%d : $signed({%d'd0, %s_e}) - %d'sd%d;\n",
                  x, x, eb, EXP_BITS, bias + m - 1, EXP_BITS - eb, x, EXP_BITS, bias + m);
    }
}

/* Width of the exact product |psum| * significand product. */
int emit_scale_mag_bits(const nb_design *d)
{
    return d->acc_bits + scale_mant_bits(d->wblock.scale) + scale_mant_bits(d->ablock.scale);
}

void emit_scale_prod(vbuf *b, const nb_design *d)
{
    int acc = d->acc_bits, frac = d->w_grid_frac + d->a_grid_frac;
    int mw = scale_mant_bits(d->wblock.scale), ma = scale_mant_bits(d->ablock.scale);
    char purpose[1024];
    snprintf(purpose, sizeof purpose,
             "First step of the block term (nibble_scale_col): decodes the weight block\n"
             "scale (%s) and the activation block scale (%s) and forms the exact product\n"
             "psum_i * Sw * Sa * 2^-%d as sign_o, mag_o * 2^exp_o, psum_i the exact integer\n"
             "sum of one K-block on the product grid 2^-%d. special_o says the term is not\n"
             "rounded: the quiet NaN (nan_o: a NaN scale code, or an infinite scale times\n"
             "zero) or the infinity of sign sign_o. Combinational.",
             nb_scale_fmt_name(d->wblock.scale), nb_scale_fmt_name(d->ablock.scale), frac, frac);
    emit_header(b, d, "nibble_scale_prod.v", purpose);
    vb_printf(b,
              "module nibble_scale_prod (\n"
              "  input  wire [%d:0] psum_i,     // signed block sum\n"
              "  input  wire [%d:0] w_scale_i,\n"
              "  input  wire [%d:0] a_scale_i,\n"
              "  output wire        sign_o,\n"
              "  output wire [%d:0] mag_o,\n"
              "  output wire signed [%d:0] exp_o,\n"
              "  output wire        special_o,\n"
              "  output wire        nan_o\n"
              ");\n",
              acc - 1, d->w_scale_bits - 1, d->a_scale_bits - 1, emit_scale_mag_bits(d) - 1,
              EXP_BITS - 1);
    emit_scale_decode(b, d->wblock.scale, "w");
    emit_scale_decode(b, d->ablock.scale, "a");
    vb_puts(b, "\n  // The block term: |psum| times the product of the significands (exact),\n"
               "  // times 2^(exponent sum - grid fraction bits).\n");
    vb_printf(b, "  wire          neg = psum_i[%d];\n", acc - 1);
    vb_puts(b, "  assign sign_o = neg ^ w_sign ^ a_sign;\n");
    vb_printf(b, "  wire [%d:0] psum_abs = neg ? (~psum_i + %d'd1) : psum_i;  // exact: unsigned\n",
              acc - 1, acc);
    vb_printf(b, "  wire [%d:0] mant_prod = w_mant * a_mant;\n", mw + ma - 1);
    vb_puts(b, "  assign mag_o = psum_abs * mant_prod;\n");
    vb_printf(b, "  assign exp_o = w_exp + a_exp - %d'sd%d;\n", EXP_BITS, frac);
    vb_puts(b, "  // IEEE specials: an infinite scale gives an infinite term, or NaN against a\n"
               "  // zero block sum or a zero other scale\n");
    vb_printf(b, "  wire        zero_factor = (psum_i == %d'd0) || (!w_inf && w_mant == %d'd0) ||\n"
                 "                            (!a_inf && a_mant == %d'd0);\n", acc, mw, ma);
    vb_puts(b, "  assign special_o = w_nan || a_nan || w_inf || a_inf;\n"
               "  assign nan_o = w_nan || a_nan || ((w_inf || a_inf) && zero_factor);\n");
    vb_puts(b, "endmodule\n");
}

void emit_scale_col(vbuf *b, const nb_design *d)
{
    int frac = d->w_grid_frac + d->a_grid_frac;
    char purpose[1024];
    snprintf(purpose, sizeof purpose,
             "Block term of one column: term_o = RNE(psum_i * Sw * Sa * 2^-%d), psum_i the\n"
             "exact integer sum of one K-block on the product grid 2^-%d, Sw the weight\n"
             "block scale (%s) and Sa the activation block scale (%s), rounded once to\n"
             "IEEE binary32, round to nearest even (nb_block_term of the golden library):\n"
             "nibble_scale_prod, then nibble_f32_round. A NaN scale code gives the quiet\n"
             "NaN 0x7FC00000. nibble_top uses the two halves with a register between\n"
             "them when the scale stage has 3 or more cycles. Combinational.",
             frac, frac, nb_scale_fmt_name(d->wblock.scale), nb_scale_fmt_name(d->ablock.scale));
    emit_header(b, d, "nibble_scale_col.v", purpose);
    int xw = emit_scale_mag_bits(d);
    vb_printf(b,
              "module nibble_scale_col (\n"
              "  input  wire [%d:0] psum_i,     // signed block sum\n"
              "  input  wire [%d:0] w_scale_i,\n"
              "  input  wire [%d:0] a_scale_i,\n"
              "  output wire [31:0] term_o      // binary32 block term\n"
              ");\n"
              "  wire        sign, special, nan;\n"
              "  wire [%d:0] mag;\n"
              "  wire signed [%d:0] exp;\n"
              "  wire [31:0] rounded;\n"
              "  nibble_scale_prod u_prod (.psum_i(psum_i), .w_scale_i(w_scale_i), .a_scale_i(a_scale_i),\n"
              "                            .sign_o(sign), .mag_o(mag), .exp_o(exp), .special_o(special),\n"
              "                            .nan_o(nan));\n"
              "  nibble_f32_round #(.XW(%d)) u_round (.sign_i(sign), .mag_i(mag), .exp_i(exp),\n"
              "                                       .f32_o(rounded));\n"
              "  assign term_o = !special ? rounded : nan ? 32'h7FC00000 : {sign, 8'hFF, 23'd0};\n"
              "endmodule\n",
              d->acc_bits - 1, d->w_scale_bits - 1, d->a_scale_bits - 1, xw - 1, EXP_BITS - 1, xw);
}
