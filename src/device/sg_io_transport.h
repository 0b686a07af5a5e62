#pragma once
// Linux SG_IO (sg(4), the "sg v3" interface): one ioctl per command on /dev/sr* or /dev/sg*.
// Building the sg_io_hdr and reading it back are pure functions, so everything but the ioctl
// itself is tested without a drive; the ioctl goes through IoctlFn so a test can play a drive.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <scsi/sg.h>

#include "device/transport.h"

namespace discwright::device {

/// Whether other programs may open the drive while we hold it (O_EXCL on the device node).
enum class OpenMode { Shared, Exclusive };

/// The ioctl(2) seam: same arguments and result convention (-1 and errno on failure).
using IoctlFn = std::function<int(int fd, unsigned long request, void* arg)>;
/// ::ioctl itself.
[[nodiscard]] IoctlFn system_ioctl();

/// A filled sg_io_hdr. It points into the Cdb, data and sense buffers it was made from, which
/// must outlive it.
struct SgIoRequest {
    sg_io_hdr header{};
};

/// sg(4) "sg_io_hdr": interface 'S', direction and length from the Cdb (a zero length is
/// SG_DXFER_NONE whatever the Cdb's direction), timeout in milliseconds (saturated), sense
/// buffer of at most 255 bytes. `data` must hold cdb.transfer_length bytes: a shorter buffer is
/// InvalidParam, as the kernel would otherwise read or write past it.
[[nodiscard]] SgIoRequest make_sg_io_request(const scsi::Cdb& cdb, std::span<std::byte> data,
                                             std::span<std::byte> sense,
                                             std::chrono::milliseconds timeout);

/// Reads a completed sg_io_hdr: the SCSI status, the sense bytes the kernel wrote (at most
/// sb_len_wr, at most `sense.size()`), and the bytes moved (dxfer_len minus resid, clamped).
/// A host or driver failure throws: a timeout (DID_TIME_OUT or DRIVER_TIMEOUT) is
/// CommandTimeout, any other is TransportFailure; both name `device` and the command.
[[nodiscard]] scsi::CommandResult interpret_sg_io_reply(const sg_io_hdr& reply,
                                                        std::span<const std::byte> sense,
                                                        std::string_view device);

class SgIoTransport final : public Transport {
public:
    /// Opens `device` O_RDWR | O_NONBLOCK (| O_EXCL for Exclusive) and checks it answers
    /// SG_GET_VERSION_NUM. A missing node is RecorderNotFound, a node held exclusively by
    /// someone else RecorderLocked, anything else TransportFailure.
    SgIoTransport(const std::filesystem::path& device, OpenMode mode,
                  IoctlFn ioctl = system_ioctl());
    ~SgIoTransport() override;
    SgIoTransport(const SgIoTransport&) = delete;
    SgIoTransport& operator=(const SgIoTransport&) = delete;

    scsi::CommandResult execute(const scsi::Cdb& cdb, std::span<std::byte> data,
                                std::chrono::milliseconds timeout) override;
    [[nodiscard]] std::string address() const override { return m_address; }
    [[nodiscard]] TransferLimits limits() const override { return m_limits; }

private:
    std::string m_address;
    IoctlFn m_ioctl;
    int m_fd = -1;
    TransferLimits m_limits;
};

} // namespace discwright::device
