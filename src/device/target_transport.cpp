#include "device/target_transport.h"

#include <fmt/format.h>

#include "discwright/error.h"
#include "scsi/opcodes.h"

namespace discwright::device {

namespace {

// A real drive's adapter moves 64 KiB at once; in-process targets say the same so that the
// writers above run the same chunking against them as against hardware.
constexpr u32 target_max_transfer = 64 * 1024;

} // namespace

TargetTransport::TargetTransport(std::unique_ptr<virtual_recorder::MmcTarget> target,
                                 std::string address)
    : m_target(std::move(target)), m_address(std::move(address)) {
    if (!m_target)
        throw Error(ErrorCode::Internal,
                    fmt::format("in-process transport: no target to run commands ({})", m_address));
}

scsi::CommandResult TargetTransport::execute(const scsi::Cdb& cdb, std::span<std::byte> data,
                                             std::chrono::milliseconds /*timeout*/) {
    if (data.size() < cdb.transfer_length)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("{} needs a {}-byte buffer, {} given ({})",
                                scsi::command_name(cdb.opcode()), cdb.transfer_length, data.size(),
                                m_address))
            .with_drive(m_address);
    scsi::CommandResult result = m_target->execute(cdb, data.first(cdb.transfer_length));
    if (result.transferred > cdb.transfer_length)
        throw Error(ErrorCode::Internal,
                    fmt::format("{} moved {} bytes, more than the {} asked for ({})",
                                scsi::command_name(cdb.opcode()), result.transferred,
                                cdb.transfer_length, m_address))
            .with_drive(m_address);
    return result;
}

TransferLimits TargetTransport::limits() const {
    return {.max_transfer_bytes = target_max_transfer, .byte_alignment_mask = 0};
}

} // namespace discwright::device
