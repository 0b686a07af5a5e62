#pragma once
// TargetTransport: an in-process MMC target — the virtual recorder (virtual:PATH) or the file
// pseudo-drive (file:PATH). Commands go straight to the target's execute(); the same CDBs and
// sense bytes cross it as cross SG_IO, so everything above the transport cannot tell.

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "device/transport.h"
#include "virtual/mmc_target.h"

namespace discwright::device {

class TargetTransport final : public Transport {
public:
    /// `address` is the normalised address ("virtual:/abs/path", "file:/abs/path") that
    /// messages name.
    TargetTransport(std::unique_ptr<virtual_recorder::MmcTarget> target, std::string address);

    /// Runs the command in the calling thread; the timeout does not apply to an in-process
    /// target. A buffer shorter than cdb.transfer_length is InvalidParam, and a target that
    /// reports moving more than that is Internal.
    scsi::CommandResult execute(const scsi::Cdb& cdb, std::span<std::byte> data,
                                std::chrono::milliseconds timeout) override;
    [[nodiscard]] std::string address() const override { return m_address; }
    [[nodiscard]] TransferLimits limits() const override;

    /// The target itself, for tests and tools that inspect its state.
    [[nodiscard]] virtual_recorder::MmcTarget& target() { return *m_target; }

private:
    std::unique_ptr<virtual_recorder::MmcTarget> m_target;
    std::string m_address;
};

} // namespace discwright::device
