/* The report's list options, checked before anything is planned or written:
 * an empty list or a word where a depth belongs is an error, never a report
 * with no weight formats or a depth-0 OverQ design. */
#include <string.h>

#include "nibble/block_format.h"
#include "nibble/format.h"
#include "nibble/list.h"
#include "nibble/overq.h"
#include "nibble/parse.h"
#include "report_internal.h"

static bool check_formats(const char *opt, const char *list, bool acts, nb_err *err)
{
    nb_list l;
    bool ok = nb_list_split(list ? list : "", ",", &l, err);
    if (ok && l.n == 0)
        ok = nb_fail(err, "%s is empty; give at least one format, e.g. %s", opt,
                     acts ? "uint4" : "int4,sf4");
    for (int i = 0; ok && i < l.n; i++) {
        if (acts && strcmp(l.items[i], "overq") == 0) {
            ok = nb_fail(err, "%s: give OverQ activations with --overq DEPTHS, not as a format",
                         opt);
            break;
        }
        if (nb_block_spec_is_block(l.items[i])) {
            ok = nb_fail(err, "%s %s: '%s' is a block-scaled format; block designs go in --blocks "
                         "(e.g. --blocks %s or W@A), plain formats in --formats and --acts", opt,
                         list, l.items[i], l.items[i]);
            break;
        }
        nb_format f;
        if (!nb_format_parse(l.items[i], NULL, &f, err))
            ok = nb_fail_prefix(err, "%s", opt);
    }
    nb_list_free(&l);
    return ok;
}

bool rp_check_opts(const nb_report_opts *o, nb_err *err)
{
    if (!check_formats("--formats", o->formats, false, err) ||
        !check_formats("--acts", o->acts, true, err))
        return false;
    /* a cascade borrows from the rows below: at most rows - 1 of them */
    long long max = o->rows - 1 < NB_OVERQ_CASCADE_MAX ? o->rows - 1 : NB_OVERQ_CASCADE_MAX;
    nb_list l;
    bool ok = nb_list_split(o->overq ? o->overq : "", ",", &l, err);
    for (int i = 0; ok && i < l.n; i++) {
        long long depth;
        if (nb_parse_int(l.items[i], 1, max, &depth) != NB_NUM_OK)
            ok = max < 1 ? nb_fail(err, "--overq %s: OverQ needs at least 2 rows (--rows %d); "
                                   "give --overq ''", o->overq, o->rows)
                         : nb_fail(err, "--overq %s: '%s' is not a cascade depth; give integers "
                                   "1..%lld for %d rows, separated by commas", o->overq,
                                   l.items[i], max, o->rows);
    }
    nb_list_free(&l);
    return ok && rp_check_blocks(o->blocks, o->rows, err);
}
