/* nibble's version (the commit is in the generated build_commit.c). */
#include "nibble/version.h"
#include "nibble/num.h"

const char *nb_version(void)
{
    return NIBBLE_VERSION_STRING;
}
