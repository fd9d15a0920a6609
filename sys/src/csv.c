/* RFC 4180 CSV fields (nibble/csv.h). */
#include <math.h>
#include <string.h>

#include "nibble/csv.h"

void nb_csv_quoted(FILE *f, const char *s, const char *sep)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fprintf(f, "\"%s", sep);
}

void nb_csv_text(FILE *f, const char *s, const char *sep)
{
    if (strpbrk(s, ",\"\r\n"))
        nb_csv_quoted(f, s, sep);
    else
        fprintf(f, "%s%s", s, sep);
}

void nb_csv_number(FILE *f, double v, const char *sep)
{
    if (isfinite(v))
        fprintf(f, "%.6g", v);
    fputs(sep, f);
}
