/* The tensors of a report: synthetic weights and activations, and the user's
 * real tensors (each fitted with Student's t by maximum likelihood). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nibble/random.h"
#include "nibble/tensor_io.h"
#include "nibble/tfit.h"
#include "report_internal.h"

/* Synthetic tensors: [256][4096], a million values each. */
#define SYN_ROWS 256
#define SYN_COLS 4096

static bool add_synthetic(rp_report *r, const char *dist_spec, const char *role, uint64_t seed,
                          nb_err *err)
{
    nb_dist dist;
    if (!nb_dist_parse(dist_spec, &dist, err))
        return nb_fail_prefix(err, "--%s-dist", role);
    rp_tensor *t = &r->tensors[r->ntensors];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "synthetic %s %s", role, dist_spec);
    snprintf(t->source, sizeof t->source, "%s", role);
    t->rows = SYN_ROWS;
    t->cols = SYN_COLS;
    t->data = malloc(SYN_ROWS * SYN_COLS * sizeof *t->data);
    nb_rng *rng = nb_rng_new(seed);
    if (!t->data || !rng) {
        free(t->data);
        nb_rng_free(rng);
        return nb_fail(err, "out of memory");
    }
    nb_rng_fill(rng, &dist, t->data, SYN_ROWS * SYN_COLS);
    nb_rng_free(rng);
    r->ntensors++;
    return true;
}

static bool fit(rp_tensor *t, nb_err *err)
{
    nb_t_fit f;
    if (!nb_t_fit_mle(t->data, t->rows * t->cols, 0, &f, err))
        return nb_fail_prefix(err, "fitting Student's t to %s", t->name);
    t->fitted = true;
    t->nu = f.nu;
    t->loc = f.loc;
    t->scale = f.scale;
    t->loglik = f.loglik;
    t->normal_loglik = f.normal_loglik;
    return true;
}

bool rp_load_tensors(rp_report *r, nb_err *err)
{
    const nb_report_opts *o = r->o;
    if (!add_synthetic(r, o->weight_dist, "weight", o->seed, err) ||
        !add_synthetic(r, o->act_dist, "act", o->seed + 1, err))
        return false;
    if (o->ntensors) {
        nb_tensor_list list = {0};
        if (!nb_tensors_load_files(o->tensors, o->ntensors, o->select, &list, err))
            return false;
        bool ok = true;
        for (int i = 0; ok && i < list.n; i++) {
            nb_tensor *src = &list.items[i];
            if (r->ntensors == RP_MAX) {
                ok = nb_fail(err, "too many tensors (at most %d); narrow them with --select", RP_MAX - 2);
                break;
            }
            if (src->count < 64) {
                rp_progress(r, "skipping %s (%zu values: too few to measure)", src->name, src->count);
                continue;
            }
            rp_tensor *t = &r->tensors[r->ntensors];
            memset(t, 0, sizeof *t);
            snprintf(t->name, sizeof t->name, "%s", src->name);
            snprintf(t->source, sizeof t->source, "%s", src->dtype);
            /* weights as [out][in]: the first axis is the channel, the rest is reduced */
            t->rows = src->ndim >= 2 ? (size_t)src->shape[0] : 1;
            t->cols = src->count / t->rows;
            t->data = src->data;
            src->data = NULL;
            r->ntensors++;
            ok = fit(t, err);
            if (ok)
                rp_progress(r, "tensor %s [%zu x %zu] (%s): Student-t fit nu = %.2f, scale = %.4g",
                            t->name, t->rows, t->cols, t->source, t->nu, t->scale);
        }
        nb_tensor_list_free(&list);
        if (!ok)
            return false;
    }
    /* the synthetic weights get the same fit, as a check of the method */
    return fit(&r->tensors[0], err);
}
