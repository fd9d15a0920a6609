/* Which library a result was measured on, as its provenance names it: the
 * files the user gave (names and content hashes of the bytes as stored, .gz
 * included) and what the library says of itself (its library(...) name and
 * its nom_process, nom_voltage and nom_temperature), through cost_model's
 * public liberty interface. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/files.h"
#include "nibble/hash.h"
#include "nibble/liberty.h"
#include "synth_internal.h"

/* "a, b" += s, within len */
static void append(char *buf, size_t len, const char *s)
{
    size_t n = strlen(buf);
    if (n < len)
        snprintf(buf + n, len - n, "%s%s", n ? "," : "", s);
}

bool synth_liberty_identity(const synth_library *library, nb_synth_provenance *p, nb_err *err)
{
    p->liberty_file[0] = p->liberty_xxh128[0] = '\0';
    /* several files (one library): their names and hashes, comma-separated */
    char hashes[SYNTH_MAX_LIBERTY_FILES * 33] = "";
    for (int i = 0; i < library->n_files; i++) {
        const char *path = library->files[i], *base = strrchr(path, '/');
        append(p->liberty_file, sizeof p->liberty_file, base ? base + 1 : path);
        size_t len;
        char *bytes = nb_read_file(path, &len, err);
        if (!bytes)
            return false;
        nb_hash *h = nb_hash_new(); /* the bytes alone: `xxhsum -H2 FILE` */
        nb_hash_bytes(h, bytes, len);
        free(bytes);
        char hex[33];
        nb_hash_hex(h, hex);
        append(hashes, sizeof hashes, hex);
    }
    snprintf(p->liberty_xxh128, sizeof p->liberty_xxh128, "%s", hashes);
    nb_liberty *lib = nb_liberty_read(library->n_files ? library->files[0] : library->liberty, err);
    if (!lib)
        return nb_fail_prefix(err, "liberty file %s is malformed", library->files[0]);
    snprintf(p->library_name, sizeof p->library_name, "%s", lib->name ? lib->name : "");
    p->process = lib->nom_process;
    p->voltage_v = lib->nom_voltage * lib->voltage_unit_v;
    p->temperature_c = lib->nom_temperature;
    nb_liberty_free(lib);
    return true;
}
