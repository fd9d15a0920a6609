/* GSL's default error handler aborts the process (e.g. when the inverse
 * Student-t CDF does not converge for a tiny nu). nibble checks every result
 * it takes from GSL and turns a bad one into a clear error, so the handler is
 * switched off before such calls; GSL then returns NaN instead. */
#include <gsl/gsl_errno.h>

#include "nibble/error.h"

void nb_gsl_errors_off(void)
{
    gsl_set_error_handler_off();
}
