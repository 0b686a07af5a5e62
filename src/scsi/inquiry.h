#pragma once
// SPC-4 6.4.2: standard INQUIRY data, which names the drive (vendor, product, revision) for
// quirk matching and tells an MMC device (type 05h) from anything else.

#include <cstddef>
#include <span>
#include <vector>

#include "discwright/mmc.h"
#include "scsi/reply_bytes.h"

namespace discwright::scsi {

/// SPC-4 6.4.2: the first 36 bytes of standard INQUIRY data.
struct StandardInquiryData {
    u8 peripheral;                // byte 0: qualifier bits 7-5, device type bits 4-0
    u8 rmb;                       // byte 1: RMB bit 7
    u8 version;                   // byte 2
    u8 response_data_format;      // byte 3: NORMACA bit 5, HISUP bit 4, format bits 3-0
    u8 additional_length;         // byte 4: bytes that follow byte 4
    std::array<u8, 3> flags;      // bytes 5-7: SCCS ... CMDQUE, none used by MMC hosts
    std::array<char, 8> vendor;   // bytes 8-15, ASCII padded with spaces
    std::array<char, 16> product; // bytes 16-31
    std::array<char, 4> revision; // bytes 32-35
};
static_assert(OnDisk<StandardInquiryData> && sizeof(StandardInquiryData) == 36);
static_assert(offsetof(StandardInquiryData, vendor) == 8);
static_assert(offsetof(StandardInquiryData, revision) == 32);

/// Bytes 0-4 must arrive: they carry the device type and the length.
inline constexpr std::size_t inquiry_header_size = 5;

/// The length the reply claims: additional length + 5. Needs the first 5 bytes.
[[nodiscard]] u32 reported_inquiry_length(std::span<const std::byte> reply);
/// Throws InvalidResponseFromDevice for fewer than 5 bytes; identifiers cut short are kept as
/// far as they arrived.
[[nodiscard]] InquiryData decode_inquiry(std::span<const std::byte> reply);
/// 36 bytes, additional length 31. Identifiers longer than their field are InvalidParam.
[[nodiscard]] std::vector<std::byte> encode_inquiry(const InquiryData& data);

} // namespace discwright::scsi
