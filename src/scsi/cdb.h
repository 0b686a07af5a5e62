#pragma once
// A command descriptor block and the outcome of running one: the two values that cross every
// transport. Pure data; the builders in scsi/commands.h make Cdbs, transports in device/ run
// them, the virtual recorder in virtual/ answers them.

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "discwright/error.h"
#include "discwright/mmc.h"
#include "discwright/types.h"

namespace discwright::scsi {

/// SPC-4 4.2: a CDB of 6, 10, 12 or 16 bytes plus what its data phase expects.
struct Cdb {
    std::array<std::byte, 16> bytes{};
    u8 length = 0;
    DataDirection direction = DataDirection::None;
    /// Bytes the data phase moves: the allocation length of a data-in command or the parameter
    /// list length of a data-out command (for WRITE, blocks times the block size).
    u32 transfer_length = 0;

    [[nodiscard]] std::span<const std::byte> view() const { return {bytes.data(), length}; }
    [[nodiscard]] u8 opcode() const { return static_cast<u8>(bytes[0]); }
    [[nodiscard]] u8 byte(std::size_t i) const { return static_cast<u8>(bytes[i]); }

    /// A CDB given as raw bytes (pass-through and the target side). The length must lie in
    /// 6..16 and match the opcode's group (SPC-4 4.2.5.1) except for the vendor groups 6 and 7;
    /// a mismatch is InvalidParam naming the opcode and both lengths.
    [[nodiscard]] static Cdb from_bytes(std::span<const std::byte> bytes, DataDirection direction,
                                        u32 transfer_length);
};

/// SAM-5 5.3.1 status codes.
enum class ScsiStatus : u8 {
    Good = 0x00,
    CheckCondition = 0x02,
    ConditionMet = 0x04,
    Busy = 0x08,
    ReservationConflict = 0x18,
    TaskSetFull = 0x28,
    AcaActive = 0x30,
    TaskAborted = 0x40,
};

/// What a transport reports after running a Cdb. A transport fills it and never interprets
/// the sense: that is scsi::decode_sense and device::CommandRunner's work.
struct CommandResult {
    ScsiStatus status = ScsiStatus::Good;
    /// Sense bytes as returned (fixed or descriptor format), empty when there were none.
    std::vector<std::byte> sense;
    /// Bytes actually moved in the data phase (transfer_length minus the residual).
    u32 transferred = 0;

    [[nodiscard]] bool good() const { return status == ScsiStatus::Good; }
};

} // namespace discwright::scsi
