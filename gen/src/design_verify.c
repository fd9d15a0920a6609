/* Check the files of a generated design against the content hashes its
 * manifest recorded, so that nothing simulates or synthesizes Verilog the
 * manifest does not describe. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest_hash.h"
#include "nibble/files.h"
#include "nibble/gen.h"

static bool is_verilog(const char *name)
{
    size_t n = strlen(name);
    return n > 2 && strcmp(name + n - 2, ".v") == 0;
}

/* A recorded name must stay inside the design directory. */
static bool safe_name(const char *name)
{
    return name[0] && name[0] != '/' && !strstr(name, "..");
}

/* The design directory of a manifest path ("." when it has no slash). */
static void manifest_dir(const char *manifest, char *dir, size_t len)
{
    const char *slash = strrchr(manifest, '/');
    if (slash)
        snprintf(dir, len, "%.*s", (int)(slash == manifest ? 1 : slash - manifest), manifest);
    else
        snprintf(dir, len, ".");
}

static bool check_one(const char *dir, const char *name, const char *want, bool allow_edited_rtl,
                      FILE *warn, nb_err *err)
{
    char path[4608];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    nb_err rerr;
    size_t len = 0;
    char *text = nb_read_file(path, &len, &rerr);
    if (!text)
        return nb_fail(err, "design file %s is missing or unreadable (%s); regenerate the design "
                       "with 'nibble gen'", path, rerr.msg);
    char got[33];
    manifest_hash_bytes(text, len, got);
    free(text);
    if (strcmp(got, want) == 0)
        return true;
    if (allow_edited_rtl && is_verilog(name)) {
        if (warn)
            fprintf(warn, "warning: %s differs from the file 'nibble gen' wrote (content hash %s, "
                    "the manifest records %s); running it anyway (--allow-edited-rtl)\n", path, got,
                    want);
        return true;
    }
    return nb_fail(err, "design file %s differs from the file 'nibble gen' wrote (content hash %s, "
                   "the manifest records %s); regenerate the design with 'nibble gen'%s", path, got,
                   want, is_verilog(name) ? ", or pass --allow-edited-rtl to run hand-edited "
                   "Verilog on purpose" : "");
}

bool nb_design_verify_files(const char *manifest, bool allow_edited_rtl, FILE *warn, nb_err *err)
{
    json_error_t jerr;
    json_t *doc = json_load_file(manifest, 0, &jerr);
    if (!doc)
        return nb_fail(err, "cannot read manifest %s: %s (line %d)", manifest, jerr.text,
                       jerr.line);
    char dir[4096];
    manifest_dir(manifest, dir, sizeof dir);
    json_t *files = json_object_get(json_object_get(doc, NB_MANIFEST_HASHES), "files");
    bool ok = true;
    if (!json_is_object(files))
        ok = nb_fail(err, "manifest %s records no file hashes; regenerate the design with "
                     "'nibble gen'", manifest);
    /* what the tools read must be covered: the file list, the harness
     * header, every Verilog file of the list */
    static const char *const always[] = {"files.f", "nibble_ports.h"};
    for (size_t i = 0; ok && i < sizeof always / sizeof always[0]; i++)
        if (!json_is_string(json_object_get(files, always[i])))
            ok = nb_fail(err, "manifest %s records no hash of %s; regenerate the design with "
                         "'nibble gen'", manifest, always[i]);
    json_t *listed = json_object_get(doc, "files");
    for (size_t i = 0; ok && i < json_array_size(listed); i++) {
        const char *name = json_string_value(json_array_get(listed, i));
        if (!name || !json_is_string(json_object_get(files, name)))
            ok = nb_fail(err, "manifest %s records no hash of its Verilog file %s; regenerate the "
                         "design with 'nibble gen'", manifest, name ? name : "(not a string)");
    }
    const char *name;
    json_t *value;
    json_object_foreach(files, name, value) {
        if (!ok)
            break;
        const char *want = json_string_value(value);
        if (!want || strlen(want) != 32 || !safe_name(name))
            ok = nb_fail(err, "manifest %s: malformed hash entry for '%s'; regenerate the design "
                         "with 'nibble gen'", manifest, name);
        else
            ok = check_one(dir, name, want, allow_edited_rtl, warn, err);
    }
    json_decref(doc);
    return ok;
}
