/* CSV fields as RFC 4180 writes them, for every table nibble writes
 * (synth.csv, the report's tables, nibble eval --csv). */
#ifndef NIBBLE_CSV_H
#define NIBBLE_CSV_H

#include <stdio.h>

/* s in double quotes, quotes inside doubled, then sep. */
void nb_csv_quoted(FILE *f, const char *s, const char *sep);
/* s as is when it holds no comma, quote or line break, else nb_csv_quoted. */
void nb_csv_text(FILE *f, const char *s, const char *sep);
/* v with %.6g, or nothing when it is not finite (an empty field), then sep. */
void nb_csv_number(FILE *f, double v, const char *sep);

#endif
