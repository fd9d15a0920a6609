#include "vbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vb_init(vbuf *b)
{
    memset(b, 0, sizeof *b);
}

void vb_free(vbuf *b)
{
    free(b->data);
    vb_init(b);
}

static bool reserve(vbuf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void vb_printf(vbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void vb_comment(vbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n + 1))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)b->data[b->len + (size_t)i];
        if (c < 0x20 || c == 0x7f)
            b->data[b->len + (size_t)i] = '?';
    }
    b->len += (size_t)n;
    b->data[b->len++] = '\n';
    b->data[b->len] = '\0';
}

void vb_puts(vbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (!reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n + 1);
    b->len += n;
}

void vb_sext_shift(vbuf *b, const char *sig, int w, int shift, int out)
{
    int ext = out - w - shift;
    if (ext == 0 && shift == 0) {
        vb_puts(b, sig);
        return;
    }
    vb_puts(b, "{");
    if (ext == 1)
        vb_printf(b, "%s[%d], ", sig, w - 1);
    else if (ext > 1)
        vb_printf(b, "{%d{%s[%d]}}, ", ext, sig, w - 1);
    vb_puts(b, sig);
    if (shift > 0)
        vb_printf(b, ", %d'b0", shift);
    vb_puts(b, "}");
}

void vb_sconst(vbuf *b, int width, long long v)
{
    if (v < 0 && -v == (1LL << (width - 1)))   /* the most negative value has no positive twin */
        vb_printf(b, "$signed({1'b1, %d'd0})", width - 1);
    else if (v < 0)
        vb_printf(b, "-%d'sd%lld", width, -v);
    else
        vb_printf(b, "%d'sd%lld", width, v);
}
