/* Which library a result was measured on, as its provenance names it: the
 * file (name and content hash) and what the file says of itself (its
 * library(...) name and nominal process, voltage and temperature).
 *
 * The one place in flows/synth that reads these from the liberty text; it
 * uses cost_model's private liberty tree until cost_model's public liberty
 * interface (nibble/liberty.h) offers them, then only this file changes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liberty_internal.h" /* cost_model's liberty tree and unit reader */
#include "nibble/files.h"
#include "nibble/hash.h"
#include "synth_internal.h"

/* attribute `name` of group g as a number; NaN when absent or not a number */
static double number(const lty_node *g, const char *name)
{
    const char *v = g ? lty_attr(g, name) : NULL;
    char *end;
    double x = v ? strtod(v, &end) : NAN;
    return v && end != v && *end == '\0' && isfinite(x) ? x : NAN;
}

bool synth_liberty_identity(const synth_library *library, nb_synth_provenance *p, nb_err *err)
{
    const char *liberty = library->liberty; /* the user's file, as given */
    const char *base = strrchr(liberty, '/');
    snprintf(p->liberty_file, sizeof p->liberty_file, "%s", base ? base + 1 : liberty);
    size_t len;
    char *text = nb_read_file(liberty, &len, err);
    if (!text)
        return false;
    /* the file's bytes alone (nb_hash_file would add its name): xxhsum -H2 */
    nb_hash *h = nb_hash_new();
    nb_hash_bytes(h, text, len);
    nb_hash_hex(h, p->liberty_xxh128);
    lty_node root;
    bool ok = lty_tree_parse(text, len, liberty, &root, err);
    free(text);
    if (!ok)
        return nb_fail_prefix(err, "liberty file %s is malformed", liberty);
    const lty_node *lib = root.n_kids > 0 && root.kids[0].group &&
                                  !strcmp(root.kids[0].name, "library")
                              ? &root.kids[0]
                              : NULL;
    nb_liberty units = {0};
    ok = lib ? lty_read_units(lib, liberty, &units, err)
             : nb_fail(err, "liberty file %s holds no library group", liberty);
    if (ok) {
        snprintf(p->library_name, sizeof p->library_name, "%s", lib->n_args > 0 ? lib->args[0] : "");
        p->process = number(lib, "nom_process");
        p->voltage_v = number(lib, "nom_voltage");
        p->temperature_c = number(lib, "nom_temperature");
        p->voltage_v *= units.voltage_unit_v;
    }
    lty_tree_free(&root);
    return ok;
}
