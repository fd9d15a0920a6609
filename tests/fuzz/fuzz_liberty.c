/* libFuzzer entry for the liberty reader: any bytes as a .lib text (not
 * NUL-terminated, as nb_liberty_parse allows), then every table of every pin
 * evaluated inside, on and outside its grid so ASan sees any bad index. */
#include <stddef.h>
#include <stdint.h>

#include "nibble/liberty.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static double touch_table(const nb_lib_table *t)
{
    static const double at[] = {-1e300, -1, 0, 0.05, 0.3, 1, 1e300};
    double s = 0;
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
        for (size_t j = 0; j < sizeof at / sizeof at[0]; j++)
            s += nb_lib_table_eval(t, at[i], at[j]);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nb_err err;
    nb_liberty *lib = nb_liberty_parse((const char *)data, size, "fuzz.lib", &err);
    if (!lib)
        return 0;
    volatile double sink = lib->energy_unit_j + lib->voltage;
    for (int c = 0; c < lib->n_cells; c++) {
        const nb_lib_cell *cell = &lib->cells[c];
        sink += cell->area + cell->leakage;
        if (nb_liberty_cell(lib, cell->name) == NULL)
            __builtin_trap(); /* every cell must be found by name (sorted array) */
        for (int p = 0; p < cell->n_pins; p++) {
            const nb_lib_pin *pin = &cell->pins[p];
            sink += pin->capacitance;
            (void)nb_lib_cell_pin(cell, pin->name);
            for (int k = 0; k < pin->n_power; k++) {
                sink += touch_table(&pin->power[k].rise) + touch_table(&pin->power[k].fall);
                sink += nb_lib_power_energy(&pin->power[k], 0.1, 0.01);
            }
        }
    }
    (void)sink;
    nb_liberty_free(lib);
    return 0;
}
