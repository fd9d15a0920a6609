/* nibble_overq_encoder: the golden OverQ encoder (num/src/overq_encode.c) as
 * combinational logic over one array-height vector. Slot i receives the state
 * left by slot i-1 (free, the outlier's high nibble is next, a value is
 * moving, or fraction bits are next) and passes its own on, so the encoder is
 * a ripple of ROWS small stages, each with a lookahead for the nearest zero. */
#include <stdio.h>

#include "emit.h"

enum { ST_FREE, ST_HIGH_NEXT, ST_MOVED, ST_LOW_NEXT };

static int bits_for(int n)
{
    int b = 1;
    while ((1 << b) <= n)
        b++;
    return b;
}

void emit_overq_encoder(vbuf *b, const nb_design *d)
{
    int R = d->rows, c = d->cascade, tw = d->tag_bits, vw = d->act_value_bits;
    bool prec = d->overq_mode == NB_OVERQ_RANGE_PRECISION && c >= 1;
    int rb = bits_for(c); /* remaining distance 1..c */
    char purpose[1024];
    snprintf(purpose, sizeof purpose,
             "OverQ encoder, %d rows, cascade depth %d, mode %s. values_i holds the encoder\n"
             "input of each row (activation / scale x 2^%d, rounded); codes_o and tags_o are the\n"
             "4-bit slots and their tags for the array. Greedy in row order, exactly as\n"
             "nb_overq_encode(); chains stay inside the vector (one array-height tile).",
             R, c, nb_overq_mode_name(d->overq_mode), vw - 8);
    emit_header(b, d, "nibble_overq_encoder.v", purpose);
    vb_printf(b, "module nibble_overq_encoder (\n  input  wire [%d:0] values_i,\n", R * vw - 1);
    vb_printf(b, "  output wire [%d:0] codes_o%s\n", R * 4 - 1, tw ? "," : "");
    if (tw)
        vb_printf(b, "  output wire [%d:0] tags_o\n", R * tw - 1);
    vb_puts(b, ");\n");
    /* per-row value, zero and outlier flags (declared only where used) */
    for (int i = 0; i < R; i++) {
        if (vw == 8) {
            vb_printf(b, "  wire [8:0] v%d = {1'b0, values_i[%d +: 8]};\n", i, i * vw);
        } else { /* round(u / 16), ties to the lower value: up when the fraction is above 8 */
            vb_printf(b, "  wire [8:0] v%d = {1'b0, values_i[%d +: 8]} + {8'd0, values_i[%d +: 4] > 4'd8};\n",
                      i, i * vw + 4, i * vw);
        }
        bool looked_ahead = tw && i >= 1;
        bool own_zero_check = prec && i < R - 1;
        if (looked_ahead || own_zero_check)
            vb_printf(b, "  wire zero%d = v%d == 9'd0;\n", i, i);
        vb_printf(b, "  wire out%d = v%d > 9'd15;\n", i, i);
    }
    vb_puts(b, "\n");
    if (!tw) {
        vb_puts(b, "  // depth 0: plain 4-bit, outliers clip to 15\n");
        for (int i = 0; i < R; i++)
            vb_printf(b, "  assign codes_o[%d +: 4] = out%d ? 4'd15 : v%d[3:0];\n", i * 4, i, i);
        vb_puts(b, "endmodule\n");
        return;
    }
    vb_printf(b, "  localparam [1:0] FREE = 2'd%d, HIGH_NEXT = 2'd%d, MOVED = 2'd%d", ST_FREE,
              ST_HIGH_NEXT, ST_MOVED);
    if (prec)
        vb_printf(b, ", LOW_NEXT = 2'd%d", ST_LOW_NEXT);
    vb_puts(b, ";\n");
    vb_printf(b, "  localparam [%d:0] NORMAL = %d'd%d, HIGH = %d'd%d", tw - 1, tw, NB_TAG_NORMAL, tw,
              NB_TAG_HIGH);
    if (tw > 1 && c >= 2)
        vb_printf(b, ", MOVE = %d'd%d", tw, NB_TAG_MOVED);
    if (prec)
        vb_printf(b, ", LOW = %d'd%d", tw, NB_TAG_LOW);
    vb_puts(b, ";\n\n");
    for (int i = 0; i < R; i++) {
        bool last = i == R - 1;
        vb_printf(b, "  // ---- row %d\n", i);
        vb_printf(b, "  reg  [3:0] nib%d;\n  reg  [%d:0] tag%d;\n", i, tw - 1, i);
        /* the state handed to the next row (the last row needs no distance left) */
        bool next_rem = i + 1 < R - 1;
        if (!last)
            vb_printf(b, "  reg  [1:0] st%d;\n  reg  [3:0] carry%d;  // state for row %d\n", i + 1,
                      i + 1, i + 1);
        if (next_rem)
            vb_printf(b, "  reg  [%d:0] rem%d;\n", rb - 1, i + 1);
        if (!last) {
            /* nearest zero within reach, and the outlier's value (at most 255) */
            int reach = c < R - 1 - i ? c : R - 1 - i;
            vb_printf(b, "  wire [%d:0] dist%d = ", rb - 1, i);
            for (int k = 1; k <= reach; k++)
                vb_printf(b, "zero%d ? %d'd%d : ", i + k, rb, k);
            vb_printf(b, "%d'd0;\n", rb);
            vb_printf(b, "  wire [7:0] full%d = v%d[8] ? 8'd255 : v%d[7:0];\n", i, i, i);
        }
        vb_printf(b, "  wire [3:0] clip%d = out%d ? 4'd15 : v%d[3:0];\n", i, i, i);
        vb_puts(b, "  always @(*) begin\n");
        vb_printf(b, "    nib%d = clip%d;\n    tag%d = NORMAL;\n", i, i, i);
        if (!last)
            vb_printf(b, "    st%d = FREE;\n    carry%d = 4'd0;\n", i + 1, i + 1);
        if (next_rem)
            vb_printf(b, "    rem%d = %d'd0;\n", i + 1, rb);
        /* the incoming state */
        if (i == 0) {
            vb_puts(b, "    begin  // row 0 starts free\n");
        } else {
            vb_printf(b, "    case (st%d)\n", i);
            vb_puts(b, "      HIGH_NEXT, MOVED: begin\n");
            vb_printf(b, "        nib%d = carry%d;\n", i, i);
            if (c >= 2)
                vb_printf(b, "        tag%d = st%d == HIGH_NEXT ? HIGH : MOVE;\n", i, i);
            else
                vb_printf(b, "        tag%d = HIGH;\n", i);
            if (!last) {
                vb_printf(b, "        if (rem%d != %d'd1) begin  // this row's value moves one down\n"
                             "          st%d = MOVED;\n", i, rb, i + 1);
                if (next_rem)
                    vb_printf(b, "          rem%d = rem%d - %d'd1;\n", i + 1, i, rb);
                vb_printf(b, "          carry%d = clip%d;\n        end\n", i + 1, i);
            }
            vb_puts(b, "      end\n");
            if (prec)
                vb_printf(b, "      LOW_NEXT: begin\n        nib%d = carry%d;\n        tag%d = LOW;\n      end\n",
                          i, i, i);
            vb_puts(b, "      default: begin  // FREE\n");
        }
        if (!last) {
            vb_printf(b, "        if (out%d && dist%d != %d'd0) begin  // an outlier takes the nearest zero\n",
                      i, i, rb);
            vb_printf(b, "          nib%d = full%d[3:0];\n          st%d = HIGH_NEXT;\n", i, i, i + 1);
            if (next_rem)
                vb_printf(b, "          rem%d = dist%d;\n", i + 1, i);
            vb_printf(b, "          carry%d = full%d[7:4];\n        end", i + 1, i);
            if (prec)
                vb_printf(b, " else if (!zero%d && !out%d && zero%d) begin  // 4 more fraction bits\n"
                             "          nib%d = values_i[%d +: 4];\n          st%d = LOW_NEXT;\n"
                             "          carry%d = values_i[%d +: 4];\n        end",
                          i, i, i + 1, i, i * vw + 4, i + 1, i + 1, i * vw);
            vb_puts(b, "\n");
        }
        vb_puts(b, i == 0 ? "    end\n" : "      end\n    endcase\n");
        vb_puts(b, "  end\n");
        vb_printf(b, "  assign codes_o[%d +: 4] = nib%d;\n  assign tags_o[%d +: %d] = tag%d;\n\n",
                  i * 4, i, i * tw, tw, i);
    }
    vb_puts(b, "endmodule\n");
}
