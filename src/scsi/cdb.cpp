#include "scsi/cdb.h"

#include <fmt/format.h>

#include "core/byte_io.h"
#include "scsi/opcodes.h"

namespace discwright::scsi {

namespace {

/// SPC-4 4.2.5.1: the CDB length of an operation code's group (bits 7-5); 0 for group 3
/// (reserved, and the home of variable-length CDBs longer than 16 bytes) and for the vendor
/// groups 6 and 7, whose length only the vendor knows.
constexpr u8 group_length(u8 opcode) {
    switch (opcode >> 5) {
    case 0:
        return 6;
    case 1:
    case 2:
        return 10;
    case 4:
        return 16;
    case 5:
        return 12;
    default:
        return 0;
    }
}

[[noreturn]] void reject(u8 opcode, std::string_view why) {
    throw Error(ErrorCode::InvalidParam,
                fmt::format("cdb: {} ({}, opcode 0x{:02X})", why, command_name(opcode), opcode));
}

} // namespace

Cdb Cdb::from_bytes(std::span<const std::byte> bytes, DataDirection direction,
                    u32 transfer_length) {
    if (bytes.empty()) throw Error(ErrorCode::InvalidParam, "cdb: no bytes");
    const auto opcode = static_cast<u8>(bytes[0]);
    if (bytes.size() < 6 || bytes.size() > 16)
        reject(opcode, fmt::format("{} bytes, a cdb has 6 to 16", bytes.size()));
    const u8 group = opcode >> 5;
    if (group == 3) reject(opcode, "group 3 opcodes are reserved or variable-length");
    const u8 expected = group_length(opcode);
    if (expected != 0 && bytes.size() != expected)
        reject(opcode,
               fmt::format("{} bytes, group {} cdbs have {}", bytes.size(), group, expected));
    if (direction == DataDirection::None && transfer_length != 0)
        reject(opcode,
               fmt::format("{} bytes to transfer without a data direction", transfer_length));
    Cdb cdb;
    core::ByteWriter out{cdb.bytes};
    out.bytes(bytes);
    cdb.length = static_cast<u8>(bytes.size());
    cdb.direction = direction;
    cdb.transfer_length = transfer_length;
    return cdb;
}

} // namespace discwright::scsi
