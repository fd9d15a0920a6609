/* nb_formal_check: one Yosys run with two SAT proofs per format pair. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "formal_internal.h"
#include "nibble/gen.h"
#include "nibble/output.h"

#define MARK "nibble-formal-pair"

/* Every kind of state element, for the checks that none are left. */
static const char *const STATE_CELLS[] = {"$dff",    "$dffe",   "$adff",  "$adffe", "$sdff",
                                          "$sdffe",  "$sdffce", "$dffsr", "$dffsre", "$aldff",
                                          "$aldffe", "$ff",     "$dlatch", "$adlatch", "$dlatchsr"};

static void assert_no_state(FILE *f, const char *module)
{
    fputs("select -assert-none", f);
    for (size_t i = 0; i < sizeof STATE_CELLS / sizeof *STATE_CELLS; i++)
        fprintf(f, " %s%st:%s", module ? module : "", module ? "/" : "", STATE_CELLS[i]);
    fputc('\n', f);
}

double formal_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The proofs of one pair; see formal_emit.c for the three modules. */
static void script_pair(FILE *f, const nb_design *d, const char *shortmap, int wi, int ai)
{
    /* datapath: decoders and the settled PE against the golden table */
    fprintf(f, "\nlog %s %d %d datapath\ndesign -load nibble_formal_read\n"
               "hierarchy -check -top nibble_formal_comb_%d_%d\n"
               "proc\nflatten\nopt_expr\nopt_clean\n"
               "techmap -map %s\nopt_expr\nopt_clean\n",
            MARK, wi, ai, wi, ai, shortmap);
    assert_no_state(f, NULL);
    fputs("check -assert\nmemory\ntechmap\nopt_expr\nopt_clean\nabc -g AND\nopt_clean\n"
          "sat -prove ok_o 1 -show w_code_i,a_code_i,psum_i,", f);
    if (d->tag_bits)
        fputs("w_above_code_i,a_tag_i,", f);
    fputs("expected_o,psum_o,dec_ok_o,pe_ok_o\n", f);

    /* timing: the clocked PE against its shorted copy */
    int steps = 4 + d->pipeline;
    fprintf(f, "log %s %d %d timing\ndesign -load nibble_formal_read\n"
               "hierarchy -check -top nibble_formal_seq_%d_%d\nproc\n"
               "techmap -map %s nibble_pe_ref\n",
            MARK, wi, ai, wi, ai, shortmap);
    assert_no_state(f, "nibble_pe_ref");
    fprintf(f, "flatten\nopt_expr\nopt_clean\ncheck -assert\nmemory\nopt_clean\nsat -seq %d", steps);
    for (int t = 1; t <= steps; t++)
        fprintf(f, " -set-at %d w_load_i %d -set-at %d a_pick_i %d -set-at %d s_pick_i %d", t,
                t == 1, t, t == 3, t, t == 3 + d->pipeline);
    fprintf(f, " -prove ok_o 1 -prove-skip %d -show w_code,a_code,psum_in,", steps - 1);
    if (d->tag_bits)
        fputs("w_above_code,a_tag,", f);
    fputs("ref_o,psum_o\n", f);
}

/* Every design file of files.f but those in `skip` (NULL-terminated, or
 * NULL), then the `extra` files, as read_verilog lines. */
bool formal_read_sources(FILE *f, const char *design_dir, const char *const *extra, int nextra,
                         const char *const *skip, nb_err *err)
{
    char list[4300], line[512];
    snprintf(list, sizeof list, "%s/files.f", design_dir);
    FILE *fl = fopen(list, "r");
    if (!fl)
        return nb_fail(err, "%s is not a generated design (no files.f): run 'nibble gen' first",
                       design_dir);
    while (fgets(line, sizeof line, fl)) {
        line[strcspn(line, "\n")] = '\0';
        bool skipped = false;
        for (int i = 0; skip && skip[i]; i++)
            skipped = skipped || strcmp(line, skip[i]) == 0;
        if (line[0] && !skipped)
            fprintf(f, "read_verilog %s/%s\n", design_dir, line);
    }
    fclose(fl);
    for (int i = 0; i < nextra; i++)
        fprintf(f, "read_verilog %s\n", extra[i]);
    return true;
}

static bool write_script(const nb_design *d, const char *design_dir, const char *check,
                         const char *shortmap, const char *path, nb_err *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return nb_fail(err, "out of memory");
    fputs("# nibble formal check (see flows/formal): per format pair, the decoders and the\n"
          "# generated PE against the golden product table (datapath), and the clocked PE\n"
          "# against its settled copy (timing)\n", f);
    const char *const extra[] = {check};
    if (!formal_read_sources(f, design_dir, extra, 1, NULL, err)) {
        fclose(f);
        free(text);
        return false;
    }
    fputs("copy nibble_pe nibble_pe_ref\ndesign -save nibble_formal_read\n", f);
    for (int wi = 0; wi < d->nw; wi++)
        for (int ai = 0; ai < d->na; ai++)
            script_pair(f, d, shortmap, wi, ai);
    bool ok = nb_memstream_close(f, &text, path, err) && nb_write_file(path, text, len, err);
    free(text);
    return ok;
}

/* Append to a fixed buffer, dropping what does not fit. */
void formal_append(char *buf, size_t size, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, size - n, fmt, ap);
    va_end(ap);
}

/* The model of a failed proof, "name value" per line. Yosys prints a table
 * (Signal Name, Dec, Hex, Bin; with -seq a Time column first): keep the
 * decimal values, and for a sequence only the rows of time step `step`. */
void formal_copy_model(const char *section, int step, bool hex, char *out, size_t size)
{
    const char *m = strstr(section, "Signal Name");
    if (!m)
        return;
    const char *line = m;
    while (line > section && line[-1] != '\n')
        line--;
    const char *time = strstr(line, "Time");
    bool timed = time && time < m; /* a -seq table: the first column is the step */
    char want[16];
    snprintf(want, sizeof want, "%d", step);
    for (const char *l = strchr(m, '\n'); l;) {
        l++;
        const char *nl = strchr(l, '\n');
        size_t ll = nl ? (size_t)(nl - l) : strlen(l);
        if (ll == 0 || strncmp(l, "  ", 2) != 0)
            break;
        char row[512], tok[4][160];
        snprintf(row, sizeof row, "%.*s", (int)(ll < sizeof row - 1 ? ll : sizeof row - 1), l);
        int nt = sscanf(row, "%159s %159s %159s %159s", tok[0], tok[1], tok[2], tok[3]);
        l = nl;
        if (nt < 2 || tok[0][0] == '-')
            continue;
        if (timed) {
            if (nt < 3 || strcmp(tok[0], want) != 0)
                continue;
            memmove(tok[0], tok[1], sizeof tok[0]);
            memmove(tok[1], tok[2], sizeof tok[1]);
        }
        const char *name = tok[0][0] == '\\' ? tok[0] + 1 : tok[0];
        /* over 32 bits Yosys prints "--" as the decimal value: take the hex */
        if ((hex || strcmp(tok[1], "--") == 0) && nt >= 3 + timed && strcmp(tok[2 + timed], "--") != 0)
            formal_append(out, size, "      %-16s 0x%s\n", name, tok[2 + timed]);
        else
            formal_append(out, size, "      %-16s %s\n", name, tok[1]);
    }
}

/* The log section of one proof: from its mark to the next one. */
static const char *section(char *log, const char *mark, char **end)
{
    char *start = strstr(log, mark);
    *end = NULL;
    if (!start)
        return NULL;
    *end = strstr(start + strlen(mark), MARK);
    if (*end)
        **end = '\0';
    return start;
}

/* Per pair: both proofs SUCCESS, or the model Yosys found for the first that
 * failed. */
static bool parse_log(const nb_design *d, const char *log_path, nb_formal_result *r, nb_err *err)
{
    char *log = nb_read_file(log_path, NULL, err);
    if (!log)
        return false;
    static const char *const kinds[2] = {"datapath", "timing"};
    int steps = 4 + d->pipeline;
    for (int i = 0; i < r->npairs; i++) {
        nb_formal_pair *fp = &r->pairs[i];
        fp->proved = true;
        fp->counterexample[0] = '\0';
        for (int k = 0; k < 2; k++) {
            char mark[96], *end;
            snprintf(mark, sizeof mark, "%s %d %d %s\n", MARK, i / d->na, i % d->na, kinds[k]);
            const char *sec = section(log, mark, &end);
            if (!sec) {
                free(log);
                return nb_fail(err, "the Yosys log %s has no %s result for %s x %s", log_path,
                               kinds[k], fp->weight, fp->act);
            }
            bool ok = strstr(sec, "SUCCESS!") != NULL;
            if (!ok && fp->proved) {
                if (k == 0)
                    formal_append(fp->counterexample, sizeof fp->counterexample,
                           "    datapath: table vs decoders x ideal * (dec_ok_o), vs the settled "
                           "PE (pe_ok_o):\n");
                else
                    formal_append(fp->counterexample, sizeof fp->counterexample,
                           "    timing: clocked PE, psum_o at step %d != ref_o (settled; psum_in "
                           "given at step %d):\n",
                           steps, 3 + d->pipeline);
                formal_copy_model(sec, steps, false, fp->counterexample, sizeof fp->counterexample);
            }
            fp->proved = fp->proved && ok;
            if (end)
                *end = MARK[0];
        }
        r->nproved += fp->proved;
    }
    free(log);
    return true;
}

bool nb_formal_check(const char *design_dir, const char *work_dir, nb_formal_result *r, FILE *log,
                     nb_err *err)
{
    return nb_formal_check_only(design_dir, work_dir, NULL, r, log, err);
}

bool nb_formal_check_only(const char *design_dir, const char *work_dir, const char *stage_only,
                          nb_formal_result *r, FILE *log, nb_err *err)
{
    double t0 = formal_now();
    memset(r, 0, sizeof *r);
    char manifest[4200], check[4300], shortmap[4300], script[4300], logp[4300], outp[4300];
    snprintf(manifest, sizeof manifest, "%s/manifest.json", design_dir);
    nb_design *d = nb_design_load(manifest, err);
    if (!d)
        return false;
    if (stage_only && !d->block_scaled) {
        nb_design_free(d);
        return nb_fail(err, "--stage %s: %s is not block-scaled, so it has no scale stage to prove",
                       stage_only, design_dir);
    }
    if (stage_only && d->scale_fixed) {
        nb_design_free(d);
        return nb_fail(err, "--stage %s: %s has the fixed-point accumulator (--scale-acc fixed), "
                       "whose stage these proofs do not cover (flows/README.md, Formal check); "
                       "run nibble formal without --stage", stage_only, design_dir);
    }
    if (stage_only && !formal_stage_names_valid(stage_only, err)) {
        nb_design_free(d);
        return false;
    }
    if (d->nw * d->na > NB_FORMAL_MAX_PAIRS) {
        nb_design_free(d);
        return nb_fail(err, "%d format pairs: the formal check handles at most %d", d->nw * d->na,
                       NB_FORMAL_MAX_PAIRS);
    }
    r->npairs = d->nw * d->na;
    for (int i = 0; i < r->npairs; i++) {
        snprintf(r->pairs[i].weight, sizeof r->pairs[i].weight, "%s", d->w[i / d->na].name);
        snprintf(r->pairs[i].act, sizeof r->pairs[i].act, "%s", d->a[i % d->na].name);
    }
    snprintf(r->work, sizeof r->work, "%s", work_dir);
    snprintf(check, sizeof check, "%s/nibble_formal_check.v", work_dir);
    snprintf(shortmap, sizeof shortmap, "%s/formal_short.v", work_dir);
    snprintf(script, sizeof script, "%s/formal.ys", work_dir);
    snprintf(logp, sizeof logp, "%s/formal.log", work_dir);
    snprintf(outp, sizeof outp, "%s/formal.out", work_dir);
    char version[256];
    bool ok = nb_tool_version("yosys", "-V", version, sizeof version, err) &&
              /* only a new, empty or earlier formal work directory is written into */
              nb_output_dir_claim(work_dir, NB_OUTPUT_FORMAL, err) && formal_emit_check(d, check, err) &&
              formal_emit_short_map(shortmap, err) &&
              write_script(d, design_dir, check, shortmap, script, err);
    if (ok) {
        if (log)
            fprintf(log, "[formal] proving %d format pair%s with %s\n", r->npairs,
                    r->npairs == 1 ? "" : "s", version);
        remove(logp);
        char *argv[] = {"yosys", "-q", "-l", logp, "-s", script, NULL};
        remove(outp);
        int rc = 0;
        ok = nb_run_tool(argv, outp, NULL, &rc, err);
        if (ok && rc != 0) {
            char tail[1200];
            nb_file_tail(outp, tail, sizeof tail);
            ok = nb_fail(err, "yosys failed (status %d) on the formal check (full log %s): %s", rc,
                         logp, tail);
        }
    }
    ok = ok && parse_log(d, logp, r, err);
    /* the binary32 stage's proofs; the fixed-point stage (integer shift and
     * add, then one rounding) is held to the golden by exhaustive Icarus
     * vectors and co-simulation instead */
    if (ok && d->block_scaled && d->scale_fixed && log)
        fprintf(log, "[formal] scale stage: the fixed-point accumulator is not proved here "
                "(gen_scale_fixed_* simulate every E8M0 code pair against the golden)\n");
    if (ok && d->block_scaled && !d->scale_fixed)
        ok = formal_stage_check(d, design_dir, work_dir, stage_only, r, log, err);
    nb_design_free(d);
    r->seconds = formal_now() - t0;
    return ok;
}
