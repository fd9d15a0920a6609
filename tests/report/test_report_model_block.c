/* The report's model section with a block-scaled design (report_model.c): it
 * runs once whatever --model-group says (its blocks are its scaling), its row
 * carries the block size and reads "block32", and its perplexity is the one
 * nibble eval's path (nb_qlinear on the same design) gives; a design with
 * block weights and plain activations is "not run" with the reason. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/model_quant.h"
#include "report_internal.h"
#include "test_support.h"
#include "tiny_model.h"

static void design(rp_design *d, const char *w, const char *a, int rows)
{
    memset(d, 0, sizeof *d);
    snprintf(d->label, sizeof d->label, "%s x %s", w, a);
    snprintf(d->array.weights, sizeof d->array.weights, "%s", w);
    snprintf(d->array.acts, sizeof d->array.acts, "%s", a);
    d->array.rows = d->array.cols = rows;
    d->array.acc_bits = 32;
    d->array.cascade = -1;
    d->gemm.sqnr_db = NAN;
}

Test(report_model, block_design_runs_once)
{
    char model[512], tok[512], text[512];
    test_tmp_path(model, sizeof model, "tiny.bin");
    test_tmp_path(tok, sizeof tok, "tok.bin");
    test_tmp_path(text, sizeof text, "text.txt");
    nb_llama_config c = tiny_config(false);
    size_t count;
    float *w = tiny_weights(&c, 7, &count);
    tiny_write_checkpoint(model, &c, w, 0);
    free(w);
    tiny_write_tokenizer(tok, 300);
    FILE *f = fopen(text, "w");
    cr_assert_not_null(f);
    fputs("a b ab\nba a abab b\n", f);
    fclose(f);

    nb_report_opts o = nb_report_opts_default();
    o.model = model;
    o.tokenizer = tok;
    o.text = text;
    o.model_groups = "channel,8";
    rp_report *r = calloc(1, sizeof *r);
    cr_assert_not_null(r);
    r->o = &o;
    design(&r->designs[0], "int4", "int8", 4);
    design(&r->designs[1], "mxfp4", "mxfp4", 4);
    design(&r->designs[2], "mxfp4", "int8", 4);
    r->ndesigns = 3;
    nb_err err;
    cr_assert(rp_model_prepare(&o, &r->model, &err), "%s", err.msg);
    cr_assert(rp_model_accuracy(r, &err), "%s", err.msg);
    rp_model *m = r->model;
    /* int4 x int8 at both scalings, mxfp4 once, the mixed design once */
    cr_assert_eq(m->nrows, 4);
    cr_expect_eq(m->rows[0].design, 0);
    cr_expect_eq(m->rows[1].design, 0);
    cr_expect_eq(m->rows[1].group, 8);
    const rp_model_row *b = &m->rows[2];
    cr_expect_eq(b->design, 1);
    cr_expect_eq(b->group, 32);
    cr_expect_not(b->res.failed, "%s", b->res.error);
    cr_expect(isfinite(b->res.perplexity) && b->res.perplexity > 1);
    char label[800];
    rp_model_label(r, b, label, sizeof label);
    cr_expect_str_eq(label, "mxfp4 x mxfp4 block32");
    const rp_model_row *mixed = &m->rows[3];
    cr_expect_eq(mixed->design, 2);
    cr_expect(mixed->res.failed);
    cr_expect(strstr(mixed->res.error, "needs block formats") != NULL, "%s", mixed->res.error);

    /* the same numbers as the block-scaled design through nb_qlinear directly */
    nb_design_params p = nb_design_params_default();
    p.weights = p.acts = "mxfp4";
    p.rows = p.cols = 4;
    nb_design *d = nb_design_create(&p, &err);
    cr_assert_not_null(d, "%s", err.msg);
    nb_qlinear_opts qo = nb_qlinear_opts_default();
    nb_qlinear *q = nb_qlinear_new(&m->data.m, d, 0, 0, &qo, &err);
    cr_assert_not_null(q, "%s", err.msg);
    nb_linear_hook h = nb_qlinear_hook(q);
    nb_eval_result res[2];
    nb_eval_opts eo = {0};
    cr_assert(nb_eval_run(&m->data.m, &m->data.rows, &h, 1, &eo, res, &err), "%s", err.msg);
    cr_expect_eq(res[1].perplexity, b->res.perplexity);
    cr_expect_eq(res[1].mean_kl, b->res.mean_kl);
    nb_qlinear_free(q);
    nb_design_free(d);

    json_t *j = rp_model_json(r);
    json_t *row = json_array_get(json_object_get(j, "rows"), 2);
    cr_expect_str_eq(json_string_value(json_object_get(row, "weight_scaling")), "block32");
    cr_expect_eq(json_integer_value(json_object_get(row, "group")), 32);
    json_decref(j);
    rp_model_free(r->model);
    free(r);
}
