/* Which standard-cell library and clock a run uses (constraints/). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "nibble/input_file.h"
#include "nibble/liberty.h"
#include "nibble/parse.h"
#include "nibble/gen.h"
#include "nibble/sim.h"
#include "nibble/files.h"
#include "nibble/hash.h"
#include "nibble/process.h"
#include "synth_internal.h"

/* Yosys reads the mappable library (what nibble's own reader found in the
 * files, cells without a function cut out) before any run starts and names
 * its own diagnosis if it still refuses it. */
static bool yosys_check(const synth_library *lib, nb_err *err)
{
    char version[256];
    if (!nb_tool_version("yosys", "-V", version, sizeof version, err))
        return false;
    char dir[4200], logp[4300], script[4400];
    snprintf(dir, sizeof dir, "%s/tmp", nb_cache_dir());
    if (!nb_mkdir_p(dir, err))
        return false;
    snprintf(logp, sizeof logp, "%s/liberty-check-%ld.log", dir, (long)getpid());
    snprintf(script, sizeof script, "read_liberty -lib %s", lib->liberty);
    char *argv[] = {"yosys", "-q", "-p", script, NULL};
    remove(logp);
    int rc = 0;
    if (!nb_run_tool(argv, logp, NULL, &rc, err)) /* the log is kept: the message names it */
        return nb_fail_prefix(err, "reading liberty file %s", lib->source);
    char tail[600] = "";
    if (rc != 0)
        nb_file_tail(logp, tail, sizeof tail);
    remove(logp);
    if (rc != 0) {
        char *e = strstr(tail, "ERROR:");
        e = e ? e : tail;
        e[strcspn(e, "\n")] = '\0';
        return nb_fail(err, "liberty file %s is malformed: %s", lib->source,
                       e[0] ? e : "yosys cannot read it");
    }
    return true;
}

/* ---- the shortest possible clock period -------------------------------------
 * A register-to-register path cannot be shorter than the launching flip-flop's
 * clock-to-Q delay plus the capturing one's setup time. The floor is the
 * smallest of both over every table of every flip-flop (any slew, any load):
 * a lower bound for any design on the library, not an estimate of its fmax. */
static void clock_floor(const nb_liberty *parsed, synth_library *lib)
{
    lib->min_period_ns = SYNTH_MIN_PERIOD_NS;
    lib->floor_cell[0] = '\0';
    double unit_ns = parsed->time_unit_s * 1e9, best = 0;
    for (int i = 0; i < parsed->n_cells; i++) {
        const nb_lib_cell *c = &parsed->cells[i];
        if (c->kind != NB_LIB_FLIP_FLOP || c->left_out || !isfinite(c->clock_to_q))
            continue;
        double setup = isfinite(c->setup) ? c->setup : 0;
        double floor = (c->clock_to_q + setup) * unit_ns;
        if (floor > 0 && (!lib->floor_cell[0] || floor < best)) {
            best = floor;
            lib->floor_clk_q_ns = c->clock_to_q * unit_ns;
            lib->floor_setup_ns = setup * unit_ns;
            snprintf(lib->floor_cell, sizeof lib->floor_cell, "%s", c->name);
        }
    }
    if (lib->floor_cell[0] && best > SYNTH_MIN_PERIOD_NS)
        lib->min_period_ns = best;
    else
        lib->floor_cell[0] = '\0';
}

/* ---- finding the files ------------------------------------------------------
 * A library's files are a comma list. A name from libraries.json that is not
 * an absolute path, and a --liberty name that does not exist as given, are
 * looked for in --liberty-dir, then in each folder of $NIBBLE_LIBERTY_DIR. */

static bool find_in_dirs(const nb_synth_opts *o, const char *name, char *out, size_t len)
{
    const char *env = getenv("NIBBLE_LIBERTY_DIR");
    char dirs[8192];
    snprintf(dirs, sizeof dirs, "%s:%s", o->liberty_dir ? o->liberty_dir : "", env ? env : "");
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(out, len, "%s/%s", d, name);
        if (access(out, F_OK) == 0)
            return true;
    }
    return false;
}

static bool not_found(const nb_synth_opts *o, const char *libname, const char *name, nb_err *err)
{
    const char *env = getenv("NIBBLE_LIBERTY_DIR");
    char opt[4200], envs[4200];
    if (o->liberty_dir)
        snprintf(opt, sizeof opt, "--liberty-dir %s", o->liberty_dir);
    else
        snprintf(opt, sizeof opt, "--liberty-dir (not given)");
    if (env && env[0])
        snprintf(envs, sizeof envs, "NIBBLE_LIBERTY_DIR=%s", env);
    else
        snprintf(envs, sizeof envs, "NIBBLE_LIBERTY_DIR (not set)");
    char what[4400];
    if (libname)
        snprintf(what, sizeof what, "library %s needs the liberty file %s, which is in none of the "
                 "folders nibble looked in", libname, name);
    else
        snprintf(what, sizeof what, "--liberty: there is no file %s in the current folder nor in the "
                 "folders nibble looked in", name);
    return nb_fail(err, "%s: %s, %s. Point nibble at the folder holding it with --liberty-dir DIR "
                   "or NIBBLE_LIBERTY_DIR=DIR (a ':' list; nibble's tests use ../shared/liberty), "
                   "or give the file itself with --liberty FILE", what, opt, envs);
}

/* Split spec into lib->files (resolved paths) and lib->source (them, comma-joined). */
static bool resolve_files(const nb_synth_opts *o, const char *spec, const char *libname,
                          synth_library *lib, nb_err *err)
{
    char copy[4096];
    if (snprintf(copy, sizeof copy, "%s", spec) >= (int)sizeof copy)
        return nb_fail(err, "liberty file list is too long (over %zu bytes): %.80s...",
                       sizeof copy - 1, spec);
    lib->n_files = 0;
    lib->source[0] = '\0';
    for (char *save = NULL, *f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
        if (lib->n_files == SYNTH_MAX_LIBERTY_FILES)
            return nb_fail(err, "liberty: more than %d files in one library (%s)",
                           SYNTH_MAX_LIBERTY_FILES, spec);
        char *path = lib->files[lib->n_files];
        size_t cap = sizeof lib->files[0];
        bool user = libname == NULL;
        if (f[0] == '/' || (user && access(f, F_OK) == 0)) {
            snprintf(path, cap, "%s", f);
            if (access(path, R_OK) != 0)
                return nb_fail(err, "liberty file %s: %s%s", path, strerror(errno),
                               user ? "" : " (install it with 'flows/setup.sh deps')");
        } else if (!find_in_dirs(o, f, path, cap)) {
            if (user && !o->liberty_dir && !getenv("NIBBLE_LIBERTY_DIR"))
                return nb_fail(err, "liberty file %s: %s", f, strerror(ENOENT));
            return not_found(o, libname, f, err);
        }
        size_t used = strlen(lib->source);
        if (snprintf(lib->source + used, sizeof lib->source - used, "%s%s", used ? "," : "", path) >=
            (int)(sizeof lib->source - used))
            return nb_fail(err, "liberty file list is too long: %.80s...", spec);
        FILE *regular = nb_open_input(path, "liberty file", err); /* no FIFO or device */
        if (!regular)
            return false;
        fclose(regular);
        lib->n_files++;
    }
    if (lib->n_files == 0)
        return nb_fail(err, "liberty: '%s' names no file", spec);
    return true;
}

/* The mappable library in the cache (one file, no cells without a function,
 * decompressed), named by a hash of the files it comes from. */
static bool write_mappable(const nb_liberty *parsed, synth_library *lib, nb_err *err)
{
    nb_hash *h = nb_hash_new();
    nb_hash_str(h, "nibble-liberty-1");
    bool ok = true;
    for (int i = 0; ok && i < lib->n_files; i++)
        ok = nb_hash_file(h, lib->files[i], err);
    char key[33];
    nb_hash_hex(h, key);
    if (!ok)
        return false;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/liberty/%s", nb_cache_dir(), key);
    snprintf(lib->liberty, sizeof lib->liberty, "%s/library.lib", dir);
    if (access(lib->liberty, R_OK) == 0)
        return true;
    return nb_mkdir_p(dir, err) && nb_write_file(lib->liberty, parsed->mappable, parsed->mappable_len, err);
}

static void note_add(synth_library *lib, const char *fmt, const char *a, const char *b)
{
    size_t used = strlen(lib->note);
    if (used + 1 < sizeof lib->note)
        snprintf(lib->note + used, sizeof lib->note - used, fmt, a, b);
}

/* "N of M cells left out of mapping and of the gate-level power model; WHY: A B; WHY: C" */
static void left_out_note(const nb_liberty *parsed, synth_library *lib)
{
    lib->note[0] = '\0';
    if (!parsed->n_left_out)
        return;
    snprintf(lib->note, sizeof lib->note, "%d of %d cells left out of mapping and of the "
             "gate-level power model", parsed->n_left_out, parsed->n_cells);
    for (int i = 0; i < parsed->n_cells; i++) {
        const char *why = parsed->cells[i].left_out;
        bool seen = !why;
        for (int j = 0; !seen && j < i; j++)
            seen = parsed->cells[j].left_out && strcmp(parsed->cells[j].left_out, why) == 0;
        if (seen)
            continue;
        note_add(lib, "; %s%s:", why, "");
        int shown = 0, more = 0;
        for (int k = i; k < parsed->n_cells; k++)
            if (parsed->cells[k].left_out && strcmp(parsed->cells[k].left_out, why) == 0) {
                if (shown < 4)
                    note_add(lib, "%s %s", shown++ ? "," : "", parsed->cells[k].name);
                else
                    more++;
            }
        if (more) {
            char n[32];
            snprintf(n, sizeof n, "%d", more);
            note_add(lib, " and %s more%s", n, "");
        }
    }
}

/* Read the files, check them (a flip-flop to map onto, Yosys reads the result),
 * write the mappable library, and take the sequential cells and clock floor. */
static bool prepare(synth_library *lib, nb_err *err)
{
    const char *paths[SYNTH_MAX_LIBERTY_FILES];
    for (int i = 0; i < lib->n_files; i++)
        paths[i] = lib->files[i];
    nb_liberty *parsed = nb_liberty_read_files(paths, lib->n_files, err);
    if (!parsed) /* a file that could not be read already says so; a parse error gets the file list */
        return strncmp(err->msg, "liberty file ", 13) == 0 ||
                       strncmp(err->msg, "cannot open liberty", 19) == 0
                   ? false
                   : nb_fail_prefix(err, "liberty file %s is malformed", lib->source);
    int ffs = 0;
    size_t used = 0;
    lib->sequential[0] = '\0';
    bool ok = true;
    for (int i = 0; i < parsed->n_cells && ok; i++) {
        const nb_lib_cell *c = &parsed->cells[i];
        if (c->left_out || c->kind == NB_LIB_COMBINATIONAL)
            continue;
        ffs += c->kind == NB_LIB_FLIP_FLOP;
        int n = snprintf(lib->sequential + used, sizeof lib->sequential - used, "%s%s|",
                         used ? "" : "|", c->name);
        if (n < 0 || (size_t)n >= sizeof lib->sequential - used)
            ok = nb_fail(err, "liberty file %s has more flip-flop and latch cells than nibble can "
                         "list (%zu bytes of names)", lib->source, sizeof lib->sequential);
        else
            used += (size_t)n;
    }
    if (ok && ffs == 0)
        ok = nb_fail(err, "liberty file %s has no flip-flop nibble can map onto (no cell with an "
                     "'ff' group among its %d cells, or only ones left out): nibble's designs are "
                     "clocked; give a library with D flip-flops", lib->source, parsed->n_cells);
    if (ok) {
        clock_floor(parsed, lib);
        left_out_note(parsed, lib);
        ok = write_mappable(parsed, lib, err);
    }
    nb_liberty_free(parsed);
    return ok && yosys_check(lib, err);
}

bool synth_period_check(const synth_library *lib, double period_ns, const char *source, nb_err *err)
{
    if (period_ns >= lib->min_period_ns)
        return true;
    if (lib->floor_cell[0])
        return nb_fail(err, "%s: clock period %g ns is impossible on %s: no design can be faster "
                       "than its fastest flip-flop %s (clock-to-Q %.4g ns + setup %.4g ns = "
                       "%.4g ns); give a period of at least %.4g ns", source, period_ns,
                       lib->source, lib->floor_cell, lib->floor_clk_q_ns, lib->floor_setup_ns,
                       lib->min_period_ns, lib->min_period_ns);
    return nb_fail(err, "%s: clock period %g ns is impossible: no standard-cell flip-flop "
                   "switches and sets up in under %g ns (%s gives no flip-flop timing to "
                   "derive a floor from)", source, period_ns, lib->min_period_ns, lib->source);
}

bool synth_library_resolve(const nb_synth_opts *o, synth_library *lib, nb_err *err)
{
    memset(lib, 0, sizeof *lib);
    char path[4096];
    snprintf(path, sizeof path, "%s/constraints/libraries.json", nb_data_dir());
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc)
        return nb_fail(err, "cannot read the library list %s: %s", path, jerr.text);
    const char *name = o->library ? o->library : json_string_value(json_object_get(doc, "default"));
    json_t *entry = name ? json_object_get(json_object_get(doc, "libraries"), name) : NULL;
    if (!entry) {
        char known[1024] = "";
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(doc, "libraries"), k, v) {
            size_t used = strlen(known);
            snprintf(known + used, sizeof known - used, "%s%s", used ? ", " : "", k);
            (void)v;
        }
        nb_fail(err, "no library named '%s' in %s (it knows %s); give one of those, or "
                "--liberty FILE for your own", name ? name : "(default)", path,
                known[0] ? known : "none");
        json_decref(doc);
        return false;
    }
    const char *liberty = NULL;
    double clock = 10, slew = 0.1;
    if (json_unpack_ex(entry, &jerr, 0, "{s:s, s?F, s?F}", "liberty", &liberty, "clock_ns", &clock,
                       "input_slew_ns", &slew) != 0) {
        json_decref(doc);
        return nb_fail(err, "%s: library %s is malformed: %s", path, name, jerr.text);
    }
    snprintf(lib->name, sizeof lib->name, "%s", o->liberty ? "user" : name);
    const char *spec = o->liberty ? o->liberty : liberty;
    lib->clock_ns = o->clock_ns > 0 ? o->clock_ns : clock;
    lib->input_slew_ns = slew;
    char *canon = json_dumps(entry, JSON_COMPACT | JSON_SORT_KEYS);
    nb_hash *h = nb_hash_new();
    nb_hash_str(h, name);
    nb_hash_str(h, canon ? canon : "");
    nb_hash_hex(h, lib->entry_hash);
    free(canon);
    char entry_name[64];
    snprintf(entry_name, sizeof entry_name, "%s", name);
    bool ok = o->clock_ns >= 0 && isfinite(o->clock_ns);
    if (!ok)
        nb_fail(err, "clock period %g ns is impossible: give a positive period", o->clock_ns);
    ok = ok && resolve_files(o, spec, o->liberty ? NULL : entry_name, lib, err);
    json_decref(doc);
    if (!ok || !prepare(lib, err))
        return false;
    if (lib->note[0] && o->log)
        fprintf(o->log, "[synth] %s: %s\n", lib->source, lib->note);
    char source[4400];
    if (o->sdc) {
        if (!synth_sdc_period(o->sdc, &lib->clock_ns, err))
            return false;
        snprintf(source, sizeof source, "SDC file %s", o->sdc);
    } else if (o->clock_ns > 0) {
        snprintf(source, sizeof source, "--clock %g", o->clock_ns);
    } else {
        snprintf(source, sizeof source, "%s: the default clock of library %s", path, entry_name);
    }
    return synth_period_check(lib, lib->clock_ns, source, err);
}

bool synth_sdc_period(const char *sdc, double *period_ns, nb_err *err)
{
    /* whole lines of any length; a FIFO or device is refused, not waited on */
    size_t len;
    char *text = nb_read_input(sdc, "SDC file", 0, &len, err);
    if (!text)
        return false;
    bool found = false, ok = true;
    int lineno = 0;
    for (char *line = text, *next; ok && !found && line < text + len; line = next) {
        char *nl = memchr(line, '\n', (size_t)(text + len - line));
        next = nl ? nl + 1 : text + len;
        if (nl)
            *nl = '\0';
        lineno++;
        char *c = strstr(line, "create_clock");
        char *p = c ? strstr(c, "-period") : NULL;
        if (!p)
            continue;
        p += 7;
        p += strspn(p, " \t");
        size_t n = strcspn(p, " \t\r");
        char save = p[n];
        p[n] = '\0';
        double v;
        if (nb_parse_decimal(p, &v) != NB_NUM_OK)
            ok = nb_fail(err, "%s:%d: create_clock -period is not followed by a decimal number "
                         "('%.40s')", sdc, lineno, p);
        else if (!(v > 0) || v > 1e6)
            ok = nb_fail(err, "%s:%d: clock period %g ns is impossible; use a positive period",
                         sdc, lineno, v);
        else
            *period_ns = v, found = true;
        p[n] = save;
    }
    free(text);
    return ok && (found || nb_fail(err, "%s defines no clock: add 'create_clock -period NS "
                                   "[get_ports clk_i]'", sdc));
}
