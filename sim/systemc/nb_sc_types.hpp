// Port data types and bit access shared by the SystemC harness and the
// SystemC wrapper of the C cycle model.
#ifndef NIBBLE_SC_TYPES_HPP
#define NIBBLE_SC_TYPES_HPP

#include <systemc.h>

#include <type_traits>
#include <utility>

#include "nb_port_bits.hpp"

namespace nb {

// The value type carried by a port member (sc_in<T>& or sc_out<T>&).
template <typename PortRef>
using port_data_t = typename std::remove_reference<PortRef>::type::data_type;

template <int W>
void put_bits(sc_dt::sc_bv<W> &v, int lsb, int width, uint64_t value)
{
    put_words([&](int w) { return uint32_t(v.get_word(w)); },
              [&](int w, uint32_t x) { v.set_word(w, x); }, lsb, width, value);
}

template <int W>
uint64_t get_bits(const sc_dt::sc_bv<W> &v, int lsb, int width)
{
    return get_words([&](int w) { return uint32_t(v.get_word(w)); }, lsb, width);
}

}  // namespace nb

#endif
