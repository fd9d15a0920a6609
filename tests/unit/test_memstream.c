/* nb_memstream_close: text built in memory is used only if every write into
 * it succeeded; otherwise the buffer is dropped and the error names the file. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/files.h"

Test(memstream, complete_text_is_kept)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    fputs("a,b\n1,2\n", f);
    nb_err err = {{0}};
    cr_assert(nb_memstream_close(f, &buf, "t.csv", &err), "%s", err.msg);
    cr_expect_str_eq(buf, "a,b\n1,2\n");
    cr_expect_eq(len, 8);
    free(buf);
}

Test(memstream, a_failed_open_is_an_error)
{
    char *buf = NULL;
    nb_err err = {{0}};
    cr_expect_not(nb_memstream_close(NULL, &buf, "t.csv", &err));
    cr_expect(strstr(err.msg, "out of memory building t.csv") != NULL, "%s", err.msg);
}

/* A stream whose error flag is set (here: a write to a read-only stream, as a
 * memstream's would be after a failed allocation) drops the text. */
Test(memstream, a_failed_write_drops_the_text)
{
    char *buf = strdup("partial");
    FILE *f = fopen("/dev/null", "r");
    cr_assert_not_null(f);
    fputs("more", f);
    cr_assert(ferror(f));
    nb_err err = {{0}};
    cr_expect_not(nb_memstream_close(f, &buf, "designs.csv", &err));
    cr_expect_null(buf);
    cr_expect(strstr(err.msg, "designs.csv") != NULL, "%s", err.msg);
}
