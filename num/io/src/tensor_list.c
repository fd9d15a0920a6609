/* Growing and freeing the tensor list. */
#include <stdlib.h>
#include <string.h>

#include "io_internal.h"

nb_tensor *nb_list_push(nb_tensor_list *l, const char *what, nb_err *err)
{
    /* grow by doubling: capacity is implied by n being 0 or a power of two */
    if (l->n == 0 || (l->n & (l->n - 1)) == 0) {
        size_t cap = l->n == 0 ? 1 : (size_t)l->n * 2;
        if (cap > (size_t)INT32_MAX) {
            nb_fail(err, "%s: more than %d tensors; split the file", what, INT32_MAX);
            return NULL;
        }
        nb_tensor *items = realloc(l->items, cap * sizeof *items);
        if (!items) {
            nb_fail(err, "%s: out of memory growing the tensor list to %zu entries", what, cap);
            return NULL;
        }
        l->items = items;
    }
    nb_tensor *t = &l->items[l->n++];
    memset(t, 0, sizeof *t);
    return t;
}

void nb_tensor_list_free(nb_tensor_list *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->n; i++)
        free(l->items[i].data);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}
