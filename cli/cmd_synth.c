/* nibble synth: one generated design through Yosys, OpenSTA and gate-level power. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "design_arg.h"
#include "nibble/synth.h"
#include "nibble/output.h"

static const char *CMD = "synth";

static void help(void)
{
    printf("usage: nibble synth --config DIR/manifest.json [options]\n\n"
           "Synthesizes a generated design onto a standard-cell library with Yosys\n"
           "(dfflibmap + abc -liberty, timing-driven by the clock), times it with OpenSTA and\n"
           "measures power from the toggles of the gate-level netlist simulated on a\n"
           "quantized t-distributed GEMM (the netlist is checked against the C model on\n"
           "every cycle). Results are cached by a content hash of RTL, flow scripts,\n"
           "constraints, library and tool versions: a re-run is instant. A clock faster\n"
           "than the library's fastest flip-flop (clock-to-Q + setup) is refused; a design\n"
           "that misses timing at the clock gets a warning (slack_ns, timing_met columns).\n"
           "A failed run keeps its logs in $NIBBLE_CACHE_DIR/synth/failed/<key>/.\n\n"
           "  --config PATH       the design (manifest.json or its directory)\n"
           "  --library NAME      a library from constraints/libraries.json: osu018 (the\n"
           "                      default), nangate45 or sky130hd (their files are found in\n"
           "                      --liberty-dir or $NIBBLE_LIBERTY_DIR, see constraints/README.md)\n"
           "  --liberty FILE      a liberty file of your own instead (.lib or .lib.gz); a\n"
           "                      library of several files: a comma list, or --liberty again\n"
           "  --liberty-dir DIR   where library files named without a folder are found\n"
           "                      (before each folder of $NIBBLE_LIBERTY_DIR, a ':' list)\n"
           "  --clock NS          clock period in ns (default: the library's: 10 for osu018,\n"
           "                      2.5 for nangate45, 12.5 for sky130hd)\n"
           "  --sdc FILE          your own SDC instead of constraints/clock.sdc.in\n"
           "  --no-power          area and timing only (no gate-level simulation)\n"
           "  --force             ignore the cache\n"
           "  --json FILE         write the result as JSON\n"
           "  --csv FILE          write the result as a one-row CSV table\n"
           "                      (regular files only, written once the result is complete;\n"
           "                      never a link, device, FIFO or a file of the design)\n"
           CLI_ALLOW_EDITED_RTL_HELP
           "  -q, --quiet         no progress lines\n"
           "  -h, --help          this text\n");
}

static void print_result(const nb_synth_result *r)
{
    printf("design        %s (acc %d bits, %s, pipeline %d)\n", r->name, r->acc_bits, r->acc_mode,
           r->pipeline);
    printf("library       %s (%s), clock %.3g ns\n", r->library, r->liberty, r->clock_ns);
    printf("area          array %.0f um^2 (%d cells, %d flip-flops); PE %.0f um^2 (%d cells)\n",
           r->area_array, r->cells_array, r->flops_array, r->area_pe, r->cells_pe);
    printf("              PE decoders %.0f um^2", r->area_pe_decoders);
    if (r->area_pe_baseline > 0)
        printf("; behavioural baseline PE %.0f um^2 (generated/baseline %.3f)", r->area_pe_baseline,
               r->area_pe / r->area_pe_baseline);
    if (r->area_encoder > 0)
        printf("; OverQ encoder %.0f um^2", r->area_encoder);
    printf("\ntiming        worst slack %.3f ns, critical path %.3f ns, fmax %.1f MHz (%s)\n",
           r->slack_ns, r->critical_ns, r->fmax_mhz,
           nb_synth_timing_met(r) ? "timing met" : "MISSES TIMING");
    if (r->has_power)
        printf("power         %.4f mW at %.0f MHz (internal %.4f, switching %.4f, leakage %.6f);\n"
               "              %.3f pJ per MAC; input activity %.3f toggles/bit/cycle; OpenSTA "
               "at that activity: %.4f mW\n"
               "              gate-level netlist matched the C model on %llu cycles\n",
               r->power_mw, 1000.0 / r->clock_ns, r->power_internal_mw, r->power_switching_mw,
               r->power_leakage_mw, r->energy_per_mac_pj, r->input_activity, r->sta_power_mw,
               r->power_cycles);
    else
        printf("power         not measured (--no-power); OpenSTA default-activity estimate %.4f mW\n",
               r->sta_power_mw);
    printf("%s in %.1f s (key %s)\n", r->cached ? "cached" : "synthesized", r->seconds, r->key);
}

static bool write_json(const char *path, const nb_synth_result *r, nb_err *err)
{
    return cli_json_write_file(path, nb_synth_result_to_json(r), err);
}

static bool write_csv(const char *path, const nb_synth_result *r, nb_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return nb_fail(err, "out of memory");
    nb_synth_csv_header(f);
    nb_synth_csv_row(f, r);
    fclose(f);
    bool ok = nb_output_file_write(path, buf, len, err);
    free(buf);
    return ok;
}

int cmd_synth(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},  {"library", required_argument, NULL, 'L'},
        {"liberty", required_argument, NULL, 'l'}, {"clock", required_argument, NULL, 'k'},
        {"sdc", required_argument, NULL, 's'},     {"no-power", no_argument, NULL, 'n'},
        {"force", no_argument, NULL, 'f'},         {"json", required_argument, NULL, 'j'},
        {"csv", required_argument, NULL, 'v'},     {"quiet", no_argument, NULL, 'q'},
        {"allow-edited-rtl", no_argument, NULL, 'E'}, {"liberty-dir", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    nb_synth_opts o = nb_synth_opts_default();
    o.log = stderr;
    const char *config = NULL, *json_out = NULL, *csv_out = NULL;
    bool allow_edited = false;
    char liberty_list[4096] = "";
    nb_err err;
    int c;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'L': o.library = optarg; break;
        case 'l':
            if (!cli_liberty_list(liberty_list, sizeof liberty_list, optarg, &err))
                return cli_fail_err(CMD, &err);
            o.liberty = liberty_list;
            break;
        case 'D': o.liberty_dir = optarg; break;
        case 'k':
            if (!cli_parse_clock(optarg, &o.clock_ns, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 's': o.sdc = optarg; break;
        case 'n': o.power = false; break;
        case 'f': o.force = true; break;
        case 'j': json_out = optarg; break;
        case 'v': csv_out = optarg; break;
        case 'q': o.log = NULL; break;
        case 'E': allow_edited = true; break;
        case 'h': help(); return 0;
        default: return cli_bad_option(CMD, argv);
        }
    }
    if (optind < argc)
        return cli_fail(CMD, "unexpected argument '%s'", argv[optind]);
    if (!config)
        return cli_fail(CMD, "--config is required: the manifest.json of a design from 'nibble gen'");
    char dir[4096];
    nb_design *d = cli_load_design(config, allow_edited, dir, sizeof dir, &err);
    if (!d)
        return cli_fail_err(CMD, &err);
    nb_design_free(d);
    /* the output files are checked before any work and written only once the
     * result is complete: a failed run leaves an earlier file as it was */
    const char *inputs[] = {dir, o.liberty, o.sdc};
    if (json_out && !nb_output_file_check("--json", json_out, inputs, 3, &err))
        return cli_fail_err(CMD, &err);
    if (csv_out && !nb_output_file_check("--csv", csv_out, inputs, 3, &err))
        return cli_fail_err(CMD, &err);
    if (json_out && csv_out && strcmp(json_out, csv_out) == 0)
        return cli_fail(CMD, "--json and --csv both name %s; give two files", json_out);
    nb_synth_result *r = malloc(sizeof *r);
    if (!r)
        return cli_fail(CMD, "out of memory");
    bool ok = nb_synth_run(dir, &o, r, &err) && (!json_out || write_json(json_out, r, &err)) &&
              (!csv_out || write_csv(csv_out, r, &err));
    if (ok)
        print_result(r);
    if (ok && !nb_synth_timing_met(r))
        fprintf(stderr, "nibble synth: warning: %s misses timing at the %g ns clock: slack %.3f ns, "
                "critical path %.3f ns (fmax %.1f MHz); its power is at a clock it cannot reach\n",
                r->name, r->clock_ns, r->slack_ns, r->critical_ns, r->fmax_mhz);
    free(r);
    return ok ? 0 : cli_fail_err(CMD, &err);
}
