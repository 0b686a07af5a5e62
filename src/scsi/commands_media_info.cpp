// Builders and parsers of the commands that describe the medium: READ DISC INFORMATION, READ
// TRACK INFORMATION, READ TOC/PMA/ATIP, READ CAPACITY, READ FORMAT CAPACITIES, READ BUFFER
// CAPACITY, READ DISC STRUCTURE and SEND DISC STRUCTURE.

#include <cstddef>

#include "scsi/cdb_wire.h"
#include "scsi/commands.h"

namespace discwright::scsi {

using core::Be16;
using core::Be32;
using core::OnDisk;
using wire::bit;
using wire::bit_if;
using wire::bits;
using wire::op;
using wire::place;

namespace {

// MMC-6 6.22.1: READ DISC INFORMATION CDB
struct ReadDiscInformationLayout {
    u8 opcode{};              // byte 0: 51h
    u8 flags{};               // byte 1: Data Type (bits 2-0)
    u8 reserved[5]{};         // bytes 2-6
    Be16 allocation_length{}; // bytes 7-8
    u8 control{};             // byte 9
};
static_assert(OnDisk<ReadDiscInformationLayout> && sizeof(ReadDiscInformationLayout) == 10);
static_assert(offsetof(ReadDiscInformationLayout, allocation_length) == 7);

// MMC-6 6.27.1: READ TRACK INFORMATION CDB
struct ReadTrackInformationLayout {
    u8 opcode{};              // byte 0: 52h
    u8 flags{};               // byte 1: Open (bit 2), Address/Number Type (bits 1-0)
    Be32 address{};           // bytes 2-5: LBA, track number or session number
    u8 reserved{};            // byte 6
    Be16 allocation_length{}; // bytes 7-8
    u8 control{};             // byte 9
};
static_assert(OnDisk<ReadTrackInformationLayout> && sizeof(ReadTrackInformationLayout) == 10);
static_assert(offsetof(ReadTrackInformationLayout, address) == 2);
static_assert(offsetof(ReadTrackInformationLayout, allocation_length) == 7);

// MMC-6 6.26.1: READ TOC/PMA/ATIP CDB
struct ReadTocLayout {
    u8 opcode{};               // byte 0: 43h
    u8 flags{};                // byte 1: MSF (bit 1)
    u8 format{};               // byte 2: Format (bits 3-0)
    u8 reserved[3]{};          // bytes 3-5
    u8 track_session_number{}; // byte 6
    Be16 allocation_length{};  // bytes 7-8
    u8 control{};              // byte 9: bits 7-6 carried the format before MMC-2, now 0
};
static_assert(OnDisk<ReadTocLayout> && sizeof(ReadTocLayout) == 10);
static_assert(offsetof(ReadTocLayout, track_session_number) == 6);
static_assert(offsetof(ReadTocLayout, allocation_length) == 7);

// MMC-6 6.19.1: READ CAPACITY CDB. RelAdr, the LBA and PMI are obsolete and sent as zero.
struct ReadCapacityLayout {
    u8 opcode{};      // byte 0: 25h
    u8 reserved[8]{}; // bytes 1-8
    u8 control{};     // byte 9
};
static_assert(OnDisk<ReadCapacityLayout> && sizeof(ReadCapacityLayout) == 10);

// MMC-6 6.24.1: READ FORMAT CAPACITIES CDB
struct ReadFormatCapacitiesLayout {
    u8 opcode{};              // byte 0: 23h
    u8 reserved[6]{};         // bytes 1-6
    Be16 allocation_length{}; // bytes 7-8
    u8 control{};             // byte 9
};
static_assert(OnDisk<ReadFormatCapacitiesLayout> && sizeof(ReadFormatCapacitiesLayout) == 10);
static_assert(offsetof(ReadFormatCapacitiesLayout, allocation_length) == 7);

// MMC-6 6.18.1: READ BUFFER CAPACITY CDB
struct ReadBufferCapacityLayout {
    u8 opcode{};              // byte 0: 5Ch
    u8 flags{};               // byte 1: Block (bit 0)
    u8 reserved[5]{};         // bytes 2-6
    Be16 allocation_length{}; // bytes 7-8
    u8 control{};             // byte 9
};
static_assert(OnDisk<ReadBufferCapacityLayout> && sizeof(ReadBufferCapacityLayout) == 10);
static_assert(offsetof(ReadBufferCapacityLayout, allocation_length) == 7);

// MMC-6 6.23.1: READ DISC STRUCTURE CDB
struct ReadDiscStructureLayout {
    u8 opcode{};              // byte 0: ADh
    u8 media_type{};          // byte 1: Media Type (bits 3-0)
    Be32 address{};           // bytes 2-5
    u8 layer_number{};        // byte 6
    u8 format_code{};         // byte 7
    Be16 allocation_length{}; // bytes 8-9
    u8 agid{};                // byte 10: AGID (bits 7-6)
    u8 control{};             // byte 11
};
static_assert(OnDisk<ReadDiscStructureLayout> && sizeof(ReadDiscStructureLayout) == 12);
static_assert(offsetof(ReadDiscStructureLayout, format_code) == 7);
static_assert(offsetof(ReadDiscStructureLayout, allocation_length) == 8);

// MMC-6 6.34.1: SEND DISC STRUCTURE CDB
struct SendDiscStructureLayout {
    u8 opcode{};                  // byte 0: BFh
    u8 media_type{};              // byte 1: Media Type (bits 3-0)
    u8 reserved[5]{};             // bytes 2-6
    u8 format_code{};             // byte 7
    Be16 parameter_list_length{}; // bytes 8-9
    u8 agid{};                    // byte 10: AGID (bits 7-6)
    u8 control{};                 // byte 11
};
static_assert(OnDisk<SendDiscStructureLayout> && sizeof(SendDiscStructureLayout) == 12);
static_assert(offsetof(SendDiscStructureLayout, format_code) == 7);
static_assert(offsetof(SendDiscStructureLayout, parameter_list_length) == 8);

constexpr auto in = DataDirection::FromDevice;

void check_agid(std::string_view what, u8 agid) {
    if (agid > 3) wire::invalid_argument(what, fmt::format("agid {} does not fit 2 bits", agid));
}

} // namespace

Cdb read_disc_information(const ReadDiscInformationCdb& c) {
    return wire::make(ReadDiscInformationLayout{.opcode = op(Opcode::ReadDiscInformation),
                                                .flags = place(static_cast<u8>(c.type), 0, 3),
                                                .allocation_length = c.allocation_length},
                      in, c.allocation_length);
}

ReadDiscInformationCdb parse_read_disc_information(const Cdb& cdb) {
    constexpr std::string_view what = "read disc information";
    const auto l = wire::read<ReadDiscInformationLayout>(cdb, Opcode::ReadDiscInformation, what);
    return {.type =
                wire::enum_field<DiscInformationType>(bits(l.flags, 0, 3), 2, what, "data type", 1),
            .allocation_length = l.allocation_length};
}

Cdb read_track_information(const ReadTrackInformationCdb& c) {
    return wire::make(
        ReadTrackInformationLayout{
            .opcode = op(Opcode::ReadTrackInformation),
            .flags = static_cast<u8>(bit_if(c.open, 2) | place(static_cast<u8>(c.type), 0, 2)),
            .address = c.address,
            .allocation_length = c.allocation_length},
        in, c.allocation_length);
}

ReadTrackInformationCdb parse_read_track_information(const Cdb& cdb) {
    constexpr std::string_view what = "read track information";
    const auto l = wire::read<ReadTrackInformationLayout>(cdb, Opcode::ReadTrackInformation, what);
    return {.type = wire::enum_field<TrackAddressType>(bits(l.flags, 0, 2), 2, what,
                                                       "address/number type", 1),
            .open = bit(l.flags, 2),
            .address = l.address,
            .allocation_length = l.allocation_length};
}

Cdb read_toc(const ReadTocCdb& c) {
    return wire::make(ReadTocLayout{.opcode = op(Opcode::ReadTocPmaAtip),
                                    .flags = bit_if(c.msf, 1),
                                    .format = place(static_cast<u8>(c.format), 0, 4),
                                    .track_session_number = c.track_session_number,
                                    .allocation_length = c.allocation_length},
                      in, c.allocation_length);
}

ReadTocCdb parse_read_toc(const Cdb& cdb) {
    constexpr std::string_view what = "read toc/pma/atip";
    const auto l = wire::read<ReadTocLayout>(cdb, Opcode::ReadTocPmaAtip, what);
    return {.msf = bit(l.flags, 1),
            .format = wire::enum_field<TocFormat>(bits(l.format, 0, 4), 5, what, "format", 2),
            .track_session_number = l.track_session_number,
            .allocation_length = l.allocation_length};
}

Cdb read_capacity(const ReadCapacityCdb&) {
    constexpr u32 reply_size = 8; // MMC-6 6.19.2: last LBA and block length
    return wire::make(ReadCapacityLayout{.opcode = op(Opcode::ReadCapacity)}, in, reply_size);
}

ReadCapacityCdb parse_read_capacity(const Cdb& cdb) {
    (void)wire::read<ReadCapacityLayout>(cdb, Opcode::ReadCapacity, "read capacity");
    return {};
}

Cdb read_format_capacities(const ReadFormatCapacitiesCdb& c) {
    return wire::make(ReadFormatCapacitiesLayout{.opcode = op(Opcode::ReadFormatCapacities),
                                                 .allocation_length = c.allocation_length},
                      in, c.allocation_length);
}

ReadFormatCapacitiesCdb parse_read_format_capacities(const Cdb& cdb) {
    const auto l = wire::read<ReadFormatCapacitiesLayout>(cdb, Opcode::ReadFormatCapacities,
                                                          "read format capacities");
    return {.allocation_length = l.allocation_length};
}

Cdb read_buffer_capacity(const ReadBufferCapacityCdb& c) {
    return wire::make(ReadBufferCapacityLayout{.opcode = op(Opcode::ReadBufferCapacity),
                                               .flags = bit_if(c.block, 0),
                                               .allocation_length = c.allocation_length},
                      in, c.allocation_length);
}

ReadBufferCapacityCdb parse_read_buffer_capacity(const Cdb& cdb) {
    const auto l = wire::read<ReadBufferCapacityLayout>(cdb, Opcode::ReadBufferCapacity,
                                                        "read buffer capacity");
    return {.block = bit(l.flags, 0), .allocation_length = l.allocation_length};
}

Cdb read_disc_structure(const ReadDiscStructureCdb& c) {
    check_agid("read disc structure", c.agid);
    return wire::make(
        ReadDiscStructureLayout{.opcode = op(Opcode::ReadDiscStructure),
                                .media_type = place(static_cast<u8>(c.media_type), 0, 4),
                                .address = c.address,
                                .layer_number = c.layer_number,
                                .format_code = c.format_code,
                                .allocation_length = c.allocation_length,
                                .agid = place(c.agid, 6, 2)},
        in, c.allocation_length);
}

ReadDiscStructureCdb parse_read_disc_structure(const Cdb& cdb) {
    constexpr std::string_view what = "read disc structure";
    const auto l = wire::read<ReadDiscStructureLayout>(cdb, Opcode::ReadDiscStructure, what);
    return {.media_type = wire::enum_field<DiscStructureMedia>(bits(l.media_type, 0, 4), 1, what,
                                                               "media type", 1),
            .address = l.address,
            .layer_number = l.layer_number,
            .format_code = l.format_code,
            .allocation_length = l.allocation_length,
            .agid = bits(l.agid, 6, 2)};
}

Cdb send_disc_structure(const SendDiscStructureCdb& c) {
    check_agid("send disc structure", c.agid);
    return wire::make(
        SendDiscStructureLayout{.opcode = op(Opcode::SendDiscStructure),
                                .media_type = place(static_cast<u8>(c.media_type), 0, 4),
                                .format_code = c.format_code,
                                .parameter_list_length = c.parameter_list_length,
                                .agid = place(c.agid, 6, 2)},
        DataDirection::ToDevice, c.parameter_list_length);
}

SendDiscStructureCdb parse_send_disc_structure(const Cdb& cdb) {
    constexpr std::string_view what = "send disc structure";
    const auto l = wire::read<SendDiscStructureLayout>(cdb, Opcode::SendDiscStructure, what);
    return {.media_type = wire::enum_field<DiscStructureMedia>(bits(l.media_type, 0, 4), 1, what,
                                                               "media type", 1),
            .format_code = l.format_code,
            .parameter_list_length = l.parameter_list_length,
            .agid = bits(l.agid, 6, 2)};
}

} // namespace discwright::scsi
