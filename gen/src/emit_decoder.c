/* One decoder module per format: code -> two's-complement mantissa on the
 * format's own grid (value = mant_o x 2^-frac_bits). */
#include <stdio.h>
#include <string.h>

#include "emit.h"
#include "nibble/format_json.h"

/* "{2'd0, 1'b1, mantissa, 1'd0}" for a magnitude row (see dec_row_kind). */
static void row_expr(vbuf *b, const nb_decoder *d, const dec_row *r)
{
    int M = d->man_bits;
    int bits = (r->kind == ROW_LINEAR ? M : 1 + M) + r->shift;
    int pad = d->mag_bits - bits;
    switch (r->kind) {
    case ROW_ZERO:
        vb_printf(b, "%d'd0", d->mag_bits);
        return;
    case ROW_CONST:
        vb_printf(b, "(mantissa != %d'd0) ? %d'd%lld : %d'd0", M, d->mag_bits, (long long)r->value,
                  d->mag_bits);
        return;
    case ROW_IMPLICIT_NZ:
        vb_printf(b, "(mantissa != %d'd0) ? ", M);
        break;
    case ROW_IMPLICIT_NAN:
        vb_printf(b, "(mantissa != %d'd%u) ? ", M, (1u << M) - 1);
        break;
    default:
        break;
    }
    vb_puts(b, "{");
    bool first = true;
    if (pad > 0) {
        vb_printf(b, "%d'd0", pad);
        first = false;
    }
    if (r->kind != ROW_LINEAR) {
        vb_printf(b, "%s1'b1", first ? "" : ", ");
        first = false;
    }
    if (M > 0) {
        vb_printf(b, "%smantissa", first ? "" : ", ");
        first = false;
    }
    if (r->shift > 0)
        vb_printf(b, "%s%d'd0", first ? "" : ", ", r->shift);
    vb_puts(b, "}");
    if (r->kind == ROW_IMPLICIT_NZ || r->kind == ROW_IMPLICIT_NAN)
        vb_printf(b, " : %d'd0", d->mag_bits);
}

static void row_comment(vbuf *b, const nb_decoder *d, const dec_row *r, int e)
{
    const nb_minifloat *mf = &d->fmt->minifloat;
    bool top = e + 1 == (1 << d->exp_bits);
    switch (r->kind) {
    case ROW_ZERO:
        vb_puts(b, top && mf->specials != NB_SPECIAL_NONE
                       ? "inf/NaN: the integer datapath has neither, decodes to 0"
                       : "zero");
        break;
    case ROW_IMPLICIT_NAN:
        vb_printf(b, "1.m x 2^%d, m all ones is NaN (decodes to 0)", e - mf->bias);
        break;
    case ROW_LINEAR:
        vb_printf(b, "subnormal 0.m x 2^%d", 1 - mf->bias);
        break;
    case ROW_CONST:
        vb_printf(b, "subnormal fixed at %g", mf->subnormal_value);
        break;
    case ROW_IMPLICIT_NZ:
        vb_printf(b, "1.m x 2^%d, m = 0 is zero", e - mf->bias);
        break;
    case ROW_IMPLICIT:
        vb_printf(b, "1.m x 2^%d", e - mf->bias);
        break;
    }
}

static void emit_ports(vbuf *b, const nb_decoder *d, bool out_reg)
{
    vb_printf(b, "module %s (\n", d->module);
    vb_printf(b, "  input  wire [%d:0] code_i,\n", d->code_bits - 1);
    vb_printf(b, "  output %s signed [%d:0] mant_o   // value x 2^%d\n", out_reg ? "reg " : "wire",
              d->out_bits - 1, d->fmt->frac_bits);
    vb_puts(b, ");\n");
}

/* sign ? -mag : mag, with the special code first when there is one. */
static void emit_sign(vbuf *b, const nb_decoder *d)
{
    int pad = d->out_bits - d->mag_bits;
    char mag[64];
    if (pad > 0)
        snprintf(mag, sizeof mag, "$signed({%d'd0, magnitude})", pad);
    else
        snprintf(mag, sizeof mag, "$signed(magnitude)");
    if (d->has_special) {
        vb_printf(b, "  // Code %d'b1", d->code_bits);
        for (int i = 1; i < d->code_bits; i++)
            vb_puts(b, "0");
        vb_printf(b, " (negative zero) carries the extra value %g.\n",
                  d->fmt->hw[1u << (d->code_bits - 1)]);
        vb_printf(b, "  assign mant_o = (code_i == %d'b1", d->code_bits);
        for (int i = 1; i < d->code_bits; i++)
            vb_puts(b, "0");
        vb_puts(b, ") ? ");
        vb_sconst(b, d->out_bits, d->special);
        vb_printf(b, "\n                : sign ? -%s : %s;\n", mag, mag);
    } else {
        vb_puts(b, d->kind == DEC_MINIFLOAT && d->fmt->minifloat.specials == NB_SPECIAL_FNUZ
                       ? "  // Sign-magnitude to two's complement; code 10..0 (NaN) decodes to 0.\n"
                       : "  // Sign-magnitude to two's complement; negative zero decodes to 0.\n");
        vb_printf(b, "  assign mant_o = sign ? -%s : %s;\n", mag, mag);
    }
}

void emit_decoder(vbuf *b, const nb_design *design, const nb_decoder *d)
{
    const nb_format *f = d->fmt;
    char file[160], purpose[1024], enc[160];
    snprintf(file, sizeof file, "%s.v", d->module);
    nb_format_describe_encoding(f, enc, sizeof enc);
    snprintf(purpose, sizeof purpose,
             "Decoder for %s: %s.\nEncoding: %s.\nOutput: the hardware grid, value = mant_o x "
             "2^-%d (%s).",
             f->name, f->title, enc, f->frac_bits,
             f->grid_exact ? "exact" : "ROM entries rounded to nearest");
    emit_header(b, design, file, purpose);
    int cb = d->code_bits;
    switch (d->kind) {
    case DEC_TWOS:
        emit_ports(b, d, false);
        vb_puts(b, "  assign mant_o = code_i;  // two's complement already\n");
        break;
    case DEC_UNSIGNED:
        emit_ports(b, d, false);
        vb_puts(b, "  assign mant_o = {1'b0, code_i};  // zero-extend\n");
        break;
    case DEC_MINIFLOAT: {
        emit_ports(b, d, false);
        int E = d->exp_bits, M = d->man_bits;
        vb_printf(b, "  wire       sign     = code_i[%d];\n", cb - 1);
        vb_printf(b, "  wire [%d:0] exponent = code_i[%d:%d];\n", E - 1, cb - 2, M);
        if (M > 0)
            vb_printf(b, "  wire [%d:0] mantissa = code_i[%d:0];\n", M - 1, M - 1);
        vb_printf(b, "  reg  [%d:0] magnitude;  // |value| x 2^%d\n\n", d->mag_bits - 1,
                  f->frac_bits);
        vb_puts(b, "  always @(*) begin\n    case (exponent)\n");
        for (int e = 0; e < (1 << E); e++) {
            if (e + 1 < (1 << E))
                vb_printf(b, "      %d'd%d: ", E, e);
            else
                vb_puts(b, "      default: ");
            vb_puts(b, "magnitude = ");
            row_expr(b, d, &d->rows[e]);
            vb_puts(b, ";  // ");
            row_comment(b, d, &d->rows[e], e);
            vb_puts(b, "\n");
        }
        vb_puts(b, "    endcase\n  end\n\n");
        emit_sign(b, d);
        break;
    }
    case DEC_SIGNMAG_ROM: {
        emit_ports(b, d, false);
        int half = 1 << (cb - 1);
        vb_printf(b, "  wire       sign = code_i[%d];\n", cb - 1);
        vb_printf(b, "  reg  [%d:0] magnitude;  // |value| x 2^%d, from a %d-entry ROM\n\n",
                  d->mag_bits - 1, f->frac_bits, half);
        vb_printf(b, "  always @(*) begin\n    case (code_i[%d:0])\n", cb - 2);
        for (int c = 0; c < half; c++) {
            if (c + 1 < half)
                vb_printf(b, "      %d'd%d: ", cb - 1, c);
            else
                vb_puts(b, "      default: ");
            vb_printf(b, "magnitude = %d'd%lld;  // %.9g", d->mag_bits, (long long)d->rom[c],
                      f->ideal[c]);
            if (f->hw[c] != f->ideal[c])
                vb_printf(b, " -> %.9g", f->hw[c]);
            vb_puts(b, "\n");
        }
        vb_puts(b, "    endcase\n  end\n\n");
        emit_sign(b, d);
        break;
    }
    case DEC_INDEX_ROM:
        emit_ports(b, d, true);
        vb_printf(b, "  // %d-entry ROM indexed by the code.\n", f->num_codes);
        vb_puts(b, "  always @(*) begin\n    case (code_i)\n");
        for (int c = 0; c < f->num_codes; c++) {
            if (c + 1 < f->num_codes)
                vb_printf(b, "      %d'd%d: ", cb, c);
            else
                vb_puts(b, "      default: ");
            vb_puts(b, "mant_o = ");
            vb_sconst(b, d->out_bits, d->rom[c]);
            vb_printf(b, ";  // %.9g", f->ideal[c]);
            if (f->hw[c] != f->ideal[c])
                vb_printf(b, " -> %.9g", f->hw[c]);
            vb_puts(b, "\n");
        }
        vb_puts(b, "    endcase\n  end\n");
        break;
    }
    vb_puts(b, "endmodule\n");
}
