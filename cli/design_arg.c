/* --config accepts a manifest.json or the directory holding it. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "design_arg.h"
#include "nibble/gen.h"

nb_design *cli_load_design(const char *config, bool allow_edited_rtl, char *dir, size_t dir_len,
                           nb_err *err)
{
    char manifest[4096];
    struct stat st;
    if (stat(config, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(dir, dir_len, "%s", config);
        snprintf(manifest, sizeof manifest, "%s/manifest.json", config);
    } else {
        snprintf(manifest, sizeof manifest, "%s", config);
        const char *slash = strrchr(config, '/');
        if (slash)
            snprintf(dir, dir_len, "%.*s", (int)(slash - config), config);
        else
            snprintf(dir, dir_len, ".");
    }
    if (stat(manifest, &st) != 0)
        return nb_fail(err, "no design at %s: give the manifest.json that 'nibble gen' wrote, or "
                       "its directory", config), NULL;
    nb_design *d = nb_design_load(manifest, err);
    if (d && !nb_design_verify_files(manifest, allow_edited_rtl, stderr, err)) {
        nb_design_free(d);
        return NULL;
    }
    return d;
}
