/* Liberty file -> nb_liberty: parse the tree, then take units, templates and cells. */
#include <stdlib.h>
#include <string.h>

#include "cost_file.h"
#include "liberty_internal.h"

nb_liberty *nb_liberty_parse(const char *text, size_t len, const char *where, nb_err *err)
{
    lty_node root;
    if (!lty_tree_parse(text, len, where, &root, err))
        return NULL;
    const lty_node *library = root.n_kids > 0 ? &root.kids[0] : NULL;
    if (!library || !library->group || strcmp(library->name, "library") != 0) {
        nb_fail(err, "%s:%d: not a Liberty library: the file should start with 'library (NAME) {'",
                where, library ? library->line : 1);
        lty_tree_free(&root);
        return NULL;
    }
    nb_liberty *lib = calloc(1, sizeof *lib);
    lty_templates tpl = {0};
    bool ok = lib != NULL;
    if (!ok)
        nb_fail(err, "out of memory reading %s", where);
    if (ok && library->n_args > 0) {
        size_t n = strlen(library->args[0]) + 1;
        ok = (lib->name = malloc(n)) != NULL;
        if (ok)
            memcpy(lib->name, library->args[0], n);
        else
            nb_fail(err, "out of memory reading %s", where);
    }
    ok = ok && lty_read_units(library, where, lib, err) &&
         lty_read_templates(library, where, &tpl, err) &&
         lty_read_cells(library, &tpl, where, lib, err);
    lty_templates_free(&tpl);
    lty_tree_free(&root);
    if (!ok) {
        nb_liberty_free(lib);
        return NULL;
    }
    return lib;
}

nb_liberty *nb_liberty_read(const char *path, nb_err *err)
{
    size_t len;
    char *text = cost_read_file(path, "liberty", &len, err);
    if (!text)
        return NULL;
    nb_liberty *lib = nb_liberty_parse(text, len, path, err);
    free(text);
    return lib;
}
