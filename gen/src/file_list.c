/* Reading a generated design's files.f (for the tools that compile it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nibble/gen.h"
#include "nibble/input_file.h"

int nb_gen_read_files(const char *dir, char (*out)[NB_GEN_PATH_MAX], nb_err *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/files.f", dir);
    if (access(path, F_OK) != 0)
        return nb_fail(err, "%s is not a generated design (no files.f): run 'nibble gen' first", dir),
               -1;
    size_t len;
    char *text = nb_read_input(path, "file list", 1u << 20, &len, err);
    if (!text)
        return -1;
    /* every line whole: a list that does not fit is an error, never cut short */
    int n = 0;
    bool ok = true;
    for (char *line = text, *next; ok && line < text + len; line = next) {
        char *nl = memchr(line, '\n', (size_t)(text + len - line));
        next = nl ? nl + 1 : text + len;
        if (nl)
            *nl = '\0';
        if (!line[0])
            continue;
        if (n == NB_GEN_MAX_FILES)
            ok = nb_fail(err, "%s lists more than %d files; regenerate the design", path,
                         NB_GEN_MAX_FILES);
        else if (strlen(dir) + 1 + strlen(line) >= NB_GEN_PATH_MAX)
            ok = nb_fail(err, "%s: path %s/%s is longer than %d characters", path, dir, line,
                         NB_GEN_PATH_MAX - 1);
        else
            snprintf(out[n++], NB_GEN_PATH_MAX, "%s/%s", dir, line);
    }
    free(text);
    if (ok && !n)
        ok = nb_fail(err, "%s lists no Verilog files", path);
    return ok ? n : -1;
}
