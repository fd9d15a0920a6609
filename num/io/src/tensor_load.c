/* Public entry points: open the source, pick the format from its bytes, run the reader. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "nibble/input_file.h"
#include "io_internal.h"

typedef enum { FMT_UNKNOWN, FMT_SAFETENSORS, FMT_NPY } fmt;

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Content first; the extension only decides which reader explains a damaged file. */
static fmt detect(const nb_src *s, nb_err *err, bool *ok)
{
    unsigned char head[9] = {0};
    size_t n = s->size < sizeof head ? (size_t)s->size : sizeof head;
    *ok = nb_src_read(s, 0, head, n, err);
    if (!*ok)
        return FMT_UNKNOWN;
    if (n >= 6 && memcmp(head, "\x93NUMPY", 6) == 0)
        return FMT_NPY;
    if (n == 9 && head[8] == '{')
        return FMT_SAFETENSORS;
    if (has_suffix(s->what, ".safetensors"))
        return FMT_SAFETENSORS;
    if (has_suffix(s->what, ".npy"))
        return FMT_NPY;
    return FMT_UNKNOWN;
}

/* .npy tensors are named after the file: basename without its last extension. */
static void npy_name(const char *what, char *name, size_t cap)
{
    const char *base = strrchr(what, '/');
    base = base ? base + 1 : what;
    size_t len = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base)
        len = (size_t)(dot - base);
    if (len >= cap)
        len = cap - 1;
    memcpy(name, base, len);
    name[len] = '\0';
}

static bool load_sel(const nb_src *s, nb_select *sel, nb_tensor_list *out, nb_err *err);

static bool load(const nb_src *s, const char *select, nb_tensor_list *out, nb_err *err)
{
    out->items = NULL;
    out->n = 0;
    nb_select sel;
    if (!nb_select_parse(select, &sel, s->what, err))
        return false;
    bool ok = load_sel(s, &sel, out, err);
    nb_select_free(&sel);
    return ok;
}

static bool load_sel(const nb_src *s, nb_select *sel, nb_tensor_list *out, nb_err *err)
{
    out->items = NULL;
    out->n = 0;
    bool ok = true;
    fmt f = detect(s, err, &ok);
    if (!ok)
        return false;
    if (f == FMT_UNKNOWN)
        return nb_fail(err,
                       "%s: not a .safetensors or .npy file (%llu bytes; neither the \\x93NUMPY "
                       "magic nor a JSON header after 8 length bytes); check the path",
                       s->what, (unsigned long long)s->size);
    if (f == FMT_SAFETENSORS) {
        ok = nb_safetensors_read(s, sel, out, err);
    } else {
        char name[NB_TENSOR_NAME_MAX];
        npy_name(s->what, name, sizeof name);
        ok = nb_npy_read(s, name, sel, out, err);
    }
    if (!ok)
        nb_tensor_list_free(out);
    return ok;
}

bool nb_tensors_load_mem(const unsigned char *buf, size_t len, const char *what,
                         const char *select, nb_tensor_list *out, nb_err *err)
{
    static const unsigned char empty[1];
    nb_src s = {what ? what : "<memory>", buf ? buf : empty, NULL, buf ? len : 0};
    return load(&s, select, out, err);
}

static bool open_file(const char *path, FILE **fp, nb_src *s, nb_err *err)
{
    /* a FIFO or device would block or never end: regular files only */
    *fp = nb_open_input(path, "tensor file", err);
    if (!*fp)
        return false;
    struct stat st;
    if (fstat(fileno(*fp), &st) != 0) {
        fclose(*fp);
        return nb_fail(err, "%s: cannot stat: %s", path, strerror(errno));
    }
    *s = (nb_src){path, NULL, *fp, (uint64_t)st.st_size};
    return true;
}

bool nb_tensors_load_files(const char *const *paths, int n, const char *select,
                           nb_tensor_list *out, nb_err *err)
{
    out->items = NULL;
    out->n = 0;
    nb_select sel;
    if (!nb_select_parse(select, &sel, n == 1 ? paths[0] : "the tensor files", err))
        return false;
    sel.across = true;
    bool ok = true;
    for (int f = 0; ok && f < n; f++) {
        FILE *fp;
        nb_src s;
        nb_tensor_list one = {0};
        ok = open_file(paths[f], &fp, &s, err);
        if (!ok)
            break;
        ok = load_sel(&s, &sel, &one, err);
        fclose(fp);
        for (int i = 0; ok && i < one.n; i++) {
            nb_tensor *t = nb_list_push(out, paths[f], err);
            ok = t != NULL;
            if (ok) {
                *t = one.items[i];
                one.items[i].data = NULL;
            }
        }
        nb_tensor_list_free(&one);
    }
    for (int i = 0; ok && i < sel.n; i++)
        if (sel.hits[i] == 0) {
            /* the single-file reader names what the first file holds */
            nb_tensor_list none;
            nb_err names;
            bool listed = !nb_tensors_load(paths[0], sel.pats[i], &none, &names);
            if (!listed)
                nb_tensor_list_free(&none);
            ok = nb_fail(err, "no tensor in the %d given file%s matches '%s' (selection '%s')%s%s",
                         n, n == 1 ? "" : "s", sel.pats[i], sel.text,
                         listed ? ". " : "; use names from the files or a glob such as 'layers.*'",
                         listed ? names.msg : "");
        }
    nb_select_free(&sel);
    if (!ok)
        nb_tensor_list_free(out);
    return ok;
}

bool nb_tensors_load(const char *path, const char *select, nb_tensor_list *out, nb_err *err)
{
    out->items = NULL;
    out->n = 0;
    FILE *fp;
    nb_src s;
    if (!open_file(path, &fp, &s, err))
        return false;
    bool ok = load(&s, select, out, err);
    fclose(fp);
    return ok;
}
