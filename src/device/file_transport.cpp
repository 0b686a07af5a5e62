#include "device/file_transport.h"

#include <fmt/format.h>

#include "discwright/error.h"
#include "scsi/opcodes.h"

namespace discwright::device {

namespace {

// The pseudo-drive writes with pwrite; 64 KiB per command, like a real drive's adapter, keeps
// the writers' chunking the same on every transport.
constexpr u32 file_max_transfer = 64 * 1024;

} // namespace

FileTransport::FileTransport(std::unique_ptr<virtual_recorder::MmcTarget> target,
                             std::string address)
    : m_target(std::move(target)), m_address(std::move(address)) {
    if (!m_target)
        throw Error(ErrorCode::Internal,
                    fmt::format("file transport: no target to run commands ({})", m_address));
}

scsi::CommandResult FileTransport::execute(const scsi::Cdb& cdb, std::span<std::byte> data,
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

TransferLimits FileTransport::limits() const {
    return {.max_transfer_bytes = file_max_transfer, .byte_alignment_mask = 0};
}

} // namespace discwright::device
