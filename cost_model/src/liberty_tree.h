/* Liberty text as a generic tree (internal to the liberty reader).
 * Liberty is a nest of three statement kinds:
 *   name : value ;             simple attribute (the ';' may be left off at a line end)
 *   name ( args ) ;            complex attribute
 *   name ( args ) { ... }      group
 * The tree keeps them all; liberty_*.c pick out what the power estimate needs. */
#ifndef NIBBLE_LIBERTY_TREE_H
#define NIBBLE_LIBERTY_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "nibble/error.h"

typedef struct lty_node {
    char *name;
    char **args;   /* group / complex-attribute arguments, quotes removed */
    int n_args;
    char *value;   /* simple attribute value (quotes removed), NULL otherwise */
    bool group;
    struct lty_node *kids;
    int n_kids;
    int line;      /* 1-based line of the name */
    size_t start, end; /* byte span in the text: from the name to past its ';' or '}' */
} lty_node;

/* Parse the whole text into root's kids. `where` names the text in messages
 * ("FILE:LINE: ..."). On failure root is left empty and err is filled. */
bool lty_tree_parse(const char *text, size_t len, const char *where, lty_node *root, nb_err *err);
void lty_tree_free(lty_node *n);

/* Value of the simple attribute `name` among group's kids, or NULL. */
const char *lty_attr(const lty_node *group, const char *name);
/* The kid called `name` (group or complex attribute), or NULL. */
const lty_node *lty_kid(const lty_node *group, const char *name);

#endif
