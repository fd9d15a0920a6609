/* Removing a marked output tree so that every intermediate state is still
 * recognisably nibble's: the contents first, the marker last, then the
 * directory itself. */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nibble/output.h"

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    if (ftw->level == 0)
        return 0; /* the root goes last */
    if (ftw->level == 1 && strcmp(path + ftw->base, NB_OUTPUT_MARKER) == 0)
        return 0; /* the marker goes after everything else */
    remove(path);
    nb_output_step();
    return 0;
}

void nb_output_remove_marked(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    char marker[4200];
    snprintf(marker, sizeof marker, "%s/" NB_OUTPUT_MARKER, dir);
    unlink(marker);
    nb_output_step();
    rmdir(dir);
    nb_output_step();
}
