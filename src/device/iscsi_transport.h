#pragma once
// iSCSI (RFC 7143) through libiscsi, entirely in user space: a drive exported by a target such
// as tgt's MMC emulation is driven with the same CDBs as a local one.

#include <chrono>
#include <cstddef>
#include <span>
#include <string>

#include "device/drive_address.h"
#include "device/transport.h"

struct iscsi_context;

namespace discwright::device {

/// The initiator name sent at login: $DISCWRIGHT_ISCSI_INITIATOR, or this default.
inline constexpr std::string_view default_iscsi_initiator = "iqn.2026-11.org.discwright:initiator";

class IscsiTransport final : public Transport {
public:
    /// Logs in to `where` (a normal session, header digest none or CRC32C, CHAP when a user is
    /// given). `address` is the normalised address that messages name. A portal that refuses
    /// or a login that fails is RecorderNotFound; no answer within `connect_timeout` is
    /// CommandTimeout.
    IscsiTransport(IscsiLocation where, std::string address,
                   std::chrono::milliseconds connect_timeout = std::chrono::seconds(15));
    ~IscsiTransport() override;
    IscsiTransport(const IscsiTransport&) = delete;
    IscsiTransport& operator=(const IscsiTransport&) = delete;

    /// Runs one command and waits at most `timeout` for its answer. A command that times out
    /// or whose connection fails ends the session (the target then aborts the command); the
    /// next execute() logs in again.
    scsi::CommandResult execute(const scsi::Cdb& cdb, std::span<std::byte> data,
                                std::chrono::milliseconds timeout) override;
    [[nodiscard]] std::string address() const override { return m_address; }
    [[nodiscard]] TransferLimits limits() const override;

private:
    void connect();
    void drop_session();

    IscsiLocation m_where;
    std::string m_address;
    std::chrono::milliseconds m_connect_timeout;
    iscsi_context* m_context = nullptr;
};

} // namespace discwright::device
