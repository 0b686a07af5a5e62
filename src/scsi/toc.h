#pragma once
// MMC-6 6.26 READ TOC/PMA/ATIP replies: format 0000b (formatted TOC), 0001b (multi-session
// information), 0010b (raw TOC) and 0011b (PMA, the same descriptors as the raw TOC) and
// 0100b (ATIP). Addresses stay as the drive sent them; TocEntry::lba() interprets them.

#include <cstddef>
#include <span>
#include <vector>

#include "discwright/mmc.h"
#include "scsi/reply_bytes.h"

namespace discwright::scsi {

/// MMC-6 6.26.3: the 4-byte header of every READ TOC/PMA/ATIP reply.
struct TocHeader {
    Be16 data_length; // bytes 0-1: the bytes after byte 1
    u8 first;         // byte 2: first track (format 0) or first complete session (1, 2)
    u8 last;          // byte 3: last track or last complete session; reserved for 3 and 4
};
static_assert(OnDisk<TocHeader> && sizeof(TocHeader) == 4);

/// MMC-6 6.26.3: a track descriptor of formats 0000b and 0001b.
struct TocTrackDescriptor {
    u8 reserved0;    // byte 0
    u8 adr_control;  // byte 1: ADR 7-4, CONTROL 3-0
    u8 track_number; // byte 2
    u8 reserved3;    // byte 3
    Be32 address;    // bytes 4-7: LBA, or 00h M S F
};
static_assert(OnDisk<TocTrackDescriptor> && sizeof(TocTrackDescriptor) == 8);

/// MMC-6 6.26.3: a raw TOC / PMA descriptor of formats 0010b and 0011b.
struct FullTocDescriptor {
    u8 session_number;     // byte 0
    u8 adr_control;        // byte 1: ADR 7-4, CONTROL 3-0
    u8 tno;                // byte 2
    u8 point;              // byte 3
    u8 min, sec, frame;    // bytes 4-6
    u8 zero;               // byte 7
    u8 pmin, psec, pframe; // bytes 8-10
};
static_assert(OnDisk<FullTocDescriptor> && sizeof(FullTocDescriptor) == 11);

/// MMC-6 6.26.3: the format 0100b reply, header included.
struct AtipReply {
    TocHeader header;                 // bytes 0-3
    u8 writing_power;                 // byte 4: ITWP 7-4, DDCD 3, reference speed 2-0
    u8 uru;                           // byte 5: bit 7 zero, URU 6
    u8 disc;                          // byte 6: bit 7 one, disc type 6, sub-type 5-3, A1-A3 2-0
    u8 reserved7;                     // byte 7
    std::array<u8, 4> lead_in_start;  // bytes 8-10 M S F, 11 reserved
    std::array<u8, 4> lead_out_start; // bytes 12-14 M S F, 15 reserved
    std::array<u8, 4> a1_values;      // bytes 16-18, 19 reserved
    std::array<u8, 4> a2_values;      // bytes 20-22, 23 reserved
    std::array<u8, 4> a3_values;      // bytes 24-26, 27 reserved
};
static_assert(OnDisk<AtipReply> && sizeof(AtipReply) == 28);
static_assert(offsetof(AtipReply, lead_out_start) == 12);

/// The length the reply claims: data length + 2. Needs 2 bytes.
[[nodiscard]] u32 reported_toc_length(std::span<const std::byte> reply);

// Decoders throw InvalidResponseFromDevice for fewer than 4 bytes and drop a partial trailing
// descriptor.
/// `addressing` is the MSF bit the CDB had; it is recorded, addresses are kept as sent.
[[nodiscard]] Toc decode_toc(std::span<const std::byte> reply,
                             TocAddressing addressing = TocAddressing::Lba);
/// The descriptor reads as zero when it did not arrive.
[[nodiscard]] SessionInfo decode_session_info(std::span<const std::byte> reply,
                                              TocAddressing addressing = TocAddressing::Lba);
/// Formats 0010b and 0011b (for the PMA, first/last complete session are reserved bytes).
[[nodiscard]] FullToc decode_full_toc(std::span<const std::byte> reply);
/// Fields that did not arrive read as zero (a drive without ATIP sends only the header).
[[nodiscard]] Atip decode_atip(std::span<const std::byte> reply);

/// Addresses are written as stored; build them with toc_address_field() for the CDB's form.
[[nodiscard]] std::vector<std::byte> encode_toc(const Toc& toc);
[[nodiscard]] std::vector<std::byte> encode_session_info(const SessionInfo& info);
[[nodiscard]] std::vector<std::byte> encode_full_toc(const FullToc& toc);
[[nodiscard]] std::vector<std::byte> encode_atip(const Atip& atip);

} // namespace discwright::scsi
