/* The report as a document, written once for two outputs: Markdown (plots as
 * linked SVG files) and self-contained HTML (plots inlined as SVG). */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/files.h"
#include "nibble/version.h"
#include "report_internal.h"

/* a table cell: room for a design label (two format names of up to 255 characters) */
#define CELL 640

typedef struct doc {
    FILE *f;
    bool html;
    const rp_report *r;
} doc;

/* Text from users (format names, codebook paths, tensor names from a file)
 * may hold anything: in Markdown, characters that would start emphasis, code,
 * links or HTML, or end a table cell, are backslash-escaped, and control
 * characters (a newline would end a table row or a heading) become spaces. */
static void esc(doc *d, const char *s)
{
    if (!d->html) {
        rp_md_text(d->f, s);
        return;
    }
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", d->f); break;
        case '>': fputs("&gt;", d->f); break;
        case '&': fputs("&amp;", d->f); break;
        default: fputc(*s, d->f);
        }
}

static void h(doc *d, int level, const char *text)
{
    if (d->html) {
        fprintf(d->f, "<h%d>", level);
        esc(d, text);
        fprintf(d->f, "</h%d>\n", level);
    } else {
        fprintf(d->f, "\n%.*s ", level, "######");
        esc(d, text);
        fputs("\n\n", d->f);
    }
}

static void para(doc *d, const char *text)
{
    fputs(d->html ? "<p>" : "", d->f);
    esc(d, text);
    fputs(d->html ? "</p>\n" : "\n\n", d->f);
}

static void table_head(doc *d, const char *const *cols, int n)
{
    if (d->html) {
        fputs("<table><thead><tr>", d->f);
        for (int i = 0; i < n; i++) {
            fputs("<th>", d->f);
            esc(d, cols[i]);
            fputs("</th>", d->f);
        }
        fputs("</tr></thead><tbody>\n", d->f);
    } else {
        for (int i = 0; i < n; i++) {
            fputs("| ", d->f);
            esc(d, cols[i]);
            fputc(' ', d->f);
        }
        fputs("|\n", d->f);
        for (int i = 0; i < n; i++)
            fputs("|---", d->f);
        fputs("|\n", d->f);
    }
}

/* A row of cells; a cell starting with '*' is highlighted (frontier). */
static void table_row(doc *d, char cells[][CELL], int n, bool mark)
{
    fputs(d->html ? (mark ? "<tr class=\"front\">" : "<tr>") : "", d->f);
    for (int i = 0; i < n; i++) {
        if (d->html) {
            fputs("<td>", d->f);
            esc(d, cells[i]);
            fputs("</td>", d->f);
        } else {
            fputs(mark && i == 0 ? "| **" : "| ", d->f);
            esc(d, cells[i]);
            fputs(mark && i == 0 ? "** " : " ", d->f);
        }
    }
    fputs(d->html ? "</tr>\n" : "|\n", d->f);
}

static void table_end(doc *d)
{
    fputs(d->html ? "</tbody></table>\n" : "\n", d->f);
}

static void fmtnum(char *buf, double v, const char *fmt)
{
    if (isfinite(v))
        snprintf(buf, CELL, fmt, v);
    else
        snprintf(buf, CELL, "-");
}

/* A plot: inline SVG in HTML, links to the SVG and PNG in Markdown. */
static void figure(doc *d, const char *name, const char *caption)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/plots/%s.svg", d->r->tmp_dir, name);
    char *svg = nb_read_file(path, NULL, NULL);
    if (!svg)
        return; /* no such plot (e.g. power not measured) */
    if (d->html) {
        char *start = strstr(svg, "<svg");
        fputs("<figure>", d->f);
        fputs(start ? start : svg, d->f);
        fputs("<figcaption>", d->f);
        esc(d, caption);
        fprintf(d->f, " (<a href=\"plots/%s.svg\">SVG</a>, <a href=\"plots/%s.png\">PNG</a>)"
                      "</figcaption></figure>\n", name, name);
    } else {
        fprintf(d->f, "![%s](plots/%s.svg)\n\n*%s* ([PNG](plots/%s.png))\n\n", caption, name,
                caption, name);
    }
    free(svg);
}

static void findings_text(doc *d, const char *p)
{
    if (d->html)
        fputs("<ul>\n", d->f);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char line[2048];
        int skip = n >= 2 && p[0] == '-' && p[1] == ' ' ? 2 : 0;
        snprintf(line, sizeof line, "%.*s", (int)n - skip, p + skip);
        if (d->html) {
            fputs("<li>", d->f);
            esc(d, line);
            fputs("</li>\n", d->f);
        } else {
            fputs("- ", d->f);
            esc(d, line);
            fputc('\n', d->f);
        }
        p += n + (nl != NULL);
    }
    fputs(d->html ? "</ul>\n" : "\n", d->f);
}

static void findings(doc *d)
{
    findings_text(d, d->r->findings);
}

static void designs_table(doc *d)
{
    static const char *const COLS[] = {"design", "GEMM SQNR (dB)", "array area (um^2)",
                                       "array fmax (MHz)", "PE area (um^2)", "baseline PE (um^2)",
                                       "power (mW)", "pJ/MAC", "frontier"};
    table_head(d, COLS, 9);
    for (int i = 0; i < d->r->ndesigns; i++) {
        const rp_design *x = &d->r->designs[i];
        const nb_synth_result *pe = x->has_pe ? &x->syn_pe : &x->syn_array;
        char c[9][CELL];
        snprintf(c[0], CELL, "%s%s%s", x->block ? "[B] " : "", x->label,
                 x->twin_only ? " (twin)" : "");
        fmtnum(c[1], x->gemm.sqnr_db, "%.2f");
        fmtnum(c[2], x->syn_array.area_array, "%.0f");
        fmtnum(c[3], x->syn_array.fmax_mhz, "%.1f");
        fmtnum(c[4], pe->area_pe, "%.0f");
        fmtnum(c[5], pe->area_pe_baseline > 0 ? pe->area_pe_baseline : NAN, "%.0f");
        fmtnum(c[6], rp_power_mw(x), "%.4f");
        if (*rp_power_of(x))
            snprintf(c[6] + strlen(c[6]), CELL - strlen(c[6]), " (%s)", rp_power_of(x));
        fmtnum(c[7], rp_energy_pj(x), "%.3f");
        snprintf(c[8], CELL, "%s%s%s", x->front_area ? "area " : "", x->front_power ? "power " : "",
                 x->front_energy ? "energy" : "");
        table_row(d, c, 9, x->front_area);
    }
    table_end(d);
}

/* Pivot: formats (or designs) down, scalings across, for one tensor and
 * role; scalings that no row of the table has are left out. */
static void accuracy_table(doc *d, const char *tensor, const char *role)
{
    const rp_report *r = d->r;
    const char *cols[8] = {strcmp(role, "gemm") ? "format" : "design"};
    int sc[8], n = 0;
    for (int s = 0; s < RP_NSCALINGS && n < 7; s++)
        for (int j = 0; j < r->nacc; j++)
            if (!strcmp(r->acc[j].tensor, tensor) && !strcmp(r->acc[j].role, role) &&
                !strcmp(r->acc[j].scaling, RP_SCALINGS[s].name)) {
                sc[n] = s;
                cols[++n] = RP_SCALINGS[s].title;
                break;
            }
    table_head(d, cols, n + 1);
    for (int i = 0; i < r->nacc; i++) {
        const rp_acc_row *a = &r->acc[i];
        if (strcmp(a->tensor, tensor) || strcmp(a->role, role) || strcmp(a->scaling, "channel"))
            continue;
        char c[8][CELL];
        snprintf(c[0], CELL, "%s", a->format);
        for (int s = 0; s < n; s++) {
            snprintf(c[s + 1], CELL, "-");
            for (int j = 0; j < r->nacc; j++)
                if (!strcmp(r->acc[j].tensor, tensor) && !strcmp(r->acc[j].role, role) &&
                    !strcmp(r->acc[j].format, a->format) &&
                    !strcmp(r->acc[j].scaling, RP_SCALINGS[sc[s]].name))
                    fmtnum(c[s + 1], r->acc[j].sqnr_db, "%.2f dB");
        }
        table_row(d, c, n + 1, false);
    }
    table_end(d);
}

/* The compared PEs on every --library, side by side. */
static void libraries_section(doc *d)
{
    const rp_report *r = d->r;
    h(d, 2, "Libraries side by side");
    para(d, "Each PE (a 1x1 array with its boundary registers, 24-bit accumulator) synthesized "
            "on every library given to --library, at each library's default clock; power from "
            "gate-level toggles. The paper's ordering is checked in the findings. Rows with "
            "provenance: libraries.csv.");
    static const char *const WHAT[] = {"area (um^2)", "fmax (MHz)", "pJ/MAC"};
    const char *cols[1 + 3 * RP_MAX_LIBS];
    static char names[3 * RP_MAX_LIBS][CELL];
    cols[0] = "PE (weights x activations)";
    for (int m = 0; m < 3; m++)
        for (int l = 0; l < r->nlibs; l++) {
            snprintf(names[m * r->nlibs + l], CELL, "%s %s", r->libs[l].name, WHAT[m]);
            cols[1 + m * r->nlibs + l] = names[m * r->nlibs + l];
        }
    int n = 1 + 3 * r->nlibs;
    table_head(d, cols, n);
    static char c[1 + 3 * RP_MAX_LIBS][CELL];
    for (int i = 0; i < r->ncmp; i++) {
        snprintf(c[0], CELL, "%s x %s", r->cmp[i].weights, r->cmp[i].acts);
        for (int l = 0; l < r->nlibs; l++) {
            const nb_synth_result *s = &r->libs[l].pe[i];
            fmtnum(c[1 + l], s->area_pe, "%.1f");
            fmtnum(c[1 + r->nlibs + l], s->fmax_mhz, "%.0f");
            fmtnum(c[1 + 2 * r->nlibs + l], s->has_power ? s->energy_per_mac_pj : NAN, "%.4g");
        }
        table_row(d, c, n, false);
    }
    table_end(d);
    figure(d, "libraries", "PE area, fmax and energy per MAC on each library (log scales)");
    for (int l = 0; l < r->nlibs; l++) {
        const nb_synth_result *s = r->ncmp ? &r->libs[l].pe[0] : NULL;
        char text[2048];
        if (!s)
            continue;
        snprintf(text, sizeof text, "%s: %s (XXH128 %s), library %s, process %g, %g V, %g C, "
                 "clock %g ns.", r->libs[l].name, s->prov.liberty_file, s->prov.liberty_xxh128,
                 s->prov.library_name, s->prov.process, s->prov.voltage_v, s->prov.temperature_c,
                 s->clock_ns);
        para(d, text);
    }
}

/* Where the numbers come from (designs.csv and report.json carry it per row). */
static void provenance(doc *d)
{
    const rp_report *r = d->r;
    const char *commit = nb_build_commit();
    char text[4096];
    int n = snprintf(text, sizeof text, "Written by nibble %s%s%s%s.", nb_version(),
                     commit[0] ? " (git " : "", commit, commit[0] ? ")" : "");
    const nb_synth_result *s = r->ndesigns ? &r->designs[0].syn_array : NULL;
    const nb_synth_result *p = NULL;
    for (int i = 0; i < r->ndesigns && !p; i++)
        if (r->designs[i].has_pe && r->designs[i].syn_pe.has_power)
            p = &r->designs[i].syn_pe;
    if (s && n > 0 && (size_t)n < sizeof text)
        n += snprintf(text + n, sizeof text - (size_t)n, " Library %s: %s (XXH128 %s), "
                      "library(%s), process %g, %g V, %g C; clock %g ns.", s->library,
                      s->prov.liberty_file, s->prov.liberty_xxh128, s->prov.library_name,
                      s->prov.process, s->prov.voltage_v, s->prov.temperature_c, s->clock_ns);
    if (p && n > 0 && (size_t)n < sizeof text)
        snprintf(text + n, sizeof text - (size_t)n, " Power activity: gate-level simulation of "
                 "each PE on its own workload (e.g. %s; seed %llu, %llu cycles).",
                 p->prov.workload, p->prov.seed, p->power_cycles);
    para(d, text);
}

/* The model accuracy section (only with --model): what was run, then one
 * row per design and weight scaling, float32 first. */
static void model_section(doc *d)
{
    const rp_report *r = d->r;
    const rp_model *m = r->model;
    const nb_llama_config *c = &m->data.m.cfg;
    char scal[256] = "";
    size_t sl = 0;
    for (int g = 0; g < m->ngroups; g++) {
        char t[32];
        if (m->groups[g])
            snprintf(t, sizeof t, "groups of %zu", m->groups[g]);
        else
            snprintf(t, sizeof t, "per channel");
        sl += (size_t)snprintf(scal + sl, sizeof scal - sl, "%s%s", g ? ", " : "", t);
    }
    char *intro = NULL;
    if (asprintf(&intro,
                 "Model %s (dim %d, hidden %d, %d layers, %d heads, %d KV heads, vocabulary %d, "
                 "seq_len %d), %s %s: %zu sequences, %zu scored tokens. Every linear layer (q, k, "
                 "v, o, gate, up, down) runs on the design's arithmetic: weights quantized once "
                 "(%s along the input dimension), activations per token, the integer partial "
                 "sums from the bit-exact C model of the %dx%d array; attention products, norms, "
                 "softmax and the classifier stay in float32. Perplexity = exp(mean NLL of "
                 "tokens[1:]) with BOS + each non-empty line; KL is the mean KL divergence of "
                 "the next-token distribution from float32's (nats); top-1 is agreement with "
                 "float32's argmax. Area and energy per MAC are the designs' (table above).",
                 r->o->model, c->dim, c->hidden_dim, c->n_layers, c->n_heads, c->n_kv_heads,
                 c->vocab_size, c->seq_len, r->o->text ? "text" : "token ids",
                 r->o->text ? r->o->text : r->o->tokens, m->data.rows.rows, m->fp32.scored, scal,
                 r->o->rows, r->o->cols) < 0)
        intro = NULL;
    para(d, intro ? intro : "(out of memory for the introduction)");
    free(intro);
    static const char *const COLS[] = {"design", "weights", "activations", "weight scaling",
                                       "perplexity", "delta vs FP32", "mean KL", "top-1",
                                       "array area (um^2)", "pJ/MAC", "frontier"};
    table_head(d, COLS, 11);
    char cl[11][CELL];
    snprintf(cl[0], CELL, "fp32");
    for (int k = 1; k < 11; k++)
        snprintf(cl[k], CELL, "-");
    fmtnum(cl[4], m->fp32.perplexity, "%.4f");
    snprintf(cl[5], CELL, "0");
    snprintf(cl[6], CELL, "0");
    snprintf(cl[7], CELL, "100.0%%");
    snprintf(cl[10], CELL, " ");
    table_row(d, cl, 11, false);
    for (int i = 0; i < m->nrows; i++) {
        const rp_model_row *x = &m->rows[i];
        const rp_design *ds = &r->designs[x->design];
        char c2[11][CELL];
        snprintf(c2[0], CELL, "%s", ds->label);
        snprintf(c2[1], CELL, "%s", ds->array.weights);
        snprintf(c2[2], CELL, "%s", ds->array.acts);
        if (x->group)
            snprintf(c2[3], CELL, "groups of %zu", x->group);
        else
            snprintf(c2[3], CELL, "per channel");
        fmtnum(c2[4], x->res.perplexity, "%.4f");
        fmtnum(c2[5], x->res.perplexity - m->fp32.perplexity, "%+.4f");
        fmtnum(c2[6], x->res.mean_kl, "%.5f");
        fmtnum(c2[7], 100 * x->res.top1, "%.1f%%");
        fmtnum(c2[8], ds->syn_array.area_array, "%.0f");
        fmtnum(c2[9], rp_energy_pj(ds), "%.3f");
        if (x->res.failed)
            snprintf(c2[10], CELL, "not run: %s", x->res.error);
        else
            snprintf(c2[10], CELL, "%s%s", x->front_area ? "area " : "",
                     x->front_energy ? "energy" : "");
        table_row(d, c2, 11, x->front_area);
    }
    table_end(d);
}

/* Block designs next to their software twins, and what the scale rule costs. */
static void blocks_section(doc *d)
{
    const rp_report *r = d->r;
    char text[2048];
    h(d, 2, "Block scales in hardware");
    snprintf(text, sizeof text,
             "Each block-scaled design ([B]) is the %dx%d array of its element formats with the "
             "scale stage below its columns (gen/README.md, Block-scaled designs): the exact "
             "integer sum of one K-block is multiplied by the product of the weight and "
             "activation block scales and added into a binary32 accumulator per output. Its "
             "software twin is the same element formats on an ordinary integer array whose "
             "group scales (FP32, absmax over groups of the block size along K) are applied in "
             "software. GEMM SQNR: the block design's own result through the C model of its "
             "array (scale stage included) at its default scale rule, the twin's with scales in "
             "groups of the block size; same synthetic tensors and seed as every design. Area: "
             "the block array (stage included) and the twin array; stage = the difference. "
             "Energy per MAC: the block design's is its twin PE's plus (block array - twin array) "
             "per MAC, both arrays simulated at gate level on their own workloads (PE+stage); "
             "with --array-power both are whole arrays.",
             r->o->rows, r->o->cols);
    para(d, text);
    static const char *const COLS[] = {"block design", "scales (w x a), block", "stage cycles",
                                       "software twin", "block array (um^2)", "twin array (um^2)",
                                       "stage (um^2)", "pJ/MAC block", "pJ/MAC twin",
                                       "GEMM SQNR hardware scales (dB)",
                                       "twin SQNR, FP32 scales (dB)", "difference (dB)"};
    table_head(d, COLS, 12);
    for (int i = 0; i < r->ndesigns; i++) {
        const rp_design *x = &r->designs[i];
        if (!x->block)
            continue;
        const rp_design *t = x->twin;
        char c[12][CELL];
        snprintf(c[0], CELL, "%s", x->label);
        snprintf(c[1], CELL, "%s x %s, %zu (%s)", x->w_scale, x->a_scale, x->block_size, x->rule);
        snprintf(c[2], CELL, "%d", x->scale_latency);
        snprintf(c[3], CELL, "%s", t->label);
        fmtnum(c[4], x->syn_array.area_array, "%.0f");
        fmtnum(c[5], t->syn_array.area_array, "%.0f");
        double st = x->syn_array.area_array - t->syn_array.area_array;
        fmtnum(c[6], st, "%+.0f");
        if (isfinite(st) && t->syn_array.area_array > 0)
            snprintf(c[6] + strlen(c[6]), CELL - strlen(c[6]), " (%+.1f%%)",
                     100 * st / t->syn_array.area_array);
        fmtnum(c[7], rp_energy_pj(x), "%.3f");
        fmtnum(c[8], rp_energy_pj(t), "%.3f");
        fmtnum(c[9], x->gemm.sqnr_db, "%.2f");
        snprintf(c[10], CELL, "-");
        if (isfinite(x->twin_sqnr_block))
            snprintf(c[10], CELL, "%.2f (groups of %zu)", x->twin_sqnr_block, x->block_size);
        fmtnum(c[11], x->gemm.sqnr_db - x->twin_sqnr_block, "%+.2f");
        table_row(d, c, 12, x->front_area);
    }
    table_end(d);
    h(d, 3, "What the scale rule costs");
    snprintf(text, sizeof text,
             "floor: the OCP MX rule (shared exponent floor(log2 amax) - emax of the element; "
             "block maxima above the element maximum times that power of two clip); rceil: "
             "2^ceil(log2(amax / max element)), never clips (NVIDIA's libraries, Triton, "
             "torchao); even: amax rounded to the element's precision first, then floor; "
             "nearest: ue4m3, fp16 and bf16 scales rounded to nearest. First each block "
             "design's GEMM SQNR (dB) under every rule its scales take (* = its default), then "
             "each element format's quantization SQNR on %s in E8M0 blocks of 32 "
             "(mx:ELEM/e8m0/32/RULE). Rows: scale_rules.csv.", r->tensors[0].name);
    para(d, text);
    static const char *const RULES[] = {"floor", "rceil", "even", "nearest"};
    static const char *const RC[] = {"design or element", "floor", "rceil", "even", "nearest",
                                     "floor - rceil"};
    table_head(d, RC, 6);
    for (int kind = 0; kind < 2; kind++)
        for (int i = 0; i < r->nrules; i++) {
            const rp_rule_row *x = &r->rules[i];
            if (strcmp(x->kind, kind ? "tensor" : "gemm"))
                continue;
            bool first = true; /* one row per format: its first rule row */
            for (int j = 0; j < i && first; j++)
                if (!strcmp(r->rules[j].kind, x->kind) && !strcmp(r->rules[j].format, x->format))
                    first = false;
            if (!first)
                continue;
            char c[6][CELL];
            snprintf(c[0], CELL, "%s%s", x->format, kind ? " (tensor)" : " (GEMM)");
            double fl = NAN, rc = NAN;
            for (int k = 0; k < 4; k++) {
                snprintf(c[1 + k], CELL, "-");
                for (int j = 0; j < r->nrules; j++) {
                    const rp_rule_row *y = &r->rules[j];
                    if (strcmp(y->kind, x->kind) || strcmp(y->format, x->format) ||
                        strcmp(y->rule, RULES[k]))
                        continue;
                    fmtnum(c[1 + k], y->sqnr_db, "%.2f");
                    if (y->is_default && kind == 0)
                        snprintf(c[1 + k] + strlen(c[1 + k]), CELL - strlen(c[1 + k]), "*");
                    if (k == 0)
                        fl = y->sqnr_db;
                    if (k == 1)
                        rc = y->sqnr_db;
                }
            }
            fmtnum(c[5], fl - rc, "%+.2f");
            table_row(d, c, 6, false);
        }
    table_end(d);
    findings_text(d, r->block_findings);
}

static void body(doc *d)
{
    const rp_report *r = d->r;
    const nb_report_opts *o = r->o;
    char text[4096];
    h(d, 1, "nibble: area versus accuracy of 4-bit formats");
    /* the lists have no length limit: the paragraph is allocated to fit */
    char *intro = NULL;
    if (asprintf(&intro,
             "Weight formats %s; activation formats %s%s%s%s%s; %dx%d weight-stationary arrays and "
             "their PEs with 24-bit accumulators, synthesized by Yosys onto library %s (%s) "
             "(area, OpenSTA timing, power from gate-level toggles of a t-distributed GEMM). "
             "Accuracy: quantization SQNR on synthetic %s weights and %s activations%s, and "
             "GEMM-level SQNR of a 64x1024x64 product run through the bit-exact C cycle model "
             "(the frontiers use groups of 128 along K). Scales are absmax times the clipping "
             "quantile %g unless a column says otherwise. Seed %llu; generated in %.0f s.",
             o->formats, o->acts, o->overq && *o->overq ? "; OverQ depths " : "",
             o->overq ? o->overq : "",
             rp_has_blocks(r) ? "; block-scaled designs (scale stage in the array) " : "",
             rp_has_blocks(r) ? o->blocks : "", o->rows, o->cols, r->libs[0].name,
             r->ndesigns ? r->designs[0].syn_array.prov.liberty_file : "", o->weight_dist, o->act_dist,
             r->ntensors > 2 ? " and the given real tensors" : "", o->clip, (unsigned long long)o->seed,
             r->seconds) < 0)
        intro = NULL;
    para(d, intro ? intro : "(out of memory for the introduction)");
    free(intro);
    h(d, 2, "Findings");
    findings(d);
    h(d, 2, "Pareto frontiers");
    figure(d, "area_vs_sqnr", "Array area against GEMM SQNR; the frontier in red");
    figure(d, "power_vs_sqnr", rp_has_blocks(r) ? "Power (of the PE, PE + scale stage share for block designs [B], or of the array with --array-power) against GEMM SQNR" : "Power (of the PE, or of the array with --array-power) against GEMM SQNR");
    figure(d, "energy_vs_sqnr", "Energy per MAC against GEMM SQNR");
    if (r->model) {
        figure(d, "area_vs_ppl", "Array area against model perplexity (lower is better)");
        figure(d, "energy_vs_ppl", "Energy per MAC against model perplexity");
    }
    h(d, 2, "Designs");
    designs_table(d);
    h(d, 3, "GEMM SQNR by scaling (synthetic weights)");
    accuracy_table(d, r->tensors[0].name, "gemm");
    if (rp_has_blocks(r))
        blocks_section(d);
    if (r->model) {
        h(d, 2, "Model accuracy");
        model_section(d);
    }
    h(d, 2, "Quantization accuracy");
    figure(d, "weight_sqnr", "Weight SQNR per format and scaling");
    snprintf(text, sizeof text, "Weights: %s (Student-t fit nu = %.2f)", r->tensors[0].name, r->tensors[0].nu);
    h(d, 3, text);
    accuracy_table(d, r->tensors[0].name, "weight");
    snprintf(text, sizeof text, "Activations: %s", r->tensors[1].name);
    h(d, 3, text);
    accuracy_table(d, r->tensors[1].name, "act");
    for (int i = 2; i < r->ntensors; i++) {
        const rp_tensor *t = &r->tensors[i];
        snprintf(text, sizeof text, "%s (%s) [%zu x %zu]: Student-t fit nu = %.2f, scale = %.4g "
                 "(log-likelihood %.4f per value vs %.4f for a normal)", t->name, t->source,
                 t->rows, t->cols, t->nu, t->scale, t->loglik, t->normal_loglik);
        h(d, 3, text);
        accuracy_table(d, t->name, "weight");
        para(d, "GEMM SQNR of each design with this tensor's weights (its first 64 output "
                "channels and 4096 inputs at most) and synthetic activations:");
        accuracy_table(d, t->name, "gemm");
    }
    h(d, 2, "Supernormal E2M1 PEs");
    {
        static const char *const COLS[] = {"PE (weights x activations)", "area (um^2)",
                                           "vs E2M1", "fmax (MHz)", "power (mW)"};
        table_head(d, COLS, 5);
        double base = r->nextra ? r->extra_syn[0].area_pe : NAN;
        for (int i = 0; i < r->nextra; i++) {
            char c[5][CELL];
            snprintf(c[0], CELL, "%s x %s", r->extra_pe[i].weights, r->extra_pe[i].acts);
            fmtnum(c[1], r->extra_syn[i].area_pe, "%.0f");
            fmtnum(c[2], 100 * (r->extra_syn[i].area_pe / base - 1), "%+.2f%%");
            fmtnum(c[3], r->extra_syn[i].fmax_mhz, "%.1f");
            fmtnum(c[4], r->extra_syn[i].has_power ? r->extra_syn[i].power_mw : NAN, "%.4f");
            table_row(d, c, 5, false);
        }
        table_end(d);
    }
    if (r->nlibs > 1)
        libraries_section(d);
    h(d, 2, "Tools");
    para(d, r->versions);
    provenance(d);
    snprintf(text, sizeof text, "Tables: accuracy.csv, designs.csv, %s%sreport.json; synthesis "
             "rows: synth/arrays/synth.csv%s and synth/pes/synth.csv; plot sources in plots/ "
             "(gnuplot).", rp_has_blocks(r) ? "scale_rules.csv, " : "", r->model ? "model.csv, " : "",
             rp_has_blocks(r) && r->o->power && !r->o->array_power
                 ? ", synth/block_arrays/synth.csv (block designs and their twins, with power)"
                 : "");
    para(d, text);
}

static bool write_doc(const rp_report *r, bool html, const char *name, nb_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    doc d = {open_memstream(&buf, &len), html, r};
    if (!d.f)
        return nb_fail(err, "out of memory");
    if (html)
        fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              "<title>nibble report</title>\n<style>body{font-family:sans-serif;max-width:1100px;"
              "margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:1em 0}"
              "th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f0f0f0}"
              "td:first-child,th:first-child{text-align:left}tr.front td{background:#fde8e8;"
              "font-weight:bold}figure{margin:1em 0}svg{max-width:100%;height:auto}"
              "figcaption{color:#555;font-size:90%}</style></head><body>\n", d.f);
    body(&d);
    if (html)
        fputs("</body></html>\n", d.f);
    char path[4400];
    rp_path(r, path, sizeof path, name);
    bool ok = nb_memstream_close(d.f, &buf, path, err) && nb_write_file(path, buf, len, err);
    free(buf);
    return ok;
}

bool rp_write_markdown(const rp_report *r, nb_err *err)
{
    return write_doc(r, false, "report.md", err);
}

bool rp_write_html(const rp_report *r, nb_err *err)
{
    return write_doc(r, true, "report.html", err);
}
