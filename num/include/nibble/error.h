/* Error reporting for the nibble libraries: a message buffer the caller owns.
 * Functions that can fail take an nb_err* and return false (or NULL) after
 * filling it with a sentence that says what went wrong, where, and what to do. */
#ifndef NIBBLE_ERROR_H
#define NIBBLE_ERROR_H

#include <stdbool.h>

#define NB_ERR_MAX 1024

typedef struct nb_err {
    char msg[NB_ERR_MAX];
} nb_err;

/* printf-style; always returns false so callers can write `return nb_fail(...)`. */
bool nb_fail(nb_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefix an existing message with context ("reading FILE: ..."). Returns false. */
bool nb_fail_prefix(nb_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Make GSL return NaN instead of aborting on a domain or convergence error
 * (callers check GSL's results). Idempotent; called by the library itself
 * before GSL routines that can fail. */
void nb_gsl_errors_off(void);

#endif
