/* nibble eval --overq-stats: which linear layers of a real model could use
 * OverQ at all. The float32 model runs once plainly and once through the
 * probe hook (which must leave every output unchanged: checked), and the
 * probe's counts are printed per layer and per input kind, and written as
 * CSV/JSON. Beside it, the float32 model runs with the inputs of each kind of
 * layer ReLU'd, to measure what an unsigned format would cost the model. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eval_overq.h"
#include "nibble/csv.h"
#include "nibble/files.h"
#include "nibble/model_eval.h"
#include "nibble/model_overq.h"
#include "nibble/output.h"

/* Variants run beside the probe: the float32 model with the inputs of one kind
 * of layer (or of all of a block's) ReLU'd. */
#define NRELU 5
static const unsigned RELU_MASK[NRELU] = {
    1u << NB_IN_QKV, 1u << NB_IN_O, 1u << NB_IN_GATEUP, 1u << NB_IN_DOWN,
    (1u << NB_IN_QKV) | (1u << NB_IN_O) | (1u << NB_IN_GATEUP) | (1u << NB_IN_DOWN),
};
static const char *RELU_NAME[NRELU] = {"q,k,v", "o", "gate,up", "down", "all but the classifier"};

/* A row of the tables: one layer's input, or the sum over layers (layer -1). */
typedef struct stat_row {
    int layer;
    nb_llama_input in;
    nb_act_stats s;
} stat_row;

static double frac(uint64_t a, uint64_t b)
{
    return b ? (double)a / (double)b : NAN;
}

/* Rows in print order: layer by layer, then the totals, then the classifier. */
static int collect(const nb_overq_probe *p, const nb_llama *m, stat_row *out)
{
    int n = 0;
    for (int l = 0; l < m->cfg.n_layers; l++)
        for (int in = 0; in < NB_IN_CLS; in++) {
            out[n] = (stat_row){.layer = l, .in = (nb_llama_input)in};
            out[n++].s = *nb_overq_probe_stats(p, l, (nb_llama_input)in);
        }
    for (int in = 0; in < NB_IN_CLS; in++) {
        out[n] = (stat_row){.layer = -1, .in = (nb_llama_input)in};
        nb_overq_probe_total(p, (nb_llama_input)in, &out[n++].s);
    }
    const nb_act_stats *c = nb_overq_probe_stats(p, m->cfg.n_layers, NB_IN_CLS);
    if (c->calls) {
        out[n] = (stat_row){.layer = m->cfg.n_layers, .in = NB_IN_CLS};
        out[n++].s = *c;
    }
    return n;
}

static void row_name(const stat_row *r, const nb_llama *m, char *buf, size_t len)
{
    if (r->in == NB_IN_CLS)
        snprintf(buf, len, "classifier");
    else if (r->layer < 0)
        snprintf(buf, len, "all %d layers %s", m->cfg.n_layers, nb_llama_input_name(r->in));
    else
        snprintf(buf, len, "layer %d %s", r->layer, nb_llama_input_name(r->in));
}

static void pct(double v, int width)
{
    if (isnan(v))
        printf(" %*s", width, "-");
    else
        printf(" %*.1f", width, 100 * v);
}

static void print_tables(const eval_overq_args *a, const nb_llama *m, const nb_token_rows *rows,
                         const nb_format *fmts, int nf, const stat_row *r, int nr,
                         const nb_eval_result *res)
{
    const nb_llama_config *c = &m->cfg;
    printf("model %s: dim %d, hidden %d, %d layers, %d heads (%d kv), vocab %d, seq_len %d\n",
           a->model, c->dim, c->hidden_dim, c->n_layers, c->n_heads, c->n_kv_heads,
           c->vocab_size, c->seq_len);
    printf("data %s: %zu sequences, %zu scored tokens; float32 perplexity %.4f, unchanged with "
           "the probe\n", a->data, rows->rows, res[0].scored, res[0].perplexity);
    printf("inputs of the linear layers of the float32 model; q,k,v and gate,up read one input "
           "each (counted once)\n\n");
    printf("Zeros of each input (%% of its elements): exact float zeros, negatives (a ReLU "
           "would zero them), zero codes after per-token quantization (absmax scale; an "
           "unsigned format quantizes max(x, 0))\n");
    printf("%-24s %5s %7s %7s", "input", "K", "x==0", "x<0");
    int width[NB_PROBE_FORMATS_MAX];
    bool any_unsigned = false;
    for (int f = 0; f < nf; f++) {
        char head[NB_NAME_MAX + 8];
        bool u = fmts[f].encoding == NB_ENC_UNSIGNED;
        any_unsigned = any_unsigned || u;
        snprintf(head, sizeof head, "%s%s", fmts[f].name, u ? "(r)" : "");
        width[f] = strlen(head) > 7 ? (int)strlen(head) : 7;
        printf(" %*s", width[f], head);
    }
    printf("\n");
    for (int i = 0; i < nr; i++) {
        char name[64];
        row_name(&r[i], m, name, sizeof name);
        printf("%-24s %5zu", name, r[i].s.K);
        pct(frac(r[i].s.zeros, r[i].s.elements), 7);
        pct(frac(r[i].s.negatives, r[i].s.elements), 7);
        for (int f = 0; f < nf; f++)
            pct(frac(r[i].s.zero_codes[f], r[i].s.elements), width[f]);
        printf("\n");
    }
    if (any_unsigned)
        printf("(r): an unsigned format, quantizing max(x, 0)\n");
    static const char *titles[NB_VIEW_COUNT] = {
        "OverQ on the ReLU'd inputs max(x, 0): what an unsigned OverQ array would be given "
        "(the negatives become zeros)",
        "OverQ on the magnitudes |x|: a sign-magnitude variant (sign beside the 4 bits), not "
        "nibble's OverQ hardware",
    };
    for (int v = 0; v < NB_VIEW_COUNT; v++) {
        printf("\n%s\n", titles[v]);
        printf("per-token scale = the best plain 4-bit scale; zeros and outliers (v > 15) after "
               "4-bit rounding, %% of elements; outliers handled, %% of outliers, by cascade "
               "depth, chains inside %ld-row tiles | no tile boundary\n", a->tile);
        printf("%-24s %7s %8s", "input", "zeros", "outliers");
        for (int t = 0; t < 2; t++) {
            printf(t ? " |" : "");
            for (int d = 0; d < NB_PROBE_DEPTHS; d++)
                printf("   %s%d", t ? "u" : "d", d);
        }
        printf("\n");
        for (int i = 0; i < nr; i++) {
            char name[64];
            row_name(&r[i], m, name, sizeof name);
            const nb_overq_stats *o = &r[i].s.overq[v][1][0];
            printf("%-24s", name);
            pct(frac(o->zeros, o->slots), 7);
            printf(" %8.3f", o->slots ? 100.0 * (double)o->outliers / (double)o->slots : NAN);
            for (int t = 0; t < 2; t++) {
                printf(t ? " |" : "");
                for (int d = 0; d < NB_PROBE_DEPTHS; d++)
                    pct(nb_act_coverage(&r[i].s, (nb_probe_view)v, t == 0, d), 4);
            }
            printf("\n");
        }
    }
    printf("\ndepth 0 is plain 4-bit (nothing handled); depth 1 overwrites the adjacent zero; "
           "each further depth lets one more value move. '-': no outlier, or the depth does "
           "not fit in the tile.\n");
    printf("\nThe float32 model with the inputs of these layers ReLU'd, max(x, 0): what an "
           "unsigned activation format (uint4) or nibble's OverQ does to them before any "
           "rounding\n");
    printf("%-24s %12s %12s %10s %8s\n", "inputs ReLU'd", "perplexity", "delta", "mean KL",
           "top-1");
    printf("%-24s %12.4f %+12.4f %10.5f %8.4f\n", "none (float32)", res[0].perplexity, 0.0, 0.0,
           1.0);
    for (int i = 0; i < NRELU; i++) {
        const nb_eval_result *e = &res[2 + i];
        printf("%-24s %12.4f %+12.4f %10.5f %8.4f\n", RELU_NAME[i], e->perplexity,
               e->perplexity - res[0].perplexity, e->mean_kl, e->top1);
    }
}

/* A value for JSON: fractions that are undefined become null. */
static json_t *jreal(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *coverage_json(const nb_act_stats *s, nb_probe_view v, bool tiled)
{
    json_t *arr = json_array();
    for (int d = 0; d < NB_PROBE_DEPTHS; d++)
        json_array_append_new(arr, jreal(nb_act_coverage(s, v, tiled, d)));
    return arr;
}

static json_t *row_json(const stat_row *r, const nb_format *fmts, int nf)
{
    const nb_act_stats *s = &r->s;
    json_t *o = json_object();
    json_object_set_new(o, "layer", r->layer < 0 ? json_string("all") : json_integer(r->layer));
    json_object_set_new(o, "input", json_string(nb_llama_input_name(r->in)));
    json_object_set_new(o, "K", json_integer((json_int_t)s->K));
    json_object_set_new(o, "tokens", json_integer((json_int_t)s->tokens));
    json_object_set_new(o, "elements", json_integer((json_int_t)s->elements));
    json_object_set_new(o, "float_zero_fraction", jreal(frac(s->zeros, s->elements)));
    json_object_set_new(o, "negative_fraction", jreal(frac(s->negatives, s->elements)));
    json_object_set_new(o, "min", s->calls ? json_real(s->min) : json_null());
    json_object_set_new(o, "max", s->calls ? json_real(s->max) : json_null());
    json_t *zc = json_object();
    for (int f = 0; f < nf; f++)
        json_object_set_new(zc, fmts[f].name, jreal(frac(s->zero_codes[f], s->elements)));
    json_object_set_new(o, "zero_code_fraction", zc);
    json_t *oq = json_object();
    for (int v = 0; v < NB_VIEW_COUNT; v++) {
        const nb_overq_stats *st = &s->overq[v][1][0];
        json_t *view = json_object();
        json_object_set_new(view, "zero_fraction", jreal(frac(st->zeros, st->slots)));
        json_object_set_new(view, "outlier_fraction", jreal(frac(st->outliers, st->slots)));
        json_object_set_new(view, "outliers", json_integer((json_int_t)st->outliers));
        json_object_set_new(view, "coverage_tiled", coverage_json(s, (nb_probe_view)v, true));
        json_object_set_new(view, "coverage_untiled", coverage_json(s, (nb_probe_view)v, false));
        json_object_set_new(oq, nb_probe_view_name((nb_probe_view)v), view);
    }
    json_object_set_new(o, "overq", oq);
    return o;
}

/* ",v" (",%.6g"), or "," alone when there is no value */
static void csv_num(FILE *f, double v)
{
    fputc(',', f);
    nb_csv_number(f, v, "");
}

static bool write_outputs(const eval_overq_args *a, const nb_llama *m, const nb_token_rows *rows,
                          const nb_format *fmts, int nf, const stat_row *r, int nr,
                          const nb_eval_result *res, nb_err *err)
{
    if (a->json) {
        json_t *doc = json_object(), *arr = json_array(), *fl = json_array(), *dl = json_array();
        for (int f = 0; f < nf; f++)
            json_array_append_new(fl, json_string(fmts[f].name));
        for (int d = 0; d < NB_PROBE_DEPTHS; d++)
            json_array_append_new(dl, json_integer(d));
        json_object_set_new(doc, "model", json_string(a->model));
        json_object_set_new(doc, a->data_is_text ? "text" : "tokens", json_string(a->data));
        json_object_set_new(doc, "sequences", json_integer((json_int_t)rows->rows));
        json_object_set_new(doc, "scored_tokens", json_integer((json_int_t)res[0].scored));
        json_object_set_new(doc, "perplexity", json_real(res[0].perplexity));
        json_object_set_new(doc, "tile", json_integer(a->tile));
        json_object_set_new(doc, "overq_mode", json_string(nb_overq_mode_name(NB_OVERQ_RANGE)));
        json_object_set_new(doc, "overq_scale", json_string("per token, best plain 4-bit (MSE)"));
        json_object_set_new(doc, "formats", fl);
        json_object_set_new(doc, "depths", dl);
        for (int i = 0; i < nr; i++)
            json_array_append_new(arr, row_json(&r[i], fmts, nf));
        json_object_set_new(doc, "inputs", arr);
        json_t *relu = json_array();
        for (int i = 0; i < NRELU; i++) {
            const nb_eval_result *e = &res[2 + i];
            json_t *o = json_object();
            json_object_set_new(o, "inputs_relu", json_string(RELU_NAME[i]));
            json_object_set_new(o, "perplexity", json_real(e->perplexity));
            json_object_set_new(o, "delta_perplexity", json_real(e->perplexity - res[0].perplexity));
            json_object_set_new(o, "mean_kl", json_real(e->mean_kl));
            json_object_set_new(o, "top1_agreement", json_real(e->top1));
            json_array_append_new(relu, o);
        }
        json_object_set_new(doc, "relu_inputs", relu);
        (void)m;
        if (!cli_json_write_file(a->json, doc, err))
            return false;
    }
    if (a->csv) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f) {
            fprintf(f, "layer,input,K,tokens,elements,float_zero_fraction,negative_fraction,min,max");
            for (int i = 0; i < nf; i++)
                fprintf(f, ",zero_codes_%s", fmts[i].name);
            for (int v = 0; v < NB_VIEW_COUNT; v++) {
                const char *vn = nb_probe_view_name((nb_probe_view)v);
                fprintf(f, ",%s_zero_fraction,%s_outlier_fraction,%s_outliers", vn, vn, vn);
                for (int t = 0; t < 2; t++)
                    for (int d = 0; d < NB_PROBE_DEPTHS; d++)
                        fprintf(f, ",%s_coverage_%s_d%d", vn, t ? "untiled" : "tiled", d);
            }
            fputc('\n', f);
            for (int i = 0; i < nr; i++) {
                const nb_act_stats *s = &r[i].s;
                if (r[i].layer < 0)
                    fprintf(f, "all");
                else
                    fprintf(f, "%d", r[i].layer);
                fprintf(f, ",\"%s\",%zu,%llu,%llu", nb_llama_input_name(r[i].in), s->K,
                        (unsigned long long)s->tokens, (unsigned long long)s->elements);
                csv_num(f, frac(s->zeros, s->elements));
                csv_num(f, frac(s->negatives, s->elements));
                csv_num(f, s->calls ? s->min : NAN);
                csv_num(f, s->calls ? s->max : NAN);
                for (int k = 0; k < nf; k++)
                    csv_num(f, frac(s->zero_codes[k], s->elements));
                for (int v = 0; v < NB_VIEW_COUNT; v++) {
                    const nb_overq_stats *st = &s->overq[v][1][0];
                    csv_num(f, frac(st->zeros, st->slots));
                    csv_num(f, frac(st->outliers, st->slots));
                    fprintf(f, ",%zu", st->outliers);
                    for (int t = 0; t < 2; t++)
                        for (int d = 0; d < NB_PROBE_DEPTHS; d++)
                            csv_num(f, nb_act_coverage(s, (nb_probe_view)v, t == 0, d));
                }
                fputc('\n', f);
            }
        }
        if (!nb_memstream_close(f, &buf, "the CSV table", err))
            return false;
        bool ok = nb_output_file_write(a->csv, buf, strlen(buf), err);
        free(buf);
        if (!ok)
            return false;
    }
    return true;
}

int eval_overq_stats(const char *cmd, const nb_llama *m, const nb_token_rows *rows,
                     const eval_overq_args *a)
{
    nb_err err;
    static nb_format fmts[NB_PROBE_FORMATS_MAX];
    nb_format_opts fo = nb_format_opts_default();
    int nf = nb_format_parse_list(a->acts, &fo, fmts, NB_PROBE_FORMATS_MAX, &err);
    if (nf < 0)
        return cli_fail_err(cmd, &err);
    nb_overq_probe_opts po = nb_overq_probe_opts_default();
    po.tile = (size_t)a->tile;
    po.fmts = fmts;
    po.nfmts = nf;
    nb_overq_probe *p = nb_overq_probe_new(m, &po, &err);
    if (!p)
        return cli_fail_err(cmd, &err);
    nb_linear_hook hooks[1 + NRELU];
    nb_relu_inputs *relu[NRELU] = {0};
    hooks[0] = nb_overq_probe_hook(p, NULL);
    for (int i = 0; i < NRELU; i++) {
        if (!(relu[i] = nb_relu_inputs_new(RELU_MASK[i], NULL, &err))) {
            for (int j = 0; j < i; j++)
                nb_relu_inputs_free(relu[j]);
            nb_overq_probe_free(p);
            return cli_fail_err(cmd, &err);
        }
        hooks[1 + i] = nb_relu_inputs_hook(relu[i]);
    }
    nb_eval_result res[2 + NRELU];
    nb_eval_opts eo = {.progress = a->quiet ? NULL : stderr, .cancel = cli_catch_interrupts()};
    int status = EXIT_BAD_INPUT;
    int nrows = m->cfg.n_layers * NB_IN_CLS + NB_IN_CLS + 1;
    stat_row *r = calloc((size_t)nrows, sizeof *r);
    if (!r) {
        nb_fail(&err, "out of memory");
    } else if (nb_eval_run(m, rows, hooks, 1 + NRELU, &eo, res, &err)) {
        /* the probe only watches: its run must score exactly as float32 does */
        if (res[1].nll != res[0].nll || res[1].top1_agree != res[0].top1_agree) {
            nb_fail(&err, "the probe changed the model's outputs (perplexity %.6f, float32 "
                    "%.6f): a bug in nibble", res[1].perplexity, res[0].perplexity);
            status = EXIT_CHECK_FAILED;
        } else {
            int nr = collect(p, m, r);
            if (write_outputs(a, m, rows, fmts, nf, r, nr, res, &err)) {
                print_tables(a, m, rows, fmts, nf, r, nr, res);
                status = 0;
            }
        }
    }
    if (status)
        cli_fail_err(cmd, &err);
    free(r);
    nb_overq_probe_free(p);
    for (int i = 0; i < NRELU; i++)
        nb_relu_inputs_free(relu[i]);
    return status;
}
