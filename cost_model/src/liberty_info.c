/* nb_liberty_info_read: what a table row needs to name the library it was
 * measured on. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost_file.h"
#include "nibble/hash.h"
#include "nibble/liberty.h"

bool nb_liberty_info_read(const char *path, nb_liberty_info *info, nb_err *err)
{
    memset(info, 0, sizeof *info);
    info->nom_process = info->nom_voltage = info->nom_temperature = NAN;
    size_t n;
    char *raw = cost_read_file(path, "liberty", &n, err); /* the bytes as stored */
    if (!raw)
        return false;
    nb_hash *h = nb_hash_new();
    char hex[33];
    nb_hash_bytes(h, raw, n);
    nb_hash_hex(h, hex);
    free(raw);
    nb_liberty *lib = nb_liberty_read(path, err);
    if (!lib)
        return false;
    snprintf(info->checksum, sizeof info->checksum, "xxh128:%s", hex);
    snprintf(info->name, sizeof info->name, "%s", lib->name ? lib->name : "");
    info->nom_process = lib->nom_process;
    info->nom_voltage = lib->nom_voltage * lib->voltage_unit_v; /* in volts */
    info->nom_temperature = lib->nom_temperature;
    info->n_cells = lib->n_cells;
    nb_liberty_free(lib);
    return true;
}
