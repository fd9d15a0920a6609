/* Tensor selection: comma-separated names or fnmatch globs, each of which must match. */
#define _POSIX_C_SOURCE 200809L
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_internal.h"

#define LIST_SHOWN 20

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool nb_select_parse(const char *select, nb_select *sel, const char *what, nb_err *err)
{
    memset(sel, 0, sizeof *sel);
    if (!select)
        return true;
    size_t len = strlen(select);
    /* at most one pattern per comma, plus one */
    int cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += select[i] == ',';
    sel->text = malloc(len + 1);
    sel->pats = calloc((size_t)cap, sizeof *sel->pats);
    sel->hits = calloc((size_t)cap, sizeof *sel->hits);
    if (!sel->text || !sel->pats || !sel->hits) {
        nb_select_free(sel);
        return nb_fail(err, "%s: out of memory parsing the tensor selection", what);
    }
    memcpy(sel->text, select, len + 1);
    const char *p = select;
    while (*p) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        /* "a, b" is as good as "a,b": trim spaces around each pattern */
        const char *b = p, *e = end;
        while (b < e && is_space(*b))
            b++;
        while (e > b && is_space(e[-1]))
            e--;
        if (e > b) {
            char *pat = malloc((size_t)(e - b) + 1);
            if (!pat) {
                nb_select_free(sel);
                return nb_fail(err, "%s: out of memory parsing the tensor selection", what);
            }
            memcpy(pat, b, (size_t)(e - b));
            pat[e - b] = '\0';
            sel->pats[sel->n++] = pat;
        }
        p = *end ? end + 1 : end;
    }
    if (sel->n == 0) {
        nb_select_free(sel);
        return nb_fail(err,
                       "%s: the tensor selection '%s' names no tensor; pass a comma-separated "
                       "list of names or globs, or no selection to load all tensors",
                       what, select);
    }
    return true;
}

bool nb_select_match(nb_select *sel, const char *name)
{
    if (sel->n == 0)
        return true;
    bool any = false;
    for (int i = 0; i < sel->n; i++)
        /* exact comparison too, so names holding glob characters still select themselves */
        if (strcmp(sel->pats[i], name) == 0 || fnmatch(sel->pats[i], name, 0) == 0) {
            sel->hits[i]++;
            any = true;
        }
    return any;
}

bool nb_select_check(const nb_select *sel, const char *what, const char *const *names, int n,
                     nb_err *err)
{
    int miss = -1;
    if (sel->across)
        return true; /* nb_tensors_load_files checks the hits over all files */
    for (int i = 0; i < sel->n && miss < 0; i++)
        if (sel->hits[i] == 0)
            miss = i;
    if (miss < 0)
        return true;
    if (n == 0)
        return nb_fail(err,
                       "%s: no tensor matches '%s' (selection '%s'): the file holds no tensors",
                       what, sel->pats[miss], sel->text);
    /* The list goes last so that truncation only ever cuts names, never the advice. */
    char list[NB_ERR_MAX];
    size_t k = 0;
    list[0] = '\0';
    for (int i = 0; i < n && i < LIST_SHOWN && k < sizeof list; i++)
        k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "", names[i]);
    if (n > LIST_SHOWN && k < sizeof list)
        snprintf(list + k, sizeof list - k, ", ... (%d more)", n - LIST_SHOWN);
    return nb_fail(err,
                   "%s: no tensor matches '%s' (selection '%s'); use names from the file or a "
                   "glob such as 'layers.*'. Available (%d): %s",
                   what, sel->pats[miss], sel->text, n, list);
}

void nb_select_free(nb_select *sel)
{
    if (sel->pats)
        for (int i = 0; i < sel->n; i++)
            free(sel->pats[i]);
    free(sel->pats);
    free(sel->hits);
    free(sel->text);
    memset(sel, 0, sizeof *sel);
}
