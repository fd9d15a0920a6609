/* The formal check's Verilog: per format pair, the golden product table next
 * to (a) the design's decoders with an ideal multiplier, (b) the generated PE
 * itself, flip-flops shorted (its settled datapath), and (c) the generated PE
 * clocked through a load / multiply-accumulate sequence against a shorted copy
 * (its timing). See formal_run.c for the proofs and flows/README.md. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "formal_internal.h"

static void sconst(FILE *f, int width, long long v)
{
    if (v < 0)
        fprintf(f, "-%d'sd%lld", width, -v);
    else
        fprintf(f, "%d'sd%lld", width, v);
}

/* Does the pair's activation format carry OverQ tags into the PE? */
static bool pair_tagged(const nb_design *d, int ai)
{
    return d->tag_bits && ai == d->overq_index;
}

/* The select ports of a nibble_pe instance, fixed to the pair (or nothing). */
static void sel_ports(FILE *f, const nb_design *d, int wi, int ai)
{
    if (d->w_sel_bits)
        fprintf(f, " .wfmt_sel_i(%d'd%d),", d->w_sel_bits, wi);
    if (d->a_sel_bits)
        fprintf(f, " .afmt_sel_i(%d'd%d),", d->a_sel_bits, ai);
}

/* One pair's golden table: a case over the codes the two formats use. */
static void emit_table_module(FILE *f, const nb_design *d, int wi, int ai)
{
    nb_operand w = nb_design_w_operand(d, wi), a = nb_design_a_operand(d, ai);
    int wb = d->w[wi].code_bits, ab = d->a[ai].code_bits;
    fprintf(f, "// golden products %s x %s (nb_product, grid 2^-%d)\n", d->w[wi].name,
            d->a[ai].name, d->w_grid_frac + d->a_grid_frac);
    fprintf(f, "module nibble_formal_table_%d_%d (\n  input  wire [%d:0] w_i,\n"
               "  input  wire [%d:0] a_i,\n  output reg  signed [%d:0] p_o\n);\n"
               "  always @(*) begin\n    case ({w_i, a_i})\n",
            wi, ai, wb - 1, ab - 1, d->prod_bits - 1);
    for (unsigned wc = 0; wc < (1u << wb); wc++)
        for (unsigned ac = 0; ac < (1u << ab); ac++) {
            fprintf(f, "      %d'd%u: p_o = ", wb + ab, wc << ab | ac);
            sconst(f, d->prod_bits, nb_product(&w, wc, &a, ac));
            fputs(";\n", f);
        }
    fputs("      default: p_o = 0;\n    endcase\n  end\nendmodule\n\n", f);
}

/* Width of the exact sum psum + product before wrapping or saturating. */
static int exact_bits(const nb_design *d)
{
    int b = d->prod_bits + 5; /* a HIGH slot's product x16, plus sign */
    return (d->acc_bits > b ? d->acc_bits : b) + 1;
}

/* expected_o from psum_i and the signed addend eprod (golden accumulator). */
static void emit_expected(FILE *f, const nb_design *d)
{
    int eb = exact_bits(d), acc = d->acc_bits;
    fprintf(f, "  wire signed [%d:0] exact = psum_i + eprod;\n", eb - 1);
    if (d->acc_mode == NB_ACC_SATURATE) {
        long long hi = (long long)((1ULL << (acc - 1)) - 1), lo = -hi - 1;
        fputs("  wire signed [", f);
        fprintf(f, "%d:0] acc_hi = ", eb - 1);
        sconst(f, eb, hi);
        fprintf(f, ";\n  wire signed [%d:0] acc_lo = ", eb - 1);
        sconst(f, eb, lo);
        fprintf(f, ";\n  wire signed [%d:0] fitted = exact > acc_hi ? acc_hi : exact < acc_lo ? acc_lo"
                   " : exact;\n  assign expected_o = fitted[%d:0];  // saturating\n",
                eb - 1, acc - 1);
    } else {
        fprintf(f, "  assign expected_o = exact[%d:0];  // wrapping\n", acc - 1);
    }
}

/* (a) + (b): a combinational miter. The PE's flip-flops are shorted by the
 * script (formal_short.v), so psum_o is its settled function of the inputs. */
static void emit_comb_module(FILE *f, const nb_design *d, int wi, int ai)
{
    int wcb = d->w_code_bits, acb = d->a_code_bits, acc = d->acc_bits, pb = d->prod_bits;
    int wb = d->w[wi].code_bits, ab = d->a[ai].code_bits, eb = exact_bits(d);
    bool tagged = pair_tagged(d, ai);
    fprintf(f, "// %s x %s: decoders x ideal multiplier (dec_ok_o) and the PE (pe_ok_o)\n",
            d->w[wi].name, d->a[ai].name);
    fprintf(f, "module nibble_formal_comb_%d_%d (\n  input  wire [%d:0] w_code_i,\n"
               "  input  wire [%d:0] a_code_i,\n  input  wire signed [%d:0] psum_i,\n",
            wi, ai, wcb - 1, acb - 1, acc - 1);
    if (d->tag_bits)
        fprintf(f, "  input  wire [%d:0] w_above_code_i,  // weight code of the PE above\n"
                   "  input  wire [%d:0] a_tag_i,\n", wcb - 1, d->tag_bits - 1);
    fprintf(f, "  output wire signed [%d:0] expected_o,\n  output wire signed [%d:0] psum_o,\n"
               "  output wire dec_ok_o,\n  output wire pe_ok_o,\n  output wire ok_o\n);\n",
            acc - 1, acc - 1);
    /* (a) the decoders alone, with an ideal multiplier */
    fprintf(f, "  wire signed [%d:0] w_mant;\n  wire signed [%d:0] a_mant;\n"
               "  wire signed [%d:0] dec_product = w_mant * a_mant;\n",
            d->w_mant_bits - 1, d->a_mant_bits - 1, pb - 1);
    fprintf(f, "  nibble_wdec u_wdec (.code_i(w_code_i),");
    if (d->w_sel_bits)
        fprintf(f, " .fmt_sel_i(%d'd%d),", d->w_sel_bits, wi);
    fprintf(f, " .mant_o(w_mant));\n  nibble_adec u_adec (.code_i(a_code_i),");
    if (d->a_sel_bits)
        fprintf(f, " .fmt_sel_i(%d'd%d),", d->a_sel_bits, ai);
    fputs(" .mant_o(a_mant));\n", f);
    fprintf(f, "  wire signed [%d:0] p_own;\n  nibble_formal_table_%d_%d t_own "
               "(.w_i(w_code_i[%d:0]), .a_i(a_code_i[%d:0]), .p_o(p_own));\n",
            pb - 1, wi, ai, wb - 1, ab - 1);
    fputs("  assign dec_ok_o = dec_product == p_own;\n\n", f);

    /* (b) the generated PE, weight loaded, in its steady state */
    fprintf(f, "  wire [%d:0] a_code_unused;\n", acb - 1);
    if (d->tag_bits) {
        fprintf(f, "  wire [%d:0] a_tag_unused, a_tag_unused2;\n  wire [%d:0] a_code_unused2;\n"
                   "  wire signed [%d:0] wm_above, wm_unused;\n  wire signed [%d:0] psum_unused;\n",
                d->tag_bits - 1, acb - 1, d->w_mant_bits - 1, acc - 1);
        fputs("  // the PE above only lends its decoded weight (w_mant_o) to OverQ slots\n", f);
        fputs("  nibble_pe u_above (.clk_i(1'b0), .w_load_i(1'b1), .w_code_i(w_above_code_i),", f);
        sel_ports(f, d, wi, ai);
        fprintf(f, "\n    .w_mant_above_i(%d'sd0), .w_mant_o(wm_above), .a_code_i(%d'd0),"
                   " .a_code_o(a_code_unused2),\n    .a_tag_i(%d'd0), .a_tag_o(a_tag_unused2),"
                   " .psum_i(%d'sd0), .psum_o(psum_unused));\n",
                d->w_mant_bits, acb, d->tag_bits, acc);
    }
    fputs("  nibble_pe u_pe (.clk_i(1'b0), .w_load_i(1'b1), .w_code_i(w_code_i),", f);
    sel_ports(f, d, wi, ai);
    if (d->tag_bits)
        fputs("\n    .w_mant_above_i(wm_above), .w_mant_o(wm_unused),", f);
    fputs("\n    .a_code_i(a_code_i), .a_code_o(a_code_unused),", f);
    if (d->tag_bits)
        fputs(" .a_tag_i(a_tag_i), .a_tag_o(a_tag_unused),", f);
    fputs("\n    .psum_i(psum_i), .psum_o(psum_o));\n\n", f);

    /* the golden addend: nb_product, or nb_overq_product for tagged slots */
    fprintf(f, "  wire signed [%d:0] eprod;\n", eb - 1);
    if (tagged) {
        fprintf(f, "  wire signed [%d:0] p_above;\n  nibble_formal_table_%d_%d t_above "
                   "(.w_i(w_above_code_i[%d:0]), .a_i(a_code_i[%d:0]), .p_o(p_above));\n",
                pb - 1, wi, ai, wb - 1, ab - 1);
        fprintf(f, "  wire signed [%d:0] p_above_x = p_above;\n", eb - 1);
        /* the tags a tag_bits-wide port can carry (1 bit: NORMAL and HIGH) */
        static const struct { int tag; const char *expr, *name; } tags[] = {
            {NB_TAG_HIGH, "p_above_x <<< 4", "HIGH"},
            {NB_TAG_MOVED, "p_above_x", "MOVED"},
            {NB_TAG_LOW, "p_above_x >>> 4", "LOW (floor)"},
        };
        fputs("  assign eprod =", f);
        for (size_t t = 0; t < sizeof tags / sizeof *tags; t++)
            if (tags[t].tag < (1 << d->tag_bits))
                fprintf(f, " a_tag_i == %d'd%d ? %s  // %s\n               :", d->tag_bits,
                        tags[t].tag, tags[t].expr, tags[t].name);
        fputs(" p_own;\n", f);
    } else {
        fputs("  assign eprod = p_own;", f);
        fputs(d->tag_bits ? "  // tags do not count for this activation format\n" : "\n", f);
    }
    emit_expected(f, d);
    if (tagged && d->overq_mode != NB_OVERQ_RANGE_PRECISION && NB_TAG_LOW < (1 << d->tag_bits))
        fprintf(f, "  // range mode never produces LOW tags: no claim for them\n"
                   "  assign pe_ok_o = a_tag_i == %d'd%d || psum_o == expected_o;\n",
                d->tag_bits, NB_TAG_LOW);
    else
        fputs("  assign pe_ok_o = psum_o == expected_o;\n", f);
    fputs("  assign ok_o = dec_ok_o && pe_ok_o;\nendmodule\n\n", f);
}

/* One PE instance of the sequential miter: real (driven by the schedule) or
 * the shorted reference (driven by the frozen values). */
static void emit_seq_pe(FILE *f, const nb_design *d, int wi, int ai, bool real, bool above)
{
    const char *inst = real ? (above ? "u_above" : "u_pe") : (above ? "u_ref_above" : "u_ref");
    const char *sfx = real ? "" : "_ref";
    fprintf(f, "  nibble_%s %s (.clk_i(clk_i),", real ? "pe" : "pe_ref", inst);
    if (real)
        fprintf(f, " .w_load_i(w_load_i), .w_code_i(w_load_i ? %s : w_noise_i),",
                above ? "w_above_code" : "w_code");
    else
        fprintf(f, " .w_load_i(1'b1), .w_code_i(%s),", above ? "w_above_code" : "w_code");
    sel_ports(f, d, wi, ai);
    if (d->tag_bits)
        fprintf(f, "\n    .w_mant_above_i(%s), .w_mant_o(wm%s%s),",
                above ? "wm_noise_i" : (real ? "wm_above" : "wm_above_ref"), above ? "_above" : "",
                real ? "" : "_ref");
    if (above) {
        fprintf(f, "\n    .a_code_i(a_noise_i), .a_code_o(ac_above%s),", sfx);
        if (d->tag_bits)
            fprintf(f, " .a_tag_i(t_noise_i), .a_tag_o(at_above%s),", sfx);
        fprintf(f, "\n    .psum_i(s_noise_i), .psum_o(ps_above%s));\n", sfx);
        return;
    }
    if (real) {
        fputs("\n    .a_code_i(a_pick_i ? a_code : a_noise_i), .a_code_o(ac_out),", f);
        if (d->tag_bits)
            fputs(" .a_tag_i(a_pick_i ? a_tag : t_noise_i), .a_tag_o(at_out),", f);
        fputs("\n    .psum_i(s_pick_i ? psum_in : s_noise_i), .psum_o(psum_o));\n", f);
    } else {
        fputs("\n    .a_code_i(a_code), .a_code_o(ac_ref),", f);
        if (d->tag_bits)
            fputs(" .a_tag_i(a_tag), .a_tag_o(at_ref),", f);
        fputs("\n    .psum_i(psum_in), .psum_o(ref_o));\n", f);
    }
}

/* (c): the real PE, clocked: weight loaded at step 1, then held with noise on
 * its code input, the activation given at step 3 only, the partial sum at
 * step 3 + pipeline only; psum_o at step 4 + pipeline must equal the shorted
 * copy's for the same values. The frozen registers hold free values that
 * never change (free initial state). */
static void emit_seq_module(FILE *f, const nb_design *d, int wi, int ai)
{
    int wcb = d->w_code_bits, acb = d->a_code_bits, acc = d->acc_bits;
    fprintf(f, "// %s x %s: the clocked PE against its settled (shorted) copy\n", d->w[wi].name,
            d->a[ai].name);
    fprintf(f, "module nibble_formal_seq_%d_%d (\n  input  wire clk_i,\n"
               "  input  wire w_load_i,  // schedule: load the weight\n"
               "  input  wire a_pick_i,  // schedule: present the activation\n"
               "  input  wire s_pick_i,  // schedule: present the partial sum\n"
               "  input  wire [%d:0] w_noise_i,  // what the inputs carry otherwise\n"
               "  input  wire [%d:0] a_noise_i,\n  input  wire signed [%d:0] s_noise_i,\n",
            wi, ai, wcb - 1, acb - 1, acc - 1);
    if (d->tag_bits)
        fprintf(f, "  input  wire [%d:0] t_noise_i,\n  input  wire signed [%d:0] wm_noise_i,\n",
                d->tag_bits - 1, d->w_mant_bits - 1);
    fputs("  output wire ok_o\n);\n", f);
    fprintf(f, "  // frozen free values: the codes and partial sum under test\n"
               "  reg  [%d:0] w_code;\n  reg  [%d:0] a_code;\n  reg  signed [%d:0] psum_in;\n",
            wcb - 1, acb - 1, acc - 1);
    if (d->tag_bits)
        fprintf(f, "  reg  [%d:0] w_above_code;\n  reg  [%d:0] a_tag;\n", wcb - 1, d->tag_bits - 1);
    fputs("  always @(posedge clk_i) begin\n"
          "    w_code <= w_code;\n    a_code <= a_code;\n    psum_in <= psum_in;\n",
          f);
    if (d->tag_bits)
        fputs("    w_above_code <= w_above_code;\n    a_tag <= a_tag;\n", f);
    fputs("  end\n", f);
    fprintf(f, "  wire signed [%d:0] psum_o, ref_o;\n  wire [%d:0] ac_out, ac_ref;\n", acc - 1, acb - 1);
    if (d->tag_bits)
        fprintf(f, "  wire [%d:0] at_out, at_ref, at_above, at_above_ref;\n"
                   "  wire [%d:0] ac_above, ac_above_ref;\n"
                   "  wire signed [%d:0] ps_above, ps_above_ref;\n"
                   "  wire signed [%d:0] wm_above, wm_above_ref, wm, wm_ref;\n",
                d->tag_bits - 1, acb - 1, acc - 1, d->w_mant_bits - 1);
    if (d->tag_bits) {
        emit_seq_pe(f, d, wi, ai, true, true);
        emit_seq_pe(f, d, wi, ai, false, true);
    }
    emit_seq_pe(f, d, wi, ai, true, false);
    emit_seq_pe(f, d, wi, ai, false, false);
    fputs("  assign ok_o = psum_o == ref_o;\nendmodule\n\n", f);
}

bool formal_emit_check(const nb_design *d, const char *path, nb_err *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return nb_fail(err, "out of memory");
    fprintf(f, "// nibble formal check. Per format pair (WI, AI):\n"
               "//   nibble_formal_table_WI_AI  the golden library's product for every code pair\n"
               "//   nibble_formal_comb_WI_AI   decoders x ideal multiplier == table (dec_ok_o) and\n"
               "//                              the generated nibble_pe, flip-flops shorted:\n"
               "//                              psum_o == psum_i + table, %d-bit %s (pe_ok_o)\n"
               "//   nibble_formal_seq_WI_AI    the clocked nibble_pe (pipeline %d) == its shorted\n"
               "//                              copy after load / multiply-accumulate steps\n\n",
            d->acc_bits, d->acc_mode == NB_ACC_SATURATE ? "saturating" : "wrapping", d->pipeline);
    for (int wi = 0; wi < d->nw; wi++)
        for (int ai = 0; ai < d->na; ai++) {
            emit_table_module(f, d, wi, ai);
            emit_comb_module(f, d, wi, ai);
            emit_seq_module(f, d, wi, ai);
        }
    bool ok = nb_memstream_close(f, &text, path, err) && nb_write_file(path, text, len, err);
    free(text);
    return ok;
}

/* Techmap rules that turn a flip-flop into a wire (Q = D): the PE's settled
 * behaviour with its weight loaded and constant inputs. */
bool formal_emit_short_map(const char *path, nb_err *err)
{
    static const char text[] =
        "// nibble formal: flip-flops become wires (Q = D), used on nibble_pe copies\n"
        "(* techmap_celltype = \"$dff\" *)\n"
        "module _nibble_formal_short_dff (CLK, D, Q);\n"
        "  parameter WIDTH = 1;\n  parameter CLK_POLARITY = 1;\n"
        "  input CLK;\n  input [WIDTH-1:0] D;\n  output [WIDTH-1:0] Q;\n"
        "  assign Q = D;\nendmodule\n\n"
        "(* techmap_celltype = \"$dffe\" *)\n"
        "module _nibble_formal_short_dffe (CLK, EN, D, Q);\n"
        "  parameter WIDTH = 1;\n  parameter CLK_POLARITY = 1;\n  parameter EN_POLARITY = 1;\n"
        "  input CLK, EN;\n  input [WIDTH-1:0] D;\n  output [WIDTH-1:0] Q;\n"
        "  assign Q = D;\nendmodule\n";
    return nb_write_file(path, text, sizeof text - 1, err);
}
