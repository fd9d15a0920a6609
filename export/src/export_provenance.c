/* The provenance of a synthesis result, generically: whatever the result's
 * JSON form holds besides the measurements, so that fields added to it later
 * (library checksum, tool versions, ...) reach every export unchanged. */
#include <stdio.h>
#include <string.h>

#include "nibble/export.h"

/* The measurement groups of nb_synth_result_to_json: the numbers themselves,
 * not where they come from. */
static bool is_measurement(const char *key)
{
    static const char *const groups[] = {"area_um2", "cells", "timing", "power"};
    for (size_t i = 0; i < sizeof groups / sizeof *groups; i++)
        if (strcmp(key, groups[i]) == 0)
            return true;
    return false;
}

static void flatten(json_t *out, const char *prefix, json_t *obj)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        char name[512];
        snprintf(name, sizeof name, "%s%s%s", prefix, prefix[0] ? "." : "", key);
        if (json_is_object(v))
            flatten(out, name, v);
        else if (!json_is_array(v))
            json_object_set(out, name, v);
    }
}

json_t *nb_export_provenance(const nb_synth_result *r)
{
    json_t *all = nb_synth_result_to_json(r);
    json_t *out = all ? nb_export_provenance_json(all) : NULL;
    json_decref(all);
    return out;
}

json_t *nb_export_provenance_json(json_t *all)
{
    json_t *out = json_object();
    if (!out)
        return NULL;
    const char *key;
    json_t *v;
    json_object_foreach(all, key, v) {
        if (is_measurement(key))
            continue;
        if (json_is_object(v))
            flatten(out, key, v);
        else if (!json_is_array(v))
            json_object_set(out, key, v);
    }
    /* the activity the energies come from (the power group's bookkeeping) */
    json_t *power = json_object_get(all, "power");
    static const char *const activity[] = {"cycles", "macs", "input_activity", "gate_level_match"};
    for (size_t i = 0; power && i < sizeof activity / sizeof *activity; i++) {
        json_t *a = json_object_get(power, activity[i]);
        char name[64];
        snprintf(name, sizeof name, "power_%s", activity[i]);
        if (a)
            json_object_set(out, name, a);
    }
    return out;
}
