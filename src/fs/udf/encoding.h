#pragma once
// UDF's small encodings: descriptor tags (sealed last, once the location is final), OSTA CS0
// strings and dstrings, character set specifications, timestamps and entity identifiers.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "discwright/clock.h"
#include "fs/udf/on_disk.h"

namespace discwright::fs::udf {

/// UDF revisions as the specification writes them in binary-coded decimal (2.50 = 0x0250).
using Revision = u16;

/// ECMA-167 3/7.2.6: CRC-ITU-T (x^16 + x^12 + x^5 + 1, initial value 0) of `bytes`.
[[nodiscard]] u16 crc_itu_t(std::span<const std::byte> bytes);

/// Finishes the descriptor in `bytes` (its tag first, `bytes.size()` its whole length): sets
/// identifier, version, serial 0 and location, then the CRC over everything after the tag,
/// then the checksum (ECMA-167 3/7.2, UDF 2.2.1.1: CRC length is the descriptor's length - 16).
void seal_tag(std::span<std::byte> bytes, TagId id, u16 version, u32 location);
/// The reader's side: the checksum, the identifier and, bounded by `bytes`, the CRC agree.
[[nodiscard]] bool verify_tag(std::span<const std::byte> bytes, TagId id);

/// OSTA CS0 (UDF 2.1.1): compression ID 8 (one byte per character) when every code unit is
/// below 256, else 16 (UTF-16 big-endian units). Empty text gives no bytes.
[[nodiscard]] std::string encode_cs0(std::u16string_view text);
/// The text of CS0 bytes; nullopt for an unknown compression ID or an odd 16-bit length.
[[nodiscard]] std::optional<std::u16string> decode_cs0(std::string_view bytes);

/// ECMA-167 1/7.2.12: a dstring field of `field.size()` bytes: CS0 bytes, zero padding, and
/// the used length in the last byte. `text` is cut to fit, never inside a surrogate pair.
void fill_dstring(std::span<u8> field, std::u16string_view text);
template <std::size_t N> void fill_dstring(std::array<u8, N>& field, std::u16string_view text) {
    fill_dstring(std::span<u8>(field), text);
}

/// UDF 2.1.2: CS0 "OSTA Compressed Unicode".
[[nodiscard]] CharSpec cs0_charspec();

/// ECMA-167 1/7.3, UDF 2.1.4.1: type 1, recorded in UTC (offset 0).
[[nodiscard]] Timestamp timestamp(UnixTime t);

/// UDF 2.1.5: entity identifiers.
[[nodiscard]] EntityId domain_identifier(Revision r);                   // "*OSTA UDF Compliant"
[[nodiscard]] EntityId udf_identifier(std::string_view id, Revision r); // "*UDF LV Info", ...
[[nodiscard]] EntityId implementation_identifier(); // "*discwright", OS class UNIX/Linux
[[nodiscard]] EntityId nsr_identifier(Revision r);  // "+NSR02" / "+NSR03"

} // namespace discwright::fs::udf
