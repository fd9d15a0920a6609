/* Perplexity, KL divergence from the float model and top-1 agreement. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nibble/model_eval.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* log-softmax of one row of logits, in double */
static int log_softmax(const float *x, size_t V, double *out)
{
    int best = 0;
    double mx = x[0];
    for (size_t i = 1; i < V; i++)
        if (x[i] > mx) {
            mx = x[i];
            best = (int)i;
        }
    double sum = 0;
    for (size_t i = 0; i < V; i++)
        sum += exp((double)x[i] - mx);
    double lse = mx + log(sum);
    for (size_t i = 0; i < V; i++)
        out[i] = (double)x[i] - lse;
    return best;
}

static void progress(FILE *f, size_t row, size_t rows, size_t done, size_t total, double t0)
{
    double el = now() - t0, rate = el > 0 ? (double)done / el : 0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0;
    fprintf(f, "\reval: %zu/%zu sequences, %.0f tokens/s, ETA %.0f s   ", row, rows, rate, eta);
    fflush(f);
}

bool nb_eval_run(const nb_llama *m, const nb_token_rows *rows, const nb_linear_hook *hooks,
                 int nhooks, const nb_eval_opts *o, nb_eval_result *res, nb_err *err)
{
    size_t V = (size_t)m->cfg.vocab_size, L = 1;
    int nv = nhooks + 1;
    memset(res, 0, (size_t)nv * sizeof *res);
    /* buffers for the longest row, not the whole context (large for real LLMs) */
    for (size_t r = 0; r < rows->rows; r++)
        if (rows->off[r + 1] - rows->off[r] > L)
            L = rows->off[r + 1] - rows->off[r];
    nb_llama_state s;
    if (!nb_llama_state_init_len(m, &s, L, err))
        return false;
    float *ref = malloc(L * V * sizeof *ref), *lg = malloc(L * V * sizeof *lg);
    double *lp_ref = malloc(L * V * sizeof *lp_ref), *lp = malloc(V * sizeof *lp);
    double *p_ref = malloc(L * V * sizeof *p_ref);   /* exp(lp_ref), for the KL sums */
    int *top_ref = malloc(L * sizeof *top_ref);
    bool ok = (ref && lg && lp_ref && lp && p_ref && top_ref) || nb_fail(err, "out of memory");
    size_t total = 0, done = 0;
    for (size_t r = 0; r < rows->rows; r++)
        total += (rows->off[r + 1] - rows->off[r]) * (size_t)nv;
    double t0 = now(), last = t0;
    for (size_t r = 0; ok && r < rows->rows; r++) {
        const int *ids = rows->ids + rows->off[r];
        size_t n = rows->off[r + 1] - rows->off[r];
        if (n < 2) {
            done += n * (size_t)nv;
            continue;
        }
        for (int v = 0; ok && v < nv; v++) {
            if (res[v].failed) {
                done += n;
                continue;
            }
            if (o && o->cancel && *o->cancel) {
                ok = nb_fail(err, "interrupted");
                break;
            }
            double tv = now();
            nb_llama_state_reset(&s);
            float *out = v == 0 ? ref : lg;
            if (!(ok = nb_llama_forward(m, &s, v ? &hooks[v - 1] : NULL, ids, n, out, err))) {
                if (v == 0 || !(o && o->keep_going))
                    break;
                res[v].failed = true;
                snprintf(res[v].error, sizeof res[v].error, "%s", err->msg);
                ok = true;
                done += n;
                continue;
            }
            nb_eval_result *e = &res[v];
            for (size_t t = 0; t + 1 < n; t++) {
                int target = ids[t + 1];
                if (v == 0) {
                    top_ref[t] = log_softmax(out + t * V, V, lp_ref + t * V);
                    for (size_t i = 0; i < V; i++)
                        p_ref[t * V + i] = exp(lp_ref[t * V + i]);
                    e->nll -= lp_ref[t * V + (size_t)target];
                    e->top1_agree++;
                    continue;
                }
                int top = log_softmax(out + t * V, V, lp);
                e->nll -= lp[target];
                double kl = 0;
                for (size_t i = 0; i < V; i++)
                    kl += p_ref[t * V + i] * (lp_ref[t * V + i] - lp[i]);
                e->kl_sum += kl;
                e->top1_agree += top == top_ref[t];
            }
            e->scored += n - 1;
            e->seconds += now() - tv;
            done += n;
        }
        if (o && o->progress && (now() - last > 0.5 || r + 1 == rows->rows)) {
            last = now();
            progress(o->progress, r + 1, rows->rows, done, total, t0);
        }
    }
    if (o && o->progress)
        fputc('\n', o->progress);
    for (int v = 0; ok && v < nv; v++) {
        nb_eval_result *e = &res[v];
        if (e->failed) {
            e->perplexity = e->mean_kl = e->top1 = NAN;
            continue;
        }
        if (!e->scored) {
            ok = nb_fail(err, "no token was scored: every sequence is shorter than 2 tokens");
            break;
        }
        e->perplexity = exp(e->nll / (double)e->scored);
        e->mean_kl = e->kl_sum / (double)e->scored;
        e->top1 = (double)e->top1_agree / (double)e->scored;
    }
    free(ref), free(lg), free(lp_ref), free(lp), free(p_ref), free(top_ref);
    nb_llama_state_free(&s);
    return ok;
}
