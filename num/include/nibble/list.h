/* Splitting a user's list option ("int4,sf4", "8x8,16x16") into items with no
 * limit on the list's length or the number of items (no silent truncation). */
#ifndef NIBBLE_LIST_H
#define NIBBLE_LIST_H

#include <stdbool.h>

#include "nibble/error.h"

typedef struct nb_list {
    char **items; /* n pointers into buf */
    int n;
    char *buf;    /* one malloc'd copy of the text */
} nb_list;

/* Split `text` at any character of `seps`; empty items (",,", leading or
 * trailing separators) are skipped like strtok does. false only when out of
 * memory. Free with nb_list_free (also after a failure). */
bool nb_list_split(const char *text, const char *seps, nb_list *out, nb_err *err);
void nb_list_free(nb_list *l);

#endif
