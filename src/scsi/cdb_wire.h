#pragma once
// What the command builders and parsers share: every CDB layout is an OnDisk struct that goes
// into Cdb::bytes through ByteWriter and comes out through ByteReader (STYLE.md section 2),
// plus the few helpers for the flag bytes that MMC packs several fields into.

#include <array>
#include <cstddef>
#include <string_view>

#include <fmt/format.h>

#include "core/byte_io.h"
#include "core/endian.h"
#include "scsi/cdb.h"
#include "scsi/opcodes.h"

namespace discwright::scsi::wire {

/// A 24-bit big-endian field (READ CD transfer length, SEND CUE SHEET size, FORMAT UNIT
/// type-dependent parameter). core::Be covers whole integer types only.
class Be24 {
public:
    constexpr Be24(u32 v = 0) { set(v); }
    constexpr operator u32() const { return value(); }
    [[nodiscard]] constexpr u32 value() const {
        return static_cast<u32>(m_bytes[0]) << 16 | static_cast<u32>(m_bytes[1]) << 8 |
               static_cast<u32>(m_bytes[2]);
    }
    constexpr void set(u32 v) {
        m_bytes[0] = static_cast<std::byte>(v >> 16 & 0xff);
        m_bytes[1] = static_cast<std::byte>(v >> 8 & 0xff);
        m_bytes[2] = static_cast<std::byte>(v & 0xff);
    }

private:
    std::array<std::byte, 3> m_bytes{};
};
static_assert(core::OnDisk<Be24> && sizeof(Be24) == 3);

inline constexpr u32 max_u24 = 0xFFFFFF;

/// Bit n of a flag byte.
[[nodiscard]] constexpr bool bit(u8 byte, unsigned n) {
    return (byte >> n & 1u) != 0;
}
/// 1 << n when `on`, for composing a flag byte.
[[nodiscard]] constexpr u8 bit_if(bool on, unsigned n) {
    return on ? static_cast<u8>(1u << n) : u8{0};
}
/// `width` bits of a flag byte starting at bit `low`.
[[nodiscard]] constexpr u8 bits(u8 byte, unsigned low, unsigned width) {
    return static_cast<u8>(byte >> low & ((1u << width) - 1));
}
/// `value` placed at bit `low`, truncated to `width` bits.
[[nodiscard]] constexpr u8 place(u8 value, unsigned low, unsigned width) {
    return static_cast<u8>((value & ((1u << width) - 1)) << low);
}
[[nodiscard]] constexpr u8 op(Opcode o) {
    return static_cast<u8>(o);
}

/// The Cdb whose bytes are `layout`.
template <core::OnDisk Layout>
[[nodiscard]] Cdb make(const Layout& layout, DataDirection direction, u32 transfer_length) {
    static_assert(sizeof(Layout) == 6 || sizeof(Layout) == 10 || sizeof(Layout) == 12 ||
                  sizeof(Layout) == 16);
    Cdb cdb;
    core::ByteWriter out{cdb.bytes};
    out.put(layout);
    cdb.length = static_cast<u8>(sizeof(Layout));
    cdb.direction = direction;
    cdb.transfer_length = direction == DataDirection::None ? 0 : transfer_length;
    return cdb;
}

/// The layout of `cdb` after checking that it is the command `expected` with its length.
template <core::OnDisk Layout>
[[nodiscard]] Layout read(const Cdb& cdb, Opcode expected, std::string_view what) {
    if (cdb.opcode() != op(expected))
        throw Error(ErrorCode::InvalidParam, fmt::format("{} cdb: opcode 0x{:02X} is not 0x{:02X}",
                                                         what, cdb.opcode(), op(expected)));
    if (cdb.length != sizeof(Layout))
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("{} cdb: {} bytes, {} expected", what, cdb.length, sizeof(Layout)));
    core::ByteReader in{cdb.view(), {.lba = {}, .what = std::string(what) + " cdb"}};
    return in.read<Layout>();
}

/// A CDB field holds a value MMC reserves; a drive answers INVALID FIELD IN CDB.
[[noreturn]] inline void invalid_field(std::string_view what, std::string_view why,
                                       std::size_t byte) {
    throw Error(ErrorCode::InvalidParam, fmt::format("{} cdb: {} (byte {})", what, why, byte));
}

/// A builder was given a value its CDB field cannot hold.
[[noreturn]] inline void invalid_argument(std::string_view what, std::string_view why) {
    throw Error(ErrorCode::InvalidParam, fmt::format("{} cdb: {}", what, why));
}

/// `raw` as the enum E when it is at most `last`, else INVALID FIELD.
template <class E>
[[nodiscard]] E enum_field(u8 raw, u8 last, std::string_view what, std::string_view field,
                           std::size_t byte) {
    if (raw > last) invalid_field(what, fmt::format("{} {} is reserved", field, raw), byte);
    return static_cast<E>(raw);
}

/// Bytes of `blocks` blocks of `block_size` for a READ or WRITE data phase.
[[nodiscard]] inline u32 block_transfer_bytes(std::string_view what, u32 blocks, u32 block_size) {
    if (blocks != 0 && block_size == 0) invalid_argument(what, "block size 0");
    const u64 bytes = u64{blocks} * block_size;
    if (bytes > 0xFFFFFFFFu)
        invalid_argument(what, fmt::format("{} blocks of {} bytes exceed a 32-bit transfer", blocks,
                                           block_size));
    return static_cast<u32>(bytes);
}

/// The block size a READ or WRITE Cdb's data phase implies: its transfer length divided by
/// `blocks`, or `fallback` when no block moves.
[[nodiscard]] inline u32 block_size_of(std::string_view what, const Cdb& cdb, u32 blocks,
                                       u32 fallback) {
    if (blocks == 0) {
        if (cdb.transfer_length != 0)
            invalid_argument(what,
                             fmt::format("{} bytes of data for 0 blocks", cdb.transfer_length));
        return fallback;
    }
    if (cdb.transfer_length % blocks != 0)
        invalid_argument(what, fmt::format("{} bytes of data are not a multiple of {} blocks",
                                           cdb.transfer_length, blocks));
    return cdb.transfer_length / blocks;
}

} // namespace discwright::scsi::wire
