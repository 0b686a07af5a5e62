#pragma once
// Integers stored in disc order. Every field of an on-disk struct has one of these types, so
// its byte order is part of its type, its alignment is 1, and conversion happens on read and
// on write only. STYLE.md section 2.

#include <array>
#include <concepts>
#include <cstddef>
#include <type_traits>

#include "discwright/types.h"

namespace discwright::core {

template <std::unsigned_integral T> class Le {
public:
    constexpr Le(T v = 0) { set(v); }
    constexpr operator T() const { return value(); }
    constexpr T value() const {
        T v = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i)
            v |= static_cast<T>(static_cast<T>(m_bytes[i]) << (8 * i));
        return v;
    }
    constexpr void set(T v) {
        for (std::size_t i = 0; i < sizeof(T); ++i)
            m_bytes[i] = static_cast<std::byte>((v >> (8 * i)) & 0xff);
    }

private:
    std::array<std::byte, sizeof(T)> m_bytes{};
};

template <std::unsigned_integral T> class Be {
public:
    constexpr Be(T v = 0) { set(v); }
    constexpr operator T() const { return value(); }
    constexpr T value() const {
        T v = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i)
            v = static_cast<T>((v << 8) | static_cast<T>(m_bytes[i]));
        return v;
    }
    constexpr void set(T v) {
        for (std::size_t i = 0; i < sizeof(T); ++i)
            m_bytes[sizeof(T) - 1 - i] = static_cast<std::byte>((v >> (8 * i)) & 0xff);
    }

private:
    std::array<std::byte, sizeof(T)> m_bytes{};
};

/// ECMA-119 7.2.3 / 7.3.3: a value recorded in both byte orders, little-endian first.
template <std::unsigned_integral T> struct LeBe {
    Le<T> le;
    Be<T> be;
    constexpr LeBe(T v = 0) : le(v), be(v) {}
    constexpr T value() const { return le; }
    /// Importers report a field whose halves disagree.
    constexpr bool consistent() const { return T(le) == T(be); }
};

using Le16 = Le<u16>;
using Le32 = Le<u32>;
using Le64 = Le<u64>;
using Be16 = Be<u16>;
using Be32 = Be<u32>;
using LeBe16 = LeBe<u16>;
using LeBe32 = LeBe<u32>;

template <class T>
concept OnDisk = std::is_trivially_copyable_v<T> && alignof(T) == 1;

static_assert(OnDisk<LeBe32> && sizeof(LeBe32) == 8);
static_assert(OnDisk<Be16> && sizeof(Be16) == 2);

} // namespace discwright::core
