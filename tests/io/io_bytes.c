#include "io_bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void b_put(bytes *b, const void *src, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();   /* tests and the seed tool only build tiny files */
    }
    if (n)
        memcpy(b->p + b->n, src, n);
    b->n += n;
}

void b_str(bytes *b, const char *s)
{
    b_put(b, s, strlen(s));
}

void b_le16(bytes *b, uint16_t v)
{
    unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    b_put(b, x, 2);
}

void b_le32(bytes *b, uint32_t v)
{
    b_le16(b, (uint16_t)v);
    b_le16(b, (uint16_t)(v >> 16));
}

void b_le64(bytes *b, uint64_t v)
{
    b_le32(b, (uint32_t)v);
    b_le32(b, (uint32_t)(v >> 32));
}

void b_f32(bytes *b, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    b_le32(b, u);
}

void b_free(bytes *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

bytes st_file(const char *json, const bytes *data)
{
    bytes b = {0};
    b_le64(&b, strlen(json));
    b_str(&b, json);
    if (data)
        b_put(&b, data->p, data->n);
    return b;
}

bytes npy_file(int major, const char *dict, const bytes *data)
{
    bytes b = {0};
    size_t pre = major == 1 ? 10 : 12;
    size_t hlen = strlen(dict) + 1;   /* + newline */
    hlen += (64 - (pre + hlen) % 64) % 64;
    b_put(&b, "\x93NUMPY", 6);
    unsigned char ver[2] = {(unsigned char)major, 0};
    b_put(&b, ver, 2);
    if (major == 1)
        b_le16(&b, (uint16_t)hlen);
    else
        b_le32(&b, (uint32_t)hlen);
    b_str(&b, dict);
    for (size_t i = strlen(dict) + 1; i < hlen; i++)
        b_str(&b, " ");
    b_str(&b, "\n");
    if (data)
        b_put(&b, data->p, data->n);
    return b;
}
