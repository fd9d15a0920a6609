#define _XOPEN_SOURCE 700
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
