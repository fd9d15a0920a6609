#define _POSIX_C_SOURCE 200809L
/* make_tiny DIR: the fixtures of the eval command-line tests (a tiny random
 * model, tokenizers, texts, token ids and damaged copies). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tiny_model.h"

static void path(char *buf, size_t len, const char *dir, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
}

static void write_text(const char *p, const char *text)
{
    FILE *f = fopen(p, "wb");
    fputs(text, f);
    fclose(f);
}

static void write_ids(const char *p, const int *ids, int rows, int cols)
{
    char hdr[128];
    int len = snprintf(hdr, sizeof hdr, "{'descr': '<i4', 'fortran_order': False, 'shape': (%d, "
                       "%d), }", rows, cols);
    int pad = (64 - (10 + len + 1) % 64) % 64;
    FILE *f = fopen(p, "wb");
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    unsigned short hl = (unsigned short)(len + pad + 1);
    fwrite(&hl, 2, 1, f);
    fwrite(hdr, 1, (size_t)len, f);
    for (int i = 0; i < pad; i++)
        fputc(' ', f);
    fputc('\n', f);
    fwrite(ids, 4, (size_t)(rows * cols), f);
    fclose(f);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_tiny DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    char p[4096];
    nb_llama_config c = tiny_config(false);
    size_t n;
    float *w = tiny_weights(&c, 11, &n);
    path(p, sizeof p, dir, "tiny.bin");
    tiny_write_checkpoint(p, &c, w, 0);
    path(p, sizeof p, dir, "tiny_v1.bin");
    tiny_write_checkpoint(p, &c, w, 1);
    /* truncated: the last float missing */
    path(p, sizeof p, dir, "truncated.bin");
    tiny_write_checkpoint(p, &c, w, 0);
    FILE *f = fopen(p, "r+b");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    if (truncate(p, size - 4) != 0)
        return 1;
    /* a header that claims one layer more than the file holds */
    path(p, sizeof p, dir, "header_mismatch.bin");
    tiny_write_checkpoint(p, &c, w, 0);
    f = fopen(p, "r+b");
    int three = 3;
    fseek(f, 8, SEEK_SET);
    fwrite(&three, 4, 1, f);
    fclose(f);
    free(w);
    path(p, sizeof p, dir, "tok.bin");
    tiny_write_tokenizer(p, 300);
    path(p, sizeof p, dir, "tok290.bin");
    tiny_write_tokenizer(p, 290);
    path(p, sizeof p, dir, "text.txt");
    write_text(p, "ab ba abab\n\nOnce upon a time ab.\nba ab a b\r\nthe end\n");
    path(p, sizeof p, dir, "empty.txt");
    write_text(p, "\n\n\r\n");
    int ids[8] = {1, 264, 259, 265, 1, 17, 18, -1};
    path(p, sizeof p, dir, "ids.npy");
    write_ids(p, ids, 2, 4);
    ids[2] = 300;
    path(p, sizeof p, dir, "bad_ids.npy");
    write_ids(p, ids, 2, 4);
    return 0;
}
