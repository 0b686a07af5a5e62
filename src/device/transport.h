#pragma once
// device/: moves bytes, knows nothing of MMC (STYLE.md section 6). One transport per file:
// SgIoTransport (Linux SG_IO), IscsiTransport (libiscsi), TargetTransport (an in-process
// MMC target: the virtual recorder, or a file or block device seen as a random-writable medium).

#include <chrono>
#include <cstddef>
#include <span>
#include <string>

#include "scsi/cdb.h"

namespace discwright::device {

/// Limits of the path between host and drive (IDiscRecorder2Ex adapter descriptor).
struct TransferLimits {
    u32 max_transfer_bytes = 64 * 1024; // largest single data phase
    u32 byte_alignment_mask = 0;        // (buffer address & mask) must be 0
};

class Transport {
public:
    virtual ~Transport() = default;

    /// Runs one command. `data` is the data-phase buffer: at least cdb.transfer_length bytes,
    /// filled by data-in commands, read by data-out ones. A CHECK CONDITION comes back as a
    /// result with sense; only failures of the path itself (ioctl error, lost connection, the
    /// timeout expiring) throw: TransportFailure or CommandTimeout, naming address().
    virtual scsi::CommandResult execute(const scsi::Cdb& cdb, std::span<std::byte> data,
                                        std::chrono::milliseconds timeout) = 0;

    /// The address this transport was opened with ("/dev/sr0", "iscsi://...", "virtual:...").
    [[nodiscard]] virtual std::string address() const = 0;
    [[nodiscard]] virtual TransferLimits limits() const = 0;
};

} // namespace discwright::device
