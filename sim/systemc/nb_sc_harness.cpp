// SystemC testbench behind the C ABI of nb_harness.h: a clock and one signal
// per port of nibble_top, bound either to the Verilator SystemC model of the
// RTL or to the C cycle model wrapped with the same ports (nb_cmodel_sc.hpp).
// SystemC elaborates once per process, so a process holds one such testbench.
#include <systemc.h>

#include <memory>
#include <string>

#include "Vnibble_top.h"
#include "nb_cmodel_sc.hpp"
#include "nb_harness.h"

namespace {

std::string g_error;

template <typename PortRef>
using sig_t = sc_core::sc_signal<nb::port_data_t<PortRef>>;
#define NB_SIGNAL(port) sig_t<decltype(std::declval<Vnibble_top &>().port)> port

struct Testbench {
    sc_core::sc_signal<bool> clk_i{"clk_i"}, rst_ni{"rst_ni"};
#if NB_W_SEL_BITS > 0
    NB_SIGNAL(wfmt_sel_i);
#endif
#if NB_A_SEL_BITS > 0
    NB_SIGNAL(afmt_sel_i);
#endif
    sc_core::sc_signal<bool> w_load_i{"w_load_i"}, act_valid_i{"act_valid_i"}, out_valid_o{"out_valid_o"};
    NB_SIGNAL(w_row_i);
    NB_SIGNAL(w_codes_i);
#if NB_ACT_VALUE_BITS > 0
    NB_SIGNAL(act_values_i);
#else
    NB_SIGNAL(act_codes_i);
#endif
#if NB_TAG_BITS > 0
    NB_SIGNAL(act_tags_i);
#endif
    NB_SIGNAL(psum_i);
    NB_SIGNAL(out_psum_o);
#if defined(NB_BLOCK_SCALED) && NB_BLOCK_SCALED
    sc_core::sc_signal<bool> scale_en_i{"scale_en_i"}, facc_fwd_i{"facc_fwd_i"},
        out_facc_valid_o{"out_facc_valid_o"};
    NB_SIGNAL(w_scales_i);
    NB_SIGNAL(a_scale_i);
    NB_SIGNAL(facc_i);
    NB_SIGNAL(out_facc_o);
#if NB_SCALE_FIXED
    NB_SIGNAL(out_f32_o);
#endif
#endif
    sc_core::sc_trace_file *trace = nullptr;

    template <class Dut>
    void bind(Dut &d)
    {
        d.clk_i(clk_i);
        d.rst_ni(rst_ni);
#if NB_W_SEL_BITS > 0
        d.wfmt_sel_i(wfmt_sel_i);
#endif
#if NB_A_SEL_BITS > 0
        d.afmt_sel_i(afmt_sel_i);
#endif
        d.w_load_i(w_load_i);
        d.w_row_i(w_row_i);
        d.w_codes_i(w_codes_i);
        d.act_valid_i(act_valid_i);
#if NB_ACT_VALUE_BITS > 0
        d.act_values_i(act_values_i);
#else
        d.act_codes_i(act_codes_i);
#endif
#if NB_TAG_BITS > 0
        d.act_tags_i(act_tags_i);
#endif
        d.psum_i(psum_i);
        d.out_valid_o(out_valid_o);
        d.out_psum_o(out_psum_o);
#if defined(NB_BLOCK_SCALED) && NB_BLOCK_SCALED
        d.scale_en_i(scale_en_i);
        d.facc_fwd_i(facc_fwd_i);
        d.w_scales_i(w_scales_i);
        d.a_scale_i(a_scale_i);
        d.facc_i(facc_i);
        d.out_facc_valid_o(out_facc_valid_o);
        d.out_facc_o(out_facc_o);
#if NB_SCALE_FIXED
        d.out_f32_o(out_f32_o);
#endif
#endif
    }
};

bool g_elaborated = false;

}  // namespace

// libsystemc provides main(), which calls sc_main; nibble never runs it.
int sc_main(int, char **) { return 1; }

extern "C" {

int nb_harness_abi_version(void) { return NB_HARNESS_ABI_VERSION; }

const char *nb_harness_error(void) { return g_error.c_str(); }

void nb_harness_shape(nb_port_shape *s)
{
    *s = nb_port_shape{NB_ROWS,          NB_COLS,          NB_W_CODE_BITS, NB_A_CODE_BITS,
                       NB_ACC_BITS,      NB_W_SEL_BITS,    NB_A_SEL_BITS,  NB_ROW_ADDR_BITS,
                       NB_TAG_BITS,      NB_ACT_VALUE_BITS, NB_LATENCY,
                       NB_BLOCK_SCALED,  NB_W_SCALE_BITS,  NB_A_SCALE_BITS,
                       NB_SCALE_FIXED,   NB_FACC_BITS};
}

// SystemC writes its waveform itself when the trace file is closed (destroy).
const char *nb_harness_finish(void *) { return nullptr; }

void *nb_harness_create(int kind, const char *manifest, const char *trace_path)
{
    if (g_elaborated) {
        g_error = "SystemC elaborates once per process: run each SystemC model in its own process";
        return nullptr;
    }
    g_elaborated = true;
    auto *tb = new Testbench;
    try {
        if (kind == NB_HARNESS_SC_RTL) {
            auto *rtl = new Vnibble_top("dut");  // lives as long as the process
            tb->bind(*rtl);
        } else if (kind == NB_HARNESS_SC_CMODEL) {
            auto *cm = new nb::CModelSc<Vnibble_top>("dut", manifest);
            tb->bind(*cm);
        } else {
            g_error = "unknown SystemC model kind";
            return nullptr;
        }
    } catch (const std::exception &e) {
        g_error = e.what();
        return nullptr;
    }
    if (trace_path) {
        std::string base(trace_path);
        if (base.size() > 4 && base.compare(base.size() - 4, 4, ".vcd") == 0)
            base.resize(base.size() - 4);  // SystemC appends .vcd itself
        tb->trace = sc_core::sc_create_vcd_trace_file(base.c_str());
        sc_core::sc_trace(tb->trace, tb->clk_i, "clk_i");
        sc_core::sc_trace(tb->trace, tb->rst_ni, "rst_ni");
        sc_core::sc_trace(tb->trace, tb->w_load_i, "w_load_i");
        sc_core::sc_trace(tb->trace, tb->w_codes_i, "w_codes_i");
        sc_core::sc_trace(tb->trace, tb->act_valid_i, "act_valid_i");
#if NB_ACT_VALUE_BITS > 0
        sc_core::sc_trace(tb->trace, tb->act_values_i, "act_values_i");
#else
        sc_core::sc_trace(tb->trace, tb->act_codes_i, "act_codes_i");
#endif
        sc_core::sc_trace(tb->trace, tb->psum_i, "psum_i");
        sc_core::sc_trace(tb->trace, tb->out_valid_o, "out_valid_o");
        sc_core::sc_trace(tb->trace, tb->out_psum_o, "out_psum_o");
    }
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    return tb;
}

void nb_harness_step(void *handle, const nb_port_in *in, nb_port_out *out)
{
    auto *tb = static_cast<Testbench *>(handle);
    using nb::get_bits;
    using nb::put_bits;
    tb->rst_ni.write(in->rst_n);
#if NB_W_SEL_BITS > 0
    {
        nb::port_data_t<decltype(std::declval<Vnibble_top &>().wfmt_sel_i)> v{};
        put_bits(v, 0, NB_W_SEL_BITS, in->wfmt_sel);
        tb->wfmt_sel_i.write(v);
    }
#endif
#if NB_A_SEL_BITS > 0
    {
        nb::port_data_t<decltype(std::declval<Vnibble_top &>().afmt_sel_i)> v{};
        put_bits(v, 0, NB_A_SEL_BITS, in->afmt_sel);
        tb->afmt_sel_i.write(v);
    }
#endif
    tb->w_load_i.write(in->w_load);
    {
        nb::port_data_t<decltype(std::declval<Vnibble_top &>().w_row_i)> v{};
        put_bits(v, 0, NB_ROW_ADDR_BITS, in->w_row);
        tb->w_row_i.write(v);
    }
    {
        nb::port_data_t<decltype(std::declval<Vnibble_top &>().w_codes_i)> v{};
        for (int n = 0; n < NB_COLS; n++)
            put_bits(v, n * NB_W_CODE_BITS, NB_W_CODE_BITS, in->w_codes[n]);
        tb->w_codes_i.write(v);
    }
    tb->act_valid_i.write(in->act_valid);
#if NB_ACT_VALUE_BITS > 0
    {
        nb::port_data_t<decltype(std::declval<Vnibble_top &>().act_values_i)> v{};
        for (int k = 0; k < NB_ROWS; k++)
            put_bits(v, k * NB_ACT_VALUE_BITS, NB_ACT_VALUE_BITS, in->act_values[k]);
        tb->act_values_i.write(v);
    }
#else
    {
        nb::port_data_t<decltype(std::declval<Vnibble_top &>().act_codes_i)> v{};
        for (int k = 0; k < NB_ROWS; k++)
            put_bits(v, k * NB_A_CODE_BITS, NB_A_CODE_BITS, in->act_codes[k]);
        tb->act_codes_i.write(v);
    }
#endif
#if NB_TAG_BITS > 0
    {
        nb::port_data_t<decltype(std::declval<Vnibble_top &>().act_tags_i)> v{};
        for (int k = 0; k < NB_ROWS; k++)
            put_bits(v, k * NB_TAG_BITS, NB_TAG_BITS, in->act_tags[k]);
        tb->act_tags_i.write(v);
    }
#endif
    {
        nb::port_data_t<decltype(std::declval<Vnibble_top &>().psum_i)> v{};
        for (int n = 0; n < NB_COLS; n++)
            put_bits(v, n * NB_ACC_BITS, NB_ACC_BITS, uint64_t(in->psum[n]));
        tb->psum_i.write(v);
    }
#if defined(NB_BLOCK_SCALED) && NB_BLOCK_SCALED
    // the scale stage: NULL arrays read as zeros
    tb->scale_en_i.write(in->scale_en);
    tb->facc_fwd_i.write(in->facc_fwd);
    {
        nb::port_data_t<decltype(std::declval<Vnibble_top &>().a_scale_i)> v{};
        put_bits(v, 0, NB_A_SCALE_BITS, in->a_scale);
        tb->a_scale_i.write(v);
    }
    {
        nb::port_data_t<decltype(std::declval<Vnibble_top &>().w_scales_i)> v{};
        for (int n = 0; n < NB_COLS; n++)
            put_bits(v, n * NB_W_SCALE_BITS, NB_W_SCALE_BITS, in->w_scales ? in->w_scales[n] : 0);
        tb->w_scales_i.write(v);
    }
    {
        nb::port_data_t<decltype(std::declval<Vnibble_top &>().facc_i)> v{};
        for (int n = 0; n < NB_COLS; n++)
#if NB_SCALE_FIXED
            put_bits(v, n * NB_FACC_BITS, NB_FACC_BITS, in->xacc ? in->xacc[n] : 0);
#else
            put_bits(v, n * 32, 32, in->facc ? in->facc[n] : 0);
#endif
        tb->facc_i.write(v);
    }
#endif
    sc_core::sc_start(1, sc_core::SC_NS);  // inputs settle; outputs show this cycle

    out->out_valid = tb->out_valid_o.read();
    auto ps = tb->out_psum_o.read();
    for (int n = 0; n < NB_COLS; n++)
        out->psum[n] = nb::sign_extend(get_bits(ps, n * NB_ACC_BITS, NB_ACC_BITS), NB_ACC_BITS);
#if defined(NB_BLOCK_SCALED) && NB_BLOCK_SCALED
    out->facc_valid = tb->out_facc_valid_o.read();
#if NB_SCALE_FIXED
    if (out->facc) {
        auto fo = tb->out_f32_o.read();
        for (int n = 0; n < NB_COLS; n++)
            out->facc[n] = uint32_t(get_bits(fo, n * 32, 32));
    }
    if (out->xacc) {
        auto xo = tb->out_facc_o.read();
        for (int n = 0; n < NB_COLS; n++)
            out->xacc[n] = get_bits(xo, n * NB_FACC_BITS, NB_FACC_BITS);
    }
#else
    if (out->facc) {
        auto fo = tb->out_facc_o.read();
        for (int n = 0; n < NB_COLS; n++)
            out->facc[n] = uint32_t(get_bits(fo, n * 32, 32));
    }
#endif
#else
    out->facc_valid = false;
#endif

    tb->clk_i.write(true);
    sc_core::sc_start(4, sc_core::SC_NS);
    tb->clk_i.write(false);
    sc_core::sc_start(5, sc_core::SC_NS);
}

void nb_harness_destroy(void *handle)
{
    auto *tb = static_cast<Testbench *>(handle);
    if (tb->trace)
        sc_core::sc_close_vcd_trace_file(tb->trace);
    // SystemC objects cannot be torn down after simulation; the process ends soon.
}

}  // extern "C"
