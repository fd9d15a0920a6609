/* Liberty files -> nb_liberty: parse each file's tree, then take units,
 * templates and cells; several files make one library. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liberty_internal.h"

/* The library group of a parsed file, or NULL with an error. */
static const lty_node *library_group(const lty_node *root, const char *where, nb_err *err)
{
    const lty_node *library = root->n_kids > 0 ? &root->kids[0] : NULL;
    if (!library || !library->group || strcmp(library->name, "library") != 0) {
        nb_fail(err, "%s:%d: not a Liberty library: the file should start with 'library (NAME) {'%s",
                where, library ? library->line : 1, library ? "" : " (it holds no statement)");
        return NULL;
    }
    return library;
}

static bool same_unit(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fabs(a);
}

/* A later file's units must be the first file's: the tables are kept as written. */
static bool units_agree(const nb_liberty *first, const nb_liberty *other, const char *w0,
                        const char *w, nb_err *err)
{
    const char *what = !same_unit(first->time_unit_s, other->time_unit_s)         ? "time_unit"
                       : !same_unit(first->cap_unit_f, other->cap_unit_f)         ? "capacitive_load_unit"
                       : !same_unit(first->voltage_unit_v, other->voltage_unit_v) ? "voltage_unit"
                       : !same_unit(first->leakage_unit_w, other->leakage_unit_w) ? "leakage_power_unit"
                                                                                  : NULL;
    if (!what)
        return true;
    return nb_fail(err, "%s: its %s differs from that of %s: the files of one library must share "
                   "their units (convert one of them, or give them as separate libraries)", w, what,
                   w0);
}

static nb_liberty *from_texts(char **texts, const size_t *lens, const char *const *where, int n,
                              nb_err *err)
{
    if (n < 1) {
        nb_fail(err, "no liberty file given");
        return NULL;
    }
    lty_node *roots = calloc((size_t)n, sizeof *roots);
    const lty_node **libs = calloc((size_t)n, sizeof *libs);
    nb_liberty *lib = calloc(1, sizeof *lib);
    bool ok = roots && libs && lib;
    if (!ok)
        nb_fail(err, "out of memory reading %s", where[0]);
    int parsed = 0;
    for (int i = 0; ok && i < n; i++) {
        ok = lty_tree_parse(texts[i], lens[i], where[i], &roots[i], err);
        parsed += ok;
        ok = ok && (libs[i] = library_group(&roots[i], where[i], err)) != NULL;
        if (ok && i == 0 && libs[0]->n_args > 0) {
            size_t len = strlen(libs[0]->args[0]) + 1;
            ok = (lib->name = malloc(len)) != NULL;
            if (ok)
                memcpy(lib->name, libs[0]->args[0], len);
            else
                nb_fail(err, "out of memory reading %s", where[0]);
        }
        if (ok && i == 0) {
            ok = lty_read_units(libs[0], where[0], lib, err);
        } else if (ok) {
            nb_liberty other = {0};
            ok = lty_read_units(libs[i], where[i], &other, err) &&
                 units_agree(lib, &other, where[0], where[i], err);
        }
        lty_templates tpl = {0};
        ok = ok && lty_read_templates(libs[i], where[i], &tpl, err) &&
             lty_read_cells(libs[i], &tpl, where[i], lib, err);
        lty_templates_free(&tpl);
    }
    char files[1200] = "";
    for (int i = 0; i < n; i++) {
        size_t used = strlen(files);
        snprintf(files + used, sizeof files - used, "%s%s", i ? ", " : "", where[i]);
    }
    ok = ok && lty_sort_cells(lib, files, err) &&
         lty_mappable_text((const char *const *)texts, libs, n, lib, err);
    for (int i = 0; roots && i < parsed; i++)
        lty_tree_free(&roots[i]);
    free(roots);
    free(libs);
    if (!ok) {
        nb_liberty_free(lib);
        return NULL;
    }
    return lib;
}

nb_liberty *nb_liberty_parse(const char *text, size_t len, const char *where, nb_err *err)
{
    char *t = (char *)text;
    return from_texts(&t, &len, &where, 1, err);
}

nb_liberty *nb_liberty_read_files(const char *const *paths, int n, nb_err *err)
{
    if (n < 1) {
        nb_fail(err, "no liberty file given");
        return NULL;
    }
    char **texts = calloc((size_t)n, sizeof *texts);
    size_t *lens = calloc((size_t)n, sizeof *lens);
    nb_liberty *lib = NULL;
    bool ok = texts && lens;
    if (!ok)
        nb_fail(err, "out of memory reading %s", paths[0]);
    for (int i = 0; ok && i < n; i++)
        ok = (texts[i] = nb_liberty_file_text(paths[i], "liberty", &lens[i], err)) != NULL;
    if (ok)
        lib = from_texts(texts, lens, paths, n, err);
    for (int i = 0; texts && i < n; i++)
        free(texts[i]);
    free(texts);
    free(lens);
    return lib;
}

nb_liberty *nb_liberty_read(const char *path, nb_err *err)
{
    return nb_liberty_read_files(&path, 1, err);
}
