/* Verilog emitters, one per generated module kind. Each writes one module
 * (one file) into a vbuf. */
#ifndef NIBBLE_GEN_EMIT_H
#define NIBBLE_GEN_EMIT_H

#include "decoder.h"
#include "nibble/design.h"
#include "vbuf.h"

/* The decoders of a design: one per distinct format across both sets. */
typedef struct nb_decoder_set {
    nb_decoder dec[2 * NB_SET_MAX];
    int n;
    int w_index[NB_SET_MAX];  /* weight format i uses dec[w_index[i]] */
    int a_index[NB_SET_MAX];
} nb_decoder_set;

bool nb_decoder_set_build(const nb_design *d, nb_decoder_set *out, nb_err *err);

/* File header: name, provenance, purpose. */
void emit_header(vbuf *b, const nb_design *d, const char *file, const char *purpose);

void emit_decoder(vbuf *b, const nb_design *d, const nb_decoder *dec);
/* side: 'w' or 'a' -> nibble_wdec / nibble_adec */
void emit_set_decoder(vbuf *b, const nb_design *d, const nb_decoder_set *ds, char side);
void emit_pe(vbuf *b, const nb_design *d);
void emit_array(vbuf *b, const nb_design *d);
void emit_top(vbuf *b, const nb_design *d);
void emit_overq_encoder(vbuf *b, const nb_design *d);
/* Block-scaled designs: the scale stage (emit_scale_stage.c) */
void emit_f32_round(vbuf *b, const nb_design *d);
void emit_f32_add(vbuf *b, const nb_design *d);
void emit_scale_col(vbuf *b, const nb_design *d);
void emit_scale_prod(vbuf *b, const nb_design *d);
/* width of nibble_scale_prod's mag_o: |block sum| times the scale significands */
int emit_scale_mag_bits(const nb_design *d);
void emit_f32_add_align(vbuf *b, const nb_design *d);
void emit_f32_add_sum(vbuf *b, const nb_design *d);
/* the fixed-point accumulator's stage (emit_scale_fixed.c, --scale-acc fixed) */
int emit_fixed_term_bits(const nb_design *d);
void emit_fixed_term(vbuf *b, const nb_design *d);
void emit_fixed_sum(vbuf *b, const nb_design *d);
void emit_fixed_f32(vbuf *b, const nb_design *d);
void emit_fixed_add(vbuf *b, const nb_design *d);
void emit_top_scale_fixed(vbuf *b, const nb_design *d);
/* the scale stage inside nibble_top (emit_top_scale.c) */
void emit_top_scale_stage(vbuf *b, const nb_design *d);
void emit_baseline(vbuf *b, const nb_design *d);
void emit_ports_header(vbuf *b, const nb_design *d);
/* A file of the design and its content hash (manifest_hash_bytes). */
typedef struct emit_hashed {
    const char *name;  /* relative to the design directory */
    char hex[33];
} emit_hashed;
/* manifest.json text: the Verilog files in compile order, and the content
 * hash of every file the design holds and of the manifest itself */
bool emit_manifest(vbuf *b, const nb_design *d, const char *const *files, int nfiles,
                   const emit_hashed *hashed, int nhashed, nb_err *err);

#endif
