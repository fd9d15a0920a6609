/* List splitting without fixed buffers (see list.h). */
#include <stdlib.h>
#include <string.h>

#include "nibble/list.h"

bool nb_list_split(const char *text, const char *seps, nb_list *out, nb_err *err)
{
    *out = (nb_list){0};
    size_t len = strlen(text);
    out->buf = malloc(len + 1);
    /* at most one item per two characters, plus one */
    out->items = malloc((len / 2 + 1) * sizeof *out->items);
    if (!out->buf || !out->items)
        return nb_fail(err, "out of memory for a list of %zu characters", len);
    memcpy(out->buf, text, len + 1);
    for (char *p = out->buf;;) {
        p += strspn(p, seps);
        if (!*p)
            break;
        out->items[out->n++] = p;
        p += strcspn(p, seps);
        if (!*p)
            break;
        *p++ = '\0';
    }
    return true;
}

void nb_list_free(nb_list *l)
{
    free(l->items);
    free(l->buf);
    *l = (nb_list){0};
}
