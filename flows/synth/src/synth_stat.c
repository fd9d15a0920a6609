/* Parsing Yosys `stat -liberty` reports (per module: cells, sub-modules, area). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth_internal.h"

static const char *strip_escape(const char *s)
{
    return *s == '\\' ? s + 1 : s;
}

bool stat_parse(const char *path, stat_report *r, nb_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return nb_fail(err, "cannot read the Yosys report %s", path);
    memset(r, 0, sizeof *r);
    char line[2048];
    stat_module *m = NULL;
    bool in_cells = false;
    while (fgets(line, sizeof line, f)) {
        char name[1024];
        double area;
        int count;
        if (sscanf(line, " === %1023s ===", name) == 1) {
            in_cells = false;
            m = NULL;
            if (strcmp(name, "design") == 0 || r->n == STAT_MAX_MODULES)
                continue; /* "=== design hierarchy ===" */
            m = &r->mod[r->n++];
            snprintf(m->name, sizeof m->name, "%s", strip_escape(name));
        } else if (m && strstr(line, "Number of cells:")) {
            in_cells = true;
        } else if (m && sscanf(line, " Chip area for module '%1023[^']': %lf", name, &area) == 2) {
            m->own_area = area;
            in_cells = false;
        } else if (m && in_cells && sscanf(line, " %1023s %d", name, &count) == 2 &&
                   m->ntypes < STAT_MAX_TYPES) {
            snprintf(m->type[m->ntypes], sizeof m->type[0], "%s", strip_escape(name));
            m->count[m->ntypes++] = count;
        } else if (strstr(line, "Area for cell type") || line[0] == '\n') {
            in_cells = in_cells && line[0] != '\n';
        }
    }
    fclose(f);
    if (!r->n)
        return nb_fail(err, "the Yosys report %s holds no module statistics", path);
    return true;
}

static const stat_module *find(const stat_report *r, const char *name)
{
    for (int i = 0; i < r->n; i++) {
        const char *n = r->mod[i].name;
        /* parameterized modules appear as $paramod$<hash>\name */
        const char *base = strrchr(n, '\\');
        if (strcmp(n, name) == 0 || (base && strcmp(base + 1, name) == 0))
            return &r->mod[i];
    }
    return NULL;
}

static const stat_module *find_exact(const stat_report *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->mod[i].name, name) == 0)
            return &r->mod[i];
    return NULL;
}

static double total_area(const stat_report *r, const stat_module *m, int depth)
{
    double a = m->own_area;
    for (int i = 0; i < m->ntypes && depth < 32; i++) {
        const stat_module *sub = find_exact(r, m->type[i]);
        if (sub)
            a += m->count[i] * total_area(r, sub, depth + 1);
    }
    return a;
}

double stat_total_area(const stat_report *r, const char *module)
{
    const stat_module *m = find(r, module);
    return m ? total_area(r, m, 0) : 0;
}

/* Whether `type` is listed in "|A|B|". */
static bool listed(const char *sequential, const char *type)
{
    size_t n = strlen(type);
    for (const char *p = strstr(sequential, type); p; p = strstr(p + 1, type))
        if (p > sequential && p[-1] == '|' && p[n] == '|')
            return true;
    return false;
}

static int total_cells(const stat_report *r, const stat_module *m, const char *sequential,
                       int *flops, int depth)
{
    int n = 0;
    for (int i = 0; i < m->ntypes && depth < 32; i++) {
        const stat_module *sub = find_exact(r, m->type[i]);
        if (sub) {
            int f = 0;
            n += m->count[i] * total_cells(r, sub, sequential, &f, depth + 1);
            *flops += m->count[i] * f;
        } else {
            n += m->count[i];
            if (listed(sequential, m->type[i]))
                *flops += m->count[i];
        }
    }
    return n;
}

int stat_total_cells(const stat_report *r, const char *module, const char *sequential, int *flops)
{
    int f = 0;
    const stat_module *m = find(r, module);
    int n = m ? total_cells(r, m, sequential, &f, 0) : 0;
    if (flops)
        *flops = f;
    return n;
}
