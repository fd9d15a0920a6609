/* The scale stage of a block-scaled design, proved obligation by obligation:
 * one Yosys run each (its own script and log in the work directory), so each
 * gets its own result, time and counterexample. What each one proves and
 * rules out is in flows/README.md, "Formal check". */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formal_internal.h"
#include "nibble/scale_format.h"

/* A SAT instance over this many seconds is given up (reported, not proved). */
#define STAGE_SAT_TIMEOUT 600

typedef struct obligation {
    const char *name, *top, *ok, *show;
    bool seq;
    const char *prep; /* commands after flatten, or NULL */ /* the pipeline proof: sat -seq over the stage's latency */
} obligation;

static bool write_comb_script(const char *path, const char *design_dir, const char *check,
                              const obligation *o, nb_err *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return nb_fail(err, "out of memory");
    fprintf(f, "# nibble formal check, scale stage: %s (flows/README.md, Formal check)\n", o->name);
    const char *extra[] = {check};
    bool ok = formal_read_sources(f, design_dir, extra, 1, NULL, err);
    fprintf(f, "hierarchy -check -top %s\nproc\nflatten\n%sopt_expr\nopt_clean\ncheck -assert\n"
               "memory\ntechmap\nopt_expr\nopt_clean\nabc -g AND\nopt_clean\n"
               "sat -prove %s 1 -timeout %d -show %s\n",
            o->top, o->prep ? o->prep : "", o->ok, STAGE_SAT_TIMEOUT, o->show);
    ok = nb_memstream_close(f, &text, path, err) && ok && nb_write_file(path, text, len, err);
    free(text);
    return ok;
}

/* The pipeline proof: nibble_top with its arithmetic modules replaced by
 * stand-ins (formal_emit_stage_standins), the array cut away (its outputs and
 * every other undriven net become free inputs), clocked for N + 1 steps. */
static bool write_seq_script(const char *path, const nb_design *d, const char *design_dir,
                             const char *check, const char *standins, nb_err *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return nb_fail(err, "out of memory");
    int n = d->scale_latency, steps = n + 1, dt = d->scale_term_stages;
    fputs("# nibble formal check, scale stage: pipeline (flows/README.md, Formal check)\n", f);
    static const char *const skip[] = {"nibble_scale_prod.v", "nibble_f32_round.v",
                                       "nibble_f32_add_align.v", "nibble_f32_add_sum.v", NULL};
    const char *extra[] = {standins, check};
    bool ok = formal_read_sources(f, design_dir, extra, 2, skip, err);
    fputs("delete nibble_top/u_array\nhierarchy -check -top nibble_formal_pipe\nproc\nflatten\n"
          "opt_expr\nopt_clean\nsetundef -undriven -expose\nmemory\nopt_clean\n", f);
    fprintf(f, "sat -seq %d", steps);
    for (int t = 1; t <= steps; t++)
        fprintf(f, " -set-at %d rst_ni 1 -set-at %d pick_s_i %d -set-at %d pick_a_i %d", t, t,
                t == 1, t, t == 1 + dt);
    fprintf(f, " -prove ok_o 1 -prove-skip %d -timeout %d -show "
               "scale_en_i,out_valid_o,fired,out_facc_valid_o,expected_o,col_facc_o\n",
            steps - 1, STAGE_SAT_TIMEOUT);
    ok = nb_memstream_close(f, &text, path, err) && ok && nb_write_file(path, text, len, err);
    free(text);
    return ok;
}

static bool run_one(const obligation *o, const nb_design *d, const char *design_dir,
                    const char *work_dir, const char *check, const char *standins,
                    nb_formal_obligation *res, FILE *log, nb_err *err)
{
    char script[4300], logp[4300], outp[4300];
    snprintf(script, sizeof script, "%s/stage_%s.ys", work_dir, o->name);
    snprintf(logp, sizeof logp, "%s/stage_%s.log", work_dir, o->name);
    snprintf(outp, sizeof outp, "%s/stage_%s.out", work_dir, o->name);
    bool ok = o->seq ? write_seq_script(script, d, design_dir, check, standins, err)
                     : write_comb_script(script, design_dir, check, o, err);
    if (!ok)
        return false;
    if (log) {
        fprintf(log, "[formal] scale stage: %s ...\n", o->name);
        fflush(log);
    }
    double t0 = formal_now();
    remove(logp);
    remove(outp);
    char *argv[] = {"yosys", "-q", "-l", logp, "-s", script, NULL};
    int rc = 0;
    if (!nb_run_tool(argv, outp, NULL, &rc, err))
        return false;
    res->seconds = formal_now() - t0;
    char *text = nb_read_file(logp, NULL, err);
    if (!text)
        return false;
    const char *sat = strstr(text, "Executing SAT pass");
    if (rc != 0 || !sat) {
        free(text);
        char tail[1200];
        nb_file_tail(outp, tail, sizeof tail);
        return nb_fail(err, "yosys failed (status %d) on the scale stage's %s proof (log %s): %s",
                       rc, o->name, logp, tail);
    }
    res->proved = strstr(sat, "SUCCESS!") != NULL;
    res->timed_out = !res->proved && strstr(sat, "TIMEOUT") != NULL;
    if (res->timed_out)
        formal_append(res->counterexample, sizeof res->counterexample,
                 "    no answer: the SAT solver gave up after %d s (log %s)\n", STAGE_SAT_TIMEOUT,
                 logp);
    else if (!res->proved)
        formal_copy_model(sat, d->scale_latency + 1, true, res->counterexample,
                          sizeof res->counterexample);
    free(text);
    return true;
}

static const char *const NAMES[] = {"round-term", "round-add",  "term",        "add-comm",
                                    "add-zero",   "add-cancel", "add-special", "pipeline"};
#define NNAMES ((int)(sizeof NAMES / sizeof *NAMES))

const char *nb_formal_stage_names(void)
{
    return "round-term,round-add,term,add-comm,add-zero,add-cancel,add-special,pipeline";
}

/* Is `name` in the comma list? */
static bool listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

bool formal_stage_names_valid(const char *only, nb_err *err)
{
    for (const char *p = only;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        bool known = false;
        for (int i = 0; i < NNAMES; i++)
            known = known || (strlen(NAMES[i]) == len && strncmp(p, NAMES[i], len) == 0);
        if (!known)
            return nb_fail(err, "--stage: unknown scale-stage obligation '%.*s': the names are %s",
                           (int)len, p, nb_formal_stage_names());
        if (!comma)
            return true;
        p = comma + 1;
    }
}

bool formal_stage_check(const nb_design *d, const char *design_dir, const char *work_dir,
                        const char *only, nb_formal_result *r, FILE *log, nb_err *err)
{
    char check[4300], standins[4300], round_top[64], round_show[64];
    snprintf(check, sizeof check, "%s/nibble_formal_stage.v", work_dir);
    snprintf(standins, sizeof standins, "%s/nibble_formal_standins.v", work_dir);
    int xw = formal_stage_mag_bits(d);
    snprintf(round_top, sizeof round_top, "nibble_formal_round_%d", xw);
    snprintf(round_show, sizeof round_show, "sign_i,mag_i,exp_i,f32_o");
    const obligation obs[NNAMES] = {
        {"round-term", round_top, "ok_o", round_show, false, NULL},
        {"round-add", "nibble_formal_round_28", "ok_o", round_show, false, NULL},
        {"term", "nibble_formal_term", "ok_o", "psum_i,w_scale_i,a_scale_i,term_o", false,
         /* scales with significands: the product cut out as a free value
          * (the two nibble_scale_prod copies merged first) */
         formal_stage_term_full(d) ? NULL
                                   : "opt_merge\ndelete t:$mul\nsetundef -undriven -expose\n"},
        {"add-comm", "nibble_formal_add", "comm_ok_o", "a_i,b_i,sum_o,swapped_o", false, NULL},
        {"add-zero", "nibble_formal_add", "zero_ok_o", "a_i,plus_zero_o,zero_plus_o", false, NULL},
        {"add-cancel", "nibble_formal_add", "cancel_ok_o", "a_i,minus_self_o", false, NULL},
        {"add-special", "nibble_formal_add", "special_ok_o", "a_i,b_i,sum_o", false, NULL},
        {"pipeline", "nibble_formal_pipe", "ok_o", "", true, NULL},
    };
    char claims[][200] = {
        "", "nibble_f32_round #(.XW(28)) == IEEE RNE to binary32 of sign * mag * 2^exp, every input",
        "", "a + b == b + a (the binary32 addition)",
        "x + (+0) == (+0) + x == x for x not NaN; (-0) + (+0) == +0",
        "x + (-x) == +0 for finite x; NaN for inf and NaN",
        "NaN in or inf - inf gives 0x7FC00000; inf + finite == inf; finite + finite is never NaN",
        ""};
    snprintf(claims[0], sizeof claims[0],
             "nibble_f32_round #(.XW(%d)) == IEEE RNE to binary32 of sign * mag * 2^exp, every input",
             xw);
    snprintf(claims[2], sizeof claims[2],
             "block term == RNE_fp32(P * Sw * Sa * 2^-%d) for every %d-bit P and every %s x %s "
             "scale code (golden decodings)%s",
             d->w_grid_frac + d->a_grid_frac, d->acc_bits, nb_scale_fmt_name(d->wblock.scale),
             nb_scale_fmt_name(d->ablock.scale),
             formal_stage_term_full(d) ? "" : "; the product |P| x significands any value (not proved)");
    snprintf(claims[7], sizeof claims[7],
             "nibble_top's %d-cycle stage == term then addition of the values sampled in cycles "
             "s and s + %d (arithmetic modules as stand-ins); no fire, no output",
             d->scale_latency, d->scale_term_stages);
    if (!formal_emit_stage_check(d, check, err) || !formal_emit_stage_standins(d, standins, err))
        return false;
    int nobs = (int)(sizeof obs / sizeof *obs);
    for (int i = 0; i < nobs && r->nstage < NB_FORMAL_MAX_STAGE; i++) {
        if (only && !listed(only, obs[i].name))
            continue;
        nb_formal_obligation *res = &r->stage[r->nstage];
        memset(res, 0, sizeof *res);
        snprintf(res->name, sizeof res->name, "%s", obs[i].name);
        snprintf(res->claim, sizeof res->claim, "%s", claims[i]);
        if (!run_one(&obs[i], d, design_dir, work_dir, check, standins, res, log, err))
            return false;
        r->nstage++;
        r->nstage_proved += res->proved;
    }
    return true;
}
