/* Accelergy's reference tables (format version 0.3, what Accelergy writes
 * and Timeloop reads): ERT.yaml lists per component its actions with the
 * energy of one action in pJ; ART.yaml per component its area in um^2. Each
 * design gives two components: its whole array (actions per clock cycle of
 * the array) and its PEs (actions per PE). Accelergy reads only `name`,
 * `actions` (`name`, `arguments`, `energy`) and `area` of an entry, so the
 * provenance rides along as one more key of each entry, `nibble_provenance`. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/files.h"
#include "nibble/output.h"
#include "export_internal.h"
#include "nibble/export.h"

#define ACCELERGY_VERSION "0.3"

/* Component names: nibble.<weights>_x_<acts>_<R>x<C>, made unique. */
static void component_prefix(const nb_export_design *all, size_t i, char *out, size_t len)
{
    char w[256], a[256];
    const nb_design *d = all[i].design;
    export_ident(w, sizeof w, d->weights_spec);
    export_ident(a, sizeof a, d->acts_spec);
    snprintf(out, len, "nibble.%s_x_%s_%dx%d", w, a, d->rows, d->cols);
    /* the same formats and size twice (other accumulator, pipeline, ...): number them */
    int same = 0;
    for (size_t j = 0; j < i; j++) {
        const nb_design *e = all[j].design;
        same += strcmp(e->weights_spec, d->weights_spec) == 0 &&
                strcmp(e->acts_spec, d->acts_spec) == 0 && e->rows == d->rows && e->cols == d->cols;
    }
    if (same) {
        size_t n = strlen(out);
        snprintf(out + n, len - n, "_%d", same + 1);
    }
}

static void provenance_block(FILE *f, const nb_export_design *e, const char *tool)
{
    json_t *p = nb_export_provenance(e->result);
    fputs("    nibble_provenance:\n", f);
    const char *key;
    json_t *v;
    json_object_foreach(p, key, v) {
        fputs("      ", f);
        yaml_string(f, key);
        fputs(": ", f);
        yaml_json_scalar(f, v);
        fputc('\n', f);
    }
    json_decref(p);
    fputs("      exported_by: ", f);
    yaml_string(f, tool);
    fprintf(f, "\n      action_workload_seed: %llu\n      idle_cycles_measured: %llu\n"
            "      weight_load_cycles_measured: %llu\n", e->actions->seed, e->actions->idle_cycles,
            e->actions->load_cycles);
}

static void action(FILE *f, const char *name, double pj)
{
    fputs("    - name: ", f);
    yaml_string(f, name);
    fputs("\n      arguments: null\n      energy: ", f);
    yaml_number(f, pj);
    fputc('\n', f);
}

static void mac_actions(FILE *f, const nb_export_design *e)
{
    const nb_synth_actions *a = e->actions;
    /* the name Accelergy's MAC primitives use, for the design's first pair:
     * the energy per MAC of synth.csv */
    action(f, "mac_random", a->mac_pj[0][0]);
    for (int i = 0; i < a->nw; i++)
        for (int k = 0; k < a->na; k++) {
            char w[128], x[128], name[300];
            export_ident(w, sizeof w, e->design->w[i].name);
            export_ident(x, sizeof x, e->design->a[k].name);
            snprintf(name, sizeof name, "mac_%s_%s", w, x);
            action(f, name, a->mac_pj[i][k]);
        }
}

static void ert_entries(FILE *f, const nb_export_design *all, size_t i, const char *tool)
{
    const nb_export_design *e = &all[i];
    const nb_synth_actions *a = e->actions;
    char prefix[700];
    component_prefix(all, i, prefix, sizeof prefix);
    double pes = (double)e->design->rows * e->design->cols, C = e->design->cols;
    fprintf(f, "  # %s: %s on %s at %g ns\n", prefix, e->result->name, e->result->library,
            e->result->clock_ns);
    fprintf(f, "  - name: %s.array\n    actions:\n", prefix);
    mac_actions(f, e);
    action(f, "idle", a->idle_cycle_pj);
    action(f, "weight_load", a->load_cycle_pj);
    provenance_block(f, e, tool);
    fprintf(f, "  - name: %s.array.PE[0..%d]\n    actions:\n", prefix,
            e->design->rows * e->design->cols - 1);
    mac_actions(f, e);
    /* a PE's share: R*C idle PEs make an idle array cycle; a load cycle is C
     * PEs taking a weight and the other (R-1)*C idle */
    action(f, "idle", a->idle_cycle_pj / pes);
    action(f, "weight_load", (a->load_cycle_pj - a->idle_cycle_pj) / C + a->idle_cycle_pj / pes);
    provenance_block(f, e, tool);
}

static void art_entries(FILE *f, const nb_export_design *all, size_t i, const char *tool)
{
    const nb_export_design *e = &all[i];
    char prefix[700];
    component_prefix(all, i, prefix, sizeof prefix);
    fprintf(f, "  - name: %s.array\n    area: ", prefix);
    yaml_number(f, e->result->area_array);
    fputc('\n', f);
    provenance_block(f, e, tool);
    fprintf(f, "  - name: %s.array.PE[0..%d]\n    area: ", prefix,
            e->design->rows * e->design->cols - 1);
    yaml_number(f, e->result->area_pe);
    fputc('\n', f);
    provenance_block(f, e, tool);
}

static const char ERT_HEAD[] =
    "# Accelergy energy reference table, written by %s (nibble export --accelergy).\n"
    "# Energy of one action in pJ, from gate-level simulation of each design's synthesized\n"
    "# netlist with toggle coverage, weighted with its liberty's internal, switching and\n"
    "# leakage energy (nibble synth's power method; flows/README.md, \"Energy per action\").\n"
    "# <design>.array: actions of the whole array per clock cycle, except the MACs:\n"
    "#   mac_random, mac_<w>_<a>: per useful MAC over nibble synth's power workload in\n"
    "#     formats w x a (all the run takes: weight loads, fill, drain, over M*N*K MACs);\n"
    "#     mac_random is the design's first pair, energy_per_mac_pj of synth.csv;\n"
    "#   idle: one cycle with weights held and no valid input;\n"
    "#   weight_load: one cycle loading one row of weights (cols weights), no valid input.\n"
    "# <design>.array.PE[...]: per PE: mac as above; idle = array idle / (rows*cols);\n"
    "#   weight_load = (array weight_load - array idle) / cols + PE idle.\n";

static const char ART_HEAD[] =
    "# Accelergy area reference table, written by %s (nibble export --accelergy).\n"
    "# Area in um^2 of the standard cells after synthesis (no placement, no wires):\n"
    "# <design>.array is the whole array (nibble_top), <design>.array.PE[...] one PE\n"
    "# synthesized on its own (area_array_um2 and area_pe_um2 of synth.csv).\n";

bool nb_export_accelergy_text(const nb_export_design *d, size_t n, const char *tool, char **ert,
                              char **art, nb_err *err)
{
    *ert = *art = NULL;
    size_t elen, alen;
    FILE *fe = open_memstream(ert, &elen), *fa = fe ? open_memstream(art, &alen) : NULL;
    if (!fa) {
        if (fe)
            fclose(fe);
        free(*ert);
        *ert = NULL;
        return nb_fail(err, "out of memory");
    }
    fprintf(fe, ERT_HEAD, tool);
    fprintf(fe, "ERT:\n  version: %s\n  tables:\n", ACCELERGY_VERSION);
    fprintf(fa, ART_HEAD, tool);
    fprintf(fa, "ART:\n  version: %s\n  tables:\n", ACCELERGY_VERSION);
    for (size_t i = 0; i < n; i++) {
        ert_entries(fe, d, i, tool);
        art_entries(fa, d, i, tool);
    }
    bool ok = nb_memstream_close(fe, ert, "the energy reference table", err);
    ok = nb_memstream_close(fa, art, "the area reference table", err) && ok;
    if (!ok) {
        free(*ert);
        free(*art);
        *ert = *art = NULL;
    }
    return ok;
}

bool nb_export_accelergy(const char *dir, const nb_export_design *d, size_t n, const char *tool,
                         nb_err *err)
{
    char *ert, *art;
    if (!nb_export_accelergy_text(d, n, tool, &ert, &art, err))
        return false;
    nb_output_dir o;
    bool ok = nb_output_dir_begin(&o, dir, NB_OUTPUT_EXPORT, err);
    if (ok) {
        char path[4300];
        snprintf(path, sizeof path, "%s/ERT.yaml", o.tmp);
        ok = nb_write_file(path, ert, strlen(ert), err);
        snprintf(path, sizeof path, "%s/ART.yaml", o.tmp);
        ok = ok && nb_write_file(path, art, strlen(art), err);
        if (ok)
            ok = nb_output_dir_commit(&o, err);
        else
            nb_output_dir_abort(&o);
    }
    free(ert);
    free(art);
    return ok;
}
