#pragma once
// The answers a drive gives when a command cannot be done, as values: the medium model returns
// them instead of throwing, and the drive turns them into fixed-format sense (SPC-4 4.5.3).
// One named constant per condition the virtual recorder reports, so every place that refuses a
// write for the same reason answers with the same bytes.

#include <optional>

#include "discwright/types.h"
#include "scsi/sense.h"

namespace discwright::virtual_recorder {

struct DriveSense {
    scsi::SenseKey key = scsi::SenseKey::NoSense;
    u8 asc = 0;
    u8 ascq = 0;
    /// The INFORMATION field (e.g. the LBA of a medium error), when VALID.
    std::optional<u32> information = std::nullopt;
    /// The sense-key specific progress indication (SPC-4 4.5.2.4.4), 0..65535.
    std::optional<u16> progress = std::nullopt;
    bool operator==(const DriveSense&) const = default;
};

/// nullopt: the command succeeded.
using Outcome = std::optional<DriveSense>;

namespace sense {
using scsi::SenseKey;
constexpr DriveSense make(SenseKey key, u8 asc, u8 ascq) {
    DriveSense s;
    s.key = key;
    s.asc = asc;
    s.ascq = ascq;
    return s;
}
// SPC-4 Annex D / MMC-6 Annex F.
inline constexpr DriveSense not_ready_becoming_ready = make(SenseKey::NotReady, 0x04, 0x01);
inline constexpr DriveSense format_in_progress = make(SenseKey::NotReady, 0x04, 0x04);
inline constexpr DriveSense operation_in_progress = make(SenseKey::NotReady, 0x04, 0x07);
inline constexpr DriveSense long_write_in_progress = make(SenseKey::NotReady, 0x04, 0x08);
inline constexpr DriveSense no_medium_tray_closed = make(SenseKey::NotReady, 0x3A, 0x01);
inline constexpr DriveSense no_medium_tray_open = make(SenseKey::NotReady, 0x3A, 0x02);
inline constexpr DriveSense no_medium = make(SenseKey::NotReady, 0x3A, 0x00);
inline constexpr DriveSense write_error = make(SenseKey::MediumError, 0x0C, 0x00);
inline constexpr DriveSense loss_of_streaming = make(SenseKey::MediumError, 0x0C, 0x09);
inline constexpr DriveSense invalid_opcode = make(SenseKey::IllegalRequest, 0x20, 0x00);
inline constexpr DriveSense lba_out_of_range = make(SenseKey::IllegalRequest, 0x21, 0x00);
inline constexpr DriveSense invalid_address_for_write = make(SenseKey::IllegalRequest, 0x21, 0x02);
inline constexpr DriveSense invalid_field_in_cdb = make(SenseKey::IllegalRequest, 0x24, 0x00);
inline constexpr DriveSense invalid_field_in_parameters =
    make(SenseKey::IllegalRequest, 0x26, 0x00);
inline constexpr DriveSense parameter_value_invalid = make(SenseKey::IllegalRequest, 0x26, 0x02);
inline constexpr DriveSense sequence_error = make(SenseKey::IllegalRequest, 0x2C, 0x00);
inline constexpr DriveSense incompatible_format = make(SenseKey::IllegalRequest, 0x30, 0x05);
inline constexpr DriveSense cannot_read_incompatible = make(SenseKey::IllegalRequest, 0x30, 0x02);
inline constexpr DriveSense medium_not_formatted = make(SenseKey::IllegalRequest, 0x30, 0x10);
inline constexpr DriveSense removal_prevented = make(SenseKey::IllegalRequest, 0x53, 0x02);
inline constexpr DriveSense illegal_mode_for_track = make(SenseKey::IllegalRequest, 0x64, 0x00);
inline constexpr DriveSense saving_not_supported = make(SenseKey::IllegalRequest, 0x39, 0x00);
inline constexpr DriveSense medium_changed = make(SenseKey::UnitAttention, 0x28, 0x00);
inline constexpr DriveSense write_protected = make(SenseKey::DataProtect, 0x27, 0x00);
} // namespace sense

} // namespace discwright::virtual_recorder
