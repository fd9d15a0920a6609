/* .safetensors: u64 header length, JSON header, then the data buffer. */
#include <stdlib.h>
#include <string.h>

#include "io_internal.h"

/* The reference implementation's limit; real headers are kilobytes. */
#define HEADER_MAX 100000000ull

/* File order: by data offset; ties (empty tensors) by name, so order is deterministic. */
static int by_offset(const void *a, const void *b)
{
    const nb_st_entry *x = a, *y = b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Two tensors sharing bytes is a corrupt (or malicious) header; it would also let a
 * small file expand into unbounded output. */
static bool check_overlap(const nb_st_entry *es, int n, const char *what, nb_err *err)
{
    int last = -1;
    for (int i = 0; i < n; i++) {
        if (es[i].begin == es[i].end)
            continue;
        if (last >= 0 && es[i].begin < es[last].end)
            return nb_fail(err,
                           "%s: tensors '%s' [%llu, %llu] and '%s' [%llu, %llu] overlap in the "
                           "data buffer; the header is corrupt, re-export the file",
                           what, es[last].name, (unsigned long long)es[last].begin,
                           (unsigned long long)es[last].end, es[i].name,
                           (unsigned long long)es[i].begin, (unsigned long long)es[i].end);
        if (last < 0 || es[i].end > es[last].end)
            last = i;
    }
    return true;
}

static bool read_header(const nb_src *s, char **text, uint64_t *hlen, nb_err *err)
{
    unsigned char b8[8];
    if (s->size < 8)
        return nb_fail(err,
                       "%s: file is %llu bytes, too short for the 8-byte header length of a "
                       ".safetensors file; it is truncated or not a .safetensors file",
                       s->what, (unsigned long long)s->size);
    if (!nb_src_read(s, 0, b8, 8, err))
        return false;
    uint64_t n = nb_le64(b8);
    if (n > s->size - 8)
        return nb_fail(err,
                       "%s: header length %llu (bytes 0-7) runs past the end of the file "
                       "(%llu bytes); the file is truncated or not a .safetensors file",
                       s->what, (unsigned long long)n, (unsigned long long)s->size);
    if (n > HEADER_MAX)
        return nb_fail(err,
                       "%s: header length %llu exceeds the %llu-byte limit; the file is corrupt "
                       "or not a .safetensors file",
                       s->what, (unsigned long long)n, HEADER_MAX);
    if (n == 0)
        return nb_fail(err, "%s: header length is 0; a .safetensors header holds at least '{}'; "
                            "the file is corrupt",
                       s->what);
    *text = malloc((size_t)n);
    if (!*text)
        return nb_fail(err, "%s: out of memory for a %llu-byte header", s->what,
                       (unsigned long long)n);
    if (!nb_src_read(s, 8, *text, (size_t)n, err)) {
        free(*text);
        *text = NULL;
        return false;
    }
    *hlen = n;
    return true;
}

static bool load_entry(const nb_src *s, uint64_t data_start, const nb_st_entry *e,
                       nb_tensor_list *out, nb_err *err)
{
    const nb_dtype *dt = nb_dtype_find(e->dtype);
    nb_tensor *t = nb_list_push(out, s->what, err);
    if (!t)
        return false;
    strcpy(t->name, e->name);
    strcpy(t->dtype, dt->name);
    t->ndim = e->ndim;
    memcpy(t->shape, e->shape, sizeof t->shape);
    t->count = (size_t)e->count;
    /* count * size == end - begin was checked, so this is bounded by the file size */
    t->data = malloc(t->count ? t->count * sizeof *t->data : 1);
    if (!t->data)
        return nb_fail(err, "%s: tensor '%s': out of memory for %zu floats", s->what, e->name,
                       t->count);
    /* a failed read names the file and byte offset, which locates the tensor */
    return nb_read_floats(s, data_start + e->begin, dt, false, t->count, t->data, err);
}

/* Selection, then dtype support of what was selected, then data: cheap checks first. */
static bool load_selected(const nb_src *s, uint64_t data_start, const nb_st_entry *es, int n,
                          nb_select *sel, nb_tensor_list *out, nb_err *err)
{
    bool *want = calloc((size_t)n + 1, sizeof *want);
    const char **names = calloc((size_t)n + 1, sizeof *names);
    bool ok = want && names;
    if (!ok)
        nb_fail(err, "%s: out of memory selecting among %d tensors", s->what, n);
    for (int i = 0; ok && i < n; i++) {
        names[i] = es[i].name;
        want[i] = nb_select_match(sel, es[i].name);
    }
    ok = ok && nb_select_check(sel, s->what, names, n, err);
    for (int i = 0; ok && i < n; i++)
        if (want[i] && !nb_dtype_find(es[i].dtype))
            ok = nb_fail(err,
                         "%s: tensor '%s' has dtype %s, which is not supported (supported: "
                         NB_SUPPORTED_DTYPES "); leave it out of the selection or convert it "
                         "to a float type",
                         s->what, es[i].name, es[i].dtype);
    for (int i = 0; ok && i < n; i++)
        if (want[i])
            ok = load_entry(s, data_start, &es[i], out, err);
    free(want);
    free(names);
    return ok;
}

bool nb_safetensors_read(const nb_src *s, nb_select *sel, nb_tensor_list *out, nb_err *err)
{
    char *text = NULL;
    uint64_t hlen = 0;
    if (!read_header(s, &text, &hlen, err))
        return false;
    uint64_t data_start = 8 + hlen;
    nb_st_entry *es = NULL;
    int n = 0;
    bool ok = nb_st_parse_header(text, (size_t)hlen, s->size - data_start, s->what, &es, &n, err);
    free(text);
    if (!ok)
        return false;
    qsort(es, (size_t)n, sizeof *es, by_offset);
    ok = check_overlap(es, n, s->what, err) &&
         load_selected(s, data_start, es, n, sel, out, err);
    free(es);
    return ok;
}
