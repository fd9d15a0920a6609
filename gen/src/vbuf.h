/* A growable text buffer for emitting Verilog and C headers. */
#ifndef NIBBLE_VBUF_H
#define NIBBLE_VBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct vbuf {
    char *data;
    size_t len, cap;
    bool failed;   /* out of memory: everything after is dropped */
} vbuf;

void vb_init(vbuf *b);
void vb_free(vbuf *b);
void vb_printf(vbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vb_puts(vbuf *b, const char *s);
/* One line that ends in a // comment holding user-chosen text (a lut: path,
 * the command line): control characters become '?', so no newline can end
 * the comment early and turn the rest into Verilog. Appends the newline. */
void vb_comment(vbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Verilog literal helpers (written into a caller buffer). */
/* "{{3{x[4]}}, x, 2'b00}": sign-extend signal x of width w to `out` bits after
 * shifting left by `shift`. */
void vb_sext_shift(vbuf *b, const char *sig, int w, int shift, int out);
/* Signed decimal constant of a width: "10'sd256" or "-10'sd256". */
void vb_sconst(vbuf *b, int width, long long v);

#endif
