#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void test_tmp_path(char *buf, size_t len, const char *name)
{
    const char *dir = getenv("NIBBLE_TEST_TMP");
    static int counter;
    snprintf(buf, len, "%s/%ld-%d-%s", dir ? dir : "/tmp", (long)getpid(), counter++, name);
}

void test_tmp_file(char *buf, size_t len, const char *name, const char *text)
{
    test_tmp_path(buf, len, name);
    FILE *f = fopen(buf, "w");
    cr_assert(f, "cannot create %s", buf);
    fputs(text, f);
    fclose(f);
}
