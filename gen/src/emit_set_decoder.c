/* nibble_wdec / nibble_adec: every format of one operand side, aligned to the
 * side's common grid and selected at run time by fmt_sel_i. */
#include <stdio.h>

#include "emit.h"

void emit_set_decoder(vbuf *b, const nb_design *d, const nb_decoder_set *ds, char side)
{
    bool is_w = side == 'w';
    const nb_format *set = is_w ? d->w : d->a;
    int n = is_w ? d->nw : d->na;
    const int *index = is_w ? ds->w_index : ds->a_index;
    int code_bits = is_w ? d->w_code_bits : d->a_code_bits;
    int grid = is_w ? d->w_grid_frac : d->a_grid_frac;
    int out = is_w ? d->w_mant_bits : d->a_mant_bits;
    int sel = is_w ? d->w_sel_bits : d->a_sel_bits;
    const char *module = is_w ? "nibble_wdec" : "nibble_adec";
    const char *what = is_w ? "Weight" : "Activation";

    char file[64], purpose[512];
    snprintf(file, sizeof file, "%s.v", module);
    snprintf(purpose, sizeof purpose,
             "%s decoder: code -> mantissa on the common grid 2^-%d, so that every format of\n"
             "the set multiplies on one integer grid.%s",
             what, grid, sel ? " fmt_sel_i picks the format (index below);\nunused select "
                               "values decode to 0." : "");
    emit_header(b, d, file, purpose);

    vb_printf(b, "module %s (\n", module);
    vb_printf(b, "  input  wire [%d:0] code_i,\n", code_bits - 1);
    if (sel)
        vb_printf(b, "  input  wire [%d:0] fmt_sel_i,\n", sel - 1);
    vb_printf(b, "  output %s signed [%d:0] mant_o   // value x 2^%d\n", sel ? "reg " : "wire",
              out - 1, grid);
    vb_puts(b, ");\n");

    for (int i = 0; i < n; i++) {
        const nb_decoder *dec = &ds->dec[index[i]];
        vb_comment(b, "  wire signed [%d:0] mant_%s;  // %s, grid 2^-%d", dec->out_bits - 1,
                  dec->ident, set[i].name, set[i].frac_bits);
    }
    vb_puts(b, "\n");
    for (int i = 0; i < n; i++) {
        const nb_decoder *dec = &ds->dec[index[i]];
        vb_printf(b, "  %s u_%s (.code_i(code_i[%d:0]), .mant_o(mant_%s));\n", dec->module,
                  dec->ident, dec->code_bits - 1, dec->ident);
    }
    vb_puts(b, "\n");

    char sig[128];
    if (!sel) {
        const nb_decoder *dec = &ds->dec[index[0]];
        snprintf(sig, sizeof sig, "mant_%s", dec->ident);
        vb_printf(b, "  assign mant_o = ");
        vb_sext_shift(b, sig, dec->out_bits, grid - set[0].frac_bits, out);
        vb_puts(b, ";\n");
    } else {
        bool full = n == (1 << sel);
        vb_puts(b, "  always @(*) begin\n    case (fmt_sel_i)\n");
        for (int i = 0; i < n; i++) {
            const nb_decoder *dec = &ds->dec[index[i]];
            snprintf(sig, sizeof sig, "mant_%s", dec->ident);
            if (full && i == n - 1)
                vb_puts(b, "      default: ");
            else
                vb_printf(b, "      %d'd%d: ", sel, i);
            vb_puts(b, "mant_o = ");
            vb_sext_shift(b, sig, dec->out_bits, grid - set[i].frac_bits, out);
            vb_comment(b, ";  // %s x 2^%d", set[i].name, grid - set[i].frac_bits);
        }
        if (!full)
            vb_printf(b, "      default: mant_o = %d'sd0;\n", out);
        vb_puts(b, "    endcase\n  end\n");
    }
    vb_puts(b, "endmodule\n");
}
