// Builders and parsers of the commands that record: SET STREAMING, RESERVE TRACK, SEND CUE
// SHEET, WRITE(10), WRITE(12), CLOSE TRACK/SESSION, SYNCHRONIZE CACHE, BLANK and FORMAT UNIT
// with its parameter list.

#include <cstddef>

#include "scsi/cdb_wire.h"
#include "scsi/commands.h"

namespace discwright::scsi {

using core::Be16;
using core::Be32;
using core::OnDisk;
using wire::Be24;
using wire::bit;
using wire::bit_if;
using wire::bits;
using wire::op;
using wire::place;

namespace {

// MMC-6 6.39.1: SET STREAMING CDB
struct SetStreamingLayout {
    u8 opcode{};                  // byte 0: B6h
    u8 reserved[7]{};             // bytes 1-7
    u8 type{};                    // byte 8
    Be16 parameter_list_length{}; // bytes 9-10
    u8 control{};                 // byte 11
};
static_assert(OnDisk<SetStreamingLayout> && sizeof(SetStreamingLayout) == 12);
static_assert(offsetof(SetStreamingLayout, type) == 8);
static_assert(offsetof(SetStreamingLayout, parameter_list_length) == 9);

// MMC-6 6.31.1: RESERVE TRACK CDB with ARSV 0: a reservation size.
struct ReserveTrackSizeLayout {
    u8 opcode{};             // byte 0: 53h
    u8 flags{};              // byte 1: RMZ (bit 1), ARSV (bit 0)
    u8 reserved[3]{};        // bytes 2-4
    Be32 reservation_size{}; // bytes 5-8
    u8 control{};            // byte 9
};
static_assert(OnDisk<ReserveTrackSizeLayout> && sizeof(ReserveTrackSizeLayout) == 10);
static_assert(offsetof(ReserveTrackSizeLayout, reservation_size) == 5);

// MMC-6 6.31.1: RESERVE TRACK CDB with ARSV 1: a logical block address.
struct ReserveTrackLbaLayout {
    u8 opcode{};      // byte 0: 53h
    u8 flags{};       // byte 1: RMZ (bit 1), ARSV (bit 0)
    Be32 lba{};       // bytes 2-5
    u8 reserved[3]{}; // bytes 6-8
    u8 control{};     // byte 9
};
static_assert(OnDisk<ReserveTrackLbaLayout> && sizeof(ReserveTrackLbaLayout) == 10);
static_assert(offsetof(ReserveTrackLbaLayout, lba) == 2);

// MMC-6 6.33.1: SEND CUE SHEET CDB
struct SendCueSheetLayout {
    u8 opcode{};           // byte 0: 5Dh
    u8 reserved[5]{};      // bytes 1-5
    Be24 cue_sheet_size{}; // bytes 6-8
    u8 control{};          // byte 9
};
static_assert(OnDisk<SendCueSheetLayout> && sizeof(SendCueSheetLayout) == 10);
static_assert(offsetof(SendCueSheetLayout, cue_sheet_size) == 6);

// MMC-6 6.44.1: WRITE(10) CDB
struct Write10Layout {
    u8 opcode{};            // byte 0: 2Ah
    u8 flags{};             // byte 1: DPO (bit 4), FUA (bit 3)
    Be32 lba{};             // bytes 2-5
    u8 group_number{};      // byte 6
    Be16 transfer_length{}; // bytes 7-8, in blocks
    u8 control{};           // byte 9
};
static_assert(OnDisk<Write10Layout> && sizeof(Write10Layout) == 10);
static_assert(offsetof(Write10Layout, transfer_length) == 7);

// MMC-6 6.45.1: WRITE(12) CDB
struct Write12Layout {
    u8 opcode{};            // byte 0: AAh
    u8 flags{};             // byte 1: DPO (bit 4), FUA (bit 3)
    Be32 lba{};             // bytes 2-5
    Be32 transfer_length{}; // bytes 6-9, in blocks
    u8 streaming{};         // byte 10: Streaming (bit 7)
    u8 control{};           // byte 11
};
static_assert(OnDisk<Write12Layout> && sizeof(Write12Layout) == 12);
static_assert(offsetof(Write12Layout, transfer_length) == 6);
static_assert(offsetof(Write12Layout, streaming) == 10);

// MMC-6 6.3.1: CLOSE TRACK/SESSION CDB
struct CloseTrackSessionLayout {
    u8 opcode{};                 // byte 0: 5Bh
    u8 immed{};                  // byte 1: Immed (bit 0)
    u8 function{};               // byte 2: Close Function (bits 2-0)
    u8 reserved3{};              // byte 3
    Be16 track_session_number{}; // bytes 4-5
    u8 reserved6[3]{};           // bytes 6-8
    u8 control{};                // byte 9
};
static_assert(OnDisk<CloseTrackSessionLayout> && sizeof(CloseTrackSessionLayout) == 10);
static_assert(offsetof(CloseTrackSessionLayout, track_session_number) == 4);

// MMC-6 6.41.1: SYNCHRONIZE CACHE CDB
struct SynchronizeCacheLayout {
    u8 opcode{};             // byte 0: 35h
    u8 flags{};              // byte 1: Immed (bit 1)
    Be32 lba{};              // bytes 2-5
    u8 reserved{};           // byte 6
    Be16 number_of_blocks{}; // bytes 7-8
    u8 control{};            // byte 9
};
static_assert(OnDisk<SynchronizeCacheLayout> && sizeof(SynchronizeCacheLayout) == 10);
static_assert(offsetof(SynchronizeCacheLayout, number_of_blocks) == 7);

// MMC-6 6.2.1: BLANK CDB
struct BlankLayout {
    u8 opcode{};          // byte 0: A1h
    u8 flags{};           // byte 1: Immed (bit 4), Blanking Type (bits 2-0)
    Be32 start_address{}; // bytes 2-5: LBA or track number
    u8 reserved[5]{};     // bytes 6-10
    u8 control{};         // byte 11
};
static_assert(OnDisk<BlankLayout> && sizeof(BlankLayout) == 12);
static_assert(offsetof(BlankLayout, start_address) == 2);

// MMC-6 6.5.1: FORMAT UNIT CDB
struct FormatUnitLayout {
    u8 opcode{};      // byte 0: 04h
    u8 flags{};       // byte 1: FmtData (bit 4), CmpList (bit 3), Format Code (bits 2-0)
    u8 reserved[3]{}; // bytes 2-4: vendor specific and obsolete interleave
    u8 control{};     // byte 5
};
static_assert(OnDisk<FormatUnitLayout> && sizeof(FormatUnitLayout) == 6);

// MMC-6 6.5.3.2: format list header
struct FormatListHeader {
    u8 reserved{};                   // byte 0
    u8 flags{};                      // byte 1: FOV (7), DPRY (6), DCRT (5), STPF (4), IP (3),
                                     // DSP (2), Immed (1), VS (0)
    Be16 format_descriptor_length{}; // bytes 2-3: 8
};
static_assert(OnDisk<FormatListHeader> && sizeof(FormatListHeader) == 4);

// MMC-6 6.5.3.3: format descriptor
struct FormatDescriptorLayout {
    Be32 number_of_blocks{};         // bytes 0-3
    u8 format_type{};                // byte 4: Format Type (bits 7-2), Format Sub-type (1-0)
    Be24 type_dependent_parameter{}; // bytes 5-7
};
static_assert(OnDisk<FormatDescriptorLayout> && sizeof(FormatDescriptorLayout) == 8);
static_assert(offsetof(FormatDescriptorLayout, type_dependent_parameter) == 5);

constexpr auto out = DataDirection::ToDevice;

} // namespace

Cdb set_streaming(const SetStreamingCdb& c) {
    return wire::make(SetStreamingLayout{.opcode = op(Opcode::SetStreaming),
                                         .type = static_cast<u8>(c.type),
                                         .parameter_list_length = c.parameter_list_length},
                      out, c.parameter_list_length);
}

SetStreamingCdb parse_set_streaming(const Cdb& cdb) {
    constexpr std::string_view what = "set streaming";
    const auto l = wire::read<SetStreamingLayout>(cdb, Opcode::SetStreaming, what);
    if (l.type != static_cast<u8>(StreamingType::Performance) &&
        l.type != static_cast<u8>(StreamingType::DefectiveBlockInformationCacheZone))
        wire::invalid_field(what, fmt::format("type 0x{:02X} is reserved", l.type), 8);
    return {.type = static_cast<StreamingType>(l.type),
            .parameter_list_length = l.parameter_list_length};
}

Cdb reserve_track(const ReserveTrackCdb& c) {
    constexpr std::string_view what = "reserve track";
    const auto flags = static_cast<u8>(bit_if(c.rmz, 1) | bit_if(c.arsv, 0));
    if (c.arsv) {
        if (c.reservation_size != 0)
            wire::invalid_argument(what, "a reservation size given with arsv, which takes an lba");
        return wire::make(
            ReserveTrackLbaLayout{.opcode = op(Opcode::ReserveTrack), .flags = flags, .lba = c.lba},
            DataDirection::None, 0);
    }
    if (c.lba != 0)
        wire::invalid_argument(what, "an lba given without arsv, which takes a reservation size");
    return wire::make(ReserveTrackSizeLayout{.opcode = op(Opcode::ReserveTrack),
                                             .flags = flags,
                                             .reservation_size = c.reservation_size},
                      DataDirection::None, 0);
}

ReserveTrackCdb parse_reserve_track(const Cdb& cdb) {
    constexpr std::string_view what = "reserve track";
    const auto by_lba = wire::read<ReserveTrackLbaLayout>(cdb, Opcode::ReserveTrack, what);
    ReserveTrackCdb c{.rmz = bit(by_lba.flags, 1), .arsv = bit(by_lba.flags, 0)};
    if (c.arsv)
        c.lba = by_lba.lba;
    else
        c.reservation_size =
            wire::read<ReserveTrackSizeLayout>(cdb, Opcode::ReserveTrack, what).reservation_size;
    return c;
}

Cdb send_cue_sheet(const SendCueSheetCdb& c) {
    if (c.cue_sheet_size > wire::max_u24)
        wire::invalid_argument(
            "send cue sheet",
            fmt::format("cue sheet of {} bytes exceeds 24 bits", c.cue_sheet_size));
    return wire::make(
        SendCueSheetLayout{.opcode = op(Opcode::SendCueSheet), .cue_sheet_size = c.cue_sheet_size},
        out, c.cue_sheet_size);
}

SendCueSheetCdb parse_send_cue_sheet(const Cdb& cdb) {
    const auto l = wire::read<SendCueSheetLayout>(cdb, Opcode::SendCueSheet, "send cue sheet");
    return {.cue_sheet_size = l.cue_sheet_size};
}

Cdb write10(const Write10Cdb& c) {
    const u32 bytes = wire::block_transfer_bytes("write(10)", c.blocks, c.block_size);
    return wire::make(Write10Layout{.opcode = op(Opcode::Write10),
                                    .flags = bit_if(c.fua, 3),
                                    .lba = c.lba,
                                    .transfer_length = c.blocks},
                      out, bytes);
}

Write10Cdb parse_write10(const Cdb& cdb) {
    constexpr std::string_view what = "write(10)";
    const auto l = wire::read<Write10Layout>(cdb, Opcode::Write10, what);
    return {.fua = bit(l.flags, 3),
            .lba = l.lba,
            .blocks = l.transfer_length,
            .block_size =
                wire::block_size_of(what, cdb, l.transfer_length, Write10Cdb{}.block_size)};
}

Cdb write12(const Write12Cdb& c) {
    const u32 bytes = wire::block_transfer_bytes("write(12)", c.blocks, c.block_size);
    return wire::make(Write12Layout{.opcode = op(Opcode::Write12),
                                    .flags = bit_if(c.fua, 3),
                                    .lba = c.lba,
                                    .transfer_length = c.blocks,
                                    .streaming = bit_if(c.streaming, 7)},
                      out, bytes);
}

Write12Cdb parse_write12(const Cdb& cdb) {
    constexpr std::string_view what = "write(12)";
    const auto l = wire::read<Write12Layout>(cdb, Opcode::Write12, what);
    return {.fua = bit(l.flags, 3),
            .lba = l.lba,
            .blocks = l.transfer_length,
            .streaming = bit(l.streaming, 7),
            .block_size =
                wire::block_size_of(what, cdb, l.transfer_length, Write12Cdb{}.block_size)};
}

Cdb close_track_session(const CloseTrackSessionCdb& c) {
    return wire::make(CloseTrackSessionLayout{.opcode = op(Opcode::CloseTrackSession),
                                              .immed = bit_if(c.immed, 0),
                                              .function = place(static_cast<u8>(c.function), 0, 3),
                                              .track_session_number = c.track_session_number},
                      DataDirection::None, 0);
}

CloseTrackSessionCdb parse_close_track_session(const Cdb& cdb) {
    constexpr std::string_view what = "close track/session";
    const auto l = wire::read<CloseTrackSessionLayout>(cdb, Opcode::CloseTrackSession, what);
    return {.immed = bit(l.immed, 0),
            .function = wire::enum_field<CloseFunction>(bits(l.function, 0, 3), 6, what,
                                                        "close function", 2),
            .track_session_number = l.track_session_number};
}

Cdb synchronize_cache(const SynchronizeCacheCdb& c) {
    return wire::make(SynchronizeCacheLayout{.opcode = op(Opcode::SynchronizeCache),
                                             .flags = bit_if(c.immed, 1),
                                             .lba = c.lba,
                                             .number_of_blocks = c.blocks},
                      DataDirection::None, 0);
}

SynchronizeCacheCdb parse_synchronize_cache(const Cdb& cdb) {
    const auto l =
        wire::read<SynchronizeCacheLayout>(cdb, Opcode::SynchronizeCache, "synchronize cache");
    return {.immed = bit(l.flags, 1), .lba = l.lba, .blocks = l.number_of_blocks};
}

Cdb blank(const BlankCdb& c) {
    return wire::make(BlankLayout{.opcode = op(Opcode::Blank),
                                  .flags = static_cast<u8>(bit_if(c.immed, 4) |
                                                           place(static_cast<u8>(c.type), 0, 3)),
                                  .start_address = c.start_address},
                      DataDirection::None, 0);
}

BlankCdb parse_blank(const Cdb& cdb) {
    constexpr std::string_view what = "blank";
    const auto l = wire::read<BlankLayout>(cdb, Opcode::Blank, what);
    return {.immed = bit(l.flags, 4),
            .type =
                wire::enum_field<BlankingType>(bits(l.flags, 0, 3), 6, what, "blanking type", 1),
            .start_address = l.start_address};
}

std::vector<std::byte> encode_format_parameters(const FormatParameters& p) {
    const auto& d = p.descriptor;
    if (d.format_type > 0x3F || d.format_subtype > 3 || d.type_dependent_parameter > wire::max_u24)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("format descriptor: type 0x{:02X}, sub-type {} or parameter "
                                "0x{:X} does not fit 6, 2 or 24 bits",
                                d.format_type, d.format_subtype, d.type_dependent_parameter));
    std::vector<std::byte> bytes(format_parameters_size);
    core::ByteWriter w{bytes};
    w.put(FormatListHeader{
        .flags = static_cast<u8>(bit_if(p.fov, 7) | bit_if(p.dcrt, 5) | bit_if(p.immed, 1)),
        .format_descriptor_length = sizeof(FormatDescriptorLayout)});
    w.put(FormatDescriptorLayout{
        .number_of_blocks = d.number_of_blocks,
        .format_type = static_cast<u8>(place(d.format_type, 2, 6) | place(d.format_subtype, 0, 2)),
        .type_dependent_parameter = d.type_dependent_parameter});
    return bytes;
}

FormatParameters decode_format_parameters(std::span<const std::byte> bytes) {
    core::ByteReader r{bytes, {.lba = {}, .what = "format unit parameter list"}};
    const auto header = r.read<FormatListHeader>();
    if (header.format_descriptor_length != sizeof(FormatDescriptorLayout))
        r.fail(fmt::format("format descriptor length {} is not {}",
                           u16{header.format_descriptor_length}, sizeof(FormatDescriptorLayout)));
    const auto d = r.read<FormatDescriptorLayout>();
    return {.fov = bit(header.flags, 7),
            .dcrt = bit(header.flags, 5),
            .immed = bit(header.flags, 1),
            .descriptor = {.number_of_blocks = d.number_of_blocks,
                           .format_type = bits(d.format_type, 2, 6),
                           .format_subtype = bits(d.format_type, 0, 2),
                           .type_dependent_parameter = d.type_dependent_parameter}};
}

Cdb format_unit(const FormatUnitCdb& c) {
    if (c.format_code > 7)
        wire::invalid_argument("format unit",
                               fmt::format("format code {} does not fit 3 bits", c.format_code));
    return wire::make(
        FormatUnitLayout{.opcode = op(Opcode::FormatUnit),
                         .flags = static_cast<u8>(bit_if(c.fmt_data, 4) | bit_if(c.cmplst, 3) |
                                                  place(c.format_code, 0, 3))},
        c.fmt_data ? out : DataDirection::None, c.fmt_data ? format_parameters_size : 0);
}

FormatUnitCdb parse_format_unit(const Cdb& cdb) {
    const auto l = wire::read<FormatUnitLayout>(cdb, Opcode::FormatUnit, "format unit");
    return {
        .fmt_data = bit(l.flags, 4), .cmplst = bit(l.flags, 3), .format_code = bits(l.flags, 0, 3)};
}

} // namespace discwright::scsi
