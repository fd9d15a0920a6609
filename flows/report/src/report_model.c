/* The report's model accuracy (nibble report --model): every design of the
 * report runs a llama model with its linear layers on the design's arithmetic
 * (model/: nb_qlinear, nb_eval_run), at each weight scaling (a block-scaled
 * design, whose blocks are its scaling, runs once: one row, its group the
 * block size, labelled "block32"); the rows get
 * their own frontiers (array area and energy per MAC against perplexity),
 * findings, model.csv and a "model_accuracy" object in report.json. Without
 * --model none of this runs and the report is as it was. */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/design.h"
#include "nibble/files.h"
#include "nibble/model_quant.h"
#include "nibble/pareto.h"
#include "report_internal.h"

/* the report's headline GEMM scaling (its frontiers use groups of 128 along K) */
#define DEFAULT_GROUPS "128"

bool rp_model_prepare(const nb_report_opts *o, rp_model **out, nb_err *err)
{
    *out = NULL;
    if (!o->model) {
        const char *given = o->tokenizer ? "--tokenizer" : o->text ? "--text"
                            : o->tokens ? "--tokens" : o->lines ? "--lines"
                            : o->model_groups ? "--model-group" : NULL;
        if (given)
            return nb_fail(err, "%s needs --model M (the model accuracy section); without "
                           "--model the report has no model", given);
        return true;
    }
    nb_eval_source src = {o->model, o->tokenizer, o->text, o->tokens, (size_t)o->lines};
    if (!nb_eval_source_check(&src, err))
        return false;
    rp_model *m = calloc(1, sizeof *m);
    if (!m)
        return nb_fail(err, "out of memory");
    m->ngroups = nb_eval_groups_parse("--model-group", o->model_groups ? o->model_groups
                                                                       : DEFAULT_GROUPS,
                                      m->groups, err);
    if (m->ngroups < 0 || !nb_eval_data_load(&src, &m->data, err)) {
        free(m);
        return false;
    }
    *out = m;
    return true;
}

void rp_model_free(rp_model *m)
{
    if (!m)
        return;
    nb_eval_data_free(&m->data);
    free(m->rows);
    free(m);
}

/* A design with block formats (mxfp4, nvfp4, int4/fp16/128, ...) on either
 * side: block-scaled (or refused when only one side is); its blocks are its
 * scaling, so --model-group does not multiply it. */
static bool block_design(const rp_design *d)
{
    return nb_block_spec_is_block(d->array.weights) || nb_block_spec_is_block(d->array.acts);
}

/* The weight scaling of a row: "channel", "g128", or "block32". */
static void scaling_text(const rp_report *r, const rp_model_row *m, char *buf, size_t len)
{
    if (block_design(&r->designs[m->design]))
        snprintf(buf, len, "block%zu", m->group);
    else
        nb_eval_group_text(m->group, buf, len);
}

void rp_model_label(const rp_report *r, const rp_model_row *m, char *buf, size_t len)
{
    char g[32] = "";
    if (r->model->ngroups > 1) {
        g[0] = ' ';
        scaling_text(r, m, g + 1, sizeof g - 1);
    }
    snprintf(buf, len, "%s%s", r->designs[m->design].label, g);
}

/* The report's design as a generated design (the arithmetic the C model runs). */
static nb_design *design_of(const rp_design *d, nb_err *err)
{
    nb_design_params p = nb_design_params_default();
    bool overq = strstr(d->array.acts, "overq") != NULL;
    p.weights = d->array.weights;
    p.acts = d->array.acts;
    p.rows = d->array.rows;
    p.cols = d->array.cols;
    p.acc_bits = d->array.acc_bits;
    if (overq) {
        p.cascade = d->array.cascade;
        p.overq_mode = d->array.overq_mode;
    }
    p.command = "nibble report";
    return nb_design_create(&p, err);
}

bool rp_model_accuracy(rp_report *r, nb_err *err)
{
    rp_model *m = r->model;
    int n = 0;
    for (int i = 0; i < r->ndesigns; i++)
        n += block_design(&r->designs[i]) ? 1 : m->ngroups;
    if (n > RP_MAX) /* the plots hold at most RP_MAX points */
        return nb_fail(err, "%d designs x %d weight scalings make %d model rows, at most %d: give "
                       "fewer formats or --model-group entries", r->ndesigns, m->ngroups, n, RP_MAX);
    m->rows = calloc((size_t)n, sizeof *m->rows);
    nb_design **designs = calloc((size_t)r->ndesigns, sizeof *designs);
    nb_qlinear **q = calloc((size_t)n, sizeof *q);
    nb_linear_hook *hooks = calloc((size_t)n, sizeof *hooks);
    nb_eval_result *res = calloc((size_t)n + 1, sizeof *res);
    int *which = calloc((size_t)n, sizeof *which);
    bool ok = (m->rows && designs && q && hooks && res && which) || nb_fail(err, "out of memory");
    int nh = 0;
    m->nrows = ok ? n : 0;
    for (int i = 0, at = 0; ok && i < r->ndesigns; i++) {
        nb_err why;
        designs[i] = design_of(&r->designs[i], &why);
        bool block = block_design(&r->designs[i]);
        for (int g = 0; g < (block ? 1 : m->ngroups); g++) {
            rp_model_row *row = &m->rows[at++];
            row->design = i;
            /* a block-scaled design: quantized with its block formats (nb_qlinear
             * refuses a group); the row's group is its block size */
            row->group = !block ? m->groups[g] : designs[i] ? (size_t)designs[i]->block : 0;
            nb_qlinear_opts qo = nb_qlinear_opts_default();
            qo.group = block ? 0 : row->group;
            nb_qlinear *ql = designs[i] ? nb_qlinear_new(&m->data.m, designs[i], 0, 0, &qo, &why)
                                        : NULL;
            if (!ql) {
                /* a design the model cannot run (OverQ activations): its row says why */
                row->res.failed = true;
                row->res.perplexity = row->res.mean_kl = row->res.top1 = NAN;
                snprintf(row->res.error, sizeof row->res.error, "%s", why.msg);
                continue;
            }
            q[nh] = ql;
            hooks[nh] = nb_qlinear_hook(ql);
            which[nh++] = at - 1;
        }
    }
    if (ok) {
        rp_progress(r, "model accuracy: %d designs x %d weight scalings on %zu sequences of %s%s",
                    r->ndesigns, m->ngroups, m->data.rows.rows, r->o->model,
                    n < r->ndesigns * m->ngroups ? " (block-scaled designs once, by their blocks)"
                                                 : "");
        /* a variant the model refuses mid-run (unsigned activations on signed
         * inputs) is dropped with its reason; the others go on */
        nb_eval_opts eo = {.progress = r->o->progress, .cancel = r->o->cancel, .keep_going = true};
        ok = nb_eval_run(&m->data.m, &m->data.rows, hooks, nh, &eo, res, err);
    }
    if (ok) {
        m->fp32 = res[0];
        for (int k = 0; k < nh; k++)
            m->rows[which[k]].res = res[k + 1];
    }
    for (int k = 0; k < nh; k++)
        nb_qlinear_free(q[k]);
    for (int i = 0; designs && i < r->ndesigns; i++)
        if (designs[i])
            nb_design_free(designs[i]);
    free(designs), free(q), free(hooks), free(res), free(which);
    return ok;
}

void rp_model_pareto(rp_report *r)
{
    rp_model *m = r->model;
    if (!m->nrows)
        return;
    double *cost = malloc((size_t)m->nrows * sizeof *cost), *qual = malloc((size_t)m->nrows * sizeof *qual);
    bool *front = malloc((size_t)m->nrows * sizeof *front);
    if (cost && qual && front)
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < m->nrows; i++) {
                const rp_design *d = &r->designs[m->rows[i].design];
                cost[i] = pass == 0 ? d->syn_array.area_array : rp_energy_pj(d);
                /* lower perplexity is better; a row not run is NaN, never on a front */
                qual[i] = -m->rows[i].res.perplexity;
            }
            nb_pareto_front(cost, qual, m->nrows, front);
            for (int i = 0; i < m->nrows; i++)
                *(pass == 0 ? &m->rows[i].front_area : &m->rows[i].front_energy) = front[i];
        }
    free(cost), free(qual), free(front);
}

/* Appends to the findings; never past the end of the buffer. */
static void say(rp_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(rp_report *r, const char *fmt, ...)
{
    size_t n = strlen(r->findings);
    if (n + 1 >= sizeof r->findings)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->findings + n, sizeof r->findings - n, fmt, ap);
    va_end(ap);
}

static void frontier_sentence(rp_report *r, bool area)
{
    const rp_model *m = r->model;
    int nfront = 0;
    for (int i = 0; i < m->nrows; i++)
        nfront += area ? m->rows[i].front_area : m->rows[i].front_energy;
    if (!nfront)
        return;
    say(r, "- Model frontier, %s against perplexity:", area ? "array area" : "energy per MAC");
    for (int i = 0; i < m->nrows; i++) {
        const rp_model_row *x = &m->rows[i];
        if (!(area ? x->front_area : x->front_energy))
            continue;
        const rp_design *d = &r->designs[x->design];
        char label[700];
        rp_model_label(r, x, label, sizeof label);
        if (area)
            say(r, " %s (%.0f um^2, perplexity %.4f);", label, d->syn_array.area_array,
                x->res.perplexity);
        else
            say(r, " %s (%.3f pJ/MAC, perplexity %.4f);", label, rp_energy_pj(d), x->res.perplexity);
    }
    say(r, " every other design that ran is dominated.\n");
}

/* Does perplexity order the designs as GEMM SQNR does? Pairs of designs at
 * the first weight scaling: concordant when the higher SQNR has the lower
 * perplexity. */
static void ordering_sentence(rp_report *r)
{
    const rp_model *m = r->model;
    int conc = 0, disc = 0, ties = 0, shown = 0;
    char list[2048] = "";
    size_t ln = 0;
    for (int i = 0; i < m->nrows; i++)
        for (int j = i + 1; j < m->nrows; j++) {
            const rp_model_row *a = &m->rows[i], *b = &m->rows[j];
            /* the first weight scaling; a block-scaled design has only its blocks */
            if ((a->group != m->groups[0] && !block_design(&r->designs[a->design])) ||
                (b->group != m->groups[0] && !block_design(&r->designs[b->design])))
                continue;
            double sa = r->designs[a->design].gemm.sqnr_db, sb = r->designs[b->design].gemm.sqnr_db;
            double pa = a->res.perplexity, pb = b->res.perplexity;
            if (!isfinite(sa) || !isfinite(sb) || !isfinite(pa) || !isfinite(pb))
                continue;
            if (sa == sb || pa == pb) {
                ties++;
                continue;
            }
            if ((sa > sb) == (pa < pb)) {
                conc++;
                continue;
            }
            disc++;
            if (shown++ < 4 && ln < sizeof list) {
                const rp_model_row *hi = sa > sb ? a : b, *lo = sa > sb ? b : a;
                ln += (size_t)snprintf(list + ln, sizeof list - ln,
                                       "%s%s has the higher GEMM SQNR (%.2f vs %.2f dB) but the "
                                       "higher perplexity (%.4f vs %.4f) than %s", ln ? "; " : "",
                                       r->designs[hi->design].label,
                                       r->designs[hi->design].gemm.sqnr_db,
                                       r->designs[lo->design].gemm.sqnr_db, hi->res.perplexity,
                                       lo->res.perplexity, r->designs[lo->design].label);
            }
        }
    int pairs = conc + disc;
    if (!pairs)
        return;
    char g[48];
    if (m->groups[0])
        snprintf(g, sizeof g, "in groups of %zu", m->groups[0]);
    else
        snprintf(g, sizeof g, "per channel");
    bool blocks = false;
    for (int i = 0; i < m->nrows; i++)
        blocks = blocks || block_design(&r->designs[m->rows[i].design]);
    say(r, "- Perplexity (weights scaled %s%s) orders the designs as GEMM SQNR does for %d of %d "
        "pairs (Kendall tau %.2f%s)", g, blocks ? "; block-scaled designs by their blocks" : "",
        conc, pairs, (double)(conc - disc) / pairs,
        ties ? ", ties left out" : "");
    if (!disc)
        say(r, ": here the GEMM-level proxy ranks the designs as the model does.\n");
    else
        say(r, ". %s%s. The GEMM SQNR is measured on synthetic %s weights and %s activations, "
            "not on this model's weights and its signed activations.\n", list,
            disc > shown ? "; ..." : "", r->o->weight_dist, r->o->act_dist);
}

void rp_model_findings(rp_report *r)
{
    const rp_model *m = r->model;
    int ran = 0, best = -1;
    for (int i = 0; i < m->nrows; i++)
        if (!m->rows[i].res.failed) {
            ran++;
            if (best < 0 || m->rows[i].res.perplexity < m->rows[best].res.perplexity)
                best = i;
        }
    say(r, "- Model accuracy on %s (%zu sequences, %zu scored tokens): float32 perplexity %.4f",
        r->o->model, m->data.rows.rows, m->fp32.scored, m->fp32.perplexity);
    if (best >= 0) {
        char label[700];
        rp_model_label(r, &m->rows[best], label, sizeof label);
        say(r, "; the best design, %s, reaches %.4f (%+.4f, top-1 agreement %.1f%%).\n", label,
            m->rows[best].res.perplexity, m->rows[best].res.perplexity - m->fp32.perplexity,
            100 * m->rows[best].res.top1);
    } else {
        say(r, "; no design could run on the model.\n");
    }
    if (ran < m->nrows) {
        int first = -1;
        say(r, "- Not run on the model (%d of %d rows):", m->nrows - ran, m->nrows);
        for (int i = 0; i < m->nrows; i++)
            if (m->rows[i].res.failed && (i == 0 || m->rows[i - 1].design != m->rows[i].design)) {
                if (first < 0)
                    first = i;
                say(r, " %s;", r->designs[m->rows[i].design].label);
            }
        say(r, " the first refusal: %s (model.csv gives each row's reason).\n",
            m->rows[first].res.error);
    }
    frontier_sentence(r, true);
    frontier_sentence(r, false);
    ordering_sentence(r);
}

bool rp_model_table(const rp_report *r, nb_err *err)
{
    const rp_model *m = r->model;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return nb_fail(err, "out of memory building model.csv");
    fputs("design,weights,acts,rows,cols,cascade,weight_scaling,group,perplexity,"
          "delta_perplexity,mean_kl,top1_agreement,scored_tokens,gemm_sqnr_db,array_area_um2,"
          "energy_per_mac_pj,front_area,front_energy,note\n", f);
    fprintf(f, "fp32,,,,,,,,%.6f,0,0,1,%zu,,,,0,0,\n", m->fp32.perplexity, m->fp32.scored);
    for (int i = 0; i < m->nrows; i++) {
        const rp_model_row *x = &m->rows[i];
        const rp_design *d = &r->designs[x->design];
        char g[32];
        scaling_text(r, x, g, sizeof g);
        nb_csv_quoted(f, d->label, ",");
        nb_csv_quoted(f, d->array.weights, ",");
        nb_csv_quoted(f, d->array.acts, ",");
        fprintf(f, "%d,%d,%d,%s,%zu,", d->array.rows, d->array.cols,
                strstr(d->array.acts, "overq") ? d->array.cascade : -1, g, x->group);
        if (x->res.failed)
            fputs(",,,,,", f); /* perplexity .. scored_tokens */
        else
            fprintf(f, "%.6f,%.6f,%.6g,%.6f,%zu,", x->res.perplexity,
                    x->res.perplexity - m->fp32.perplexity, x->res.mean_kl, x->res.top1,
                    x->res.scored);
        nb_csv_number(f, d->gemm.sqnr_db, ",");
        nb_csv_number(f, d->syn_array.area_array, ",");
        nb_csv_number(f, rp_energy_pj(d), ",");
        fprintf(f, "%d,%d,", x->front_area, x->front_energy);
        nb_csv_quoted(f, x->res.failed ? x->res.error : "", "\n");
    }
    char path[4400];
    rp_path(r, path, sizeof path, "model.csv");
    bool ok = nb_memstream_close(f, &buf, "model.csv", err) && nb_write_file(path, buf, len, err);
    free(buf);
    return ok;
}

json_t *rp_model_json(const rp_report *r)
{
    const rp_model *m = r->model;
    const nb_report_opts *o = r->o;
    const nb_llama_config *c = &m->data.m.cfg;
    json_t *scalings = json_array(), *rows = json_array();
    for (int g = 0; g < m->ngroups; g++) {
        char t[32];
        nb_eval_group_text(m->groups[g], t, sizeof t);
        json_array_append_new(scalings, json_string(t));
    }
    for (int i = 0; i < m->nrows; i++) {
        const rp_model_row *x = &m->rows[i];
        const rp_design *d = &r->designs[x->design];
        char g[32];
        scaling_text(r, x, g, sizeof g);
        json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:I, s:b, s:o, s:o, s:o, s:o, s:I, s:o, s:o, "
                                "s:o, s:b, s:b}",
                                "design", d->label, "weights", d->array.weights, "acts",
                                d->array.acts, "weight_scaling", g, "group", (json_int_t)x->group,
                                "ran", !x->res.failed, "perplexity", rp_json_num(x->res.perplexity),
                                "delta_perplexity", rp_json_num(x->res.perplexity - m->fp32.perplexity),
                                "mean_kl", rp_json_num(x->res.mean_kl), "top1_agreement", rp_json_num(x->res.top1),
                                "scored_tokens", (json_int_t)x->res.scored, "gemm_sqnr_db",
                                rp_json_num(d->gemm.sqnr_db), "array_area_um2", rp_json_num(d->syn_array.area_array),
                                "energy_per_mac_pj", rp_json_num(rp_energy_pj(d)), "front_area",
                                x->front_area, "front_energy", x->front_energy);
        if (row && x->res.failed)
            json_object_set_new(row, "note", json_string(x->res.error));
        json_array_append_new(rows, row);
    }
    return json_pack("{s:s, s:s?, s:s?, s:s?, s:I, s:I, s:I, s:{s:i, s:i, s:i, s:i, s:i, s:i, "
                     "s:i, s:b}, s:b, s:o, s:{s:o, s:I}, s:o}",
                     "model", o->model, "tokenizer", o->tokenizer, "text", o->text, "tokens",
                     o->tokens, "lines", (json_int_t)o->lines, "sequences",
                     (json_int_t)m->data.rows.rows, "scored_tokens", (json_int_t)m->fp32.scored,
                     "config", "dim", c->dim, "hidden_dim", c->hidden_dim, "n_layers", c->n_layers,
                     "n_heads", c->n_heads, "n_kv_heads", c->n_kv_heads, "vocab_size",
                     c->vocab_size, "seq_len", c->seq_len, "shared_classifier",
                     c->shared_classifier, "classifier_quantized", 0, "weight_scalings",
                     scalings, "fp32", "perplexity", rp_json_num(m->fp32.perplexity), "scored_tokens",
                     (json_int_t)m->fp32.scored, "rows", rows);
}

bool rp_model_plots(const rp_report *r, const char *dir, nb_err *err)
{
    const rp_model *m = r->model;
    int n = m->nrows; /* at most RP_MAX (rp_model_accuracy) */
    static double x[RP_MAX], y[RP_MAX];
    static bool on[RP_MAX];
    static char labels[RP_MAX][700];
    static const char *label[RP_MAX];
    char what[160];
    /* no user text in the title: it is quoted in the gnuplot script */
    snprintf(what, sizeof what, "%dx%d arrays, %zu sequences", r->o->rows, r->o->cols,
             m->data.rows.rows);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n; i++) {
            const rp_model_row *row = &m->rows[i];
            const rp_design *d = &r->designs[row->design];
            x[i] = pass == 0 ? d->syn_array.area_array : rp_energy_pj(d);
            y[i] = row->res.perplexity;
            on[i] = pass == 0 ? row->front_area : row->front_energy;
            rp_model_label(r, row, labels[i], sizeof labels[i]);
            label[i] = labels[i];
        }
        rp_scatter s = {pass == 0 ? "area_vs_ppl" : "energy_vs_ppl",
                        pass == 0 ? "Area vs model perplexity" : "Energy per MAC vs model perplexity",
                        what, pass == 0 ? "array area (mm^2)" : "energy per MAC (pJ)",
                        "perplexity", "lower-left", pass == 0 ? 1e-6 : 1, n, x, y, on, label};
        if (!rp_plot_scatter(&s, dir, err))
            return false;
    }
    return true;
}
