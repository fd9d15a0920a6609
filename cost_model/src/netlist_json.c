/* Yosys write_json output -> cost_netlist (netnames, cells, ports of one module). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cost_file.h"
#include "netlist_internal.h"

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    return c ? memcpy(c, s, n) : NULL;
}

/* A JSON bits array: ids, or -1 for the constant strings. */
static bool read_bits(json_t *arr, int **bits, int *width, int *max_bit)
{
    if (!json_is_array(arr))
        return false;
    size_t n = json_array_size(arr);
    *bits = malloc((n ? n : 1) * sizeof **bits);
    if (!*bits)
        return false;
    for (size_t i = 0; i < n; i++) {
        json_t *b = json_array_get(arr, i);
        if (json_is_integer(b)) {
            json_int_t v = json_integer_value(b);
            if (v < 0 || v > 1 << 30)
                return false;
            (*bits)[i] = (int)v;
            if ((int)v > *max_bit)
                *max_bit = (int)v;
        } else if (json_is_string(b)) {
            (*bits)[i] = -1;
        } else {
            return false;
        }
    }
    *width = (int)n;
    return true;
}

static bool hidden(json_t *obj, const char *name)
{
    json_t *h = json_object_get(obj, "hide_name");
    return h ? json_is_true(h) || (json_is_integer(h) && json_integer_value(h) != 0) : name[0] == '$';
}

static bool is_marked(json_t *mod, const char *attr)
{
    json_t *a = json_object_get(json_object_get(mod, "attributes"), attr);
    if (json_is_string(a)) /* Yosys writes attribute values as binary strings */
        return strchr(json_string_value(a), '1') != NULL;
    return json_is_integer(a) ? json_integer_value(a) != 0 : json_is_true(a);
}

static json_t *pick_module(json_t *mods, const char **name)
{
    json_t *m, *only = NULL;
    const char *k;
    int plain = 0;
    if ((m = json_object_get(mods, "nibble_top")) != NULL) {
        *name = "nibble_top";
        return m;
    }
    json_object_foreach(mods, k, m) {
        if (is_marked(m, "top")) {
            *name = k;
            return m;
        }
        if (!is_marked(m, "blackbox")) {
            plain++;
            only = m;
            *name = k;
        }
    }
    return plain == 1 ? only : NULL;
}

static bool read_netnames(json_t *obj, const char *path, cost_netlist *nl, bool **hid, nb_err *err)
{
    size_t n = json_object_size(obj);
    nl->names = calloc(n + 1, sizeof *nl->names);
    *hid = calloc(n + 1, sizeof **hid);
    if (!nl->names || !*hid)
        return nb_fail(err, "out of memory reading %s", path);
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        cost_netname *nn = &nl->names[nl->n_names];
        (*hid)[nl->n_names++] = hidden(v, k);
        json_t *off = json_object_get(v, "offset");
        nn->offset = json_is_integer(off) ? (int)json_integer_value(off) : 0;
        if (!(nn->name = dup(k)))
            return nb_fail(err, "out of memory reading %s", path);
        if (!read_bits(json_object_get(v, "bits"), &nn->bits, &nn->width, &nl->max_bit))
            return nb_fail(err, "%s: net '%s' has no valid \"bits\" array (is this Yosys "
                           "write_json output?)", path, k);
    }
    return true;
}

static bool read_cell(const char *k, json_t *v, const char *path, cost_netlist *nl, nb_err *err)
{
    cost_cell *c = &nl->cells[nl->n_cells++];
    json_t *type = json_object_get(v, "type"), *conn = json_object_get(v, "connections");
    if (!json_is_string(type) || !json_is_object(conn))
        return nb_fail(err, "%s: cell '%s' lacks \"type\" or \"connections\" (is this Yosys "
                       "write_json output?)", path, k);
    size_t n = json_object_size(conn);
    c->pins = calloc(n + 1, sizeof *c->pins);
    c->bits = calloc(n + 1, sizeof *c->bits);
    if (!c->pins || !c->bits || !(c->name = dup(k)) || !(c->type = dup(json_string_value(type))))
        return nb_fail(err, "out of memory reading %s", path);
    const char *pin;
    json_t *bits;
    json_object_foreach(conn, pin, bits) {
        int *b = NULL, w = 0;
        bool ok = read_bits(bits, &b, &w, &nl->max_bit);
        int bit = ok && w == 1 ? b[0] : -1;
        free(b);
        if (!ok || w > 1)
            return nb_fail(err, "%s: cell '%s' (%s) pin %s %s; standard-cell pins are single "
                           "bits (is the netlist mapped to the library?)", path, k, c->type, pin,
                           ok ? "connects several bits" : "has no valid bits array");
        if (!(c->pins[c->n_pins] = dup(pin)))
            return nb_fail(err, "out of memory reading %s", path);
        c->bits[c->n_pins++] = bit;
    }
    return true;
}

static bool read_ports(json_t *obj, const char *path, cost_netlist *nl, nb_err *err)
{
    nl->ports = calloc(json_object_size(obj) + 1, sizeof *nl->ports);
    if (!nl->ports)
        return nb_fail(err, "out of memory reading %s", path);
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        cost_port *p = &nl->ports[nl->n_ports++];
        json_t *dir = json_object_get(v, "direction");
        p->input = json_is_string(dir) && strcmp(json_string_value(dir), "input") == 0;
        if (!(p->name = dup(k)))
            return nb_fail(err, "out of memory reading %s", path);
        if (!read_bits(json_object_get(v, "bits"), &p->bits, &p->width, &nl->max_bit))
            return nb_fail(err, "%s: port '%s' has no valid \"bits\" array", path, k);
    }
    return true;
}

static bool read_module(json_t *mod, const char *path, cost_netlist *nl, nb_err *err)
{
    json_t *cells = json_object_get(mod, "cells"), *names = json_object_get(mod, "netnames");
    json_t *ports = json_object_get(mod, "ports");
    if (!json_is_object(cells) || !json_is_object(names))
        return nb_fail(err, "%s: module %s has no \"cells\" or \"netnames\" (is this Yosys "
                       "write_json output?)", path, nl->module);
    bool *net_hid = NULL, *cell_hid = calloc(json_object_size(cells) + 1, sizeof *cell_hid);
    nl->cells = calloc(json_object_size(cells) + 1, sizeof *nl->cells);
    bool ok = cell_hid && nl->cells ? true : nb_fail(err, "out of memory reading %s", path);
    ok = ok && read_netnames(names, path, nl, &net_hid, err);
    const char *k;
    json_t *v;
    json_object_foreach(cells, k, v) {
        if (!ok)
            break;
        cell_hid[nl->n_cells] = hidden(v, k);
        ok = read_cell(k, v, path, nl, err);
    }
    ok = ok && (!json_is_object(ports) || read_ports(ports, path, nl, err)) &&
         cost_netlist_autoname(nl, net_hid, cell_hid, err);
    free(net_hid);
    free(cell_hid);
    return ok;
}

bool cost_netlist_read(const char *path, cost_netlist *nl, nb_err *err)
{
    memset(nl, 0, sizeof *nl);
    size_t len;
    char *text = cost_read_file(path, "netlist JSON", &len, err);
    if (!text)
        return false;
    json_error_t je;
    json_t *root = json_loadb(text, len, 0, &je);
    free(text);
    if (!root)
        return nb_fail(err, "%s:%d:%d: not valid JSON (%s); expected Yosys write_json output",
                       path, je.line, je.column, je.text);
    const char *name = NULL;
    json_t *mods = json_object_get(root, "modules");
    json_t *mod = json_is_object(mods) ? pick_module(mods, &name) : NULL;
    bool ok;
    if (!json_is_object(mods))
        ok = nb_fail(err, "%s: no \"modules\" object; expected Yosys write_json output", path);
    else if (!mod)
        ok = nb_fail(err, "%s: no module nibble_top (nor a single top module) in the netlist", path);
    else if (!(nl->module = dup(name)))
        ok = nb_fail(err, "out of memory reading %s", path);
    else
        ok = read_module(mod, path, nl, err);
    json_decref(root);
    if (!ok)
        cost_netlist_free(nl);
    return ok;
}

void cost_netlist_free(cost_netlist *nl)
{
    for (int i = 0; i < nl->n_names; i++) {
        free(nl->names[i].name);
        free(nl->names[i].bits);
    }
    for (int i = 0; i < nl->n_cells; i++) {
        for (int p = 0; p < nl->cells[i].n_pins; p++)
            free(nl->cells[i].pins[p]);
        free(nl->cells[i].pins);
        free(nl->cells[i].bits);
        free(nl->cells[i].name);
        free(nl->cells[i].type);
    }
    for (int i = 0; i < nl->n_ports; i++) {
        free(nl->ports[i].name);
        free(nl->ports[i].bits);
    }
    free(nl->names);
    free(nl->cells);
    free(nl->ports);
    free(nl->module);
    memset(nl, 0, sizeof *nl);
}
