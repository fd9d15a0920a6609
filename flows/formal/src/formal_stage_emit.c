/* The formal check's Verilog for a block-scaled design's scale stage
 * (nibble_formal_stage.v): an IEEE 754 round-to-nearest-even *specification*
 * (not an implementation: it checks that a given binary32 result is the
 * nearest to the exact value, with ties to even and the overflow threshold),
 * the golden library's scale decodings as case tables, and the miters the
 * obligations of formal_stage.c prove. See flows/README.md "Formal check". */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "formal_internal.h"
#include "nibble/scale_format.h"

/* Significand width of a scale format in the generated stage (as gen emits
 * nibble_scale_prod; a mismatch leaves undriven bits, which `check -assert`
 * refuses, or truncates the product, which the term proof disproves). */
static int mant_bits(nb_scale_fmt f)
{
    switch (f) {
    case NB_SF_E8M0: return 1;
    case NB_SF_UE4M3: return 4;
    case NB_SF_FP16: return 11;
    default: return 8;
    }
}

int formal_stage_mag_bits(const nb_design *d)
{
    return d->acc_bits + mant_bits(d->wblock.scale) + mant_bits(d->ablock.scale);
}

/* sign(mag * 2^d - c) for a constant-width c (< 2^27, or negative), without
 * normalizing anything: one shift of mag left or of c left. */
static const char CMP_POW2[] =
    "// sign of mag_i * 2^d_i - c_i (c_i < 2^27, or negative): lt_o, eq_o\n"
    "module nibble_formal_cmp_pow2 #(parameter integer XW = 8) (\n"
    "  input  wire [XW-1:0] mag_i,\n  input  wire signed [15:0] d_i,\n"
    "  input  wire signed [27:0] c_i,\n  output wire lt_o,\n  output wire eq_o\n);\n"
    "  localparam integer W = XW + 28;\n"
    "  wire [26:0] c = c_i[26:0];\n"
    "  wire up = !d_i[15];\n"
    "  wire [15:0] nd = -d_i;\n"
    "  wire far_up = up && d_i > 16'sd27;    // mag * 2^d >= 2^28 > c unless mag = 0\n"
    "  wire far_dn = !up && nd >= XW;        // mag * 2^d < 1 <= c unless c = 0\n"
    "  wire [W-1:0] a = up ? ({{28{1'b0}}, mag_i} << d_i[4:0]) : {{28{1'b0}}, mag_i};\n"
    "  wire [W-1:0] b = up ? {{(W-27){1'b0}}, c} : ({{(W-27){1'b0}}, c} << nd[8:0]);\n"
    "  wire mz = mag_i == {XW{1'b0}}, cz = c == 27'd0;\n"
    "  assign lt_o = c_i[27] ? 1'b0 : far_up ? mz && !cz : far_dn ? !cz : a < b;\n"
    "  assign eq_o = c_i[27] ? 1'b0 : (far_up || far_dn) ? mz && cz : a == b;\n"
    "endmodule\n\n";

/* The definition of RNE to binary32 as a checker: f_i is correct for the
 * exact value X = mag_i * 2^exp_i (sign sign_i) iff
 *  - f_i is infinity (of that sign) and X >= (2^24 - 1/2) * 2^104, or
 *  - f_i is finite, V = M * 2^q its value (q its quantum, M its integer
 *    significand), and V - lo <= X <= V + ulp/2, an end point allowed only
 *    when M is even; lo = ulp/4 when V is a power of two above the smallest
 *    normal (the binade below is twice as fine), else ulp/2.
 * Nothing here finds a leading one or rounds: it only compares. */
static const char RNE_SPEC[] =
    "// IEEE 754 binary32 round to nearest, ties to even, as a specification\n"
    "module nibble_formal_rne_spec #(parameter integer XW = 8) (\n"
    "  input  wire sign_i,\n  input  wire [XW-1:0] mag_i,\n"
    "  input  wire signed [15:0] exp_i,\n  input  wire [31:0] f_i,\n  output wire ok_o\n);\n"
    "  wire [7:0]  e = f_i[30:23];\n  wire [22:0] fr = f_i[22:0];\n"
    "  wire [23:0] m = (e == 8'd0) ? {1'b0, fr} : {1'b1, fr};\n"
    "  wire signed [15:0] q = (e == 8'd0) ? -16'sd149 : $signed({8'd0, e}) - 16'sd150;\n"
    "  wire fine_below = (e > 8'd1) && (fr == 23'd0);\n"
    "  wire signed [15:0] d = exp_i + 16'sd2 - q;  // X * 2^(2 - q) = mag * 2^d\n"
    "  wire signed [27:0] hi = $signed({2'b0, m, 2'b0}) + 28'sd2;\n"
    "  wire signed [27:0] lo = $signed({2'b0, m, 2'b0}) - (fine_below ? 28'sd1 : 28'sd2);\n"
    "  wire hi_lt, hi_eq, lo_lt, lo_eq, inf_lt, inf_eq;\n"
    "  nibble_formal_cmp_pow2 #(.XW(XW)) c_hi (.mag_i(mag_i), .d_i(d), .c_i(hi),\n"
    "    .lt_o(hi_lt), .eq_o(hi_eq));\n"
    "  nibble_formal_cmp_pow2 #(.XW(XW)) c_lo (.mag_i(mag_i), .d_i(d), .c_i(lo),\n"
    "    .lt_o(lo_lt), .eq_o(lo_eq));\n"
    "  // overflow threshold (2^25 - 1) * 2^103\n"
    "  nibble_formal_cmp_pow2 #(.XW(XW)) c_inf (.mag_i(mag_i), .d_i(exp_i - 16'sd103),\n"
    "    .c_i(28'sd33554431), .lt_o(inf_lt), .eq_o(inf_eq));\n"
    "  wire even = !m[0];\n"
    "  wire below_hi = hi_lt || (hi_eq && even);\n"
    "  wire above_lo = lo[27] || !(lo_lt || lo_eq) || (lo_eq && even);\n"
    "  wire unused_ok = inf_eq;\n"
    "  assign ok_o = (f_i[31] == sign_i) &&\n"
    "                ((e == 8'hFF) ? (fr == 23'd0 && !inf_lt) : (below_hi && above_lo));\n"
    "endmodule\n\n";

/* A scale format's decoding by the golden library (nb_scale_decode_exact):
 * 8-bit codes as one table; 16-bit codes (FP16, BF16) as a table over sign
 * and exponent field with the fraction field appended, checked here against
 * the golden decoding of all 65536 codes. */
static bool emit_scale_table(FILE *f, nb_scale_fmt sf, const char *name, nb_err *err)
{
    uint32_t mant_limit = 1u << mant_bits(sf);
    int bits = nb_scale_fmt_bits(sf);
    int fb = bits == 8 ? 0 : sf == NB_SF_FP16 ? 10 : 7; /* fraction field bits */
    int hb = bits - fb;
    fprintf(f, "// %s scale decoding of the golden library (nb_scale_decode_exact): value =\n"
               "// (-1)^sign * mant * 2^exp; nan / inf for the special codes\n",
            nb_scale_fmt_name(sf));
    fprintf(f, "module %s (\n  input  wire [%d:0] code_i,\n  output reg  nan_o,\n"
               "  output reg  inf_o,\n  output reg  sign_o,\n  output wire [10:0] mant_o,\n"
               "  output reg  signed [15:0] exp_o\n);\n",
            name, bits - 1);
    fprintf(f, "  reg [10:0] head;  // the significand's bits above the fraction field\n");
    fprintf(f, "  always @(*) begin\n    case (code_i[%d:%d])\n", bits - 1, fb);
    for (unsigned h = 0; h < (1u << hb); h++) {
        /* the head's entry: from its code with fraction 0, and with fraction 1
         * for the NaN / infinity split of IEEE formats */
        unsigned c0 = h << fb;
        int sg, ex;
        uint32_t mant;
        bool is_nan;
        bool fin = nb_scale_decode_exact(sf, c0, &sg, &mant, &ex, &is_nan);
        bool inf = !fin && !is_nan; /* IEEE: NaN instead when the fraction is not 0 */
        unsigned head = fin ? mant >> fb : 0;
        fprintf(f, "      %d'd%u: begin nan_o = 1'b%d; inf_o = 1'b%d; sign_o = 1'b%d; head = 11'd%u; "
                   "exp_o = %s16'sd%d; end\n",
                hb, h, !fin && is_nan, inf, sg < 0, head, fin && ex < 0 ? "-" : "",
                fin ? abs(ex) : 0);
    }
    fputs("      default: begin nan_o = 1'b1; inf_o = 1'b0; sign_o = 1'b0; head = 11'd0; "
          "exp_o = 16'sd0; end\n    endcase\n", f);
    /* IEEE infinities / NaNs: the all-ones exponent splits on the fraction */
    if (fb)
        fprintf(f, "    if (inf_o && code_i[%d:0] != %d'd0) begin nan_o = 1'b1; inf_o = 1'b0; end\n",
                fb - 1, fb);
    fputs("  end\n", f);
    if (fb)
        fprintf(f, "  assign mant_o = {head[%d:0], code_i[%d:0]};\n", 10 - fb, fb - 1);
    else
        fputs("  assign mant_o = head;\n", f);
    fputs("endmodule\n\n", f);

    /* the table must be the golden decoding of every code */
    for (unsigned c = 0; c < (1u << bits); c++) {
        int sg, ex, sg0, ex0;
        uint32_t mant, mant0;
        bool nan, nan0;
        bool fin = nb_scale_decode_exact(sf, c, &sg, &mant, &ex, &nan);
        bool fin0 = nb_scale_decode_exact(sf, c >> fb << fb, &sg0, &mant0, &ex0, &nan0);
        uint32_t frac = c & ((1u << fb) - 1);
        bool same;
        if (fin)
            same = fin0 && sg == sg0 && ex == ex0 && mant == ((mant0 >> fb << fb) | frac) &&
                   mant < mant_limit;
        else if (nan)
            same = !fin0 && (nan0 || (fb && frac != 0));
        else
            same = !fin0 && !nan0 && frac == 0;
        if (!same)
            return nb_fail(err, "internal: the %s scale code 0x%x does not split into a head "
                                "table and a fraction field (formal check)",
                           nb_scale_fmt_name(sf), c);
    }
    return true;
}

/* The stage's reference compositions, from the design's own modules, wired
 * as gen/README.md "Block-scaled designs" describes nibble_scale_col and
 * nibble_f32_add: the combinational meaning of every --scale-stages N. */
static void emit_compositions(FILE *f, const nb_design *d)
{
    int acc = d->acc_bits, xw = formal_stage_mag_bits(d);
    fprintf(f, "// the block term: nibble_scale_prod, nibble_f32_round, specials\n"
               "module nibble_formal_term_path (\n  input  wire [%d:0] psum_i,\n"
               "  input  wire [%d:0] w_scale_i,\n  input  wire [%d:0] a_scale_i,\n"
               "  output wire [31:0] term_o\n);\n",
            acc - 1, d->w_scale_bits - 1, d->a_scale_bits - 1);
    if (d->scale_term_stages == 1) {
        fputs("  // this design has the combinational block term: prove that module\n"
              "  nibble_scale_col u_col (.psum_i(psum_i), .w_scale_i(w_scale_i),\n"
              "    .a_scale_i(a_scale_i), .term_o(term_o));\nendmodule\n\n", f);
    } else {
        fprintf(f, "  wire sign, special, nan;\n  wire [%d:0] mag;\n  wire signed [13:0] exp;\n"
                   "  wire [31:0] rounded;\n"
                   "  nibble_scale_prod u_prod (.psum_i(psum_i), .w_scale_i(w_scale_i),\n"
                   "    .a_scale_i(a_scale_i), .sign_o(sign), .mag_o(mag), .exp_o(exp),\n"
                   "    .special_o(special), .nan_o(nan));\n"
                   "  nibble_f32_round #(.XW(%d)) u_round (.sign_i(sign), .mag_i(mag), .exp_i(exp),\n"
                   "    .f32_o(rounded));\n"
                   "  assign term_o = !special ? rounded : nan ? 32'h7FC00000 : {sign, 8'hFF, 23'd0};\n"
                   "endmodule\n\n",
                xw - 1, xw);
    }
    fputs("// the binary32 addition: align, sum, round, specials\n"
          "module nibble_formal_add_path (\n  input  wire [31:0] a_i,\n  input  wire [31:0] b_i,\n"
          "  output wire [31:0] sum_o\n);\n", f);
    if (d->scale_add_stages == 1) {
        fputs("  // this design has the combinational addition: prove that module\n"
              "  nibble_f32_add u_add (.a_i(a_i), .b_i(b_i), .sum_o(sum_o));\nendmodule\n\n", f);
    } else {
        fputs("  wire [26:0] x_ext, y_ext;\n  wire [4:0] shift;\n"
              "  wire x_sign, y_sign, special, nan, inf_sign, sign;\n"
              "  wire signed [13:0] exp_lsb;\n  wire [27:0] mag;\n  wire [31:0] rounded;\n"
              "  nibble_f32_add_align u_align (.a_i(a_i), .b_i(b_i), .x_ext_o(x_ext),\n"
              "    .y_ext_o(y_ext), .shift_o(shift), .x_sign_o(x_sign), .y_sign_o(y_sign),\n"
              "    .exp_o(exp_lsb), .special_o(special), .nan_o(nan), .inf_sign_o(inf_sign));\n"
              "  nibble_f32_add_sum u_sum (.x_ext_i(x_ext), .y_ext_i(y_ext), .shift_i(shift),\n"
              "    .x_sign_i(x_sign), .y_sign_i(y_sign), .sign_o(sign), .mag_o(mag));\n"
              "  nibble_f32_round #(.XW(28)) u_round (.sign_i(sign), .mag_i(mag), .exp_i(exp_lsb),\n"
              "    .f32_o(rounded));\n"
              "  assign sum_o = !special ? rounded : nan ? 32'h7FC00000 : {inf_sign, 8'hFF, 23'd0};\n"
              "endmodule\n\n", f);
    }
}

/* round: nibble_f32_round at one width against the specification. */
static void emit_round_miter(FILE *f, int xw)
{
    fprintf(f, "// nibble_f32_round #(.XW(%d)) == RNE(sign * mag * 2^exp), every input\n"
               "module nibble_formal_round_%d (\n  input  wire sign_i,\n  input  wire [%d:0] mag_i,\n"
               "  input  wire signed [13:0] exp_i,\n  output wire [31:0] f32_o,\n  output wire ok_o\n);\n"
               "  nibble_f32_round #(.XW(%d)) u_round (.sign_i(sign_i), .mag_i(mag_i), .exp_i(exp_i),\n"
               "    .f32_o(f32_o));\n"
               "  nibble_formal_rne_spec #(.XW(%d)) u_spec (.sign_i(sign_i), .mag_i(mag_i),\n"
               "    .exp_i({{2{exp_i[13]}}, exp_i}), .f_i(f32_o), .ok_o(ok_o));\nendmodule\n\n",
            xw, xw, xw - 1, xw, xw);
}

bool formal_stage_term_full(const nb_design *d)
{
    return d->wblock.scale == NB_SF_E8M0 && d->ablock.scale == NB_SF_E8M0;
}
#define term_full formal_stage_term_full

/* term: the block term against RNE(P * Sw * Sa * 2^-F), scales decoded by
 * the golden tables, IEEE specials. */
static void emit_term_miter(FILE *f, const nb_design *d)
{
    int acc = d->acc_bits, frac = d->w_grid_frac + d->a_grid_frac, xw = formal_stage_mag_bits(d);
    int mw = mant_bits(d->wblock.scale), ma = mant_bits(d->ablock.scale);
    /* |P| < 2^acc and the golden significands fit mw / ma bits (checked when
     * the tables are written), so the product below is exact; written as the
     * generated stage writes it, so that SAT sweeping can match the two
     * multipliers once it has matched their operands */
    /* E8M0 x E8M0: the product is |P| itself (significands 1), so the whole
     * term is proved. Otherwise SAT does not get through the equivalence of
     * the two multipliers in minutes (nvfp4: ABC still sweeping after 5
     * minutes): a second nibble_scale_prod is merged with the one under test
     * and the script deletes their multipliers, so the product is a free
     * value; sign, exponent, specials and the rounding of whatever product
     * are still checked against the golden decoding and the RNE definition. */
    char mag[512];
    if (term_full(d))
        snprintf(mag, sizeof mag, "  wire [%d:0] m_prod = w_m * a_m;\n  wire [%d:0] mag = p_abs * m_prod;\n"
                 "  wire mag_ok = 1'b1;\n", mw + ma - 1, xw - 1);
    else
        snprintf(mag, sizeof mag,
                 "  // the design's exact product, trusted (flows/README.md, Formal check)\n"
                 "  wire [%d:0] mag;\n  wire p_sign, p_special, p_nan;\n  wire signed [13:0] p_exp;\n"
                 "  nibble_scale_prod u_prod (.psum_i(psum_i), .w_scale_i(w_scale_i),\n"
                 "    .a_scale_i(a_scale_i), .sign_o(p_sign), .mag_o(mag), .exp_o(p_exp),\n"
                 "    .special_o(p_special), .nan_o(p_nan));\n"
                 "  wire mag_ok = 1'b1;  // the script cuts the product out: any value\n"
                 "  wire unused_ok = |{p_sign, p_special, p_nan, p_exp, p_abs, w_m, a_m};\n",
                 xw - 1);
    fprintf(f, "// the block term == RNE_fp32(P * Sw * Sa * 2^-%d) (nb_block_term)\n"
               "module nibble_formal_term (\n  input  wire [%d:0] psum_i,\n"
               "  input  wire [%d:0] w_scale_i,\n  input  wire [%d:0] a_scale_i,\n"
               "  output wire [31:0] term_o,\n  output wire ok_o\n);\n"
               "  nibble_formal_term_path u_dut (.psum_i(psum_i), .w_scale_i(w_scale_i),\n"
               "    .a_scale_i(a_scale_i), .term_o(term_o));\n"
               "  wire w_nan, w_inf, w_sign, a_nan, a_inf, a_sign;\n"
               "  wire [10:0] w_mant, a_mant;\n  wire signed [15:0] w_exp, a_exp;\n"
               "  nibble_formal_wscale u_w (.code_i(w_scale_i), .nan_o(w_nan), .inf_o(w_inf),\n"
               "    .sign_o(w_sign), .mant_o(w_mant), .exp_o(w_exp));\n"
               "  nibble_formal_ascale u_a (.code_i(a_scale_i), .nan_o(a_nan), .inf_o(a_inf),\n"
               "    .sign_o(a_sign), .mant_o(a_mant), .exp_o(a_exp));\n"
               "  wire neg = psum_i[%d];\n"
               "  wire [%d:0] p_abs = neg ? -psum_i : psum_i;  // unsigned: 2^%d fits\n"
               "  wire [%d:0] w_m = w_mant[%d:0];\n  wire [%d:0] a_m = a_mant[%d:0];\n"
               "%s"
               "  wire sign = neg ^ w_sign ^ a_sign;\n"
               "  wire fin_ok;\n"
               "  nibble_formal_rne_spec #(.XW(%d)) u_spec (.sign_i(sign), .mag_i(mag),\n"
               "    .exp_i(w_exp + a_exp - 16'sd%d), .f_i(term_o), .ok_o(fin_ok));\n"
               "  wire zero = psum_i == %d'd0 || (!w_inf && w_mant == 11'd0) ||\n"
               "              (!a_inf && a_mant == 11'd0);\n"
               "  assign ok_o = (w_nan || a_nan) ? term_o == 32'h7FC00000\n"
               "              : (w_inf || a_inf) ? term_o == (zero ? 32'h7FC00000 : {sign, 8'hFF, 23'd0})\n"
               "              : fin_ok && mag_ok;\nendmodule\n\n",
            frac, acc - 1, d->w_scale_bits - 1, d->a_scale_bits - 1, acc - 1, acc - 1, acc - 1,
            mw - 1, mw - 1, ma - 1, ma - 1, mag, xw, frac, acc);
}

/* add-*: algebraic facts of IEEE binary32 addition under RNE, one output
 * each (formal_stage.c proves them one by one). */
static void emit_add_miter(FILE *f)
{
    fputs("// facts of IEEE binary32 addition, round to nearest even\n"
          "module nibble_formal_add (\n  input  wire [31:0] a_i,\n  input  wire [31:0] b_i,\n"
          "  output wire [31:0] sum_o,\n  output wire [31:0] swapped_o,  // b + a\n"
          "  output wire [31:0] plus_zero_o,  // a + (+0)\n  output wire [31:0] zero_plus_o,  // (+0) + a\n"
          "  output wire [31:0] minus_self_o,  // a + (-a)\n  output wire comm_ok_o,\n  output wire zero_ok_o,\n"
          "  output wire cancel_ok_o,\n  output wire special_ok_o\n);\n"
          "  wire [31:0] ba, az, za, an;\n"
          "  assign swapped_o = ba;\n  assign plus_zero_o = az;\n  assign zero_plus_o = za;\n"
          "  assign minus_self_o = an;\n"
          "  nibble_formal_add_path u_ab (.a_i(a_i), .b_i(b_i), .sum_o(sum_o));\n"
          "  nibble_formal_add_path u_ba (.a_i(b_i), .b_i(a_i), .sum_o(ba));\n"
          "  nibble_formal_add_path u_az (.a_i(a_i), .b_i(32'h00000000), .sum_o(az));\n"
          "  nibble_formal_add_path u_za (.a_i(32'h00000000), .b_i(a_i), .sum_o(za));\n"
          "  nibble_formal_add_path u_an (.a_i(a_i), .b_i({~a_i[31], a_i[30:0]}), .sum_o(an));\n"
          "  wire a_nan = a_i[30:23] == 8'hFF && a_i[22:0] != 23'd0;\n"
          "  wire b_nan = b_i[30:23] == 8'hFF && b_i[22:0] != 23'd0;\n"
          "  wire a_inf = a_i[30:23] == 8'hFF && a_i[22:0] == 23'd0;\n"
          "  wire b_inf = b_i[30:23] == 8'hFF && b_i[22:0] == 23'd0;\n"
          "  wire a_neg_zero = a_i == 32'h80000000;\n"
          "  // a + b == b + a, bit for bit (NaNs are all the quiet NaN)\n"
          "  assign comm_ok_o = sum_o == ba;\n"
          "  // x + (+0) == (+0) + x == x for x not NaN; (-0) + (+0) == +0\n"
          "  wire [31:0] x0 = a_nan ? 32'h7FC00000 : a_neg_zero ? 32'h00000000 : a_i;\n"
          "  assign zero_ok_o = az == x0 && za == x0;\n"
          "  // x + (-x) == +0 for finite x; NaN for infinities and NaNs\n"
          "  assign cancel_ok_o = an == ((a_nan || a_inf) ? 32'h7FC00000 : 32'h00000000);\n"
          "  // NaN in or inf - inf: the quiet NaN; inf + finite: that inf\n"
          "  assign special_ok_o =\n"
          "      (a_nan || b_nan || (a_inf && b_inf && a_i[31] != b_i[31])) ? sum_o == 32'h7FC00000\n"
          "    : a_inf ? sum_o == a_i : b_inf ? sum_o == b_i\n"
          "    : sum_o[30:23] != 8'hFF || sum_o[22:0] == 23'd0;  // finite in: never NaN\n"
          "endmodule\n\n", f);
}

bool formal_emit_stage_check(const nb_design *d, const char *path, nb_err *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return nb_fail(err, "out of memory");
    fputs("// nibble formal check of the block-scaled scale stage (flows/formal,\n"
          "// formal_stage.c): an IEEE round-to-nearest-even specification, the golden\n"
          "// library's scale decodings, the stage's combinational paths and the miters\n\n",
          f);
    fputs(CMP_POW2, f);
    fputs(RNE_SPEC, f);
    bool ok = emit_scale_table(f, d->wblock.scale, "nibble_formal_wscale", err) &&
              emit_scale_table(f, d->ablock.scale, "nibble_formal_ascale", err);
    if (ok) {
        emit_compositions(f, d);
        emit_round_miter(f, formal_stage_mag_bits(d));
        if (formal_stage_mag_bits(d) != 28)
            emit_round_miter(f, 28);
        emit_term_miter(f, d);
        emit_add_miter(f);
    }
    ok = nb_memstream_close(f, &text, path, err) && ok && nb_write_file(path, text, len, err);
    free(text);
    return ok;
}

/* One stand-in: the module's ports, every output bit the XOR of the input
 * bits at its position modulo the output width (the inputs themselves when
 * they fit), so every input bit shows in the outputs. */
static void standin(FILE *f, const char *head, const char *in, int wi, const char *out, int wo)
{
    fprintf(f, "%s\n  wire [%d:0] in_all = {%s};\n  reg  [%d:0] out_all;\n  integer i;\n"
               "  always @(*) begin\n    out_all = %d'd0;\n"
               "    for (i = 0; i < %d; i = i + 1) out_all[i %% %d] = out_all[i %% %d] ^ in_all[i];\n"
               "  end\n  assign {%s} = out_all;\nendmodule\n\n",
            head, wi - 1, in, wo - 1, wo, wi, wo, wo, out);
}

bool formal_emit_stage_standins(const nb_design *d, const char *path, nb_err *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return nb_fail(err, "out of memory");
    int acc = d->acc_bits, xw = formal_stage_mag_bits(d), ws = d->w_scale_bits,
        as = d->a_scale_bits, c = d->cols;
    fputs("// nibble formal check, pipeline proof: stand-ins for the scale stage's\n"
          "// arithmetic modules (same names and ports; proved on their own by the\n"
          "// round, term and add obligations) and the clocked stage's miter\n\n", f);
    char head[1024];
    snprintf(head, sizeof head,
             "module nibble_scale_prod (\n  input  wire [%d:0] psum_i,\n  input  wire [%d:0] w_scale_i,\n"
             "  input  wire [%d:0] a_scale_i,\n  output wire sign_o,\n  output wire [%d:0] mag_o,\n"
             "  output wire signed [13:0] exp_o,\n  output wire special_o,\n  output wire nan_o\n);",
             acc - 1, ws - 1, as - 1, xw - 1);
    standin(f, head, "psum_i, w_scale_i, a_scale_i", acc + ws + as,
            "sign_o, mag_o, exp_o, special_o, nan_o", xw + 17);
    fputs("module nibble_f32_round #(parameter integer XW = 8) (\n  input  wire sign_i,\n"
          "  input  wire [XW-1:0] mag_i,\n  input  wire signed [13:0] exp_i,\n"
          "  output wire [31:0] f32_o\n);\n  wire [XW+14:0] in_all = {sign_i, mag_i, exp_i};\n"
          "  reg  [31:0] out_all;\n  integer i;\n  always @(*) begin\n    out_all = 32'd0;\n"
          "    for (i = 0; i < XW + 15; i = i + 1) out_all[i % 32] = out_all[i % 32] ^ in_all[i];\n"
          "  end\n  assign f32_o = out_all;\nendmodule\n\n", f);
    standin(f,
            "module nibble_f32_add_align (\n  input  wire [31:0] a_i,\n  input  wire [31:0] b_i,\n"
            "  output wire [26:0] x_ext_o,\n  output wire [26:0] y_ext_o,\n  output wire [4:0] shift_o,\n"
            "  output wire x_sign_o,\n  output wire y_sign_o,\n  output wire signed [13:0] exp_o,\n"
            "  output wire special_o,\n  output wire nan_o,\n  output wire inf_sign_o\n);",
            "a_i, b_i", 64,
            "x_ext_o, y_ext_o, shift_o, x_sign_o, y_sign_o, exp_o, special_o, nan_o, inf_sign_o", 78);
    standin(f,
            "module nibble_f32_add_sum (\n  input  wire [26:0] x_ext_i,\n  input  wire [26:0] y_ext_i,\n"
            "  input  wire [4:0] shift_i,\n  input  wire x_sign_i,\n  input  wire y_sign_i,\n"
            "  output wire sign_o,\n  output wire [27:0] mag_o\n);",
            "x_ext_i, y_ext_i, shift_i, x_sign_i, y_sign_i", 61, "sign_o, mag_o", 29);

    /* the clocked stage against the compositions on sampled values */
    fprintf(f, "// nibble_top's scale stage, clocked: the block scaled in step 1 (pick_s_i)\n"
               "// with its accumulators in step 1 + %d (pick_a_i) leaves in step %d as the\n"
               "// compositions say; a step 1 without a fire leaves nothing\n"
               "module nibble_formal_pipe (\n  input  wire clk_i,\n  input  wire rst_ni,\n"
               "  input  wire pick_s_i,\n  input  wire pick_a_i,\n  input  wire scale_en_i,\n"
               "  input  wire facc_fwd_i,\n  input  wire [%d:0] w_scales_i,\n"
               "  input  wire [%d:0] a_scale_i,\n  input  wire [%d:0] facc_i,\n"
               "  output wire out_valid_o,\n  output wire out_facc_valid_o,\n"
               "  output wire [%d:0] col_facc_o,\n  output wire [%d:0] expected_o,\n"
               "  output reg  fired,\n  output wire ok_o\n);\n",
            d->scale_term_stages, d->scale_latency + 1, c * ws - 1, as - 1, c * 32 - 1, c * 32 - 1,
            c * 32 - 1);
    fprintf(f, "  wire [%d:0] out_psum;\n"
               "  // the array is cut away: its outputs, and every input left open here, are free\n"
               "  nibble_top u_top (.clk_i(clk_i), .rst_ni(rst_ni), .scale_en_i(scale_en_i),\n"
               "    .facc_fwd_i(facc_fwd_i), .w_scales_i(w_scales_i), .a_scale_i(a_scale_i),\n"
               "    .facc_i(facc_i), .out_facc_valid_o(out_facc_valid_o), .out_facc_o(col_facc_o),\n"
               "    .out_valid_o(out_valid_o), .out_psum_o(out_psum));\n"
               "  reg  [%d:0] ps;\n  reg  [%d:0] sw;\n  reg  [%d:0] sa;\n  reg  [%d:0] acc;\n"
               "  always @(posedge clk_i) begin\n"
               "    if (pick_s_i) begin\n"
               "      fired <= scale_en_i && out_valid_o && rst_ni;\n"
               "      ps <= out_psum;  sw <= w_scales_i;  sa <= a_scale_i;\n    end\n"
               "    if (pick_a_i) acc <= facc_fwd_i ? col_facc_o : facc_i;\n  end\n",
            c * acc - 1, c * acc - 1, c * ws - 1, as - 1, c * 32 - 1);
    fprintf(f, "  wire [%d:0] term;\n  genvar n;\n  generate\n    for (n = 0; n < %d; n = n + 1) begin : g_ref\n"
               "      nibble_formal_term_path u_term (.psum_i(ps[n*%d +: %d]), .w_scale_i(sw[n*%d +: %d]),\n"
               "        .a_scale_i(sa), .term_o(term[n*32 +: 32]));\n"
               "      nibble_formal_add_path u_add (.a_i(acc[n*32 +: 32]), .b_i(term[n*32 +: 32]),\n"
               "        .sum_o(expected_o[n*32 +: 32]));\n    end\n  endgenerate\n",
            c * 32 - 1, c, acc, acc, ws, ws);
    fprintf(f, "  assign ok_o = fired ? out_facc_valid_o && col_facc_o == expected_o\n"
               "                      : !out_facc_valid_o && col_facc_o == %d'd0;\nendmodule\n",
            c * 32);
    bool ok = nb_memstream_close(f, &text, path, err) && nb_write_file(path, text, len, err);
    free(text);
    return ok;
}
