/* nibble_pe: one processing element of the weight-stationary array. */
#include <stdio.h>

#include "emit.h"

/* The three steps of the PE datapath and the signals each step reads. With
 * pipeline stages, the signals of one step are registered copies of the
 * previous step's. */
typedef struct stage_names {
    const char *a_mant, *tag, *overq_on;
} stage_names;

static void emit_ports(vbuf *b, const nb_design *d)
{
    int wcb = d->w_code_bits, acb = d->a_code_bits, acc = d->acc_bits;
    vb_puts(b, "module nibble_pe (\n  input  wire clk_i,\n");
    vb_puts(b, "  // stationary weight\n");
    vb_puts(b, "  input  wire w_load_i,  // capture w_code_i at this clock edge\n");
    vb_printf(b, "  input  wire [%d:0] w_code_i,\n", wcb - 1);
    if (d->w_sel_bits)
        vb_printf(b, "  input  wire [%d:0] wfmt_sel_i,  // weight format (index into the set)\n",
                  d->w_sel_bits - 1);
    if (d->a_sel_bits)
        vb_printf(b, "  input  wire [%d:0] afmt_sel_i,  // activation format\n", d->a_sel_bits - 1);
    if (d->tag_bits) {
        vb_puts(b, "  // OverQ: the decoded weight of the PE above, and ours for the PE below\n");
        vb_printf(b, "  input  wire signed [%d:0] w_mant_above_i,\n", d->w_mant_bits - 1);
        vb_printf(b, "  output wire signed [%d:0] w_mant_o,\n", d->w_mant_bits - 1);
    }
    vb_puts(b, "  // activation: from the left, registered to the right\n");
    vb_printf(b, "  input  wire [%d:0] a_code_i,\n", acb - 1);
    vb_printf(b, "  output reg  [%d:0] a_code_o,\n", acb - 1);
    if (d->tag_bits) {
        vb_printf(b, "  input  wire [%d:0] a_tag_i,   // OverQ slot tag, travels with the code\n",
                  d->tag_bits - 1);
        vb_printf(b, "  output reg  [%d:0] a_tag_o,\n", d->tag_bits - 1);
    }
    vb_puts(b, "  // partial sum: from above, registered below\n");
    vb_printf(b, "  input  wire signed [%d:0] psum_i,\n", acc - 1);
    vb_printf(b, "  output reg  signed [%d:0] psum_o\n);\n", acc - 1);
}

/* Register a stage's signals into the next one (a pipeline step); the new
 * names are written into n. */
static stage_names emit_stage_regs(vbuf *b, const nb_design *d, stage_names in, const char *suffix,
                                   bool with_mant, char n[3][32])
{
    stage_names out = in;
    if (with_mant) {
        snprintf(n[0], sizeof n[0], "a_mant_%s", suffix);
        vb_printf(b, "  reg  signed [%d:0] %s;\n", d->a_mant_bits - 1, n[0]);
        vb_printf(b, "  always @(posedge clk_i) %s <= %s;\n", n[0], in.a_mant);
        out.a_mant = n[0];
    }
    if (d->tag_bits) {
        snprintf(n[1], sizeof n[1], "tag_%s", suffix);
        vb_printf(b, "  reg  [%d:0] %s;\n", d->tag_bits - 1, n[1]);
        vb_printf(b, "  always @(posedge clk_i) %s <= %s;\n", n[1], in.tag);
        out.tag = n[1];
        if (in.overq_on) {
            snprintf(n[2], sizeof n[2], "overq_on_%s", suffix);
            vb_printf(b, "  reg  %s;\n", n[2]);
            vb_printf(b, "  always @(posedge clk_i) %s <= %s;\n", n[2], in.overq_on);
            out.overq_on = n[2];
        }
    }
    return out;
}

void emit_pe(vbuf *b, const nb_design *d)
{
    int acc = d->acc_bits, wm = d->w_mant_bits, am = d->a_mant_bits, pw = d->prod_bits;
    char purpose[1400];
    snprintf(purpose, sizeof purpose,
             "Processing element: holds one stationary weight code, decodes it and the passing\n"
             "activation onto their grids, multiplies exactly and adds the product to the\n"
             "partial sum coming from above (%d-bit %s). The activation code moves one PE to\n"
             "the right per cycle, the partial sum one PE down.\n"
             "Pipeline %d: %s%s",
             acc, d->acc_mode == NB_ACC_SATURATE ? "saturating" : "two's-complement wrap",
             d->pipeline,
             d->pipeline == 0 ? "decode, multiply and accumulate in one cycle."
             : d->pipeline == 1 ? "the product is registered before the accumulate."
                                : "the decoded activation and the product are registered.",
             d->tag_bits ? "\nOverQ: a tagged slot (HIGH, MOVED, LOW) multiplies by the weight of "
                           "the PE above;\nHIGH adds the product x16, LOW /16 (exact: the "
                           "activation grid has 4 spare\nfraction bits in precision mode)."
                         : "");
    emit_header(b, d, "nibble_pe.v", purpose);
    emit_ports(b, d);

    vb_printf(b, "  reg  [%d:0] w_code_q;\n", d->w_code_bits - 1);
    vb_printf(b, "  wire signed [%d:0] w_mant;     // weight x 2^%d\n", wm - 1, d->w_grid_frac);
    vb_printf(b, "  wire signed [%d:0] a_mant;     // activation x 2^%d\n", am - 1, d->a_grid_frac);
    vb_printf(b, "  wire signed [%d:0] product;    // exact, x 2^%d\n", pw - 1,
              d->w_grid_frac + d->a_grid_frac);
    vb_printf(b, "  wire signed [%d:0] addend;     // what this PE adds to the partial sum\n", acc - 1);
    vb_printf(b, "  wire signed [%d:0] psum_next;\n\n", acc - 1);

    vb_puts(b, "  always @(posedge clk_i) begin\n    if (w_load_i) w_code_q <= w_code_i;\n  end\n\n");
    vb_printf(b, "  nibble_wdec u_wdec (.code_i(w_code_q), %s.mant_o(w_mant));\n",
              d->w_sel_bits ? ".fmt_sel_i(wfmt_sel_i), " : "");
    vb_printf(b, "  nibble_adec u_adec (.code_i(a_code_i), %s.mant_o(a_mant));\n",
              d->a_sel_bits ? ".fmt_sel_i(afmt_sel_i), " : "");
    if (d->tag_bits)
        vb_puts(b, "  assign w_mant_o = w_mant;\n");
    vb_puts(b, "\n");

    /* decode step */
    /* overq_on is NULL when OverQ is the only activation format (always on) */
    stage_names s = {"a_mant", "a_tag_i", NULL};
    char mul_names[3][32], acc_names[3][32];
    if (d->tag_bits && d->a_sel_bits) {
        vb_printf(b, "  wire overq_on = afmt_sel_i == %d'd%d;  // tags count only for OverQ slots\n",
                  d->a_sel_bits, d->overq_index);
        s.overq_on = "overq_on";
    }
    /* multiply step */
    if (d->pipeline >= 2) {
        vb_puts(b, "  // pipeline stage: decoded activation\n");
        s = emit_stage_regs(b, d, s, "m", true, mul_names);
    }
    if (d->tag_bits) {
        if (s.overq_on)
            vb_printf(b, "  wire use_above = %s && (%s != %d'd0);\n", s.overq_on, s.tag, d->tag_bits);
        else
            vb_printf(b, "  wire use_above = %s != %d'd0;\n", s.tag, d->tag_bits);
        vb_printf(b, "  wire signed [%d:0] w_operand = use_above ? w_mant_above_i : w_mant;\n", wm - 1);
        vb_printf(b, "  assign product = w_operand * %s;\n", s.a_mant);
    } else {
        vb_printf(b, "  assign product = w_mant * %s;\n", s.a_mant);
    }
    /* accumulate step */
    const char *p_source = "product";
    if (d->pipeline >= 1) {
        vb_puts(b, "  // pipeline stage: product\n");
        vb_printf(b, "  reg  signed [%d:0] product_q;\n", pw - 1);
        vb_puts(b, "  always @(posedge clk_i) product_q <= product;\n");
        s = emit_stage_regs(b, d, s, "a", false, acc_names);
        p_source = "product_q";
    }
    vb_printf(b, "  wire signed [%d:0] product_ext = ", acc - 1);
    vb_sext_shift(b, p_source, pw, 0, acc);
    vb_puts(b, ";\n");
    if (d->tag_bits) {
        vb_puts(b, "  // HIGH is the upper nibble of the value above (x16); LOW its fraction bits (/16)\n");
        if (s.overq_on)
            vb_printf(b, "  assign addend = !%s ? product_ext\n                : ", s.overq_on);
        else
            vb_puts(b, "  assign addend = ");
        vb_printf(b, "%s == %d'd%d ? (product_ext <<< 4)\n", s.tag, d->tag_bits, NB_TAG_HIGH);
        if (d->overq_mode == NB_OVERQ_RANGE_PRECISION) /* LOW exists only with precision */
            vb_printf(b, "                : %s == %d'd%d ? (product_ext >>> 4)\n", s.tag,
                      d->tag_bits, NB_TAG_LOW);
        vb_puts(b, "                : product_ext;\n\n");
    } else {
        vb_puts(b, "  assign addend = product_ext;\n\n");
    }
    vb_printf(b, "  nibble_acc_add #(.W(%d), .SAT(%d)) u_acc (\n", acc,
              d->acc_mode == NB_ACC_SATURATE ? 1 : 0);
    vb_puts(b, "    .acc_i(psum_i), .addend_i(addend), .sum_o(psum_next)\n  );\n\n");
    vb_puts(b, "  always @(posedge clk_i) begin\n    a_code_o <= a_code_i;\n");
    if (d->tag_bits)
        vb_puts(b, "    a_tag_o  <= a_tag_i;\n");
    vb_puts(b, "    psum_o   <= psum_next;\n  end\nendmodule\n");
}
