/* One Yosys run from flows/scripts/synth.ys.in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/gen.h"
#include "nibble/files.h"
#include "nibble/process.h"
#include "nibble/template.h"
#include "synth_internal.h"

bool synth_yosys(const char *work, const char *tag, char (*files)[4608], int nfiles, const char *top,
                 bool flatten, bool netlist, const synth_library *lib, double period_ns,
                 stat_report *stat, nb_err *err)
{
    size_t cap = (size_t)nfiles * 4700 + 64;
    char *list = malloc(cap), script[4200], tmpl[4200], statp[4200], logp[4200], write[9000];
    char period[32];
    if (!list)
        return nb_fail(err, "out of memory");
    size_t used = 0;
    for (int i = 0; i < nfiles; i++)
        used += (size_t)snprintf(list + used, cap - used, "%s%s", i ? " " : "", files[i]);
    snprintf(period, sizeof period, "%.0f", period_ns * 1000);
    snprintf(statp, sizeof statp, "%s/%s.stat", work, tag);
    snprintf(script, sizeof script, "%s/%s.ys", work, tag);
    snprintf(logp, sizeof logp, "%s/%s.yosys.log", work, tag);
    snprintf(tmpl, sizeof tmpl, "%s/flows/scripts/synth.ys.in", nb_data_dir());
    /* the JSON netlist (for power) is read back from the Verilog one, so both
     * name every net the same way (write_verilog renames Yosys's internal
     * $-names to _NNNN_, and toggle coverage reports the Verilog names) */
    if (netlist)
        snprintf(write, sizeof write,
                 "write_verilog -noattr %s/%s.v\ndesign -reset\nread_liberty -lib %s\n"
                 "read_verilog %s/%s.v\nhierarchy -top %s\nwrite_json %s/%s.json",
                 work, tag, lib->liberty, work, tag, top, work, tag);
    else
        write[0] = '\0';
    const char *keys[] = {"FILES", "TOP", "FLATTEN", "LIBERTY", "PERIOD_PS", "STAT", "WRITE"};
    const char *vals[] = {list, top, flatten ? "-flatten" : "", lib->liberty, period, statp, write};
    bool ok = nb_fill_template(tmpl, keys, vals, 7, script, err);
    free(list);
    if (!ok)
        return false;
    char *argv[] = {"yosys", "-q", "-s", script, NULL};
    int rc = 0;
    if (!nb_run_tool(argv, logp, NULL, &rc, err))
        return nb_fail_prefix(err, "synthesis of %s (%s)", tag, top);
    if (rc != 0) {
        char tail[1200];
        nb_file_tail(logp, tail, sizeof tail);
        return nb_fail(err, "yosys %s (%s) failed with status %d; log %s:\n%s", tag, top, rc, logp,
                       tail);
    }
    return stat_parse(statp, stat, err);
}
