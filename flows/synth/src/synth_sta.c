/* OpenSTA timing (and its own power estimate) of the array netlist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/gen.h"
#include "nibble/files.h"
#include "nibble/process.h"
#include "nibble/template.h"
#include "synth_internal.h"

bool synth_sta(const char *work, const synth_library *lib, const char *sdc, double activity,
               sta_result *out, nb_err *err)
{
    char script[4200], tmpl[4200], logp[4200], netlist[4200], act[32];
    snprintf(script, sizeof script, "%s/sta.tcl", work);
    snprintf(tmpl, sizeof tmpl, "%s/flows/scripts/sta.tcl.in", nb_data_dir());
    snprintf(logp, sizeof logp, "%s/sta.log", work);
    snprintf(netlist, sizeof netlist, "%s/array.v", work);
    snprintf(act, sizeof act, "%.6f", activity);
    const char *keys[] = {"LIBERTY", "NETLIST", "SDC", "ACTIVITY"};
    const char *vals[] = {lib->liberty, netlist, sdc, act};
    if (!nb_fill_template(tmpl, keys, vals, 4, script, err))
        return false;
    char *argv[] = {"sta", "-no_init", "-no_splash", "-exit", script, NULL};
    int rc = 0;
    if (!nb_run_tool(argv, logp, NULL, &rc, err))
        return nb_fail_prefix(err, "timing of %s", netlist);
    char *log = nb_read_file(logp, NULL, err);
    if (!log)
        return false;
    char tail[1200];
    nb_file_tail(logp, tail, sizeof tail);
    if (rc != 0 || strstr(log, "Error:")) {
        char *e = strstr(log, "Error:");
        if (e) /* the error line alone: the log holds the rest */
            e[strcspn(e, "\n")] = '\0';
        nb_fail(err, "OpenSTA failed (status %d) on %s; log %s: %.300s", rc, sdc, logp,
                e ? e : tail);
        free(log);
        return false;
    }
    /* the worst path's slack, and the power table's Total line */
    bool have_slack = false, have_power = false;
    for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
        double v, a, b, c;
        if (!have_slack && strstr(line, "slack (") && sscanf(line, " %lf", &v) == 1) {
            out->slack_ns = v;
            have_slack = true;
        } else if (sscanf(line, "Total %lf %lf %lf %lf", &a, &b, &c, &v) == 4) {
            out->power_w = v;
            have_power = true;
        }
    }
    free(log);
    if (!have_slack)
        return nb_fail(err, "OpenSTA found no constrained path (does %s constrain clk_i?); log %s",
                       sdc, logp);
    if (!have_power)
        return nb_fail(err, "OpenSTA printed no power total (no 'Total' line from report_power) "
                       "for %s; log %s", netlist, logp);
    return true;
}
