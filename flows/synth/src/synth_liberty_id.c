/* Which library a result was measured on, as its provenance names it: the
 * files the user gave (names and content hashes of the bytes as stored, .gz
 * included) and what the library says of itself (its library(...) name and
 * its nom_process, nom_voltage and nom_temperature), through cost_model's
 * nb_liberty_info_read. */
#include <stdio.h>
#include <string.h>

#include "nibble/liberty.h"
#include "synth_internal.h"

/* "a,b" += s, within len */
static void append(char *buf, size_t len, const char *s)
{
    size_t n = strlen(buf);
    if (n < len)
        snprintf(buf + n, len - n, "%s%s", n ? "," : "", s);
}

bool synth_liberty_identity(const synth_library *library, nb_synth_provenance *p, nb_err *err)
{
    p->liberty_file[0] = p->liberty_xxh128[0] = '\0';
    /* several files (one library): their names and hashes, comma-separated;
     * the name and nominal conditions are the first file's */
    char hashes[SYNTH_MAX_LIBERTY_FILES * 33] = "";
    for (int i = 0; i < library->n_files; i++) {
        const char *path = library->files[i], *base = strrchr(path, '/');
        nb_liberty_info info;
        if (!nb_liberty_info_read(path, &info, err)) /* its messages name the file */
            return false;
        append(p->liberty_file, sizeof p->liberty_file, base ? base + 1 : path);
        const char *hex = strchr(info.checksum, ':'); /* "xxh128:HEX" */
        append(hashes, sizeof hashes, hex ? hex + 1 : info.checksum);
        if (i == 0) {
            snprintf(p->library_name, sizeof p->library_name, "%s", info.name);
            p->process = info.nom_process;
            p->voltage_v = info.nom_voltage;
            p->temperature_c = info.nom_temperature;
        }
    }
    snprintf(p->liberty_xxh128, sizeof p->liberty_xxh128, "%s", hashes);
    return library->n_files > 0 ||
           nb_fail(err, "library %s names no liberty file", library->name);
}
