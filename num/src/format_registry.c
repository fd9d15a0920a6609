/* The one registry of formats: names, aliases and how each is built. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format_internal.h"
#include "nibble/exmy.h"
#include "nibble/parse.h"

typedef enum builder { B_INT, B_MINIFLOAT, B_BNB, B_QUANTILE, B_APOT, B_APOT_SP, B_USER } builder;

typedef struct registry_entry {
    const char *name;
    const char *aliases;  /* comma separated, matched case-insensitively */
    builder build;
    const char *param;    /* what the ":param" suffix means, or NULL */
} registry_entry;

static const registry_entry REGISTRY[] = {
    {"int4", "int4-sym", B_INT, NULL},
    {"int4-full", "int4-fr", B_INT, NULL},
    {"uint4", "", B_INT, NULL},
    {"overq", "", B_INT, NULL},
    {"int8", "", B_INT, NULL},
    {"e2m1", "fp4,fp4_basic", B_MINIFLOAT, NULL},
    {"e2m1-sr", "fp4_range,e2m1+sr", B_MINIFLOAT, NULL},
    {"e2m1-sp", "fp4_prec2,e2m1+sp", B_MINIFLOAT, NULL},
    {"e2m1-sp1", "fp4_prec1", B_MINIFLOAT, NULL},
    {"e2m1-ns", "e2m1-nosub", B_MINIFLOAT, NULL},
    {"e2m1-i", "e2m1-intel", B_MINIFLOAT, NULL},
    {"e2m1-b", "e2m1-bnb,fp4-bnb", B_BNB, NULL},
    {"e1m2", "", B_MINIFLOAT, NULL},
    {"e3m0", "fp4_log,log4", B_MINIFLOAT, NULL},
    {"nf4", "normalfloat", B_QUANTILE, NULL},
    {"sf4", "student-float", B_QUANTILE, "nu (degrees of freedom, > 0; default 5)"},
    {"apot4", "", B_APOT, NULL},
    {"apot4-sp", "apot4+sp", B_APOT_SP, NULL},
    {"lut", "codebook", B_USER, "path of a 16-value codebook file"},
};

#define REGISTRY_COUNT ((int)(sizeof REGISTRY / sizeof REGISTRY[0]))

int nb_format_builtin_count(void)
{
    return REGISTRY_COUNT - 1; /* "lut" needs a file, so it is not a builtin */
}

const char *nb_format_builtin_name(int i)
{
    return (i >= 0 && i < nb_format_builtin_count()) ? REGISTRY[i].name : NULL;
}

const char *nb_format_builtin_aliases(int i)
{
    return (i >= 0 && i < nb_format_builtin_count()) ? REGISTRY[i].aliases : NULL;
}

const char *nb_format_valid_names(void)
{
    static char names[1024];
    if (!names[0]) {
        size_t used = 0;
        for (int i = 0; i < REGISTRY_COUNT; i++) {
            const char *suffix = strcmp(REGISTRY[i].name, "sf4") == 0   ? "[:NU]"
                                 : strcmp(REGISTRY[i].name, "lut") == 0 ? ":FILE"
                                                                        : "";
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s%s",
                                     i ? ", " : "", REGISTRY[i].name, suffix);
        }
        snprintf(names + used, sizeof names - used, ", fp:eXmY[:OPTIONS], int:N, uint:N");
    }
    return names;
}

static bool alias_matches(const char *aliases, const char *name)
{
    size_t len = strlen(name);
    const char *p = aliases;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == len && strncasecmp(p, name, n) == 0)
            return true;
        if (!comma)
            break;
        p = comma + 1;
    }
    return false;
}

static const registry_entry *find_entry(const char *name)
{
    for (int i = 0; i < REGISTRY_COUNT; i++)
        if (strcasecmp(REGISTRY[i].name, name) == 0 || alias_matches(REGISTRY[i].aliases, name))
            return &REGISTRY[i];
    return NULL;
}

static bool parse_nu(const char *text, double *nu, nb_err *err)
{
    nb_num_status st = nb_parse_decimal(text, nu);
    if (st != NB_NUM_OK)
        return nb_fail(err, "sf4:%s: '%s' is %s; write the degrees of freedom as a decimal "
                       "number, e.g. sf4:5", text, text, nb_num_status_text(st));
    return true;
}

bool nb_format_parse(const char *spec, const nb_format_opts *opts, nb_format *out, nb_err *err)
{
    nb_format_opts defaults = nb_format_opts_default();
    if (!opts)
        opts = &defaults;
    if (!spec || !*spec)
        return nb_fail(err, "empty format name; valid formats: %s", nb_format_valid_names());
    /* Element specs (fp:e3m2, int:3, uint:6): nibble/exmy.h */
    if (nb_exmy_is_spec(spec))
        return nb_build_exmy(out, spec, err) && nb_format_finish(out, opts, err);
    char base[64];
    const char *colon = strchr(spec, ':');
    size_t base_len = colon ? (size_t)(colon - spec) : strlen(spec);
    if (base_len >= sizeof base)
        return nb_fail(err, "unknown format '%s'; valid formats: %s", spec, nb_format_valid_names());
    memcpy(base, spec, base_len);
    base[base_len] = '\0';
    const char *param = colon ? colon + 1 : NULL;

    const registry_entry *e = find_entry(base);
    if (!e)
        return nb_fail(err, "unknown format '%s'; valid formats: %s", spec, nb_format_valid_names());
    if (param && !e->param)
        return nb_fail(err, "format %s takes no ':' parameter (got '%s')", e->name, spec);
    if (!param && e->build == B_USER)
        return nb_fail(err, "format lut needs a codebook file: write lut:PATH");
    if (param && !*param)
        return nb_fail(err, "format %s: empty parameter after ':' (expected %s)", e->name, e->param);

    bool ok = false;
    switch (e->build) {
    case B_INT:
        ok = nb_build_int(out, e->name, err);
        break;
    case B_MINIFLOAT:
        ok = nb_build_minifloat(out, e->name, err);
        break;
    case B_BNB:
        ok = nb_build_e2m1_bnb(out, err);
        break;
    case B_QUANTILE: {
        double nu = NB_SF4_NU_DEFAULT;
        if (param && !parse_nu(param, &nu, err))
            return false;
        ok = nb_build_quantile_lut(out, e->name, nu, err);
        break;
    }
    case B_APOT:
    case B_APOT_SP:
        ok = nb_build_apot4(out, e->build == B_APOT_SP, err);
        break;
    case B_USER:
        ok = nb_build_user_lut(out, param, err);
        break;
    }
    return ok && nb_format_finish(out, opts, err);
}

int nb_format_parse_list(const char *list, const nb_format_opts *opts, nb_format *out, int max,
                         nb_err *err)
{
    if (!list || !*list) {
        nb_fail(err, "empty format list; valid formats: %s", nb_format_valid_names());
        return -1;
    }
    int n = 0;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char spec[NB_NAME_MAX];
        if (len >= sizeof spec) {
            nb_fail(err, "format name too long in list '%s'", list);
            return -1;
        }
        memcpy(spec, p, len);
        spec[len] = '\0';
        if (n == max) {
            nb_fail(err, "too many formats in '%s' (at most %d)", list, max);
            return -1;
        }
        if (!nb_format_parse(spec, opts, &out[n], err))
            return -1;
        for (int i = 0; i < n; i++)
            if (strcmp(out[i].name, out[n].name) == 0) {
                nb_fail(err, "format %s appears twice in '%s'", out[n].name, list);
                return -1;
            }
        n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    return n;
}
