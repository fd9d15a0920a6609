/* Markdown text from users (see rp_md_text in report_internal.h). */
#include <string.h>

#include "report_internal.h"

void rp_md_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            fputc(' ', f); /* a newline would end a table row or a heading */
        else if (strchr("\\`*_[]<>|#!", c))
            fprintf(f, "\\%c", c); /* emphasis, code, links, HTML, cell ends */
        else
            fputc(c, f);
    }
}
