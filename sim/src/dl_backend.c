/* Backends living in a harness shared object (Verilator or SystemC). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nibble/sim.h"

typedef struct dl_backend {
    nb_backend base;
    void *handle;
    nb_harness_step_fn step;
    nb_harness_destroy_fn destroy;
    nb_harness_finish_fn finish;
} dl_backend;

static void dl_step(nb_backend *b, const nb_port_in *in, nb_port_out *out)
{
    dl_backend *d = (dl_backend *)b;
    d->step(d->handle, in, out);
}

static void dl_destroy(nb_backend *b)
{
    dl_backend *d = (dl_backend *)b;
    d->destroy(d->handle);
    /* the library stays loaded: SystemC cannot be unloaded safely */
    free(d);
}

static bool dl_finish(nb_backend *b, nb_err *err)
{
    dl_backend *d = (dl_backend *)b;
    const char *why = d->finish(d->handle);
    return !why || nb_fail(err, "%s model: %s", b->name, why);
}

static const nb_backend_ops DL_OPS = {dl_step, dl_destroy, dl_finish};

/* The model's compiled sizes (its nibble_ports.h) against the manifest's:
 * the driver sizes every port array from the manifest, so any difference
 * would have the model read or write past them. */
static bool shape_agrees(const nb_design *d, const nb_port_shape *s, const char *so,
                         const char *design_dir, nb_err *err)
{
    const struct {
        const char *name;
        int compiled, manifest;
    } f[] = {
        {"rows", s->rows, d->rows},
        {"cols", s->cols, d->cols},
        {"w_code_bits", s->w_code_bits, d->w_code_bits},
        {"a_code_bits", s->a_code_bits, d->a_code_bits},
        {"acc_bits", s->acc_bits, d->acc_bits},
        {"w_sel_bits", s->w_sel_bits, d->w_sel_bits},
        {"a_sel_bits", s->a_sel_bits, d->a_sel_bits},
        {"row_addr_bits", s->row_addr_bits, d->row_addr_bits},
        {"tag_bits", s->tag_bits, d->overq_encoder ? 0 : d->tag_bits},
        {"act_value_bits", s->act_value_bits, d->overq_encoder ? d->act_value_bits : 0},
        {"latency", s->latency, d->latency},
        {"block_scaled", s->block_scaled, d->block_scaled ? 1 : 0},
        {"w_scale_bits", s->w_scale_bits, d->w_scale_bits},
        {"a_scale_bits", s->a_scale_bits, d->a_scale_bits},
        {"scale_fixed", s->scale_fixed, d->scale_fixed ? 1 : 0},
        {"facc_bits", s->facc_bits, d->block_scaled ? d->facc_bits : 32},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].compiled != f[i].manifest)
            return nb_fail(err, "the model %s was compiled for %s %d (nibble_ports.h), the manifest "
                           "in %s says %d: the design's files disagree; regenerate the design with "
                           "'nibble gen'", so, f[i].name, f[i].compiled, design_dir, f[i].manifest);
    return true;
}

static const char *KIND_NAMES[] = {"c", "verilator", "systemc", "systemc-c"};

bool nb_backend_kind_parse(const char *s, nb_backend_kind *out, nb_err *err)
{
    for (int i = 0; i < 4; i++)
        if (strcasecmp(s, KIND_NAMES[i]) == 0) {
            *out = (nb_backend_kind)i;
            return true;
        }
    if (strcasecmp(s, "sc") == 0) {
        *out = NB_BACKEND_SC_RTL;
        return true;
    }
    return nb_fail(err, "unknown backend '%s': use c, verilator, systemc (the RTL in SystemC) or "
                   "systemc-c (the C model as an sc_module)", s);
}

const char *nb_backend_kind_name(nb_backend_kind k)
{
    return KIND_NAMES[k];
}

nb_backend *nb_backend_open(const nb_design *d, const char *design_dir, nb_backend_kind kind,
                            const char *trace_path, FILE *log, nb_err *err)
{
    if (kind == NB_BACKEND_C)
        return nb_cmodel_new(d, err);
    char so[4096];
    if (!nb_model_build(design_dir, kind, trace_path != NULL, so, sizeof so, log, err))
        return NULL;
    int hk = kind == NB_BACKEND_VERILATOR ? NB_HARNESS_RTL
           : kind == NB_BACKEND_SC_RTL    ? NB_HARNESS_SC_RTL
                                          : NB_HARNESS_SC_CMODEL;
    return nb_backend_load(d, so, design_dir, hk, trace_path, KIND_NAMES[kind], err);
}

nb_backend *nb_backend_load(const nb_design *d, const char *so, const char *design_dir,
                            int hk, const char *arg, const char *name, nb_err *err)
{
    if (hk != NB_HARNESS_RTL)
        setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    void *lib = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return nb_fail(err, "cannot load the model %s: %s", so, dlerror()), NULL;
    nb_harness_abi_version_fn version = (nb_harness_abi_version_fn)dlsym(lib, "nb_harness_abi_version");
    nb_harness_create_fn create = (nb_harness_create_fn)dlsym(lib, "nb_harness_create");
    nb_harness_error_fn why = (nb_harness_error_fn)dlsym(lib, "nb_harness_error");
    dl_backend *b = calloc(1, sizeof *b);
    if (!b)
        return nb_fail(err, "out of memory"), NULL;
    b->step = (nb_harness_step_fn)dlsym(lib, "nb_harness_step");
    b->destroy = (nb_harness_destroy_fn)dlsym(lib, "nb_harness_destroy");
    b->finish = (nb_harness_finish_fn)dlsym(lib, "nb_harness_finish");
    nb_harness_shape_fn shape = (nb_harness_shape_fn)dlsym(lib, "nb_harness_shape");
    if (!version || !create || !why || !b->step || !b->destroy || !b->finish || !shape ||
        version() != NB_HARNESS_ABI_VERSION) {
        free(b);
        return nb_fail(err, "%s is not a nibble harness of ABI version %d; delete it and rebuild",
                       so, NB_HARNESS_ABI_VERSION), NULL;
    }
    nb_port_shape compiled;
    shape(&compiled);
    if (!shape_agrees(d, &compiled, so, design_dir, err)) {
        free(b);
        return NULL;
    }
    char manifest[4200];
    snprintf(manifest, sizeof manifest, "%s/manifest.json", design_dir);
    b->handle = create(hk, manifest, arg);
    if (!b->handle) {
        free(b);
        return nb_fail(err, "cannot start the %s model: %s", name, why()), NULL;
    }
    b->base.ops = &DL_OPS;
    b->base.design = d;
    snprintf(b->base.name, sizeof b->base.name, "%s", name);
    return &b->base;
}
