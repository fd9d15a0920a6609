// The C cycle model wrapped as an sc_module with exactly the ports of the
// Verilator SystemC model of nibble_top (types are taken from it), so a
// virtual platform can swap one for the other:
//
//   Vnibble_top rtl("dut");                       // RTL, cycle-exact
//   nb::CModelSc<Vnibble_top> fast("dut", path);  // C model, same ports, faster
//
// `path` is the design's manifest.json. The model reacts to clk_i rising edges.
#ifndef NIBBLE_CMODEL_SC_HPP
#define NIBBLE_CMODEL_SC_HPP

#include <stdexcept>
#include <string>
#include <vector>

#include "nb_sc_types.hpp"
#include "nibble_ports.h"
// designs generated before the fixed-point accumulator (--scale-acc) existed
#ifndef NB_SCALE_FIXED
#define NB_SCALE_FIXED 0
#endif
#ifndef NB_FACC_BITS
#define NB_FACC_BITS 32
#endif

extern "C" {
#include "nibble/sim.h"
}

namespace nb {

template <class Rtl>
class CModelSc : public sc_core::sc_module {
  public:
    sc_core::sc_in<bool> clk_i;
    sc_core::sc_in<bool> rst_ni;
#if NB_W_SEL_BITS > 0
    sc_core::sc_in<port_data_t<decltype(std::declval<Rtl &>().wfmt_sel_i)>> wfmt_sel_i;
#endif
#if NB_A_SEL_BITS > 0
    sc_core::sc_in<port_data_t<decltype(std::declval<Rtl &>().afmt_sel_i)>> afmt_sel_i;
#endif
    sc_core::sc_in<bool> w_load_i;
    sc_core::sc_in<port_data_t<decltype(std::declval<Rtl &>().w_row_i)>> w_row_i;
    sc_core::sc_in<port_data_t<decltype(std::declval<Rtl &>().w_codes_i)>> w_codes_i;
    sc_core::sc_in<bool> act_valid_i;
#if NB_ACT_VALUE_BITS > 0
    sc_core::sc_in<port_data_t<decltype(std::declval<Rtl &>().act_values_i)>> act_values_i;
#else
    sc_core::sc_in<port_data_t<decltype(std::declval<Rtl &>().act_codes_i)>> act_codes_i;
#endif
#if NB_TAG_BITS > 0
    sc_core::sc_in<port_data_t<decltype(std::declval<Rtl &>().act_tags_i)>> act_tags_i;
#endif
    sc_core::sc_in<port_data_t<decltype(std::declval<Rtl &>().psum_i)>> psum_i;
    sc_core::sc_out<bool> out_valid_o;
    sc_core::sc_out<port_data_t<decltype(std::declval<Rtl &>().out_psum_o)>> out_psum_o;
#if defined(NB_BLOCK_SCALED) && NB_BLOCK_SCALED
    // the scale stage of a block-scaled design (gen/README.md)
    sc_core::sc_in<bool> scale_en_i;
    sc_core::sc_in<bool> facc_fwd_i;
    sc_core::sc_in<port_data_t<decltype(std::declval<Rtl &>().w_scales_i)>> w_scales_i;
    sc_core::sc_in<port_data_t<decltype(std::declval<Rtl &>().a_scale_i)>> a_scale_i;
    sc_core::sc_in<port_data_t<decltype(std::declval<Rtl &>().facc_i)>> facc_i;
    sc_core::sc_out<bool> out_facc_valid_o;
    sc_core::sc_out<port_data_t<decltype(std::declval<Rtl &>().out_facc_o)>> out_facc_o;
#if NB_SCALE_FIXED
    sc_core::sc_out<port_data_t<decltype(std::declval<Rtl &>().out_f32_o)>> out_f32_o;
#endif
#endif

    SC_HAS_PROCESS(CModelSc);

    CModelSc(sc_core::sc_module_name name, const char *manifest)
        : sc_module(name), clk_i("clk_i"), rst_ni("rst_ni"),
#if NB_W_SEL_BITS > 0
          wfmt_sel_i("wfmt_sel_i"),
#endif
#if NB_A_SEL_BITS > 0
          afmt_sel_i("afmt_sel_i"),
#endif
          w_load_i("w_load_i"), w_row_i("w_row_i"), w_codes_i("w_codes_i"),
          act_valid_i("act_valid_i"),
#if NB_ACT_VALUE_BITS > 0
          act_values_i("act_values_i"),
#else
          act_codes_i("act_codes_i"),
#endif
#if NB_TAG_BITS > 0
          act_tags_i("act_tags_i"),
#endif
          psum_i("psum_i"),
          out_valid_o("out_valid_o"), out_psum_o("out_psum_o"),
#if defined(NB_BLOCK_SCALED) && NB_BLOCK_SCALED
          scale_en_i("scale_en_i"), facc_fwd_i("facc_fwd_i"), w_scales_i("w_scales_i"), a_scale_i("a_scale_i"),
          facc_i("facc_i"), out_facc_valid_o("out_facc_valid_o"), out_facc_o("out_facc_o"),
#if NB_SCALE_FIXED
          out_f32_o("out_f32_o"),
#endif
#endif
          w_codes_(NB_COLS), act_codes_(NB_ROWS), act_tags_(NB_ROWS), act_values_(NB_ROWS),
          w_scales_(NB_COLS), facc_(NB_COLS), facc_out_(NB_COLS), xacc_(NB_COLS), xacc_out_(NB_COLS),
          psum_(NB_COLS), out_(NB_COLS)
    {
        nb_err err;
        design_ = nb_design_load(manifest, &err);
        if (design_)
            model_ = nb_cmodel_new(design_, &err);
        if (!design_ || !model_)
            throw std::runtime_error(err.msg);
        SC_METHOD(on_clock);
        sensitive << clk_i.pos();
        dont_initialize();
    }

    ~CModelSc() override
    {
        nb_backend_free(model_);
        nb_design_free(design_);
    }

  private:
    void on_clock()
    {
        nb_port_in in = {};
        in.rst_n = rst_ni.read();
#if NB_W_SEL_BITS > 0
        in.wfmt_sel = uint32_t(get_bits(wfmt_sel_i.read(), 0, NB_W_SEL_BITS));
#endif
#if NB_A_SEL_BITS > 0
        in.afmt_sel = uint32_t(get_bits(afmt_sel_i.read(), 0, NB_A_SEL_BITS));
#endif
        in.w_load = w_load_i.read();
        in.w_row = uint32_t(get_bits(w_row_i.read(), 0, NB_ROW_ADDR_BITS));
        auto wc = w_codes_i.read();
        for (int n = 0; n < NB_COLS; n++)
            w_codes_[size_t(n)] = uint8_t(get_bits(wc, n * NB_W_CODE_BITS, NB_W_CODE_BITS));
        in.act_valid = act_valid_i.read();
#if NB_ACT_VALUE_BITS > 0
        auto av = act_values_i.read();
        for (int k = 0; k < NB_ROWS; k++)
            act_values_[size_t(k)] = uint16_t(get_bits(av, k * NB_ACT_VALUE_BITS, NB_ACT_VALUE_BITS));
        in.act_values = act_values_.data();
#else
        auto ac = act_codes_i.read();
        for (int k = 0; k < NB_ROWS; k++)
            act_codes_[size_t(k)] = uint8_t(get_bits(ac, k * NB_A_CODE_BITS, NB_A_CODE_BITS));
#endif
#if NB_TAG_BITS > 0
        auto at = act_tags_i.read();
        for (int k = 0; k < NB_ROWS; k++)
            act_tags_[size_t(k)] = uint8_t(get_bits(at, k * NB_TAG_BITS, NB_TAG_BITS));
        in.act_tags = act_tags_.data();
#endif
        auto ps = psum_i.read();
        for (int n = 0; n < NB_COLS; n++)
            psum_[size_t(n)] = sign_extend(get_bits(ps, n * NB_ACC_BITS, NB_ACC_BITS), NB_ACC_BITS);
        in.w_codes = w_codes_.data();
        in.act_codes = act_codes_.data();
        in.psum = psum_.data();
#if defined(NB_BLOCK_SCALED) && NB_BLOCK_SCALED
        in.scale_en = scale_en_i.read();
        in.facc_fwd = facc_fwd_i.read();
        in.a_scale = uint32_t(get_bits(a_scale_i.read(), 0, NB_A_SCALE_BITS));
        auto wsc = w_scales_i.read();
        auto fin = facc_i.read();
        for (int n = 0; n < NB_COLS; n++) {
            w_scales_[size_t(n)] = uint16_t(get_bits(wsc, n * NB_W_SCALE_BITS, NB_W_SCALE_BITS));
#if NB_SCALE_FIXED
            xacc_[size_t(n)] = get_bits(fin, n * NB_FACC_BITS, NB_FACC_BITS);
#else
            facc_[size_t(n)] = uint32_t(get_bits(fin, n * 32, 32));
#endif
        }
        in.w_scales = w_scales_.data();
        in.facc = facc_.data();
        in.xacc = NB_SCALE_FIXED ? xacc_.data() : nullptr;
#endif

        // step() reports this cycle's outputs; the registers then hold the next ones.
        nb_port_out out = {};
        out.psum = out_.data();
        out.facc = facc_out_.data();
        out.xacc = NB_SCALE_FIXED ? xacc_out_.data() : nullptr;
        nb_backend_step(model_, &in, &out);
        nb_cmodel_outputs(model_, &out);
        out_valid_o.write(out.out_valid);
        port_data_t<decltype(std::declval<Rtl &>().out_psum_o)> v{};
        for (int n = 0; n < NB_COLS; n++)
            put_bits(v, n * NB_ACC_BITS, NB_ACC_BITS, uint64_t(out_[size_t(n)]));
        out_psum_o.write(v);
#if defined(NB_BLOCK_SCALED) && NB_BLOCK_SCALED
        out_facc_valid_o.write(out.facc_valid);
        port_data_t<decltype(std::declval<Rtl &>().out_facc_o)> f{};
#if NB_SCALE_FIXED
        // out_facc_o: the fixed-point registers; out_f32_o: their binary32 values
        for (int n = 0; n < NB_COLS; n++)
            put_bits(f, n * NB_FACC_BITS, NB_FACC_BITS, xacc_out_[size_t(n)]);
        port_data_t<decltype(std::declval<Rtl &>().out_f32_o)> g{};
        for (int n = 0; n < NB_COLS; n++)
            put_bits(g, n * 32, 32, facc_out_[size_t(n)]);
        out_f32_o.write(g);
#else
        for (int n = 0; n < NB_COLS; n++)
            put_bits(f, n * 32, 32, facc_out_[size_t(n)]);
#endif
        out_facc_o.write(f);
#endif
    }

    nb_design *design_ = nullptr;
    nb_backend *model_ = nullptr;
    std::vector<uint8_t> w_codes_, act_codes_, act_tags_;
    std::vector<uint16_t> act_values_;
    std::vector<uint16_t> w_scales_;
    std::vector<uint32_t> facc_, facc_out_;
    std::vector<uint64_t> xacc_, xacc_out_;
    std::vector<int64_t> psum_, out_;
};

}  // namespace nb

#endif
