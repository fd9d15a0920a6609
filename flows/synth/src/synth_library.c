/* Which standard-cell library and clock a run uses (constraints/). */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nibble/gen.h"
#include "nibble/sim.h"
#include "nibble/tools.h"
#include "synth_internal.h"

/* Yosys reads the liberty first: a malformed one is reported here, naming
 * the file and Yosys's own diagnosis, before any run starts. */
static bool liberty_check(const char *liberty, nb_err *err)
{
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
    int rc = nb_run_logged(argv, logp, NULL);
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
    json_decref(doc);
    if (o->clock_ns < 0 || !isfinite(o->clock_ns))
        return nb_fail(err, "clock period %g ns is impossible: give a positive period", o->clock_ns);
    if (access(lib->liberty, R_OK) != 0)
        return nb_fail(err, "liberty file %s: %s%s", lib->liberty, strerror(errno),
                       o->liberty ? "" : " (install it with 'flows/setup.sh deps')");
    return liberty_check(lib->liberty, err);
}

bool synth_sdc_period(const char *sdc, double *period_ns, nb_err *err)
{
    FILE *f = fopen(sdc, "r");
    if (!f)
        return nb_fail(err, "cannot read SDC file %s: %s", sdc, strerror(errno));
    char line[4096];
    bool found = false;
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *c = strstr(line, "create_clock");
        char *p = c ? strstr(c, "-period") : NULL;
        if (!p)
            continue;
        char *end;
        double v = strtod(p + 7, &end);
        if (end == p + 7) {
            fclose(f);
            return nb_fail(err, "%s:%d: create_clock -period is not followed by a number", sdc,
                           lineno);
        }
        if (!(v > 0) || !isfinite(v) || v > 1e6) {
            fclose(f);
            return nb_fail(err, "%s:%d: clock period %g ns is impossible; use a positive period",
                           sdc, lineno, v);
        }
        *period_ns = v;
        found = true;
        break;
    }
    fclose(f);
    return found || nb_fail(err, "%s defines no clock: add 'create_clock -period NS [get_ports clk_i]'",
                            sdc);
}
