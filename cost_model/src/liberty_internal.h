/* Pieces of the liberty reader shared between its source files. */
#ifndef NIBBLE_LIBERTY_INTERNAL_H
#define NIBBLE_LIBERTY_INTERNAL_H

#include "liberty_tree.h"
#include "nibble/liberty.h"

/* A lu_table_template / power_lut_template: axis meanings and default indices. */
typedef struct lty_template {
    const char *name; /* points into the tree */
    int dims;         /* 0 (scalar), 1 or 2 */
    nb_lib_axis axis[2];
    nb_lib_table idx; /* only n1/n2/index_1/index_2 used */
} lty_template;

typedef struct lty_templates {
    lty_template *t;
    int n;
} lty_templates;

/* Library units and supply voltage into lib. */
bool lty_read_units(const lty_node *library, const char *where, nb_liberty *lib, nb_err *err);

bool lty_read_templates(const lty_node *library, const char *where, lty_templates *out, nb_err *err);
void lty_templates_free(lty_templates *t);
/* A table group such as rise_power(energy_template_5x5) { index_1(...); values(...); }. */
bool lty_read_table(const lty_node *g, const lty_templates *tpl, const char *where,
                    nb_lib_table *out, nb_err *err);
void lty_table_free(nb_lib_table *t);

/* Comma/blank separated numbers from all of node's arguments (index_1("1, 2"),
 * values("1, 2", "3, 4")). *out is malloc'ed. */
bool lty_numbers(const lty_node *n, const char *where, double **out, int *count, nb_err *err);

/* Cells, pins and internal power, appended to lib->cells (unsorted). */
bool lty_read_cells(const lty_node *library, const lty_templates *tpl, const char *where,
                    nb_liberty *lib, nb_err *err);
/* Sort lib->cells by name (for nb_liberty_cell); a name twice is an error
 * naming `where` (the files). */
bool lty_sort_cells(nb_liberty *lib, const char *where, nb_err *err);

/* The mappable text of the parsed files (see nb_liberty.mappable). */
bool lty_mappable_text(const char *const *texts, const lty_node *const *libraries, int n,
                       nb_liberty *lib, nb_err *err);

#endif
