#pragma once
// Basic integer aliases and unit-carrying types. Units live in types: an Lba (a 2048-byte
// logical block address) never converts silently into a byte count or a block count.

#include <compare>
#include <cstddef>
#include <cstdint>

namespace discwright {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;
using i32 = std::int32_t;
using i64 = std::int64_t;

/// Bytes in one logical block of a data image (ECMA-119 6.1.2: 2048 for CD-ROM).
inline constexpr u32 block_size = 2048;

/// A number of 2048-byte blocks.
struct BlockCount {
    u64 value = 0;
    constexpr auto operator<=>(const BlockCount&) const = default;
    constexpr BlockCount operator+(BlockCount o) const { return {value + o.value}; }
    constexpr BlockCount operator-(BlockCount o) const { return {value - o.value}; }
    constexpr u64 bytes() const { return value * block_size; }
    /// The blocks needed to hold `bytes` bytes (rounded up).
    static constexpr BlockCount for_bytes(u64 bytes) {
        return {(bytes + block_size - 1) / block_size};
    }
};

/// A logical block address in 2048-byte blocks.
struct Lba {
    u64 value = 0;
    constexpr auto operator<=>(const Lba&) const = default;
    constexpr Lba operator+(BlockCount n) const { return {value + n.value}; }
    constexpr BlockCount operator-(Lba o) const { return {value - o.value}; }
    constexpr u64 byte_offset() const { return value * block_size; }
};

} // namespace discwright
