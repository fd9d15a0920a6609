/* The library as one Liberty text with only the cells synthesis may map onto
 * (nb_liberty.mappable): Yosys 0.23 reads one liberty per dfflibmap/abc call
 * and stops at a cell output without a function, so left-out cells are cut
 * from the text and a library of several files becomes one. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liberty_internal.h"

static bool is_template(const lty_node *k)
{
    size_t n = strlen(k->name);
    return k->group && k->n_args > 0 && n > 9 && strcmp(k->name + n - 9, "_template") == 0;
}

/* Whether a template of this kind and name came earlier (in files 0..upto, kids before `stop`). */
static bool template_seen(const lty_node *const *libraries, int upto, const lty_node *k)
{
    for (int f = 0; f <= upto; f++)
        for (int i = 0; i < libraries[f]->n_kids; i++) {
            const lty_node *o = &libraries[f]->kids[i];
            if (o == k)
                return false;
            if (is_template(o) && strcmp(o->name, k->name) == 0 && strcmp(o->args[0], k->args[0]) == 0)
                return true;
        }
    return false;
}

static bool mappable_cell(const nb_liberty *lib, const lty_node *k)
{
    const nb_lib_cell *c = k->n_args > 0 ? nb_liberty_cell(lib, k->args[0]) : NULL;
    return c && !c->left_out;
}

bool lty_mappable_text(const char *const *texts, const lty_node *const *libraries, int n,
                       nb_liberty *lib, nb_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return nb_fail(err, "out of memory writing the mappable library");
    /* the first file up to its library's closing '}', left-out cells cut */
    const lty_node *l0 = libraries[0];
    size_t at = 0;
    for (int i = 0; i < l0->n_kids; i++) {
        const lty_node *k = &l0->kids[i];
        if (k->group && strcmp(k->name, "cell") == 0 && !mappable_cell(lib, k)) {
            fwrite(texts[0] + at, 1, k->start - at, f);
            fprintf(f, "/* cell %s left out by nibble */", k->n_args ? k->args[0] : "?");
            at = k->end;
        }
    }
    fwrite(texts[0] + at, 1, l0->end - 1 - at, f);
    /* the other files: their templates not defined yet, and their mappable cells */
    for (int file = 1; file < n; file++) {
        fprintf(f, "\n/* from file %d of the library */\n", file + 1);
        for (int i = 0; i < libraries[file]->n_kids; i++) {
            const lty_node *k = &libraries[file]->kids[i];
            bool take = (is_template(k) && !template_seen(libraries, file, k)) ||
                        (k->group && strcmp(k->name, "cell") == 0 && mappable_cell(lib, k));
            if (take) {
                fwrite(texts[file] + k->start, 1, k->end - k->start, f);
                fputc('\n', f);
            }
        }
    }
    fputs("\n}\n", f);
    if (fclose(f) != 0 || !buf) {
        free(buf);
        return nb_fail(err, "out of memory writing the mappable library");
    }
    lib->mappable = buf;
    lib->mappable_len = len;
    return true;
}
