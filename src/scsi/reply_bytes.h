#pragma once
// What every MMC reply decoder and encoder of scsi/ shares: the cut of a reply to the bytes that
// both its own length field and the transfer vouch for, struct reads that tolerate a reply cut
// short, and encoding into a vector sized by the encoder itself (STYLE.md section 2). Be24 and
// the flag-byte helpers come from scsi/cdb_wire.h, shared with the CDB layouts.
//
// Why zero-padding: drives legitimately send less than a full reply (an allocation length that
// only covers the header, an older MMC version with a shorter block). Decoders read the fixed
// part as if the missing tail were zero, which MMC defines as "not reported" for every field
// they decode that way; fields that are valid only with a flag become std::nullopt instead.

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_io.h"
#include "core/endian.h"
#include "discwright/error.h"
#include "scsi/cdb_wire.h"

namespace discwright::scsi {

using core::Be16;
using core::Be32;
using core::OnDisk;

// The field type and flag-byte helpers the CDB layouts use serve the replies too.
using wire::Be24;
using wire::bit;
using wire::bit_if;
using wire::bits;
using wire::place;

/// Throws InvalidResponseFromDevice when `reply` lacks the `header` bytes its decoder cannot do
/// without.
inline void require_reply_header(std::string_view what, std::span<const std::byte> reply,
                                 std::size_t header) {
    if (reply.size() < header)
        throw Error(ErrorCode::InvalidResponseFromDevice,
                    fmt::format("{}: reply shorter than its {}-byte header ({} bytes)", what,
                                header, reply.size()));
}

/// The first min(reported_total, received) bytes: the part of a reply a decoder may trust.
[[nodiscard]] inline std::span<const std::byte> clamp_reply(std::span<const std::byte> reply,
                                                            u64 reported_total) {
    return reply.first(static_cast<std::size_t>(std::min<u64>(reply.size(), reported_total)));
}

/// Whether bytes [offset, offset + n) arrived.
[[nodiscard]] constexpr bool received(std::span<const std::byte> bytes, std::size_t offset,
                                      std::size_t n) {
    return offset <= bytes.size() && n <= bytes.size() - offset;
}

/// A T read from `offset`; bytes beyond the end of `bytes` read as zero.
template <OnDisk T>
[[nodiscard]] T read_padded(std::span<const std::byte> bytes, std::size_t offset = 0) {
    std::array<std::byte, sizeof(T)> buffer{};
    if (offset < bytes.size()) {
        const auto n = std::min(sizeof(T), bytes.size() - offset);
        core::ByteWriter(buffer).bytes(bytes.subspan(offset, n));
    }
    return core::ByteReader(buffer).read<T>();
}

/// The bytes [offset, offset + n) that arrived, as a copy (fewer when the reply stops early).
[[nodiscard]] inline std::vector<std::byte> copy_received(std::span<const std::byte> bytes,
                                                          std::size_t offset, std::size_t n) {
    if (offset >= bytes.size()) return {};
    const auto part = bytes.subspan(offset, std::min(n, bytes.size() - offset));
    return {part.begin(), part.end()};
}

/// Text of a fixed-width identifier field without its trailing spaces and NULs.
[[nodiscard]] inline std::string trim_identifier(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0'))
        s.pop_back();
    return s;
}

/// Runs `encode(out)` once into a SizeCounter and once into a vector of that size, so the size
/// of a reply always comes from its encoder.
template <class F> [[nodiscard]] std::vector<std::byte> encode_to_vector(F&& encode) {
    core::SizeCounter counter;
    encode(counter);
    std::vector<std::byte> out(counter.bytes());
    core::ByteWriter writer(out);
    encode(writer);
    return out;
}

} // namespace discwright::scsi
