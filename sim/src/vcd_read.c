#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/vcd.h"

typedef struct vcd_track {
    char id[16];
    int width;
    size_t n, cap;
    int64_t *times;
    uint64_t *values;
    bool *known;
} vcd_track;

struct nb_vcd {
    int n;
    vcd_track *track;   /* one per suffix */
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void push(vcd_track *t, int64_t time, uint64_t value, bool known)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->times = realloc(t->times, t->cap * sizeof *t->times);
        t->values = realloc(t->values, t->cap * sizeof *t->values);
        t->known = realloc(t->known, t->cap * sizeof *t->known);
        if (!t->times || !t->values || !t->known)
            abort();
    }
    t->times[t->n] = time;
    t->values[t->n] = value;
    t->known[t->n] = known;
    t->n++;
}

nb_vcd *nb_vcd_read(const char *path, const char *const *suffixes, int n, nb_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return nb_fail(err, "cannot read waveform %s", path), NULL;
    nb_vcd *v = calloc(1, sizeof *v);
    v->n = n;
    v->track = calloc((size_t)n, sizeof *v->track);
    char scope[64][128];
    int depth = 0;
    char line[8192];
    int64_t now = 0;
    bool header = true;
    while (fgets(line, sizeof line, f)) {
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (header) {
            char kind[32], name[128], id[16], type[32];
            int width;
            if (sscanf(p, "$scope %31s %127s", kind, name) == 2 && depth < 64) {
                snprintf(scope[depth++], sizeof scope[0], "%s", name);
            } else if (strncmp(p, "$upscope", 8) == 0 && depth > 0) {
                depth--;
            } else if (sscanf(p, "$var %31s %d %15s %127s", type, &width, id, name) == 4) {
                char full[4096] = "";
                for (int i = 0; i < depth; i++) {
                    strcat(full, scope[i]);
                    strcat(full, ".");
                }
                strcat(full, name);
                for (int i = 0; i < n; i++)
                    if (!v->track[i].id[0] && ends_with(full, suffixes[i])) {
                        snprintf(v->track[i].id, sizeof v->track[i].id, "%s", id);
                        v->track[i].width = width;
                    }
            } else if (strncmp(p, "$enddefinitions", 15) == 0) {
                header = false;
            }
            continue;
        }
        p[strcspn(p, "\r\n")] = '\0';
        if (*p == '#') {
            now = strtoll(p + 1, NULL, 10);
            continue;
        }
        uint64_t value = 0;
        bool known = true;
        const char *id;
        if (*p == 'b' || *p == 'B') {
            char *space = strchr(p, ' ');
            if (!space)
                continue;
            for (char *q = p + 1; q < space; q++) {
                value = (value << 1) | (uint64_t)(*q == '1');
                known = known && (*q == '0' || *q == '1');
            }
            id = space + 1;
        } else if (*p == '0' || *p == '1' || *p == 'x' || *p == 'z' || *p == 'X' || *p == 'Z') {
            value = *p == '1';
            known = *p == '0' || *p == '1';
            id = p + 1;
        } else {
            continue; /* $dumpvars, $end, comments */
        }
        for (int i = 0; i < n; i++)
            if (v->track[i].id[0] && strcmp(v->track[i].id, id) == 0)
                push(&v->track[i], now, value, known);
    }
    fclose(f);
    return v;
}

bool nb_vcd_value(const nb_vcd *v, int i, int64_t time, uint64_t *out)
{
    const vcd_track *t = &v->track[i];
    if (!t->n || t->times[0] > time)
        return false;
    size_t lo = 0, hi = t->n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (t->times[mid] <= time)
            lo = mid;
        else
            hi = mid - 1;
    }
    *out = t->values[lo];
    return t->known[lo];
}

void nb_vcd_free(nb_vcd *v)
{
    if (!v)
        return;
    for (int i = 0; i < v->n; i++) {
        free(v->track[i].times);
        free(v->track[i].values);
        free(v->track[i].known);
    }
    free(v->track);
    free(v);
}
