/* Load a design back from manifest.json and check it against the library. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "manifest_hash.h"
#include "nibble/design.h"

static bool check_set(const nb_format *set, int n, json_t *jset, const char *what,
                      const char *path, nb_err *err)
{
    if (!json_is_array(jset) || (int)json_array_size(jset) != n)
        return nb_fail(err, "%s: %s lists %zu formats, the configuration %d", path, what,
                       json_is_array(jset) ? json_array_size(jset) : 0, n);
    for (int i = 0; i < n; i++) {
        json_t *codes = json_object_get(json_array_get(jset, (size_t)i), "codes");
        if (!json_is_array(codes) || (int)json_array_size(codes) != set[i].num_codes)
            return nb_fail(err, "%s: %s format %d has a malformed code table", path, what, i);
        for (int c = 0; c < set[i].num_codes; c++) {
            json_t *m = json_object_get(json_array_get(codes, (size_t)c), "mantissa");
            if (!json_is_integer(m) || json_integer_value(m) != set[i].mant[c])
                return nb_fail(err, "%s: %s format %s code %d differs from this nibble's golden "
                               "library; regenerate the design", path, what, set[i].name, c);
        }
    }
    return true;
}

/* The manifest's own content hash: an edited configuration (cols, acc_bits,
 * pipeline, latency, a format table ...) no longer describes the Verilog
 * beside it, which simulators and synthesis would then drive with the wrong
 * sizes. */
static bool check_manifest_hash(json_t *doc, const char *path, nb_err *err)
{
    json_t *h = json_object_get(doc, NB_MANIFEST_HASHES);
    const char *recorded = json_string_value(json_object_get(h, "manifest"));
    const char *algorithm = json_string_value(json_object_get(h, "algorithm"));
    if (!recorded || !algorithm || strcmp(algorithm, NB_MANIFEST_HASH_ALGORITHM) != 0)
        return nb_fail(err, "manifest %s records no %s content hashes (written by an older nibble, "
                       "or its \"%s\" section was removed); regenerate the design with 'nibble gen'",
                       path, NB_MANIFEST_HASH_ALGORITHM, NB_MANIFEST_HASHES);
    char now[33];
    if (!manifest_config_hash(doc, now, err))
        return false;
    if (strcmp(now, recorded) != 0)
        return nb_fail(err, "manifest %s was edited after 'nibble gen' wrote it (its content hash is "
                       "%s, it records %s), so it no longer describes the Verilog beside it; "
                       "regenerate the design with 'nibble gen' and the parameters you want instead "
                       "of editing the manifest", path, now, recorded);
    return true;
}

nb_design *nb_design_load(const char *path, nb_err *err)
{
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc)
        return nb_fail(err, "cannot read manifest %s: %s (line %d)", path, jerr.text, jerr.line),
               NULL;
    if (!check_manifest_hash(doc, path, err)) {
        json_decref(doc);
        return NULL;
    }
    nb_design_params p = nb_design_params_default();
    const char *weights = NULL, *acts = NULL, *mode = NULL, *command = "";
    int latency = 0;
    json_t *cfg = json_object_get(doc, "config");
    if (json_unpack_ex(cfg, &jerr, 0, "{s:s, s:s, s:i, s:i, s:i, s:s, s:i, s:i}", "weights",
                       &weights, "acts", &acts, "rows", &p.rows, "cols", &p.cols, "acc_bits",
                       &p.acc_bits, "acc_mode", &mode, "pipeline", &p.pipeline, "lut_frac_bits",
                       &p.lut_frac_bits) != 0 ||
        json_unpack_ex(doc, &jerr, 0, "{s:i, s?s}", "latency", &latency, "command", &command) != 0) {
        nb_fail(err, "manifest %s is malformed: %s", path, jerr.text);
        json_decref(doc);
        return NULL;
    }
    p.weights = weights;
    p.acts = acts;
    p.command = command;
    json_t *oq = json_object_get(doc, "overq");
    const char *oq_mode = "range";
    int oq_encoder = 0;
    if (oq && json_unpack_ex(oq, &jerr, 0, "{s:i, s:s, s:b}", "cascade", &p.cascade, "mode",
                             &oq_mode, "encoder", &oq_encoder) != 0) {
        nb_fail(err, "manifest %s: malformed overq section: %s", path, jerr.text);
        json_decref(doc);
        return NULL;
    }
    p.overq_encoder = oq_encoder;
    json_t *blk = json_object_get(doc, "block");
    /* "fixed" only with the fixed-point accumulator (--scale-acc) */
    if (blk && (json_unpack_ex(blk, &jerr, 0, "{s:i}", "scale_latency", &p.scale_stages) != 0 ||
                json_unpack_ex(blk, &jerr, 0, "{s?{s:s}}", "fixed", "scale_acc", &p.scale_acc) != 0)) {
        nb_fail(err, "manifest %s: malformed block section: %s", path, jerr.text);
        json_decref(doc);
        return NULL;
    }
    nb_design *d = NULL;
    if (nb_acc_mode_parse(mode, &p.acc_mode, err) && nb_overq_mode_parse(oq_mode, &p.overq_mode, err))
        d = nb_design_create(&p, err);
    if (!d)
        nb_fail_prefix(err, "manifest %s", path);
    bool ok = d && check_set(d->w, d->nw, json_object_get(doc, "weight_formats"), "weight_formats",
                             path, err) &&
              check_set(d->a, d->na, json_object_get(doc, "act_formats"), "act_formats", path,
                        err);
    if (ok && d->latency != latency)
        ok = nb_fail(err, "%s: latency %d differs from this nibble's %d; regenerate the design",
                     path, latency, d->latency);
    json_decref(doc);
    if (!ok) {
        nb_design_free(d);
        return NULL;
    }
    return d;
}
