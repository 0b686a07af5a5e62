#pragma once
// The target side of an MMC exchange: what a drive does with a CDB. The virtual recorder and
// the file pseudo-drive implement it; device::TargetTransport hands
// commands to it. Answers are built with the same scsi/ encoders whose decoders the host uses.

#include <cstddef>
#include <span>

#include "scsi/cdb.h"

namespace discwright::virtual_recorder {

class MmcTarget {
public:
    virtual ~MmcTarget() = default;
    /// Executes `cdb` as a drive would: fills `data` for data-in commands (at most
    /// cdb.transfer_length bytes), consumes it for data-out ones, and reports GOOD or CHECK
    /// CONDITION with fixed-format sense (SPC-4 4.5.3). Never throws for anything a real drive
    /// would answer with sense, including malformed CDBs (ILLEGAL REQUEST / INVALID FIELD IN CDB).
    virtual scsi::CommandResult execute(const scsi::Cdb& cdb, std::span<std::byte> data) = 0;
};

} // namespace discwright::virtual_recorder
