/* Pareto frontier on constructed tables whose answer is known by hand. */
#include <criterion/criterion.h>
#include <math.h>

#include "nibble/pareto.h"

Test(pareto, constructed_table)
{
    /* cost (area), quality (SQNR): A, B, D, F are the frontier; C is dominated
     * by B (cheaper and better), E by D, G ties D's cost but is worse. */
    const double cost[] = {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 4.0};
    const double q[] = {10.0, 14.0, 13.0, 17.0, 16.0, 19.0, 15.0};
    const bool want[] = {true, true, false, true, false, true, false};
    bool front[7];
    cr_expect_eq(nb_pareto_front(cost, q, 7, front), 4);
    for (int i = 0; i < 7; i++)
        cr_expect_eq(front[i], want[i], "point %c", 'A' + i);
}

Test(pareto, equal_points_share_the_front_and_nan_never_joins)
{
    const double cost[] = {2.0, 2.0, NAN, 1.0, 3.0};
    const double q[] = {5.0, 5.0, 9.0, 1.0, NAN};
    bool front[5];
    cr_expect_eq(nb_pareto_front(cost, q, 5, front), 3);
    cr_expect(front[0] && front[1] && front[3]);
    cr_expect(!front[2] && !front[4]);
}

Test(pareto, single_and_empty)
{
    const double c = 1, q = 1;
    bool f;
    cr_expect_eq(nb_pareto_front(&c, &q, 1, &f), 1);
    cr_expect(f);
    cr_expect_eq(nb_pareto_front(NULL, NULL, 0, NULL), 0);
}
