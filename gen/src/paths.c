#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include "nibble/gen.h"

#ifndef NIBBLE_DATA_DIR_DEFAULT
#error "NIBBLE_DATA_DIR_DEFAULT must be defined by the build"
#endif

const char *nb_data_dir(void)
{
    const char *env = getenv("NIBBLE_DATA_DIR");
    return env && *env ? env : NIBBLE_DATA_DIR_DEFAULT;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void nb_remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
