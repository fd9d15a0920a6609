/* nb_formal_check: one Yosys run with a SAT proof per format pair. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "formal_internal.h"
#include "nibble/gen.h"

#define MARK "nibble-formal-pair"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static bool write_script(const nb_design *d, const char *design_dir, const char *check,
                         const char *path, nb_err *err)
{
    char list[4300], line[512];
    snprintf(list, sizeof list, "%s/files.f", design_dir);
    FILE *fl = fopen(list, "r");
    if (!fl)
        return nb_fail(err, "%s is not a generated design (no files.f): run 'nibble gen' first",
                       design_dir);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fputs("# nibble formal check (see flows/formal): decoders x multiplier == golden table\n", f);
    while (fgets(line, sizeof line, fl)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0])
            fprintf(f, "read_verilog %s/%s\n", design_dir, line);
    }
    fclose(fl);
    fprintf(f, "read_verilog %s\nhierarchy -check -top nibble_formal_check\n"
               "proc\nflatten\nmemory\nopt_clean\n", check);
    for (int wi = 0; wi < d->nw; wi++)
        for (int ai = 0; ai < d->na; ai++) {
            fprintf(f, "log %s %d %d\nsat -prove ok_o 1 -prove known_o 1 -show-inputs", MARK, wi, ai);
            if (d->w_sel_bits)
                fprintf(f, " -set wfmt_sel_i %d", wi);
            if (d->a_sel_bits)
                fprintf(f, " -set afmt_sel_i %d", ai);
            fputc('\n', f);
        }
    fclose(f);
    bool ok = nb_write_file(path, text, len, err);
    free(text);
    return ok;
}

/* Per pair: SUCCESS, or the model Yosys found (its input table). */
static bool parse_log(const nb_design *d, const char *log_path, nb_formal_result *r, nb_err *err)
{
    char *log = nb_read_file(log_path, NULL, err);
    if (!log)
        return false;
    char *p = log;
    for (int i = 0; i < r->npairs; i++) {
        nb_formal_pair *fp = &r->pairs[i];
        char mark[64];
        snprintf(mark, sizeof mark, "%s %d %d", MARK, i / d->na, i % d->na);
        char *start = strstr(p, mark);
        if (!start) {
            free(log);
            return nb_fail(err, "the Yosys log %s has no result for %s x %s", log_path, fp->weight,
                           fp->act);
        }
        char *end = strstr(start + strlen(mark), MARK);
        if (end)
            *end = '\0';
        fp->proved = strstr(start, "SUCCESS!") != NULL;
        if (!fp->proved) {
            /* the model: lines of "\signal  value" after the table header */
            char *m = strstr(start, "Signal Name");
            size_t n = 0;
            for (char *l = m ? strchr(m, '\n') : NULL; l && n + 1 < sizeof fp->counterexample;) {
                l++;
                char *nl = strchr(l, '\n');
                size_t ll = nl ? (size_t)(nl - l) : strlen(l);
                if (ll == 0 || strncmp(l, "  ", 2) != 0)
                    break;
                if (l[strspn(l, " -")] != '\n')
                    n += (size_t)snprintf(fp->counterexample + n, sizeof fp->counterexample - n,
                                          "%.*s\n", (int)ll, l);
                l = nl;
            }
        }
        r->nproved += fp->proved;
        if (end) {
            *end = MARK[0];
            p = end;
        }
    }
    free(log);
    return true;
}

bool nb_formal_check(const char *design_dir, const char *work_dir, nb_formal_result *r, FILE *log,
                     nb_err *err)
{
    double t0 = now();
    memset(r, 0, sizeof *r);
    char manifest[4200], check[4300], script[4300], logp[4300], outp[4300];
    snprintf(manifest, sizeof manifest, "%s/manifest.json", design_dir);
    nb_design *d = nb_design_load(manifest, err);
    if (!d)
        return false;
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
    snprintf(script, sizeof script, "%s/formal.ys", work_dir);
    snprintf(logp, sizeof logp, "%s/formal.log", work_dir);
    snprintf(outp, sizeof outp, "%s/formal.out", work_dir);
    char version[256];
    bool ok = nb_tool_version("yosys", "-V", version, sizeof version, err) &&
              nb_mkdir_p(work_dir, err) && formal_emit_check(d, check, err) &&
              write_script(d, design_dir, check, script, err);
    if (ok) {
        if (log)
            fprintf(log, "[formal] proving %d format pair%s with %s\n", r->npairs,
                    r->npairs == 1 ? "" : "s", version);
        remove(logp);
        char *argv[] = {"yosys", "-q", "-l", logp, "-s", script, NULL};
        remove(outp);
        int rc = nb_run_logged(argv, outp, NULL);
        if (rc != 0) {
            char tail[1200];
            nb_file_tail(outp, tail, sizeof tail);
            ok = nb_fail(err, "yosys failed (status %d%s) on the formal check (full log %s): %s", rc,
                         rc == 127 ? ": is yosys installed? run 'flows/setup.sh deps'" : "", logp,
                         tail);
        }
    }
    ok = ok && parse_log(d, logp, r, err);
    nb_design_free(d);
    r->seconds = now() - t0;
    return ok;
}
