#define _POSIX_C_SOURCE 200809L
/* What nibble eval and nibble report --model share (model_setup.h): the
 * option rules, loading all or nothing, the weight-scaling list, and a run
 * that drops a refused variant and goes on (keep_going). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/model_eval.h"
#include "nibble/model_quant.h"
#include "nibble/model_setup.h"
#include "test_support.h"
#include "tiny_model.h"

static void write_fixture(char *model, char *tok, char *text, size_t len)
{
    test_tmp_path(model, len, "setup.bin");
    test_tmp_path(tok, len, "setup_tok.bin");
    test_tmp_path(text, len, "setup.txt");
    nb_llama_config c = tiny_config(false);
    size_t n;
    float *w = tiny_weights(&c, 3, &n);
    tiny_write_checkpoint(model, &c, w, 0);
    free(w);
    tiny_write_tokenizer(tok, 300);
    FILE *f = fopen(text, "wb");
    cr_assert_not_null(f);
    fputs("ab ba abab\n\nba ab a b\nthe end\n", f);
    fclose(f);
}

static nb_design *make_design(const char *w, const char *a)
{
    nb_design_params p = nb_design_params_default();
    p.weights = w;
    p.acts = a;
    p.rows = 4;
    p.cols = 4;
    nb_err err;
    nb_design *d = nb_design_create(&p, &err);
    cr_assert_not_null(d, "%s", err.msg);
    return d;
}

Test(eval_setup, option_rules)
{
    nb_err err;
    nb_eval_source s = {0};
    cr_expect_not(nb_eval_source_check(&s, &err));
    cr_expect(strstr(err.msg, "--model M is required"), "%s", err.msg);
    s.model = "m.bin";
    cr_expect_not(nb_eval_source_check(&s, &err));
    cr_expect(strstr(err.msg, "exactly one of --text F and --tokens F.npy"), "%s", err.msg);
    s.text = "t.txt";
    cr_expect_not(nb_eval_source_check(&s, &err));
    cr_expect(strstr(err.msg, "--text needs --tokenizer T"), "%s", err.msg);
    s.tokenizer = "tok.bin";
    cr_expect(nb_eval_source_check(&s, &err), "%s", err.msg);
    s.tokens = "ids.npy";
    cr_expect_not(nb_eval_source_check(&s, &err));
}

Test(eval_setup, group_list)
{
    size_t g[NB_EVAL_GROUPS_MAX];
    nb_err err;
    cr_expect_eq(nb_eval_groups_parse("--group", "channel,64,32", g, &err), 3);
    cr_expect(g[0] == 0 && g[1] == 64 && g[2] == 32);
    cr_expect_eq(nb_eval_groups_parse("--group", "0", g, &err), -1);
    cr_expect(strstr(err.msg, "--group: 0 is not a group size"), "%s", err.msg);
    cr_expect_eq(nb_eval_groups_parse("--model-group", "x8", g, &err), -1);
    cr_expect(strstr(err.msg, "--model-group: 'x8' is not an integer"), "%s", err.msg);
    cr_expect_eq(nb_eval_groups_parse("--group", "", g, &err), -1);
    cr_expect_eq(nb_eval_groups_parse("--group", "1,2,3,4,5,6,7,8,9", g, &err), -1);
    cr_expect(strstr(err.msg, "at most 8"), "%s", err.msg);
    char t[32];
    nb_eval_group_text(0, t, sizeof t);
    cr_expect_str_eq(t, "channel");
    nb_eval_group_text(128, t, sizeof t);
    cr_expect_str_eq(t, "g128");
}

Test(eval_setup, load_all_or_nothing)
{
    char model[512], tok[512], text[512];
    write_fixture(model, tok, text, sizeof model);
    nb_err err;
    nb_eval_data d;
    nb_eval_source s = {model, tok, text, NULL, 2};
    cr_assert(nb_eval_data_load(&s, &d, &err), "%s", err.msg);
    cr_expect_eq(d.rows.rows, 2);   /* --lines 2 of 3 non-empty lines */
    cr_expect_eq(d.m.cfg.vocab_size, 300);
    nb_eval_data_free(&d);
    /* a tokenizer of another vocabulary: an error and nothing held */
    char tok2[512];
    test_tmp_path(tok2, sizeof tok2, "setup_tok290.bin");
    tiny_write_tokenizer(tok2, 290);
    s.tokenizer = tok2;
    cr_expect_not(nb_eval_data_load(&s, &d, &err));
    cr_expect(strstr(err.msg, "holds 290 tokens but the model's vocabulary has 300"), "%s", err.msg);
    cr_expect_null(d.m.data);
    cr_expect_null(d.rows.ids);
}

/* One design with unsigned activations among signed ones: without keep_going
 * the run fails; with it the refused variant says why, the others are as
 * when run alone. */
Test(eval_setup, keep_going_drops_a_refused_variant)
{
    char model[512], tok[512], text[512];
    write_fixture(model, tok, text, sizeof model);
    nb_err err;
    nb_eval_data d;
    nb_eval_source s = {model, tok, text, NULL, 0};
    cr_assert(nb_eval_data_load(&s, &d, &err), "%s", err.msg);
    nb_design *good = make_design("int4", "int8"), *bad = make_design("int4", "uint4");
    nb_qlinear_opts o = nb_qlinear_opts_default();
    nb_qlinear *qg = nb_qlinear_new(&d.m, good, 0, 0, &o, &err);
    nb_qlinear *qb = nb_qlinear_new(&d.m, bad, 0, 0, &o, &err);
    cr_assert(qg && qb, "%s", err.msg);
    nb_linear_hook hooks[2] = {nb_qlinear_hook(qb), nb_qlinear_hook(qg)};
    nb_eval_result res[3], alone[2];
    nb_eval_opts eo = {0};
    cr_expect_not(nb_eval_run(&d.m, &d.rows, hooks, 2, &eo, res, &err));
    cr_expect(strstr(err.msg, "activation format uint4 is unsigned"), "%s", err.msg);
    eo.keep_going = true;
    cr_assert(nb_eval_run(&d.m, &d.rows, hooks, 2, &eo, res, &err), "%s", err.msg);
    cr_expect(res[1].failed && isnan(res[1].perplexity));
    cr_expect(strstr(res[1].error, "the inputs of layer 0 q go negative"), "%s", res[1].error);
    cr_expect_not(res[2].failed);
    cr_assert(nb_eval_run(&d.m, &d.rows, &hooks[1], 1, &eo, alone, &err), "%s", err.msg);
    cr_expect_eq(res[2].perplexity, alone[1].perplexity);
    cr_expect_eq(res[2].top1_agree, alone[1].top1_agree);
    cr_expect_eq(res[0].perplexity, alone[0].perplexity);
    nb_qlinear_free(qg);
    nb_qlinear_free(qb);
    nb_design_free(good);
    nb_design_free(bad);
    nb_eval_data_free(&d);
}
