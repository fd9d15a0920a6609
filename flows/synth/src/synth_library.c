/* Which standard-cell library and clock a run uses (constraints/). */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "nibble/input_file.h"
#include "nibble/parse.h"
#include "liberty_internal.h" /* cost_model's liberty tree: flip-flop timing for the clock floor */
#include "nibble/gen.h"
#include "nibble/sim.h"
#include "nibble/files.h"
#include "nibble/hash.h"
#include "nibble/process.h"
#include "synth_internal.h"

/* The liberty is read before any run starts: first by nibble's own reader,
 * which names FILE:LINE and refuses what Yosys accepts silently (negative or
 * non-finite areas make every area total wrong), then by Yosys, naming its own
 * diagnosis. */
static bool liberty_check(const char *liberty, nb_err *err)
{
    nb_liberty *parsed = nb_liberty_read(liberty, err);
    if (!parsed)
        return nb_fail_prefix(err, "liberty file %s is malformed", liberty);
    nb_liberty_free(parsed);
    char version[256];
    if (!nb_tool_version("yosys", "-V", version, sizeof version, err))
        return false;
    char dir[4200], logp[4300], script[4400];
    snprintf(dir, sizeof dir, "%s/tmp", nb_cache_dir());
    if (!nb_mkdir_p(dir, err))
        return false;
    snprintf(logp, sizeof logp, "%s/liberty-check-%ld.log", dir, (long)getpid());
    snprintf(script, sizeof script, "read_liberty -lib %s", liberty);
    char *argv[] = {"yosys", "-q", "-p", script, NULL};
    remove(logp);
    int rc = 0;
    if (!nb_run_tool(argv, logp, NULL, &rc, err)) /* the log is kept: the message names it */
        return nb_fail_prefix(err, "reading liberty file %s", liberty);
    char tail[600] = "";
    if (rc != 0)
        nb_file_tail(logp, tail, sizeof tail);
    remove(logp);
    if (rc != 0) {
        char *e = strstr(tail, "ERROR:");
        e = e ? e : tail;
        e[strcspn(e, "\n")] = '\0';
        return nb_fail(err, "liberty file %s is malformed: %s", liberty, e[0] ? e : "yosys cannot read it");
    }
    return true;
}

/* ---- the shortest possible clock period -------------------------------------
 * A register-to-register path cannot be shorter than the launching flip-flop's
 * clock-to-Q delay plus the capturing one's setup time. The floor is the
 * smallest of both over every table of every flip-flop (any slew, any load):
 * a lower bound for any design on the library, not an estimate of its fmax. */

/* The library's time unit in ns (1 when absent or unknown). */
static double time_unit_ns(const lty_node *library)
{
    const char *u = lty_attr(library, "time_unit");
    if (!u)
        return 1;
    char *end;
    double m = strtod(u, &end);
    if (end == u)
        m = 1;
    while (*end == ' ')
        end++;
    static const struct { const char *unit; double ns; } units[] = {
        {"fs", 1e-6}, {"ps", 1e-3}, {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcasecmp(end, units[i].unit) == 0 && m > 0)
            return m * units[i].ns;
    return 1;
}

/* Smallest value of the tables called t1 or t2 in a timing group. */
static void table_min(const lty_node *timing, const char *t1, const char *t2, double *min)
{
    for (int i = 0; i < timing->n_kids; i++) {
        const lty_node *g = &timing->kids[i];
        if (!g->group || (strcmp(g->name, t1) != 0 && strcmp(g->name, t2) != 0))
            continue;
        const lty_node *v = lty_kid(g, "values");
        double *x;
        int n;
        nb_err e;
        if (!v || !lty_numbers(v, "liberty", &x, &n, &e))
            continue;
        for (int k = 0; k < n; k++)
            if (x[k] < *min)
                *min = x[k];
        free(x);
    }
}

static void clock_floor(synth_library *lib)
{
    lib->min_period_ns = SYNTH_MIN_PERIOD_NS;
    lib->floor_cell[0] = '\0';
    nb_err e;
    size_t len;
    char *text = nb_read_file(lib->liberty, &len, &e);
    lty_node root;
    if (!text || !lty_tree_parse(text, len, lib->liberty, &root, &e)) {
        free(text);
        return; /* Yosys read it: keep the generic floor */
    }
    free(text);
    const lty_node *library = root.n_kids > 0 ? &root.kids[0] : NULL;
    double unit = library ? time_unit_ns(library) : 1, best = 0;
    for (int c = 0; library && c < library->n_kids; c++) {
        const lty_node *cell = &library->kids[c];
        if (!cell->group || strcmp(cell->name, "cell") != 0 || !lty_kid(cell, "ff"))
            continue;
        double clk_q = 1e300, setup = 1e300;
        for (int p = 0; p < cell->n_kids; p++) {
            const lty_node *pin = &cell->kids[p];
            if (!pin->group || strcmp(pin->name, "pin") != 0)
                continue;
            for (int t = 0; t < pin->n_kids; t++) {
                const lty_node *tm = &pin->kids[t];
                const char *type = tm->group && strcmp(tm->name, "timing") == 0
                                       ? lty_attr(tm, "timing_type") : NULL;
                if (!type)
                    continue;
                if (!strcmp(type, "rising_edge") || !strcmp(type, "falling_edge"))
                    table_min(tm, "cell_rise", "cell_fall", &clk_q);
                else if (!strcmp(type, "setup_rising") || !strcmp(type, "setup_falling"))
                    table_min(tm, "rise_constraint", "fall_constraint", &setup);
            }
        }
        if (clk_q > 1e299)
            continue;
        if (setup > 1e299)
            setup = 0;
        double floor = (clk_q + setup) * unit;
        if (floor > 0 && (!lib->floor_cell[0] || floor < best)) {
            best = floor;
            lib->floor_clk_q_ns = clk_q * unit;
            lib->floor_setup_ns = setup * unit;
            snprintf(lib->floor_cell, sizeof lib->floor_cell, "%s",
                     cell->n_args > 0 ? cell->args[0] : "?");
        }
    }
    lty_tree_free(&root);
    if (lib->floor_cell[0] && best > SYNTH_MIN_PERIOD_NS)
        lib->min_period_ns = best;
    else
        lib->floor_cell[0] = '\0';
}

bool synth_period_check(const synth_library *lib, double period_ns, const char *source, nb_err *err)
{
    if (period_ns >= lib->min_period_ns)
        return true;
    if (lib->floor_cell[0])
        return nb_fail(err, "%s: clock period %g ns is impossible on %s: no design can be faster "
                       "than its fastest flip-flop %s (clock-to-Q %.4g ns + setup %.4g ns = "
                       "%.4g ns); give a period of at least %.4g ns", source, period_ns,
                       lib->liberty, lib->floor_cell, lib->floor_clk_q_ns, lib->floor_setup_ns,
                       lib->min_period_ns, lib->min_period_ns);
    return nb_fail(err, "%s: clock period %g ns is impossible: no standard-cell flip-flop "
                   "switches and sets up in under %g ns (%s gives no flip-flop timing to "
                   "derive a floor from)", source, period_ns, lib->min_period_ns, lib->liberty);
}

bool synth_library_resolve(const nb_synth_opts *o, synth_library *lib, nb_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/constraints/libraries.json", nb_data_dir());
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc)
        return nb_fail(err, "cannot read the library list %s: %s", path, jerr.text);
    const char *name = o->library ? o->library : json_string_value(json_object_get(doc, "default"));
    json_t *entry = name ? json_object_get(json_object_get(doc, "libraries"), name) : NULL;
    if (!entry) {
        json_decref(doc);
        return nb_fail(err, "no library named '%s' in %s; give --liberty FILE for your own",
                       name ? name : "(default)", path);
    }
    const char *liberty = NULL;
    double clock = 10, slew = 0.1;
    if (json_unpack_ex(entry, &jerr, 0, "{s:s, s?F, s?F}", "liberty", &liberty, "clock_ns", &clock,
                       "input_slew_ns", &slew) != 0) {
        json_decref(doc);
        return nb_fail(err, "%s: library %s is malformed: %s", path, name, jerr.text);
    }
    snprintf(lib->name, sizeof lib->name, "%s", o->liberty ? "user" : name);
    snprintf(lib->liberty, sizeof lib->liberty, "%s", o->liberty ? o->liberty : liberty);
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
    json_decref(doc);
    if (o->clock_ns < 0 || !isfinite(o->clock_ns))
        return nb_fail(err, "clock period %g ns is impossible: give a positive period", o->clock_ns);
    if (access(lib->liberty, R_OK) != 0)
        return nb_fail(err, "liberty file %s: %s%s", lib->liberty, strerror(errno),
                       o->liberty ? "" : " (install it with 'flows/setup.sh deps')");
    FILE *regular = nb_open_input(lib->liberty, "liberty file", err); /* no FIFO or device */
    if (!regular)
        return false;
    fclose(regular);
    if (!liberty_check(lib->liberty, err))
        return false;
    clock_floor(lib);
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
