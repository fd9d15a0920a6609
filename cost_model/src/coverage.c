/* Reading a Verilator coverage file ("# SystemC::Coverage-3"). Each record is
 *   C '<\1>key<\2>value<\1>key<\2>value...' count
 * with keys f (file), l (line), n (column), page ("v_toggle/<module>" for
 * toggle coverage), o (the signal, Verilator-encoded, "[i]" for bit i of a
 * vector) and h (hierarchy). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost_file.h"
#include "coverage.h"

static int hexval(char c)
{
    return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

void cost_coverage_decode(const char *raw, char *out, size_t len)
{
    size_t n = 0;
    while (*raw && n + 1 < len) {
        if (raw[0] == '_' && raw[1] == '_' && raw[2] == '0' && isxdigit((unsigned char)raw[3]) &&
            isxdigit((unsigned char)raw[4])) {
            out[n++] = (char)(hexval(raw[3]) * 16 + hexval(raw[4]));
            raw += 5;
        } else {
            out[n++] = *raw++;
        }
    }
    out[n] = '\0';
}

/* Value of field `key` in a record's key string (fields start with \1, key
 * and value are separated by \2); copied into out, false if absent. */
static bool field(const char *rec, size_t rlen, const char *key, char *out, size_t len)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < rlen; i++) {
        if (rec[i] != '\001' || i + klen + 1 >= rlen || strncmp(rec + i + 1, key, klen) != 0 ||
            rec[i + 1 + klen] != '\002')
            continue;
        const char *v = rec + i + klen + 2;
        size_t vl = 0;
        while (v + vl < rec + rlen && v[vl] != '\001')
            vl++;
        if (vl >= len)
            vl = len - 1;
        memcpy(out, v, vl);
        out[vl] = '\0';
        return true;
    }
    return false;
}

void cost_coverage_free(cost_coverage *cov)
{
    cost_strmap_free(&cov->names);
    free(cov->count);
    free(cov->matched);
    memset(cov, 0, sizeof *cov);
}

/* One "C '...' count" line; *toggle says it was a toggle record, *ours that it
 * was for `module`. */
static bool record(const char *line, size_t len, const char *module, const char *path, int lineno,
                   cost_coverage *cov, bool *toggle, bool *ours, nb_err *err)
{
    const char *q = memchr(line, '\'', len), *last = NULL;
    for (const char *p = line; p < line + len; p++)
        if (*p == '\'')
            last = p;
    char num[64];
    size_t nl = (size_t)(line + len - (last ? last + 1 : line));
    char *end = NULL;
    double count = -1;
    if (last && last > q && nl < sizeof num) {
        memcpy(num, last + 1, nl);
        num[nl] = '\0';
        count = strtod(num, &end);
        while (end && isspace((unsigned char)*end))
            end++;
    }
    if (!last || last == q || !end || *end || end == num || count < 0)
        return nb_fail(err, "%s:%d: malformed coverage record (expected C '<fields>' <count>)",
                       path, lineno);
    const char *rec = q + 1;
    size_t rlen = (size_t)(last - rec);
    char page[512], raw[2048], name[2048];
    *toggle = field(rec, rlen, "page", page, sizeof page) && strncmp(page, "v_toggle/", 9) == 0;
    *ours = *toggle && strcmp(page + 9, module) == 0;
    if (!*ours)
        return true;
    if (!field(rec, rlen, "o", raw, sizeof raw))
        return nb_fail(err, "%s:%d: toggle record without a signal name (field 'o')", path, lineno);
    cost_coverage_decode(raw, name, sizeof name);
    bool added;
    long i = cost_strmap_add(&cov->names, name, &added);
    if (i < 0)
        return nb_fail(err, "out of memory reading coverage file %s", path);
    if (added) {
        if ((size_t)i % 1024 == 0) {
            size_t cap = (size_t)i + 1024;
            double *c = realloc(cov->count, cap * sizeof *c);
            if (c)
                cov->count = c;
            bool *m = realloc(cov->matched, cap * sizeof *m);
            if (m)
                cov->matched = m;
            if (!c || !m)
                return nb_fail(err, "out of memory reading coverage file %s", path);
        }
        cov->count[i] = 0;
        cov->matched[i] = false;
    }
    cov->count[i] += count; /* a repeated point (merged runs) adds up */
    return true;
}

bool cost_coverage_read(const char *path, const char *module, cost_coverage *cov, nb_err *err)
{
    memset(cov, 0, sizeof *cov);
    cost_strmap_init(&cov->names);
    size_t len;
    char *text = cost_read_file(path, "coverage", &len, err);
    if (!text)
        return false;
    if (strncmp(text, "# SystemC::Coverage", 19) != 0) {
        free(text);
        return nb_fail(err, "%s is not a Verilator coverage file (its first line should be "
                       "'# SystemC::Coverage-3')", path);
    }
    int lineno = 0, toggles = 0, ours = 0;
    bool ok = true;
    for (char *p = text; ok && p < text + len;) {
        char *nl = memchr(p, '\n', (size_t)(text + len - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
        lineno++;
        if (ll > 0 && p[ll - 1] == '\r')
            ll--;
        if (ll >= 2 && p[0] == 'C' && p[1] == ' ') {
            bool t = false, o = false;
            ok = record(p, ll, module, path, lineno, cov, &t, &o, err);
            toggles += t;
            ours += o;
        } else if (ll > 0 && p[0] != '#') {
            ok = nb_fail(err, "%s:%d: not a coverage record (lines start with 'C ' or '#')", path,
                         lineno);
        }
        p = nl ? nl + 1 : text + len;
    }
    free(text);
    if (ok && toggles == 0)
        ok = nb_fail(err, "coverage file %s has no toggle records: the model must be built by "
                     "Verilator with --coverage-toggle", path);
    else if (ok && ours == 0)
        ok = nb_fail(err, "coverage file %s has toggle records but none for module %s: was it "
                     "written by a simulation of this netlist?", path, module);
    if (!ok)
        cost_coverage_free(cov);
    return ok;
}
