/* Writing test bytes to the per-test temp directory. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "io_bytes.h"
#include "test_support.h"

void b_write_tmp(const bytes *b, const char *name, char *buf, size_t len)
{
    test_tmp_path(buf, len, name);
    FILE *f = fopen(buf, "wb");
    cr_assert(f, "cannot create %s", buf);
    if (b->n)   /* an empty file has no buffer, and fwrite wants one */
        cr_assert_eq(fwrite(b->p, 1, b->n, f), b->n);
    cr_assert_eq(fclose(f), 0);
}
