/* JSON numbers for the subcommands' --json output. JSON has no inf or NaN:
 * jansson's json_real() returns NULL for them, and json_pack() then fails and
 * the row it was building silently disappears. Here a non-finite value becomes
 * null beside a note that says why, and every failure is reported. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nibble/output.h"

bool cli_json_set_real(json_t *obj, const char *key, double v, const char *note_key,
                       const char *note)
{
    if (!obj)
        return false;
    if (isfinite(v))
        return json_object_set_new(obj, key, json_real(v)) == 0;
    return json_object_set_new(obj, key, json_null()) == 0 &&
           (!note_key || json_object_set_new(obj, note_key, json_string(note)) == 0);
}

const char *cli_sqnr_note(double sqnr_db)
{
    if (isnan(sqnr_db))
        return "undefined: no signal and no error";
    return sqnr_db > 0 ? "exact: zero error" : "no signal: the reference is all zeros";
}

bool cli_json_print(json_t *doc, size_t flags, nb_err *err)
{
    if (!doc)
        return nb_fail(err, "cannot build the JSON output: out of memory, or a name (a file "
                       "path, say) that is not valid UTF-8, which JSON cannot hold");
    return json_dumpf(doc, stdout, flags) == 0 && putchar('\n') != EOF
               ? true
               : nb_fail(err, "cannot write the JSON output to standard output");
}

bool cli_json_write_file(const char *path, json_t *doc, nb_err *err)
{
    if (!doc)
        return nb_fail(err, "cannot build %s: out of memory, or a name (a file path, say) that "
                       "is not valid UTF-8, which JSON cannot hold", path);
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    json_decref(doc);
    if (!text)
        return nb_fail(err, "cannot build %s: out of memory", path);
    size_t n = strlen(text);
    text[n] = '\n'; /* written by length: the NUL is not needed */
    bool ok = nb_output_file_write(path, text, n + 1, err);
    free(text);
    return ok;
}
