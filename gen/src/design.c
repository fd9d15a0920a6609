/* Validation and derivation of a design's widths and timing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/design.h"

nb_design_params nb_design_params_default(void)
{
    nb_design_params p = {
        .weights = "int4",
        .acts = "int4",
        .rows = 8,
        .cols = 8,
        .acc_bits = NB_ACC_BITS_DEFAULT,
        .acc_mode = NB_ACC_WRAP,
        .pipeline = 0,
        .lut_frac_bits = NB_LUT_FRAC_BITS_DEFAULT,
        .cascade = -1,
        .overq_mode = NB_OVERQ_RANGE,
        .overq_encoder = false,
        .command = "",
    };
    return p;
}

static int bits_for_count(int n)
{
    int b = 0;
    while ((1 << b) < n)
        b++;
    return b;
}

static int set_grid_frac(const nb_format *set, int n)
{
    int f = 0;
    for (int i = 0; i < n; i++)
        if (set[i].frac_bits > f)
            f = set[i].frac_bits;
    return f;
}

static int set_code_bits(const nb_format *set, int n)
{
    int b = 0;
    for (int i = 0; i < n; i++)
        if (set[i].code_bits > b)
            b = set[i].code_bits;
    return b;
}

/* Signed width of every aligned mantissa in the set. */
static int set_mant_bits(const nb_format *set, int n, int grid)
{
    int w = 1;
    for (int i = 0; i < n; i++) {
        nb_operand op = {&set[i], grid};
        for (int c = 0; c < set[i].num_codes; c++) {
            int b = nb_signed_width(nb_operand_mant(&op, (unsigned)c));
            if (b > w)
                w = b;
        }
    }
    return w;
}

nb_operand nb_design_w_operand(const nb_design *d, int i)
{
    nb_operand op = {&d->w[i], d->w_grid_frac};
    return op;
}

nb_operand nb_design_a_operand(const nb_design *d, int i)
{
    nb_operand op = {&d->a[i], d->a_grid_frac};
    return op;
}

static int find_in(const nb_format *set, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(set[i].name, name) == 0)
            return i;
    return -1;
}

int nb_design_find_w(const nb_design *d, const char *name)
{
    return find_in(d->w, d->nw, name);
}

int nb_design_find_a(const nb_design *d, const char *name)
{
    return find_in(d->a, d->na, name);
}

static bool copy_spec(char *dst, size_t cap, const char *src, const char *what, nb_err *err)
{
    if (!src)
        src = "";
    if (strlen(src) >= cap)
        return nb_fail(err, "%s is longer than %zu characters", what, cap - 1);
    memcpy(dst, src, strlen(src) + 1);
    return true;
}

static bool is_integer_format(const nb_format *f)
{
    return f->encoding == NB_ENC_TWOS || f->encoding == NB_ENC_UNSIGNED;
}

/* OverQ rules: activations only, alongside integer formats only, chains that
 * fit in the array's height, the encoder block only for an OverQ-only set. */
static bool check_overq(const nb_design_params *p, nb_design *d, nb_err *err)
{
    d->overq_index = -1;
    for (int i = 0; i < d->nw; i++)
        if (d->w[i].is_overq)
            return nb_fail(err, "--weights: overq is an activation encoding, not a weight format");
    for (int i = 0; i < d->na; i++)
        if (d->a[i].is_overq)
            d->overq_index = i;
    if (d->overq_index < 0) {
        if (p->cascade >= 0 || p->overq_encoder || p->overq_mode_given)
            return nb_fail(err, "--cascade, --overq-mode and --overq-encoder need overq among "
                           "--acts (e.g. --acts overq)");
        return true;
    }
    for (int i = 0; i < d->na; i++)
        if (!d->a[i].is_overq && !is_integer_format(&d->a[i]))
            return nb_fail(err, "--acts: OverQ can share the array only with integer activation "
                           "formats (int4, int4-full, uint4, int8); %s is not one", d->a[i].name);
    d->cascade = p->cascade >= 0 ? p->cascade : 1;
    d->overq_mode = p->overq_mode;
    nb_overq_params op = {d->cascade, d->overq_mode, (size_t)d->rows};
    if (d->cascade >= d->rows)
        return nb_fail(err, "--cascade %d is larger than the array allows: a chain spans depth + 1 "
                       "rows and the array has %d; use a depth below %d or more --rows",
                       d->cascade, d->rows, d->rows);
    if (!nb_overq_params_check(&op, err))
        return nb_fail_prefix(err, "--cascade");
    d->tag_bits = nb_overq_tag_bits(&op);
    d->overq_encoder = p->overq_encoder;
    if (d->overq_encoder && d->na != 1)
        return nb_fail(err, "--overq-encoder needs overq as the only activation format (the "
                       "encoder replaces the activation codes at the array edge)");
    d->act_value_bits = 8 + nb_overq_input_frac(d->overq_mode);
    return true;
}

/* Block-scaled design: both operands block formats with one block size that
 * is a multiple of the rows (the integer partial sum of one block is complete
 * after block / rows tiles), a single element format per side for the PE
 * array. Fills d->w / d->a with the element formats. */
static bool parse_block_design(const nb_design_params *p, const nb_format_opts *fo, nb_design *d,
                               nb_err *err)
{
    bool wb = nb_block_spec_is_block(p->weights), ab = nb_block_spec_is_block(p->acts);
    if (wb != ab)
        return nb_fail(err, "--weights %s and --acts %s: a block-scaled design needs block formats "
                       "(such as mxfp4, nvfp4, mx:e2m1/e8m0/32) on both operands", p->weights,
                       p->acts);
    if (!nb_block_format_parse(p->weights, fo, &d->wblock, err))
        return nb_fail_prefix(err, "--weights");
    if (!nb_block_format_parse(p->acts, fo, &d->ablock, err))
        return nb_fail_prefix(err, "--acts");
    if (d->wblock.block != d->ablock.block)
        return nb_fail(err, "--weights %s has blocks of %zu and --acts %s blocks of %zu along K; "
                       "a block-scaled array needs one block size", p->weights, d->wblock.block,
                       p->acts, d->ablock.block);
    if (d->wblock.block % (size_t)p->rows != 0)
        return nb_fail(err, "block size %zu is not a multiple of the array's %d rows: the scale "
                       "stage scales the integer sum of a block on the block's last tile of %d "
                       "rows; use --rows dividing %zu", d->wblock.block, p->rows, p->rows,
                       d->wblock.block);
    d->w[0] = d->wblock.elem;
    d->a[0] = d->ablock.elem;
    d->nw = d->na = 1;
    d->block_scaled = true;
    d->block = (int)d->wblock.block;
    d->w_scale_bits = nb_scale_fmt_bits(d->wblock.scale);
    d->a_scale_bits = nb_scale_fmt_bits(d->ablock.scale);
    /* --scale-stages N: the block term takes 1 cycle (N = 2) or 2 (register
     * before its rounder), the addition the rest (gen/README.md). A block's
     * accumulator enters the addition's first cycle, so the next block of the
     * same outputs may be scaled scale_add_stages cycles later at the
     * earliest (the host's schedule waits when needed). */
    if (!nb_design_scale_acc(p, d, err))
        return false;
    /* the fixed-point stage: 2 cycles unless 3 are asked for (scale_acc.c) */
    int n = d->scale_fixed ? (p->scale_stages ? p->scale_stages : 2)
                           : p->scale_stages ? p->scale_stages : NB_SCALE_STAGES_DEFAULT;
    if (n < NB_SCALE_STAGES_MIN || n > NB_SCALE_STAGES_MAX)
        return nb_fail(err, "--scale-stages %d is impossible: the scale stage takes %d..%d cycles",
                       n, NB_SCALE_STAGES_MIN, NB_SCALE_STAGES_MAX);
    d->scale_latency = n;
    d->scale_term_stages = n >= 3 ? 2 : 1;
    d->scale_add_stages = n - d->scale_term_stages;
    if (d->scale_fixed) { /* one term cycle; the conversion may take a cycle of its own */
        d->scale_term_stages = 1;
        d->scale_add_stages = n - 1;
    }
    return true;
}

nb_design *nb_design_create(const nb_design_params *p, nb_err *err)
{
    if (p->rows < 1 || p->rows > NB_ARRAY_DIM_MAX)
        return nb_fail(err, "--rows %d is impossible: an array needs 1..%d rows", p->rows,
                       NB_ARRAY_DIM_MAX), NULL;
    if (p->cols < 1 || p->cols > NB_ARRAY_DIM_MAX)
        return nb_fail(err, "--cols %d is impossible: an array needs 1..%d columns", p->cols,
                       NB_ARRAY_DIM_MAX), NULL;
    if (p->pipeline < 0 || p->pipeline > NB_PIPELINE_MAX)
        return nb_fail(err, "--pipeline %d is not supported: use 0..%d register stages",
                       p->pipeline, NB_PIPELINE_MAX), NULL;
    if (p->acc_bits < 2 || p->acc_bits > NB_ACC_BITS_MAX)
        return nb_fail(err, "--acc-bits %d is out of range: use 2..%d", p->acc_bits,
                       NB_ACC_BITS_MAX), NULL;

    nb_design *d = calloc(1, sizeof *d);
    if (!d)
        return nb_fail(err, "out of memory"), NULL;
    if (!copy_spec(d->weights_spec, sizeof d->weights_spec, p->weights, "--weights", err) ||
        !copy_spec(d->acts_spec, sizeof d->acts_spec, p->acts, "--acts", err) ||
        !copy_spec(d->command, sizeof d->command, p->command, "the command line", err))
        goto fail;
    d->params = *p;
    d->params.weights = d->weights_spec;
    d->params.acts = d->acts_spec;
    d->params.command = d->command;
    d->params.scale_acc = NULL; /* a block-scaled design points it at scale_acc_spec */

    nb_format_opts fo = {.lut_frac_bits = p->lut_frac_bits};
    if (nb_block_spec_is_block(p->weights) || nb_block_spec_is_block(p->acts)) {
        if (!parse_block_design(p, &fo, d, err))
            goto fail;
    } else if (p->scale_acc && strcmp(p->scale_acc, "fp32") != 0) {
        nb_fail(err, "--scale-acc %s needs a block-scaled design (block formats such as mxfp4 on "
                "--weights and --acts); %s x %s has no scale stage", p->scale_acc, p->weights,
                p->acts);
        goto fail;
    } else if (p->scale_stages) {
        nb_fail(err, "--scale-stages %d needs a block-scaled design (block formats such as mxfp4 "
                "on --weights and --acts); %s x %s has no scale stage", p->scale_stages,
                p->weights, p->acts);
        goto fail;
    } else {
        d->nw = nb_format_parse_list(p->weights, &fo, d->w, NB_SET_MAX, err);
        if (d->nw < 0) {
            nb_fail_prefix(err, "--weights");
            goto fail;
        }
        d->na = nb_format_parse_list(p->acts, &fo, d->a, NB_SET_MAX, err);
        if (d->na < 0) {
            nb_fail_prefix(err, "--acts");
            goto fail;
        }
    }
    d->rows = p->rows;
    d->cols = p->cols;
    d->acc_bits = p->acc_bits;
    d->acc_mode = p->acc_mode;
    d->pipeline = p->pipeline;

    if (!check_overq(p, d, err))
        goto fail;
    d->w_code_bits = set_code_bits(d->w, d->nw);
    d->a_code_bits = set_code_bits(d->a, d->na);
    d->w_grid_frac = set_grid_frac(d->w, d->nw);
    d->a_grid_frac = set_grid_frac(d->a, d->na);
    /* LOW slots add 4 fraction bits: the whole activation grid carries them */
    if (d->tag_bits && d->overq_mode == NB_OVERQ_RANGE_PRECISION && d->a_grid_frac < 4)
        d->a_grid_frac = 4;
    d->w_mant_bits = set_mant_bits(d->w, d->nw, d->w_grid_frac);
    d->a_mant_bits = set_mant_bits(d->a, d->na, d->a_grid_frac);
    d->w_sel_bits = d->nw > 1 ? bits_for_count(d->nw) : 0;
    d->a_sel_bits = d->na > 1 ? bits_for_count(d->na) : 0;
    d->row_addr_bits = d->rows > 1 ? bits_for_count(d->rows) : 1;

    /* 8-bit floats have wide grids (E5M2: 33-bit mantissas): an exact product
     * must fit the widest accumulator, and the bound keeps int64 products exact. */
    if (d->w_mant_bits + d->a_mant_bits - 1 > NB_ACC_BITS_MAX) {
        nb_fail(err, "--weights %s x --acts %s: the decoded mantissas are %d and %d bits wide on "
                "their common grids, so an exact product needs up to %d bits, more than the %d an "
                "accumulator can have; pair wide-range formats (e.g. fp:e5m2) with narrower ones",
                p->weights, p->acts, d->w_mant_bits, d->a_mant_bits,
                d->w_mant_bits + d->a_mant_bits - 1, NB_ACC_BITS_MAX);
        goto fail;
    }
    /* The widest exact product over every pair of formats in the sets. */
    int needed = 1;
    for (int i = 0; i < d->nw; i++)
        for (int j = 0; j < d->na; j++) {
            nb_operand w = nb_design_w_operand(d, i), a = nb_design_a_operand(d, j);
            int b = nb_product_width(&w, &a);
            if (j == d->overq_index && d->tag_bits) /* a HIGH slot is worth 16 times */
                b = nb_signed_width(nb_product_max_abs(&w, &a) * 16);
            if (b > needed)
                needed = b;
        }
    if (d->acc_bits < needed) {
        nb_fail(err, "--acc-bits %d is too small for one product: %s x %s needs %d bits on the "
                "common grid 2^-%d; use --acc-bits %d or more", d->acc_bits, p->weights, p->acts,
                needed, d->w_grid_frac + d->a_grid_frac, needed);
        goto fail;
    }
    /* The product wire is as wide as the largest exact product (truncating the
     * multiplier's full width there is exact), and never narrower than a factor. */
    d->prod_bits = needed;
    if (d->prod_bits < d->w_mant_bits)
        d->prod_bits = d->w_mant_bits;
    if (d->prod_bits < d->a_mant_bits)
        d->prod_bits = d->a_mant_bits;
    if (d->prod_bits > d->acc_bits)
        d->prod_bits = d->acc_bits;

    /* 1 input register + (rows-1) row skew + (cols-1) column shift + pipeline
     * + 1 psum register at the bottom + 1 output register (after deskew). */
    d->latency = 1 + (d->rows - 1) + (d->cols - 1) + d->pipeline + 1 + 1;
    return d;
fail:
    free(d);
    return NULL;
}

void nb_design_free(nb_design *d)
{
    free(d);
}
