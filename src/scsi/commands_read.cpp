// Builders and parsers of the commands that read or check recorded blocks: READ(10), READ(12),
// VERIFY(10) and READ CD, with READ CD's per-sector sizes, and block_extent for every command
// that addresses a run of blocks.

#include <algorithm>
#include <array>
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

// MMC-6 6.15.1: READ(10) CDB
struct Read10Layout {
    u8 opcode{};            // byte 0: 28h
    u8 flags{};             // byte 1: DPO (bit 4), FUA (bit 3)
    Be32 lba{};             // bytes 2-5
    u8 reserved{};          // byte 6
    Be16 transfer_length{}; // bytes 7-8, in blocks
    u8 control{};           // byte 9
};
static_assert(OnDisk<Read10Layout> && sizeof(Read10Layout) == 10);
static_assert(offsetof(Read10Layout, transfer_length) == 7);

// MMC-6 6.16.1: READ(12) CDB
struct Read12Layout {
    u8 opcode{};            // byte 0: A8h
    u8 flags{};             // byte 1: DPO (bit 4), FUA (bit 3)
    Be32 lba{};             // bytes 2-5
    Be32 transfer_length{}; // bytes 6-9, in blocks
    u8 streaming{};         // byte 10: Streaming (bit 7)
    u8 control{};           // byte 11
};
static_assert(OnDisk<Read12Layout> && sizeof(Read12Layout) == 12);
static_assert(offsetof(Read12Layout, transfer_length) == 6);
static_assert(offsetof(Read12Layout, streaming) == 10);

// MMC-6 6.43.1: VERIFY(10) CDB
struct Verify10Layout {
    u8 opcode{};                // byte 0: 2Fh
    u8 flags{};                 // byte 1: BytChk (bit 1)
    Be32 lba{};                 // bytes 2-5
    u8 reserved{};              // byte 6
    Be16 verification_length{}; // bytes 7-8, in blocks
    u8 control{};               // byte 9
};
static_assert(OnDisk<Verify10Layout> && sizeof(Verify10Layout) == 10);
static_assert(offsetof(Verify10Layout, verification_length) == 7);

// MMC-6 6.20.1: READ CD CDB
struct ReadCdLayout {
    u8 opcode{};            // byte 0: BEh
    u8 sector_type{};       // byte 1: Expected Sector Type (bits 4-2), DAP (bit 1)
    Be32 lba{};             // bytes 2-5
    Be24 transfer_length{}; // bytes 6-8, in blocks
    u8 main_channel{};      // byte 9: SYNC (7), Header Codes (6-5), User Data (4), EDC/ECC (3),
                            //         C2 Error Information (2-1)
    u8 sub_channel{};       // byte 10: Sub-channel Data Selection (bits 2-0)
    u8 control{};           // byte 11
};
static_assert(OnDisk<ReadCdLayout> && sizeof(ReadCdLayout) == 12);
static_assert(offsetof(ReadCdLayout, transfer_length) == 6);
static_assert(offsetof(ReadCdLayout, main_channel) == 9);

// SPC-4 4.2.2: the typical 10- and 12-byte CDBs that address blocks: an LBA in bytes 2-5 and
// the number of blocks after it. READ(10/12), WRITE(10/12), VERIFY(10) and SYNCHRONIZE CACHE
// all have this shape.
struct Typical10Layout {
    u8 opcode{};   // byte 0
    u8 flags{};    // byte 1
    Be32 lba{};    // bytes 2-5
    u8 misc{};     // byte 6
    Be16 length{}; // bytes 7-8
    u8 control{};  // byte 9
};
static_assert(OnDisk<Typical10Layout> && sizeof(Typical10Layout) == 10);
struct Typical12Layout {
    u8 opcode{};   // byte 0
    u8 flags{};    // byte 1
    Be32 lba{};    // bytes 2-5
    Be32 length{}; // bytes 6-9
    u8 misc{};     // byte 10
    u8 control{};  // byte 11
};
static_assert(OnDisk<Typical12Layout> && sizeof(Typical12Layout) == 12);

constexpr auto in = DataDirection::FromDevice;

// ECMA-130 / MMC-6 Table 421: the parts of a 2352-byte sector, per sector type.
struct SectorParts {
    u32 sync;       // 12 bytes of sync pattern
    u32 header;     // 4 bytes: address and mode
    u32 sub_header; // 8 bytes, Mode 2 Form 1 and Form 2 only
    u32 user_data;
    u32 edc_ecc; // EDC, the intermediate zeros and the ECC after the user data
};
constexpr SectorParts parts_of(ReadCdSectorType t) {
    switch (t) {
    case ReadCdSectorType::Mode1:
        return {12, 4, 0, 2048, 288};
    case ReadCdSectorType::Mode2Formless:
        return {12, 4, 0, 2336, 0};
    case ReadCdSectorType::Mode2Form1:
        return {12, 4, 8, 2048, 280};
    case ReadCdSectorType::Mode2Form2:
        return {12, 4, 8, 2324, 4};
    case ReadCdSectorType::CdDa:
    case ReadCdSectorType::Any:
        break;
    }
    return {0, 0, 0, 2352, 0};
}
static_assert([] {
    for (auto t : {ReadCdSectorType::Mode1, ReadCdSectorType::Mode2Formless,
                   ReadCdSectorType::Mode2Form1, ReadCdSectorType::Mode2Form2}) {
        const auto p = parts_of(t);
        if (p.sync + p.header + p.sub_header + p.user_data + p.edc_ecc != 2352) return false;
    }
    return true;
}());

constexpr bool has_header(ReadCdHeaders h) {
    return h == ReadCdHeaders::Header || h == ReadCdHeaders::All;
}
constexpr bool has_sub_header(ReadCdHeaders h) {
    return h == ReadCdHeaders::SubHeader || h == ReadCdHeaders::All;
}

// MMC-6 Table 421 marks these selections illegal.
constexpr bool legal_selection(const ReadCdCdb& c) {
    if (c.sync && !has_header(c.headers)) return false;
    if (c.edc_ecc && !c.user_data) return false;
    return true;
}

u32 main_channel_size(const ReadCdCdb& c, ReadCdSectorType t) {
    const bool any_main = c.sync || c.headers != ReadCdHeaders::None || c.user_data || c.edc_ecc;
    if (t == ReadCdSectorType::CdDa) return any_main ? 2352 : 0; // audio has no fields
    const auto p = parts_of(t);
    return (c.sync ? p.sync : 0) + (has_header(c.headers) ? p.header : 0) +
           (has_sub_header(c.headers) ? p.sub_header : 0) + (c.user_data ? p.user_data : 0) +
           (c.edc_ecc ? p.edc_ecc : 0);
}

u32 c2_size(ReadCdC2 c2) {
    switch (c2) {
    case ReadCdC2::None:
        return 0;
    case ReadCdC2::ErrorBits:
        return 294; // one bit per byte of the 2352-byte sector
    case ReadCdC2::ErrorBitsAndBlockErrorByte:
        return 296; // plus the block error byte and a pad byte
    }
    return 0;
}

u32 sub_channel_size(ReadCdSubChannel s) {
    switch (s) {
    case ReadCdSubChannel::None:
        return 0;
    case ReadCdSubChannel::Raw:
    case ReadCdSubChannel::Rw:
        return 96;
    case ReadCdSubChannel::Q:
        return 16;
    }
    return 0;
}

constexpr std::array concrete_sector_types{
    ReadCdSectorType::CdDa, ReadCdSectorType::Mode1, ReadCdSectorType::Mode2Formless,
    ReadCdSectorType::Mode2Form1, ReadCdSectorType::Mode2Form2};

} // namespace

Cdb read10(const Read10Cdb& c) {
    const u32 bytes = wire::block_transfer_bytes("read(10)", c.blocks, c.block_size);
    return wire::make(Read10Layout{.opcode = op(Opcode::Read10),
                                   .flags = bit_if(c.fua, 3),
                                   .lba = c.lba,
                                   .transfer_length = c.blocks},
                      in, bytes);
}

Read10Cdb parse_read10(const Cdb& cdb) {
    constexpr std::string_view what = "read(10)";
    const auto l = wire::read<Read10Layout>(cdb, Opcode::Read10, what);
    return {.fua = bit(l.flags, 3),
            .lba = l.lba,
            .blocks = l.transfer_length,
            .block_size =
                wire::block_size_of(what, cdb, l.transfer_length, Read10Cdb{}.block_size)};
}

Cdb read12(const Read12Cdb& c) {
    const u32 bytes = wire::block_transfer_bytes("read(12)", c.blocks, c.block_size);
    return wire::make(Read12Layout{.opcode = op(Opcode::Read12),
                                   .flags = bit_if(c.fua, 3),
                                   .lba = c.lba,
                                   .transfer_length = c.blocks,
                                   .streaming = bit_if(c.streaming, 7)},
                      in, bytes);
}

Read12Cdb parse_read12(const Cdb& cdb) {
    constexpr std::string_view what = "read(12)";
    const auto l = wire::read<Read12Layout>(cdb, Opcode::Read12, what);
    return {.fua = bit(l.flags, 3),
            .lba = l.lba,
            .blocks = l.transfer_length,
            .streaming = bit(l.streaming, 7),
            .block_size =
                wire::block_size_of(what, cdb, l.transfer_length, Read12Cdb{}.block_size)};
}

Cdb verify10(const Verify10Cdb& c) {
    return wire::make(Verify10Layout{.opcode = op(Opcode::Verify10),
                                     .lba = c.lba,
                                     .verification_length = c.blocks},
                      DataDirection::None, 0);
}

Verify10Cdb parse_verify10(const Cdb& cdb) {
    constexpr std::string_view what = "verify(10)";
    const auto l = wire::read<Verify10Layout>(cdb, Opcode::Verify10, what);
    if (bit(l.flags, 1)) wire::invalid_field(what, "byte check 1 is not supported", 1);
    return {.lba = l.lba, .blocks = l.verification_length};
}

std::optional<u32> read_cd_sector_size(const ReadCdCdb& c, ReadCdSectorType kind) {
    if (!legal_selection(c)) return std::nullopt;
    u32 main = 0;
    if (kind == ReadCdSectorType::Any) {
        for (auto t : concrete_sector_types)
            main = std::max(main, main_channel_size(c, t));
    } else {
        main = main_channel_size(c, kind);
    }
    return main + c2_size(c.c2) + sub_channel_size(c.sub_channel);
}

Cdb read_cd(const ReadCdCdb& c) {
    constexpr std::string_view what = "read cd";
    if (c.blocks > wire::max_u24)
        wire::invalid_argument(what, fmt::format("{} blocks exceed 24 bits", c.blocks));
    const auto size = read_cd_sector_size(c, c.sector_type);
    if (!size) wire::invalid_argument(what, "sync without header or edc/ecc without user data");
    const u8 main_channel = static_cast<u8>(
        bit_if(c.sync, 7) | place(static_cast<u8>(c.headers), 5, 2) | bit_if(c.user_data, 4) |
        bit_if(c.edc_ecc, 3) | place(static_cast<u8>(c.c2), 1, 2));
    return wire::make(
        ReadCdLayout{.opcode = op(Opcode::ReadCd),
                     .sector_type = static_cast<u8>(place(static_cast<u8>(c.sector_type), 2, 3) |
                                                    bit_if(c.dap, 1)),
                     .lba = c.lba,
                     .transfer_length = c.blocks,
                     .main_channel = main_channel,
                     .sub_channel = place(static_cast<u8>(c.sub_channel), 0, 3)},
        in, wire::block_transfer_bytes(what, c.blocks, *size));
}

ReadCdCdb parse_read_cd(const Cdb& cdb) {
    constexpr std::string_view what = "read cd";
    const auto l = wire::read<ReadCdLayout>(cdb, Opcode::ReadCd, what);
    const u8 sub = bits(l.sub_channel, 0, 3);
    if (sub == 3 || sub > 4)
        wire::invalid_field(what, fmt::format("sub-channel selection {} is reserved", sub), 10);
    ReadCdCdb c{.sector_type = wire::enum_field<ReadCdSectorType>(bits(l.sector_type, 2, 3), 5,
                                                                  what, "expected sector type", 1),
                .dap = bit(l.sector_type, 1),
                .lba = l.lba,
                .blocks = l.transfer_length,
                .sync = bit(l.main_channel, 7),
                .headers = static_cast<ReadCdHeaders>(bits(l.main_channel, 5, 2)),
                .user_data = bit(l.main_channel, 4),
                .edc_ecc = bit(l.main_channel, 3),
                .c2 = wire::enum_field<ReadCdC2>(bits(l.main_channel, 1, 2), 2, what,
                                                 "c2 error information", 9),
                .sub_channel = static_cast<ReadCdSubChannel>(sub)};
    if (!legal_selection(c))
        wire::invalid_field(what, "sync without header or edc/ecc without user data", 9);
    return c;
}

std::optional<BlockExtent> block_extent(const Cdb& cdb) {
    const auto lba_and_length = [&]<class Layout>(Layout*) -> std::optional<BlockExtent> {
        if (cdb.length != sizeof(Layout)) return std::nullopt;
        core::ByteReader r{cdb.view()};
        const auto l = r.read<Layout>();
        return BlockExtent{.lba = l.lba, .blocks = l.length};
    };
    switch (static_cast<Opcode>(cdb.opcode())) {
    case Opcode::Read10:
    case Opcode::Write10:
    case Opcode::Verify10:
    case Opcode::SynchronizeCache:
        return lba_and_length(static_cast<Typical10Layout*>(nullptr));
    case Opcode::Read12:
    case Opcode::Write12:
        return lba_and_length(static_cast<Typical12Layout*>(nullptr));
    case Opcode::ReadCd: {
        if (cdb.length != sizeof(ReadCdLayout)) return std::nullopt;
        core::ByteReader r{cdb.view()};
        const auto l = r.read<ReadCdLayout>();
        return BlockExtent{.lba = l.lba, .blocks = l.transfer_length};
    }
    default:
        return std::nullopt;
    }
}

} // namespace discwright::scsi
