// Thin C ABI around the Verilator model of nibble_top (see nb_harness.h).
// All test logic lives in C; this file only moves bits and toggles the clock.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "Vnibble_top.h"
#include "nb_harness.h"
#include "nb_port_bits.hpp"
#include "nibble_ports.h"
// designs generated before the fixed-point accumulator (--scale-acc) existed
#ifndef NB_SCALE_FIXED
#define NB_SCALE_FIXED 0
#endif
#ifndef NB_FACC_BITS
#define NB_FACC_BITS 32
#endif
#include "verilated.h"
#ifdef NB_TRACE
#include "verilated_vcd_c.h"
#endif

namespace {

std::string g_error;

#ifdef NB_TRACE
// The waveform file. Verilator's own writer answers a failed write (a full
// disk, a file size limit) with vl_fatal, which flushes the trace it is
// flushing and deadlocks on the trace's mutex (Verilator 5.006). This one
// never reports a failure to Verilator: it keeps the first error, drops
// everything after it, and the harness reports it from nb_harness_finish.
class WaveFile : public VerilatedVcdFile {
public:
    bool open(const std::string &name) override
    {
        path_ = name;
        fd_ = ::open(name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd_ < 0)
            fail(errno);
        return fd_ >= 0;
    }
    void close() override
    {
        if (fd_ >= 0 && ::close(fd_) != 0)
            fail(errno);
        fd_ = -1;
    }
    ssize_t write(const char *buf, ssize_t len) override
    {
        for (ssize_t done = 0; fd_ >= 0 && error_.empty() && done < len;) {
            ssize_t n = ::write(fd_, buf + done, size_t(len - done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                fail(n < 0 ? errno : ENOSPC);
                break;
            }
            done += n;
        }
        return len;  // Verilator must never see a failure (see above)
    }
    const std::string &error() const { return error_; }
    const std::string &path() const { return path_; }

private:
    void fail(int e)
    {
        if (error_.empty())
            error_ = "cannot write waveform " + path_ + ": " + std::strerror(e) +
                     (e == ENOSPC || e == EFBIG || e == EDQUOT ? " (the disk or a size limit is full)" : "");
    }
    int fd_ = -1;
    std::string path_, error_;
};
#endif

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
    std::unique_ptr<WaveFile> wave;  // outlives vcd, which writes into it
    std::unique_ptr<VerilatedVcdC> vcd;
    bool finished = false;
    std::string finish_error;
#endif
    std::string coverage_path;  // NB_COVERAGE models write toggle counts here when freed
    uint64_t cycle = 0;
};

// Bytes Verilator stores a port of `width` bits in (CData, SData, IData,
// QData, then 32-bit words).
constexpr std::size_t port_bytes(int width)
{
    return width <= 8 ? 1 : width <= 16 ? 2 : width <= 32 ? 4 : width <= 64 ? 8 : 4 * std::size_t((width + 31) / 32);
}

// The compiled RTL and the compiled nibble_ports.h must agree on every
// port the harness packs, or put_bits would write past a port.
bool ports_agree()
{
    struct { const char *name; std::size_t bytes; int width; } ports[] = {
        {"w_row_i", sizeof(Vnibble_top::w_row_i), NB_ROW_ADDR_BITS},
        {"w_codes_i", sizeof(Vnibble_top::w_codes_i), NB_COLS * NB_W_CODE_BITS},
#if NB_ACT_VALUE_BITS > 0
        {"act_values_i", sizeof(Vnibble_top::act_values_i), NB_ROWS * NB_ACT_VALUE_BITS},
#else
        {"act_codes_i", sizeof(Vnibble_top::act_codes_i), NB_ROWS * NB_A_CODE_BITS},
#endif
#if NB_TAG_BITS > 0
        {"act_tags_i", sizeof(Vnibble_top::act_tags_i), NB_ROWS * NB_TAG_BITS},
#endif
        {"psum_i", sizeof(Vnibble_top::psum_i), NB_COLS * NB_ACC_BITS},
        {"out_psum_o", sizeof(Vnibble_top::out_psum_o), NB_COLS * NB_ACC_BITS},
#if defined(NB_BLOCK_SCALED) && NB_BLOCK_SCALED
        {"w_scales_i", sizeof(Vnibble_top::w_scales_i), NB_COLS * NB_W_SCALE_BITS},
        {"a_scale_i", sizeof(Vnibble_top::a_scale_i), NB_A_SCALE_BITS},
        {"facc_i", sizeof(Vnibble_top::facc_i), NB_COLS * NB_FACC_BITS},
        {"out_facc_o", sizeof(Vnibble_top::out_facc_o), NB_COLS * NB_FACC_BITS},
#if NB_SCALE_FIXED
        {"out_f32_o", sizeof(Vnibble_top::out_f32_o), NB_COLS * 32},
#endif
#endif
    };
    for (const auto &p : ports)
        if (p.bytes != port_bytes(p.width)) {
            g_error = std::string("the compiled RTL's port ") + p.name + " does not have the " +
                      std::to_string(p.width) + " bits nibble_ports.h gives it: the design's "
                      "Verilog and nibble_ports.h disagree; regenerate the design with 'nibble gen'";
            return false;
        }
    return true;
}

}  // namespace

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
    if (!ports_agree())
        return nullptr;
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
        h->wave.reset(new WaveFile);
        h->vcd.reset(new VerilatedVcdC(h->wave.get()));
        h->top->trace(h->vcd.get(), 99);
        h->vcd->open(trace_path);
        if (!h->vcd->isOpen() || !h->wave->error().empty()) {
            g_error = h->wave->error().empty() ? std::string("cannot write waveform ") + trace_path
                                               : h->wave->error();
            h->vcd.reset();
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
#if defined(NB_BLOCK_SCALED) && NB_BLOCK_SCALED
    // the scale stage: NULL arrays read as zeros
    t.scale_en_i = in->scale_en;
    t.facc_fwd_i = in->facc_fwd;
    t.a_scale_i = in->a_scale & nb::low_mask(NB_A_SCALE_BITS);
    for (int n = 0; n < NB_COLS; n++) {
        put_bits(t.w_scales_i, n * NB_W_SCALE_BITS, NB_W_SCALE_BITS,
                 in->w_scales ? in->w_scales[n] : 0);
#if NB_SCALE_FIXED
        // the fixed-point registers (with the NaN flag) instead of binary32
        put_bits(t.facc_i, n * NB_FACC_BITS, NB_FACC_BITS, in->xacc ? in->xacc[n] : 0);
#else
        put_bits(t.facc_i, n * 32, 32, in->facc ? in->facc[n] : 0);
#endif
    }
#endif
    t.eval();

    // Outputs are registered: what they show now is this cycle's value.
    out->out_valid = t.out_valid_o;
    for (int n = 0; n < NB_COLS; n++)
        out->psum[n] = nb::sign_extend(get_bits(t.out_psum_o, n * NB_ACC_BITS, NB_ACC_BITS), NB_ACC_BITS);
#if defined(NB_BLOCK_SCALED) && NB_BLOCK_SCALED
    out->facc_valid = t.out_facc_valid_o;
#if NB_SCALE_FIXED
    if (out->facc)
        for (int n = 0; n < NB_COLS; n++)
            out->facc[n] = uint32_t(get_bits(t.out_f32_o, n * 32, 32));
    if (out->xacc)
        for (int n = 0; n < NB_COLS; n++)
            out->xacc[n] = get_bits(t.out_facc_o, n * NB_FACC_BITS, NB_FACC_BITS);
#else
    if (out->facc)
        for (int n = 0; n < NB_COLS; n++)
            out->facc[n] = uint32_t(get_bits(t.out_facc_o, n * 32, 32));
#endif
#else
    out->facc_valid = false;
#endif

#ifdef NB_TRACE
    // after a write error there is nothing left to record
    bool tracing = h->vcd && !h->finished && h->wave->error().empty();
    if (tracing) h->vcd->dump(10 * h->cycle);
#endif
    t.clk_i = 1;
    t.eval();
#ifdef NB_TRACE
    if (tracing) h->vcd->dump(10 * h->cycle + 5);
#endif
    t.clk_i = 0;
    t.eval();
    h->cycle++;
}

const char *nb_harness_finish(void *handle)
{
#ifdef NB_TRACE
    auto *h = static_cast<Harness *>(handle);
    if (!h->vcd || h->finished)
        return h->finish_error.empty() ? nullptr : h->finish_error.c_str();
    h->finished = true;
    if (h->wave->error().empty())
        h->vcd->dump(10 * h->cycle);
    h->vcd->close();
    h->finish_error = h->wave->error();
    if (h->finish_error.empty())
        return nullptr;
    // a cut-off waveform is no waveform: remove it (never a device or a link)
    struct stat st;
    if (lstat(h->wave->path().c_str(), &st) == 0 && S_ISREG(st.st_mode))
        unlink(h->wave->path().c_str());
    return h->finish_error.c_str();
#else
    (void)handle;
    return nullptr;
#endif
}

void nb_harness_destroy(void *handle)
{
    auto *h = static_cast<Harness *>(handle);
#ifdef NB_TRACE
    nb_harness_finish(h);
#endif
    h->top->final();
#ifdef NB_COVERAGE
    if (!h->coverage_path.empty())
        h->ctx->coveragep()->write(h->coverage_path.c_str());
#endif
    delete h;
}

}  // extern "C"
