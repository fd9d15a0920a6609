/* Export of nibble's measurements to other tools' formats:
 *   Accelergy (and through it Timeloop): an energy reference table (ERT.yaml)
 *   and an area reference table (ART.yaml) per design, from gate-level
 *   synthesis results and per-action energies (flows/synth);
 *   SCALE-Sim v2: an architecture configuration (.cfg) for a design's array
 *   and a GEMM topology (.csv).
 * Every entry carries the provenance its synthesis result holds. */
#ifndef NIBBLE_EXPORT_H
#define NIBBLE_EXPORT_H

#include <jansson.h>
#include <stddef.h>

#include "nibble/design.h"
#include "nibble/error.h"
#include "nibble/synth.h"

/* One design with its measurements. */
typedef struct nb_export_design {
    const nb_design *design;
    const nb_synth_result *result;    /* area, clock, library, energy per MAC */
    const nb_synth_actions *actions;  /* energies per action */
} nb_export_design;

/* The provenance of a synthesis result as a flat JSON object: every field of
 * its JSON form except the measurements themselves (area, cells, timing,
 * power), nested objects flattened as "outer.inner", plus the activity it
 * was measured with (power cycles and MACs). Fields a later nibble adds to
 * the result flow through unchanged. */
json_t *nb_export_provenance(const nb_synth_result *r);
/* The same from a result's JSON form (a synth.json row). */
json_t *nb_export_provenance_json(json_t *result);

/* The Accelergy files (ERT.yaml, ART.yaml) as text; `tool` names the
 * exporting nibble ("nibble 0.1.0"). The caller frees both. */
bool nb_export_accelergy_text(const nb_export_design *d, size_t n, const char *tool, char **ert,
                              char **art, nb_err *err);

/* Write DIR (an owned output of kind "export", replaced atomically) with
 * ERT.yaml and ART.yaml. The caller checked DIR before any work
 * (nb_output_dir_check). */
bool nb_export_accelergy(const char *dir, const nb_export_design *d, size_t n, const char *tool,
                         nb_err *err);

/* SCALE-Sim v2 configuration of a design's array (weight stationary). */
typedef struct nb_scalesim_opts {
    const char *run_name;             /* [general] run_name */
    int ifmap_kb, filter_kb, ofmap_kb; /* SRAM sizes (SCALE-Sim's defaults: 256, 256, 128) */
} nb_scalesim_opts;

char *nb_export_scalesim_cfg(const nb_design *d, const nb_scalesim_opts *o, const char *tool);
/* A GEMM topology: one layer M x K x N in SCALE-Sim's "Layer, M, N, K," form. */
char *nb_export_scalesim_topology(const char *layer, size_t M, size_t K, size_t N);

#endif
