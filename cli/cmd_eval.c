/* nibble eval: perplexity of a real model in float and with every linear layer
 * on designs' arithmetic (model/README.md). */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "nibble/csv.h"
#include "nibble/files.h"
#include "nibble/list.h"
#include "nibble/output.h"
#include "design_arg.h"
#include "eval_overq.h"
#include "nibble/model_eval.h"
#include "nibble/model_quant.h"
#include "nibble/model_setup.h"
#include "nibble/workload.h"

static const char *CMD = "eval";

#define MAX_CONFIGS 16
#define MAX_VARIANTS 256
#define MAX_GROUPS NB_EVAL_GROUPS_MAX

static void help(void)
{
    printf("usage: nibble eval --model M [--tokenizer T] (--text F | --tokens F.npy) [options]\n\n"
           "Perplexity of a llama model in float32 and, for each design, with every\n"
           "linear layer (q, k, v, o, gate, up, down) computed by the design's arithmetic:\n"
           "weights quantized once, activations per token, integer partial sums from the\n"
           "bit-exact GEMM model of the array, scales applied as the golden library does.\n"
           "Attention products, norms and softmax stay in float. Reports perplexity, its\n"
           "difference from float32, the mean KL divergence of the next-token distribution\n"
           "from float32 and top-1 agreement with float32.\n\n"
           "Scoring: each non-empty line gives BOS + encode(line) (dummy-prefix space),\n"
           "truncated to the model's seq_len; predictions of tokens[1:] are scored;\n"
           "perplexity = exp(total NLL / scored tokens).\n\n"
           "  --model M           llama2.c checkpoint (legacy or version 1 float32), or a\n"
           "                      Hugging Face llama directory (config.json, *.safetensors)\n"
           "  --tokenizer T       llama2.c tokenizer.bin (needed with --text)\n"
           "  --text F            text, one sequence per non-empty line\n"
           "  --tokens F.npy      token ids instead: int32/int64, (n,) = one stream cut into\n"
           "                      seq_len windows, or (rows, n) with negative ids as padding\n"
           "  --lines N           only the first N non-empty lines (rows, windows)\n"
           "  --weights LIST      weight formats: one design per (weight, activation) pair\n"
           "  --acts LIST         activation formats of those designs (default int8)\n"
           "  --rows R, --cols C  their array size (default 8x8)\n"
           "  --acc-bits W        their accumulator width (default %d, wrapping)\n"
           "  --config DIR        a generated design (repeatable): every format pair of it\n"
           "  --group LIST        weight scaling: 'channel' and/or group sizes along the input\n"
           "                      dimension, e.g. channel,64,32 (default channel); refused\n"
           "                      with block formats, whose block is their scaling\n"
           "  block formats       --weights and --acts both block formats (mxfp4, nvfp4,\n"
           "                      mx:sf4/e8m0/32, int4/fp16/128, ...: as nibble gen) make a\n"
           "                      block-scaled design: weights block-quantized along the input\n"
           "                      dimension, activations per token along K, each block's\n"
           "                      integer sum scaled and accumulated in binary32 by the\n"
           "                      array's scale stage, NVFP4's FP32 tensor scales after it;\n"
           "                      the block size must be a multiple of --rows\n"
           "  --scale-rule R      block-scaled designs: choose the block scales by R (floor,\n"
           "                      rceil or even for e8m0 scales, nearest for ue4m3, fp16 and\n"
           "                      bf16; each side whose scales take it; default: the block\n"
           "                      formats' own rule, rceil for e8m0)\n"
           "  --quantize-classifier  also run the classifier on the design (default: float)\n"
           "  --backend B         where the integer partial sums come from: fast (default,\n"
           "                      the C model's fast-forward), verilator (the design's RTL\n"
           "                      compiled by Verilator, cycle by cycle: slow, for short\n"
           "                      sequences, e.g. --lines 1) or c (the stepped C model);\n"
           "                      all give identical partial sums (and binary32 results)\n"
           "  --overq-stats       instead of designs: per linear layer input, the zero\n"
           "                      fraction (float, and codes of each --acts format) and the\n"
           "                      OverQ coverage at cascade depths 0..4 in --rows-row tiles\n"
           "  --csv F, --json F   write the table (atomically; never over an input)\n"
           "  -q, --quiet         no progress line\n"
           "  -h, --help          this text\n",
           NB_ACC_BITS_DEFAULT);
}

typedef struct variant {
    nb_design *d;          /* owned when own_design */
    bool own_design;
    int wsel, asel;
    size_t group;          /* block-scaled designs: 0 (the block is their scaling) */
    bool block;            /* block-scaled: the block formats as used (rule applied) */
    nb_block_format wbf, abf;
    char design[4096];     /* "8x8 acc32" or the --config path as given */
    char dir[4096];        /* the config directory ("" for a design made here) */
    char label[4200];
    nb_qlinear *q;
} variant;

typedef struct eval_args {
    const char *model, *tokenizer, *text, *tokens, *csv, *json;
    const char *weights, *acts, *groups;
    const char *configs[MAX_CONFIGS];
    int nconfigs;
    long lines, rows, cols, acc_bits;
    nb_qlinear_backend backend;
    bool classifier, quiet, overq_stats;
    bool group_set, rule_set;  /* --group, --scale-rule given */
    nb_scale_rule rule;
} eval_args;

static bool check_outputs(const eval_args *a, nb_err *err)
{
    const char *outs[2] = {a->csv, a->json};
    const char *ins[4] = {a->model, a->tokenizer, a->text, a->tokens};
    if (a->csv && a->json && strcmp(a->csv, a->json) == 0)
        return nb_fail(err, "--csv and --json name the same file %s: give two files", a->csv);
    for (int o = 0; o < 2; o++) {
        if (!outs[o])
            continue;
        /* links, devices, FIFOs, directories, files of the inputs or inside a design */
        const char **checked = malloc((size_t)(4 + a->nconfigs) * sizeof *checked);
        if (!checked)
            return nb_fail(err, "out of memory");
        size_t nchecked = 0;
        for (int i = 0; i < 4; i++)
            if (ins[i])
                checked[nchecked++] = ins[i];
        for (int i = 0; i < a->nconfigs; i++)
            checked[nchecked++] = a->configs[i];
        bool fine = nb_output_file_check(o ? "--json" : "--csv", outs[o], checked, nchecked, err);
        free(checked);
        if (!fine)
            return false;
    }
    return true;
}

/* The weight scaling column: "channel", "g64", or "block32". */
static void scaling_text(const variant *v, char *buf, size_t len)
{
    if (v->block)
        snprintf(buf, len, "block%zu", v->wbf.block);
    else
        nb_eval_group_text(v->group, buf, len);
}

/* A block format's name: its alias and the rule used ("mxfp4/rceil"), or the
 * canonical spec, which ends in the rule. */
static void block_name(const nb_block_format *bf, char *buf, size_t len)
{
    if (bf->alias[0])
        snprintf(buf, len, "%s/%s", bf->alias, nb_scale_rule_name(bf->rule));
    else
        snprintf(buf, len, "%s", bf->name);
}

static const char *w_name(const variant *v, char *buf, size_t len)
{
    if (!v->block)
        return v->d->w[v->wsel].name;
    block_name(&v->wbf, buf, len);
    return buf;
}

static const char *a_name(const variant *v, char *buf, size_t len)
{
    if (!v->block)
        return v->d->a[v->asel].name;
    block_name(&v->abf, buf, len);
    return buf;
}

static bool add_variants(const eval_args *ea, nb_design *d, bool own, const char *design,
                         const char *dir, const size_t *groups, int ngroups, variant *v, int *nv,
                         nb_err *err)
{
    bool owned_once = false;
    nb_block_format wbf, abf;
    static const size_t NO_GROUP[1] = {0};
    if (d->block_scaled) {
        /* the block is the scaling: one variant, and an explicit --group is a mistake */
        if (ea->group_set || !nb_workload_block_formats(d, ea->rule_set, ea->rule, &wbf, &abf, err)) {
            if (ea->group_set)
                nb_fail(err, "--group %s does not apply to the block-scaled design {%s} x {%s}: "
                        "its blocks of %d along K are its scaling; drop --group (run designs "
                        "with software group scales in a separate command)", ea->groups,
                        d->weights_spec, d->acts_spec, d->block);
            if (own)
                nb_design_free(d);
            return nb_fail_prefix(err, "%s", design);
        }
        groups = NO_GROUP;
        ngroups = 1;
    } else if (ea->rule_set) {
        nb_fail(err, "--scale-rule %s applies to block-scaled designs only; the design {%s} x "
                "{%s} (%s) has no block scales", nb_scale_rule_name(ea->rule), d->weights_spec,
                d->acts_spec, design);
        if (own)
            nb_design_free(d);
        return false;
    }
    for (int w = 0; w < d->nw; w++)
        for (int a = 0; a < d->na; a++)
            for (int g = 0; g < ngroups; g++) {
                if (*nv == MAX_VARIANTS) {
                    if (own && !owned_once)
                        nb_design_free(d);
                    return nb_fail(err, "more than %d variants: split the run", MAX_VARIANTS);
                }
                variant *x = &v[(*nv)++];
                memset(x, 0, sizeof *x);
                x->d = d;
                x->own_design = own && !owned_once;
                owned_once = true;
                x->wsel = w;
                x->asel = a;
                x->group = groups[g];
                x->block = d->block_scaled;
                if (x->block) {
                    x->wbf = wbf;
                    x->abf = abf;
                }
                snprintf(x->design, sizeof x->design, "%s", design);
                snprintf(x->dir, sizeof x->dir, "%s", dir);
                char gt[32], wn[NB_NAME_MAX + 96], an[NB_NAME_MAX + 96];
                scaling_text(x, gt, sizeof gt);
                snprintf(x->label, sizeof x->label, "%s x %s %s %s", w_name(x, wn, sizeof wn),
                         a_name(x, an, sizeof an), gt, design);
            }
    return true;
}

static bool build_variants(const eval_args *a, variant *v, int *nv, nb_err *err)
{
    size_t groups[MAX_GROUPS];
    int ngroups = nb_eval_groups_parse("--group", a->groups, groups, err);
    if (ngroups < 0)
        return false;
    *nv = 0;
    if (a->weights) {
        char wl[2048], al[2048];
        snprintf(wl, sizeof wl, "%s", a->weights);
        for (char *ws = NULL, *w = strtok_r(wl, ",", &ws); w; w = strtok_r(NULL, ",", &ws)) {
            snprintf(al, sizeof al, "%s", a->acts);
            for (char *as = NULL, *ac = strtok_r(al, ",", &as); ac; ac = strtok_r(NULL, ",", &as)) {
                nb_design_params p = nb_design_params_default();
                p.weights = w;
                p.acts = ac;
                p.rows = (int)a->rows;
                p.cols = (int)a->cols;
                p.acc_bits = (int)a->acc_bits;
                p.command = "nibble eval";
                nb_design *d = nb_design_create(&p, err);
                if (!d)
                    return false;
                char design[64];
                snprintf(design, sizeof design, "%dx%d acc%d", d->rows, d->cols, d->acc_bits);
                if (!add_variants(a, d, true, design, "", groups, ngroups, v, nv, err))
                    return false;
            }
        }
    }
    for (int i = 0; i < a->nconfigs; i++) {
        char dir[4096];
        nb_design *d = cli_load_design(a->configs[i], false, dir, sizeof dir, err);
        if (!d)
            return false;
        /* labelled by the path as given (a manifest path keeps its file name) */
        if (!add_variants(a, d, true, a->configs[i], dir, groups, ngroups, v, nv, err))
            return false;
    }
    return true;
}

static void free_variants(variant *v, int nv)
{
    for (int i = 0; i < nv; i++) {
        nb_qlinear_free(v[i].q);
        if (v[i].own_design)
            nb_design_free(v[i].d);
    }
}

static json_t *result_json(const char *label, const variant *v, const nb_eval_result *r,
                           const nb_eval_result *ref, bool classifier)
{
    json_t *o = json_object();
    json_object_set_new(o, "label", json_string(label));
    if (v) {
        char gt[32], wn[NB_NAME_MAX + 96], an[NB_NAME_MAX + 96];
        scaling_text(v, gt, sizeof gt);
        json_object_set_new(o, "weights", json_string(w_name(v, wn, sizeof wn)));
        json_object_set_new(o, "acts", json_string(a_name(v, an, sizeof an)));
        json_object_set_new(o, "weight_scaling", json_string(gt));
        json_object_set_new(o, "group", json_integer((json_int_t)v->group));
        json_object_set_new(o, "block_scaled", json_boolean(v->block));
        if (v->block) {
            /* the canonical specs (mx:ELEM/SCALE/BLOCK/RULE) and their parts */
            json_object_set_new(o, "weight_format", json_string(v->wbf.name));
            json_object_set_new(o, "act_format", json_string(v->abf.name));
            json_object_set_new(o, "block", json_integer((json_int_t)v->wbf.block));
            json_object_set_new(o, "weight_element", json_string(v->wbf.elem.name));
            json_object_set_new(o, "act_element", json_string(v->abf.elem.name));
            json_object_set_new(o, "weight_scale_format",
                                json_string(nb_scale_fmt_name(v->wbf.scale)));
            json_object_set_new(o, "act_scale_format", json_string(nb_scale_fmt_name(v->abf.scale)));
            json_object_set_new(o, "weight_scale_rule", json_string(nb_scale_rule_name(v->wbf.rule)));
            json_object_set_new(o, "act_scale_rule", json_string(nb_scale_rule_name(v->abf.rule)));
            json_object_set_new(o, "weight_tensor_scale", json_boolean(v->wbf.tensor_scale));
            json_object_set_new(o, "act_tensor_scale", json_boolean(v->abf.tensor_scale));
        }
        json_object_set_new(o, "design", json_string(v->design));
        json_object_set_new(o, "rows", json_integer(v->d->rows));
        json_object_set_new(o, "cols", json_integer(v->d->cols));
        json_object_set_new(o, "acc_bits", json_integer(v->d->acc_bits));
        json_object_set_new(o, "classifier_quantized", json_boolean(classifier));
    }
    json_object_set_new(o, "perplexity", json_real(r->perplexity));
    json_object_set_new(o, "delta_perplexity", json_real(r->perplexity - ref->perplexity));
    json_object_set_new(o, "mean_kl", json_real(r->mean_kl));
    json_object_set_new(o, "top1_agreement", json_real(r->top1));
    json_object_set_new(o, "nll", json_real(r->nll));
    json_object_set_new(o, "scored_tokens", json_integer((json_int_t)r->scored));
    json_object_set_new(o, "seconds", json_real(r->seconds));
    return o;
}

static bool write_outputs(const eval_args *a, const nb_llama *m, size_t nrows, const variant *v,
                          int nv, const nb_eval_result *res, nb_err *err)
{
    if (a->json) {
        json_t *doc = json_object(), *arr = json_array();
        json_object_set_new(doc, "model", json_string(a->model));
        json_object_set_new(doc, a->text ? "text" : "tokens", json_string(a->text ? a->text : a->tokens));
        json_object_set_new(doc, "sequences", json_integer((json_int_t)nrows));
        json_object_set_new(doc, "seq_len", json_integer(m->cfg.seq_len));
        json_object_set_new(doc, "classifier_quantized", json_boolean(a->classifier));
        json_object_set_new(doc, "backend", json_string(nb_qlinear_backend_name(a->backend)));
        json_array_append_new(arr, result_json("fp32", NULL, &res[0], &res[0], false));
        for (int i = 0; i < nv; i++)
            json_array_append_new(arr, result_json(v[i].label, &v[i], &res[i + 1], &res[0],
                                                   a->classifier));
        json_object_set_new(doc, "results", arr);
        if (!cli_json_write_file(a->json, doc, err))
            return false;
    }
    if (a->csv) {
        /* built in memory (no row or label is ever cut), written once complete */
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f) {
            fprintf(f, "label,weights,acts,weight_scaling,design,rows,cols,acc_bits,"
                       "classifier_quantized,perplexity,delta_perplexity,mean_kl,"
                       "top1_agreement,scored_tokens\n");
            fprintf(f, "fp32,,,,,,,,false,%.6f,0,0,1,%zu\n", res[0].perplexity, res[0].scored);
            for (int i = 0; i < nv; i++) {
                char gt[32], wn[NB_NAME_MAX + 96], an[NB_NAME_MAX + 96];
                scaling_text(&v[i], gt, sizeof gt);
                nb_csv_quoted(f, v[i].label, ",");
                nb_csv_text(f, w_name(&v[i], wn, sizeof wn), ",");
                nb_csv_text(f, a_name(&v[i], an, sizeof an), ",");
                fprintf(f, "%s,", gt);
                nb_csv_quoted(f, v[i].design, ",");
                fprintf(f, "%d,%d,%d,%s,%.6f,%.6f,%.6g,%.6f,%zu\n", v[i].d->rows, v[i].d->cols,
                        v[i].d->acc_bits,
                        a->classifier ? "true" : "false", res[i + 1].perplexity,
                        res[i + 1].perplexity - res[0].perplexity, res[i + 1].mean_kl,
                        res[i + 1].top1, res[i + 1].scored);
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

static void print_table(const eval_args *a, const nb_llama *m, size_t nrows, const variant *v,
                        int nv, const nb_eval_result *res)
{
    const nb_llama_config *c = &m->cfg;
    printf("model %s: dim %d, hidden %d, %d layers, %d heads (%d kv), vocab %d, seq_len %d, %s "
           "classifier\n", a->model, c->dim, c->hidden_dim, c->n_layers, c->n_heads,
           c->n_kv_heads, c->vocab_size, c->seq_len, c->shared_classifier ? "tied" : "separate");
    printf("data %s: %zu sequences, %zu scored tokens\n", a->text ? a->text : a->tokens, nrows,
           res[0].scored);
    if (nv) {
        printf("classifier: %s\n", a->classifier ? "on the design's arithmetic"
               : "float32 (not quantized; --quantize-classifier runs it on the design)");
        printf("partial sums: %s backend\n", nb_qlinear_backend_name(a->backend));
    }
    printf("%-44s %12s %10s %10s %8s %9s\n", "variant", "perplexity", "delta", "mean KL",
           "top-1", "tokens/s");
    for (int i = 0; i <= nv; i++) {
        const nb_eval_result *r = &res[i];
        printf("%-44s %12.4f %+10.4f %10.5f %8.4f %9.0f\n", i ? v[i - 1].label : "fp32",
               r->perplexity, r->perplexity - res[0].perplexity, r->mean_kl, r->top1,
               r->seconds > 0 ? (double)(r->scored + nrows) / r->seconds : 0);
    }
}

static int run(const eval_args *a)
{
    nb_err err;
    nb_eval_source src = {a->model, a->tokenizer, a->text, a->tokens, (size_t)a->lines};
    if (!nb_eval_source_check(&src, &err))
        return cli_fail_err(CMD, &err);
    if (a->overq_stats && (a->weights || a->nconfigs || a->classifier))
        return cli_fail(CMD, "--overq-stats measures the float32 model's activations: drop "
                        "--weights, --config and --quantize-classifier (--acts lists the formats "
                        "whose zero codes to count, --rows the array height)");
    if (!check_outputs(a, &err))
        return cli_fail_err(CMD, &err);
    static variant v[MAX_VARIANTS];
    int nv = 0;
    if (!build_variants(a, v, &nv, &err)) {
        free_variants(v, nv);
        return cli_fail_err(CMD, &err);
    }
    nb_eval_data data;
    if (!nb_eval_data_load(&src, &data, &err)) {
        free_variants(v, nv);
        return cli_fail_err(CMD, &err);
    }
    int status = EXIT_BAD_INPUT;
    bool reported = false;
    nb_eval_result *res = NULL;
    nb_linear_hook *hooks = NULL;
    if (a->overq_stats) {
        eval_overq_args oa = {.model = a->model, .data = a->text ? a->text : a->tokens,
                              .data_is_text = a->text != NULL, .acts = a->acts, .tile = a->rows,
                              .csv = a->csv, .json = a->json, .quiet = a->quiet};
        status = eval_overq_stats(CMD, &data.m, &data.rows, &oa);
        reported = true; /* its errors are printed already */
        goto out;
    }
    hooks = calloc((size_t)nv + 1, sizeof *hooks);
    res = calloc((size_t)nv + 1, sizeof *res);
    if (!hooks || !res) {
        nb_fail(&err, "out of memory");
        goto out;
    }
    nb_qlinear_opts qo = nb_qlinear_opts_default();
    qo.classifier = a->classifier;
    qo.backend = a->backend;
    qo.log = a->quiet ? NULL : stderr;
    qo.scale_rule_set = a->rule_set;
    qo.scale_rule = a->rule;
    for (int i = 0; i < nv; i++) {
        qo.group = v[i].group;
        qo.design_dir = v[i].dir[0] ? v[i].dir : NULL;
        if (!(v[i].q = nb_qlinear_new(&data.m, v[i].d, v[i].wsel, v[i].asel, &qo, &err))) {
            nb_fail_prefix(&err, "%s", v[i].label);
            goto out;
        }
        hooks[i] = nb_qlinear_hook(v[i].q);
    }
    nb_eval_opts eo = {.progress = a->quiet ? NULL : stderr, .cancel = cli_catch_interrupts()};
    if (!nb_eval_run(&data.m, &data.rows, hooks, nv, &eo, res, &err))
        goto out;
    if (!write_outputs(a, &data.m, data.rows.rows, v, nv, res, &err))
        goto out;
    print_table(a, &data.m, data.rows.rows, v, nv, res);
    status = 0;
out:
    if (status && !reported)
        cli_fail_err(CMD, &err);
    free(hooks);
    free(res);
    nb_eval_data_free(&data);
    free_variants(v, nv);
    return status;
}

int cmd_eval(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, NULL, 'M'},      {"tokenizer", required_argument, NULL, 'T'},
        {"text", required_argument, NULL, 'x'},       {"tokens", required_argument, NULL, 'k'},
        {"lines", required_argument, NULL, 'n'},      {"weights", required_argument, NULL, 'W'},
        {"acts", required_argument, NULL, 'A'},       {"rows", required_argument, NULL, 'R'},
        {"cols", required_argument, NULL, 'C'},       {"acc-bits", required_argument, NULL, 'b'},
        {"config", required_argument, NULL, 'c'},     {"group", required_argument, NULL, 'g'},
        {"quantize-classifier", no_argument, NULL, 'Q'}, {"backend", required_argument, NULL, 'B'},
        {"overq-stats", no_argument, NULL, 'O'},  {"scale-rule", required_argument, NULL, 'r'},
        {"csv", required_argument, NULL, 'v'},        {"json", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},            {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    eval_args a = {.acts = "int8", .groups = "channel", .rows = 8, .cols = 8,
                   .acc_bits = NB_ACC_BITS_DEFAULT};
    nb_err err;
    int c;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'M': a.model = optarg; break;
        case 'T': a.tokenizer = optarg; break;
        case 'x': a.text = optarg; break;
        case 'k': a.tokens = optarg; break;
        case 'n':
            if (!cli_parse_long("--lines", optarg, 1, 1000000000, &a.lines, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 'W': a.weights = optarg; break;
        case 'A': a.acts = optarg; break;
        case 'R':
        case 'C':
            if (!cli_parse_long(c == 'R' ? "--rows" : "--cols", optarg, 1, NB_ARRAY_DIM_MAX,
                                c == 'R' ? &a.rows : &a.cols, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 'b':
            if (!cli_parse_long("--acc-bits", optarg, 2, NB_ACC_BITS_MAX, &a.acc_bits, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 'c':
            if (a.nconfigs == MAX_CONFIGS)
                return cli_fail(CMD, "at most %d --config designs", MAX_CONFIGS);
            a.configs[a.nconfigs++] = optarg;
            break;
        case 'g':
            a.groups = optarg;
            a.group_set = true;
            break;
        case 'r':
            if (!nb_scale_rule_parse(optarg, &a.rule, &err))
                return cli_fail_err(CMD, &err);
            a.rule_set = true;
            break;
        case 'Q': a.classifier = true; break;
        case 'B':
            if (!nb_qlinear_backend_parse(optarg, &a.backend, &err))
                return cli_fail_err(CMD, &err);
            break;
        case 'O': a.overq_stats = true; break;
        case 'v': a.csv = optarg; break;
        case 'j': a.json = optarg; break;
        case 'q': a.quiet = true; break;
        case 'h': help(); return 0;
        default: return cli_bad_option(CMD, argv);
        }
    }
    if (optind < argc)
        return cli_fail(CMD, "unexpected argument '%s'", argv[optind]);
    return run(&a);
}
