/* The library's units ("1ns", (1,pf), "1nW", "1V") and its supply voltage. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "liberty_internal.h"

typedef struct {
    const char *suffix;
    double scale;
} unit_suffix;

/* "10ps" -> 1e-11 given the base unit ("s"); false if the text is not such a unit. */
static bool parse_unit(const char *text, const char *base, double *si)
{
    static const unit_suffix prefixes[] = {{"f", 1e-15}, {"p", 1e-12}, {"n", 1e-9}, {"u", 1e-6},
                                           {"m", 1e-3},  {"", 1.0},    {"k", 1e3}};
    char *end;
    double mult = strtod(text, &end);
    if (end == text)
        mult = 1.0; /* "ns" alone means one ns */
    while (isspace((unsigned char)*end))
        end++;
    size_t blen = strlen(base), len = strlen(end);
    if (len < blen || strcasecmp(end + len - blen, base) != 0 || !(mult > 0) || !isfinite(mult))
        return false;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t plen = strlen(prefixes[i].suffix);
        /* "m" and "M" differ for volts/watts only in theory; accept either case */
        if (plen + blen == len && strncasecmp(end, prefixes[i].suffix, plen) == 0) {
            *si = mult * prefixes[i].scale;
            return true;
        }
    }
    return false;
}

static bool unit_attr(const lty_node *library, const char *attr, const char *base, double dflt,
                      const char *where, double *si, nb_err *err)
{
    const char *v = lty_attr(library, attr);
    if (!v) {
        *si = dflt; /* the Liberty reference's default */
        return true;
    }
    if (!parse_unit(v, base, si))
        return nb_fail(err, "%s: %s \"%s\" is not a unit this reader knows (expected e.g. \"1n%s\")",
                       where, attr, v, base);
    return true;
}

/* capacitive_load_unit (1, pf) -- a complex attribute, not a string. */
static bool cap_unit(const lty_node *library, const char *where, double *si, nb_err *err)
{
    const lty_node *n = lty_kid(library, "capacitive_load_unit");
    if (!n) {
        *si = 1e-12; /* no standard default; pF is what nearly every library uses */
        return true;
    }
    char text[160];
    if (n->n_args != 2) {
        return nb_fail(err, "%s:%d: capacitive_load_unit needs two arguments (e.g. (1,pf))",
                       where, n->line);
    }
    snprintf(text, sizeof text, "%s%s", n->args[0], n->args[1]);
    if (!parse_unit(text, "f", si))
        return nb_fail(err, "%s:%d: capacitive_load_unit (%s,%s) is not a capacitance unit "
                       "(expected ff, pf or nf)", where, n->line, n->args[0], n->args[1]);
    return true;
}

static bool number(const char *v, double *out)
{
    char *end;
    *out = strtod(v, &end);
    while (isspace((unsigned char)*end))
        end++;
    return end != v && *end == '\0' && isfinite(*out);
}

/* Supply: the default operating conditions' voltage, else nom_voltage. */
static bool supply(const lty_node *library, const char *where, double *volts, nb_err *err)
{
    const char *dflt = lty_attr(library, "default_operating_conditions");
    for (int i = 0; dflt && i < library->n_kids; i++) {
        const lty_node *k = &library->kids[i];
        if (k->group && strcmp(k->name, "operating_conditions") == 0 && k->n_args > 0 &&
            strcmp(k->args[0], dflt) == 0) {
            const char *v = lty_attr(k, "voltage");
            if (v && number(v, volts) && *volts > 0)
                return true;
        }
    }
    const char *v = lty_attr(library, "nom_voltage");
    if (!v)
        return nb_fail(err, "%s: the library gives no supply voltage (no nom_voltage and no "
                       "voltage in its default operating conditions)", where);
    if (!number(v, volts) || !(*volts > 0))
        return nb_fail(err, "%s: nom_voltage \"%s\" is not a positive number", where, v);
    return true;
}

/* nom_process / nom_voltage / nom_temperature: NAN when absent, an error when not a number. */
static bool nominal(const lty_node *library, const char *attr, const char *where, double *out,
                    nb_err *err)
{
    const char *v = lty_attr(library, attr);
    *out = NAN;
    if (v && !number(v, out))
        return nb_fail(err, "%s: %s \"%s\" is not a number", where, attr, v);
    return true;
}

bool lty_read_units(const lty_node *library, const char *where, nb_liberty *lib, nb_err *err)
{
    if (!unit_attr(library, "time_unit", "s", 1e-9, where, &lib->time_unit_s, err) ||
        !unit_attr(library, "voltage_unit", "V", 1.0, where, &lib->voltage_unit_v, err) ||
        !unit_attr(library, "leakage_power_unit", "W", 1e-9, where, &lib->leakage_unit_w, err) ||
        !cap_unit(library, where, &lib->cap_unit_f, err) || !supply(library, where, &lib->voltage, err) ||
        !nominal(library, "nom_process", where, &lib->nom_process, err) ||
        !nominal(library, "nom_voltage", where, &lib->nom_voltage, err) ||
        !nominal(library, "nom_temperature", where, &lib->nom_temperature, err))
        return false;
    lib->energy_unit_j = lib->cap_unit_f * lib->voltage_unit_v * lib->voltage_unit_v;
    return true;
}
