// Packing of nibble_top's flat ports for the C++ harnesses: a field of
// `width` bits at bit `lsb` of a port, whatever type Verilator (or SystemC)
// gives the port. Fields are at most 64 bits wide.
#ifndef NIBBLE_PORT_BITS_HPP
#define NIBBLE_PORT_BITS_HPP

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace nb {

inline uint64_t low_mask(int width)
{
    return width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
}

// Word-addressed storage (Verilator VlWide, SystemC sc_bv): 32-bit words.
template <typename GetWord, typename SetWord>
void put_words(GetWord get, SetWord set, int lsb, int width, uint64_t value)
{
    for (int b = 0; b < width;) {
        int word = (lsb + b) / 32, off = (lsb + b) % 32;
        int take = 32 - off < width - b ? 32 - off : width - b;
        uint32_t mask = uint32_t(low_mask(take) << off);
        uint32_t bits = uint32_t(((value >> b) & low_mask(take)) << off);
        set(word, (get(word) & ~mask) | bits);
        b += take;
    }
}

template <typename GetWord>
uint64_t get_words(GetWord get, int lsb, int width)
{
    uint64_t v = 0;
    for (int b = 0; b < width;) {
        int word = (lsb + b) / 32, off = (lsb + b) % 32;
        int take = 32 - off < width - b ? 32 - off : width - b;
        v |= (uint64_t(get(word) >> off) & low_mask(take)) << b;
        b += take;
    }
    return v;
}

// Plain integer ports (CData .. QData, bool, uint32_t, uint64_t).
template <typename T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
void put_bits(T &port, int lsb, int width, uint64_t value)
{
    uint64_t p = uint64_t(port);
    uint64_t mask = low_mask(width) << lsb;
    port = T((p & ~mask) | ((value << lsb) & mask));
}

template <typename T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
uint64_t get_bits(const T &port, int lsb, int width)
{
    return (uint64_t(port) >> lsb) & low_mask(width);
}

// Sign-extend the low `width` bits.
inline int64_t sign_extend(uint64_t v, int width)
{
    uint64_t sign = uint64_t(1) << (width - 1);
    v &= low_mask(width);
    return int64_t(v ^ sign) - int64_t(sign);
}

}  // namespace nb

#endif
