/* Reading a generated design's files.f (for the tools that compile it). */
#include <stdio.h>
#include <string.h>

#include "nibble/gen.h"

int nb_gen_read_files(const char *dir, char (*out)[NB_GEN_PATH_MAX], nb_err *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/files.f", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return nb_fail(err, "%s is not a generated design (no files.f): run 'nibble gen' first", dir),
               -1;
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f) && n < NB_GEN_MAX_FILES) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0])
            snprintf(out[n++], NB_GEN_PATH_MAX, "%s/%s", dir, line);
    }
    fclose(f);
    if (!n)
        nb_fail(err, "%s lists no Verilog files", path);
    return n ? n : -1;
}
