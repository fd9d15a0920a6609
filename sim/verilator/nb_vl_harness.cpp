// Thin C ABI around the Verilator model of nibble_top (see nb_harness.h).
// All test logic lives in C; this file only moves bits and toggles the clock.
#include <cstdio>
#include <memory>
#include <string>

#include "Vnibble_top.h"
#include "nb_harness.h"
#include "nb_port_bits.hpp"
#include "nibble_ports.h"
#include "verilated.h"
#ifdef NB_TRACE
#include "verilated_vcd_c.h"
#endif

namespace {

std::string g_error;

// VlWide ports: adapt to the word helpers.
template <std::size_t N>
void put_bits(VlWide<N> &port, int lsb, int width, uint64_t value)
{
    nb::put_words([&](int w) { return port.at(size_t(w)); },
                  [&](int w, uint32_t v) { port.at(size_t(w)) = v; }, lsb, width, value);
}
template <std::size_t N>
uint64_t get_bits(const VlWide<N> &port, int lsb, int width)
{
    return nb::get_words([&](int w) { return port.at(size_t(w)); }, lsb, width);
}
using nb::get_bits;
using nb::put_bits;

struct Harness {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vnibble_top> top;
#ifdef NB_TRACE
    std::unique_ptr<VerilatedVcdC> vcd;
#endif
    std::string coverage_path;  // NB_COVERAGE models write toggle counts here when freed
    uint64_t cycle = 0;
};

}  // namespace

extern "C" {

int nb_harness_abi_version(void) { return NB_HARNESS_ABI_VERSION; }

const char *nb_harness_error(void) { return g_error.c_str(); }

void *nb_harness_create(int kind, const char *manifest, const char *trace_path)
{
    (void)manifest;
    if (kind != NB_HARNESS_RTL) {
        g_error = "this library holds the plain Verilator model only";
        return nullptr;
    }
#if !defined(NB_TRACE) && !defined(NB_COVERAGE)
    if (trace_path) {
        g_error = "this model was built without waveform support";
        return nullptr;
    }
#endif
    auto *h = new Harness;
#ifdef NB_COVERAGE
    if (trace_path)
        h->coverage_path = trace_path;
#endif
    h->ctx.reset(new VerilatedContext);
    h->top.reset(new Vnibble_top(h->ctx.get(), "nibble_top"));
#ifdef NB_TRACE
    h->ctx->traceEverOn(trace_path != nullptr);
    if (trace_path) {
        h->vcd.reset(new VerilatedVcdC);
        h->top->trace(h->vcd.get(), 99);
        h->vcd->open(trace_path);
        if (!h->vcd->isOpen()) {
            g_error = std::string("cannot write waveform ") + trace_path;
            delete h;
            return nullptr;
        }
    }
#endif
    h->top->clk_i = 0;
    h->top->eval();
    return h;
}

void nb_harness_step(void *handle, const nb_port_in *in, nb_port_out *out)
{
    auto *h = static_cast<Harness *>(handle);
    Vnibble_top &t = *h->top;
    t.rst_ni = in->rst_n;
#if NB_W_SEL_BITS > 0
    t.wfmt_sel_i = in->wfmt_sel & nb::low_mask(NB_W_SEL_BITS);
#endif
#if NB_A_SEL_BITS > 0
    t.afmt_sel_i = in->afmt_sel & nb::low_mask(NB_A_SEL_BITS);
#endif
    t.w_load_i = in->w_load;
    t.w_row_i = in->w_row & nb::low_mask(NB_ROW_ADDR_BITS);
    for (int n = 0; n < NB_COLS; n++)
        put_bits(t.w_codes_i, n * NB_W_CODE_BITS, NB_W_CODE_BITS, in->w_codes[n]);
    t.act_valid_i = in->act_valid;
#if NB_ACT_VALUE_BITS > 0
    for (int k = 0; k < NB_ROWS; k++)
        put_bits(t.act_values_i, k * NB_ACT_VALUE_BITS, NB_ACT_VALUE_BITS, in->act_values[k]);
#else
    for (int k = 0; k < NB_ROWS; k++)
        put_bits(t.act_codes_i, k * NB_A_CODE_BITS, NB_A_CODE_BITS, in->act_codes[k]);
#endif
#if NB_TAG_BITS > 0
    for (int k = 0; k < NB_ROWS; k++)
        put_bits(t.act_tags_i, k * NB_TAG_BITS, NB_TAG_BITS, in->act_tags[k]);
#endif
    for (int n = 0; n < NB_COLS; n++)
        put_bits(t.psum_i, n * NB_ACC_BITS, NB_ACC_BITS, uint64_t(in->psum[n]));
    t.eval();

    // Outputs are registered: what they show now is this cycle's value.
    out->out_valid = t.out_valid_o;
    for (int n = 0; n < NB_COLS; n++)
        out->psum[n] = nb::sign_extend(get_bits(t.out_psum_o, n * NB_ACC_BITS, NB_ACC_BITS), NB_ACC_BITS);

#ifdef NB_TRACE
    if (h->vcd) h->vcd->dump(10 * h->cycle);
#endif
    t.clk_i = 1;
    t.eval();
#ifdef NB_TRACE
    if (h->vcd) h->vcd->dump(10 * h->cycle + 5);
#endif
    t.clk_i = 0;
    t.eval();
    h->cycle++;
}

void nb_harness_destroy(void *handle)
{
    auto *h = static_cast<Harness *>(handle);
#ifdef NB_TRACE
    if (h->vcd) {
        h->vcd->dump(10 * h->cycle);
        h->vcd->close();
    }
#endif
    h->top->final();
#ifdef NB_COVERAGE
    if (!h->coverage_path.empty())
        h->ctx->coveragep()->write(h->coverage_path.c_str());
#endif
    delete h;
}

}  // extern "C"
