/* The formal check's Verilog: the design's decoders and the PE's multiplier
 * next to a truth table from the golden library. */
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

/* One pair's table: a case over the codes the two formats use. */
static void emit_pair_table(FILE *f, const nb_design *d, int wi, int ai)
{
    nb_operand w = nb_design_w_operand(d, wi), a = nb_design_a_operand(d, ai);
    int wb = d->w[wi].code_bits, ab = d->a[ai].code_bits;
    fprintf(f, "        known_o = 1'b1;  // %s x %s\n", d->w[wi].name, d->a[ai].name);
    fprintf(f, "        case ({w_code_i[%d:0], a_code_i[%d:0]})\n", wb - 1, ab - 1);
    for (unsigned wc = 0; wc < (1u << wb); wc++)
        for (unsigned ac = 0; ac < (1u << ab); ac++) {
            fprintf(f, "          %d'd%u: expected = ", wb + ab, wc << ab | ac);
            sconst(f, d->prod_bits, nb_product(&w, wc, &a, ac));
            fputs(";\n", f);
        }
    fputs("          default: expected = 0;\n        endcase\n", f);
}

/* The selects as one concatenation (weights high), or none. */
static void emit_sel_case(FILE *f, const nb_design *d)
{
    int sb = d->w_sel_bits + d->a_sel_bits;
    if (!sb) {
        emit_pair_table(f, d, 0, 0);
        return;
    }
    const char *sel = d->w_sel_bits && d->a_sel_bits ? "{wfmt_sel_i, afmt_sel_i}"
                      : d->w_sel_bits                ? "wfmt_sel_i"
                                                     : "afmt_sel_i";
    fprintf(f, "    case (%s)\n", sel);
    for (int wi = 0; wi < d->nw; wi++)
        for (int ai = 0; ai < d->na; ai++) {
            fprintf(f, "      %d'd%d: begin\n", sb, wi << d->a_sel_bits | ai);
            emit_pair_table(f, d, wi, ai);
            fputs("      end\n", f);
        }
    fputs("      default: ;  // unused select values: the PE's behaviour is unspecified\n"
          "    endcase\n", f);
}

bool formal_emit_check(const nb_design *d, const char *path, nb_err *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return nb_fail(err, "out of memory");
    fprintf(f, "// nibble formal check: the generated decoders and the PE's multiplier\n"
               "// (product = w_mant * a_mant, %d bits) must equal the golden library's\n"
               "// product table for every code of every format pair. known_o marks the\n"
               "// pairs the table covers; a proof selects one pair and shows ok_o = 1.\n\n",
            d->prod_bits);
    fprintf(f, "module nibble_formal_check (\n  input  wire [%d:0] w_code_i,\n"
               "  input  wire [%d:0] a_code_i,\n", d->w_code_bits - 1, d->a_code_bits - 1);
    if (d->w_sel_bits)
        fprintf(f, "  input  wire [%d:0] wfmt_sel_i,\n", d->w_sel_bits - 1);
    if (d->a_sel_bits)
        fprintf(f, "  input  wire [%d:0] afmt_sel_i,\n", d->a_sel_bits - 1);
    fprintf(f, "  output reg  known_o,\n  output wire ok_o\n);\n"
               "  wire signed [%d:0] w_mant;\n  wire signed [%d:0] a_mant;\n"
               "  wire signed [%d:0] product = w_mant * a_mant;\n"
               "  reg  signed [%d:0] expected;\n\n",
            d->w_mant_bits - 1, d->a_mant_bits - 1, d->prod_bits - 1, d->prod_bits - 1);
    fprintf(f, "  nibble_wdec u_wdec (.code_i(w_code_i),%s .mant_o(w_mant));\n",
            d->w_sel_bits ? " .fmt_sel_i(wfmt_sel_i)," : "");
    fprintf(f, "  nibble_adec u_adec (.code_i(a_code_i),%s .mant_o(a_mant));\n\n",
            d->a_sel_bits ? " .fmt_sel_i(afmt_sel_i)," : "");
    fputs("  always @(*) begin\n    known_o = 1'b0;\n    expected = 0;\n", f);
    emit_sel_case(f, d);
    fputs("  end\n\n  assign ok_o = product == expected;\nendmodule\n", f);
    fclose(f);
    bool ok = nb_write_file(path, text, len, err);
    free(text);
    return ok;
}
