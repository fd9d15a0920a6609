/* Per-format decoders: a plan of the decode structure the RTL uses (exponent
 * cases, ROMs, sign handling), an emulation of that plan in C, and its Verilog.
 * Building a plan checks the emulation against the golden library's hardware
 * grid for every code, so a decoder that would disagree is never emitted. */
#ifndef NIBBLE_GEN_DECODER_H
#define NIBBLE_GEN_DECODER_H

#include <stdint.h>

#include "nibble/format.h"
#include "vbuf.h"

/* One row per exponent value: 5 exponent bits at most (wider fp: specs have no
 * integer grid, see NB_GRID_MANT_BITS_MAX). */
#define NB_DEC_ROWS_MAX 32

typedef enum dec_kind { DEC_TWOS, DEC_UNSIGNED, DEC_MINIFLOAT, DEC_SIGNMAG_ROM, DEC_INDEX_ROM } dec_kind;

/* How one exponent value turns the mantissa field into a magnitude. */
typedef enum dec_row_kind {
    ROW_ZERO,        /* 0 */
    ROW_LINEAR,      /* m << shift (subnormal) */
    ROW_IMPLICIT,    /* (2^M + m) << shift (normal) */
    ROW_IMPLICIT_NZ, /* m == 0 ? 0 : (2^M + m) << shift (no-subnormal formats) */
    ROW_CONST,       /* m == 0 ? 0 : value (fixed subnormal) */
    ROW_IMPLICIT_NAN,/* m all ones ? 0 : (2^M + m) << shift (special=fn: top row, NaN -> 0) */
} dec_row_kind;

typedef struct dec_row {
    dec_row_kind kind;
    int shift;
    int64_t value;
} dec_row;

typedef struct nb_decoder {
    const nb_format *fmt;
    char module[128];     /* Verilog module name, nibble_dec_<ident> */
    char ident[96];
    dec_kind kind;
    int code_bits, out_bits;
    /* minifloat */
    int exp_bits, man_bits, mag_bits;
    dec_row rows[NB_DEC_ROWS_MAX];
    bool has_special;     /* code 100..0 carries an extra value */
    int64_t special;
    /* ROMs: sign-magnitude uses rom[0..7] as magnitudes, index uses rom[0..n-1] */
    int64_t rom[NB_MAX_CODES];
} nb_decoder;

/* Verilog-safe identifier for a format name ("e2m1-sr" -> "e2m1_sr"). */
void nb_format_ident(const nb_format *f, char *buf, size_t len);

bool nb_decoder_plan(const nb_format *f, nb_decoder *out, nb_err *err);
int64_t nb_decoder_emulate(const nb_decoder *d, unsigned code);
void nb_decoder_emit(const nb_decoder *d, const char *header, vbuf *b);

#endif
