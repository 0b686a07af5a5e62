// SG_IO transport. The kernel reports a command's outcome on three levels (sg(4), "sg_io_hdr"):
// the SCSI status byte from the drive, host_status from the adapter driver (DID_*), and
// driver_status from the mid level (DRIVER_*). Only the first is the drive's answer; the other
// two mean the path failed, and are thrown here so the CommandRunner sees drive answers only.

#include "device/sg_io_transport.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <fstream>
#include <system_error>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fmt/format.h>

#include "discwright/error.h"
#include "scsi/opcodes.h"

namespace discwright::device {

namespace {

// Linux include/scsi/scsi_status.h host byte; not exported to user space headers.
constexpr std::array<std::string_view, 21> host_status_names = {"DID_OK",
                                                                "DID_NO_CONNECT",
                                                                "DID_BUS_BUSY",
                                                                "DID_TIME_OUT",
                                                                "DID_BAD_TARGET",
                                                                "DID_ABORT",
                                                                "DID_PARITY",
                                                                "DID_ERROR",
                                                                "DID_RESET",
                                                                "DID_BAD_INTR",
                                                                "DID_PASSTHROUGH",
                                                                "DID_SOFT_ERROR",
                                                                "DID_IMM_RETRY",
                                                                "DID_REQUEUE",
                                                                "DID_TRANSPORT_DISRUPTED",
                                                                "DID_TRANSPORT_FAILFAST",
                                                                "DID_TARGET_FAILURE",
                                                                "DID_NEXUS_FAILURE",
                                                                "DID_ALLOC_FAILURE",
                                                                "DID_MEDIUM_ERROR",
                                                                "DID_TRANSPORT_MARGINAL"};
constexpr unsigned did_time_out = 0x03;

// Linux driver byte (low nibble); DRIVER_SENSE only says sense bytes were written.
constexpr std::array<std::string_view, 9> driver_status_names = {
    "DRIVER_OK",      "DRIVER_BUSY",    "DRIVER_SOFT", "DRIVER_MEDIA", "DRIVER_ERROR",
    "DRIVER_INVALID", "DRIVER_TIMEOUT", "DRIVER_HARD", "DRIVER_SENSE"};
constexpr unsigned driver_timeout = 0x06;
constexpr unsigned driver_sense = 0x08;

// sg(4): sb_len_wr and mx_sb_len are unsigned char.
constexpr std::size_t max_sense_bytes = 255;
// Used when the kernel tells us nothing: every SCSI host adapter moves 64 KiB at once.
constexpr u32 fallback_max_transfer = 64 * 1024;

std::string name_of(std::span<const std::string_view> names, unsigned value) {
    if (value < names.size()) return std::string(names[value]);
    return fmt::format("0x{:02x}", value);
}

std::string describe_errno(int err) {
    return std::generic_category().message(err);
}

std::string command_label(u8 opcode) {
    return fmt::format("{} (0x{:02X})", scsi::command_name(opcode), opcode);
}

/// The first integer in a sysfs attribute, if it can be read.
std::optional<u32> read_sysfs_number(const std::filesystem::path& file) {
    std::ifstream in(file);
    unsigned long value = 0;
    if (!(in >> value) || value > UINT32_MAX) return std::nullopt;
    return static_cast<u32>(value);
}

/// The block queue's dma_alignment (a mask) for a block node, or through the SCSI device of an
/// sg node; 0 when sysfs does not say.
u32 dma_alignment_mask(const struct stat& st) {
    namespace fs = std::filesystem;
    const auto numbers = fmt::format("{}:{}", major(st.st_rdev), minor(st.st_rdev));
    std::error_code ec;
    if (S_ISBLK(st.st_mode))
        return read_sysfs_number(fs::path("/sys/dev/block") / numbers / "queue/dma_alignment")
            .value_or(0);
    const fs::path blocks = fs::path("/sys/dev/char") / numbers / "device/block";
    for (const auto& entry : fs::directory_iterator(blocks, ec)) {
        if (auto mask = read_sysfs_number(entry.path() / "queue/dma_alignment")) return *mask;
    }
    return 0;
}

/// BLKSECTGET answers in 512-byte sectors as an unsigned short on a block node, and in bytes as
/// an int on an sg node (drivers/scsi/sg.c); SG_GET_RESERVED_SIZE is the sg buffer in bytes.
u32 max_transfer_bytes(int fd, const struct stat& st, const IoctlFn& ioctl) {
    if (S_ISBLK(st.st_mode)) {
        unsigned short sectors = 0;
        if (ioctl(fd, BLKSECTGET, &sectors) == 0 && sectors > 0) return u32{sectors} * 512;
    } else {
        int bytes = 0;
        if (ioctl(fd, BLKSECTGET, &bytes) == 0 && bytes > 0) return static_cast<u32>(bytes);
    }
    int reserved = 0;
    if (ioctl(fd, SG_GET_RESERVED_SIZE, &reserved) == 0 && reserved > 0)
        return static_cast<u32>(reserved);
    return fallback_max_transfer;
}

} // namespace

IoctlFn system_ioctl() {
    return [](int fd, unsigned long request, void* arg) { return ::ioctl(fd, request, arg); };
}

SgIoRequest make_sg_io_request(const scsi::Cdb& cdb, std::span<std::byte> data,
                               std::span<std::byte> sense, std::chrono::milliseconds timeout) {
    if (cdb.length < 6 || cdb.length > cdb.bytes.size())
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("sg_io request: CDB length {} is outside 6..16", cdb.length));
    if (data.size() < cdb.transfer_length)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("sg_io request: {} needs a {}-byte buffer, {} given",
                                command_label(cdb.opcode()), cdb.transfer_length, data.size()));
    SgIoRequest request;
    sg_io_hdr& h = request.header;
    h.interface_id = 'S';
    h.cmd_len = cdb.length;
    // The kernel only reads the CDB; sg_io_hdr declares cmdp non-const for historical reasons.
    h.cmdp = const_cast<unsigned char*>(reinterpret_cast<const unsigned char*>(cdb.bytes.data()));
    h.mx_sb_len = static_cast<unsigned char>(std::min(sense.size(), max_sense_bytes));
    h.sbp = reinterpret_cast<unsigned char*>(sense.data());
    h.dxfer_len = cdb.transfer_length;
    h.dxferp = cdb.transfer_length > 0 ? data.data() : nullptr;
    if (cdb.transfer_length == 0 || cdb.direction == DataDirection::None)
        h.dxfer_direction = SG_DXFER_NONE;
    else if (cdb.direction == DataDirection::FromDevice)
        h.dxfer_direction = SG_DXFER_FROM_DEV;
    else
        h.dxfer_direction = SG_DXFER_TO_DEV;
    if (h.dxfer_direction == SG_DXFER_NONE) {
        h.dxfer_len = 0;
        h.dxferp = nullptr;
    }
    const auto ms = std::max<std::chrono::milliseconds::rep>(timeout.count(), 0);
    h.timeout = static_cast<unsigned int>(std::min<std::chrono::milliseconds::rep>(ms, UINT_MAX));
    return request;
}

scsi::CommandResult interpret_sg_io_reply(const sg_io_hdr& reply, std::span<const std::byte> sense,
                                          std::string_view device) {
    const unsigned host = reply.host_status;
    const unsigned driver = reply.driver_status & 0x0f;
    const u8 opcode = reply.cmdp != nullptr && reply.cmd_len > 0 ? reply.cmdp[0] : 0;
    if (host == did_time_out || driver == driver_timeout) {
        throw Error(ErrorCode::CommandTimeout,
                    fmt::format("{} timed out: no answer within {} ms ({})", command_label(opcode),
                                reply.timeout, device))
            .with_drive(std::string(device));
    }
    if (host != 0) {
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("{} failed in the host adapter: host status {} ({})",
                                command_label(opcode), name_of(host_status_names, host), device))
            .with_drive(std::string(device));
    }
    if (driver != 0 && driver != driver_sense) {
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("{} failed in the SCSI layer: driver status {} ({})",
                                command_label(opcode), name_of(driver_status_names, driver),
                                device))
            .with_drive(std::string(device));
    }

    scsi::CommandResult result;
    const std::size_t sense_len =
        std::min({std::size_t{reply.sb_len_wr}, std::size_t{reply.mx_sb_len}, sense.size()});
    result.sense.assign(sense.begin(), sense.begin() + static_cast<std::ptrdiff_t>(sense_len));
    // SAM-5 5.3.1: the whole byte is the status; masked_status (status >> 1) is obsolete.
    result.status = static_cast<scsi::ScsiStatus>(reply.status);
    if (result.status == scsi::ScsiStatus::Good && (reply.driver_status & driver_sense) != 0 &&
        !result.sense.empty()) {
        // Some USB bridges return sense with a GOOD status byte; the mid level then flags it
        // with DRIVER_SENSE, and it is a CHECK CONDITION in all but the status byte.
        result.status = scsi::ScsiStatus::CheckCondition;
    }
    const long moved = static_cast<long>(reply.dxfer_len) - static_cast<long>(reply.resid);
    result.transferred =
        static_cast<u32>(std::clamp<long>(moved, 0, static_cast<long>(reply.dxfer_len)));
    return result;
}

SgIoTransport::SgIoTransport(const std::filesystem::path& device, OpenMode mode, IoctlFn ioctl)
    : m_address(device.string()), m_ioctl(std::move(ioctl)) {
    int flags = O_RDWR | O_NONBLOCK | O_CLOEXEC;
    if (mode == OpenMode::Exclusive) flags |= O_EXCL;
    m_fd = ::open(m_address.c_str(), flags);
    if (m_fd < 0) {
        const int err = errno;
        ErrorCode code = ErrorCode::TransportFailure;
        std::string why = describe_errno(err);
        if (err == ENOENT || err == ENXIO || err == ENODEV) {
            code = ErrorCode::RecorderNotFound;
        } else if (err == EBUSY) {
            code = ErrorCode::RecorderLocked;
            why = "another program holds it exclusively or has it mounted";
        } else if (err == EACCES || err == EPERM) {
            why += "; the user needs read and write access (often the 'cdrom' group)";
        }
        throw Error(code, fmt::format("cannot open drive: {} ({})", why, m_address))
            .with_drive(m_address);
    }
    struct stat st {};
    int version = 0;
    if (::fstat(m_fd, &st) != 0 || !(S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)) ||
        m_ioctl(m_fd, SG_GET_VERSION_NUM, &version) != 0 || version < 30000) {
        ::close(m_fd);
        throw Error(
            ErrorCode::RecorderNotFound,
            fmt::format("cannot open drive: not a SCSI device that accepts SG_IO ({})", m_address))
            .with_drive(m_address);
    }
    m_limits.max_transfer_bytes = max_transfer_bytes(m_fd, st, m_ioctl);
    m_limits.byte_alignment_mask = dma_alignment_mask(st);
}

SgIoTransport::~SgIoTransport() {
    if (m_fd >= 0) ::close(m_fd);
}

scsi::CommandResult SgIoTransport::execute(const scsi::Cdb& cdb, std::span<std::byte> data,
                                           std::chrono::milliseconds timeout) {
    std::array<std::byte, max_sense_bytes> sense{};
    SgIoRequest request = make_sg_io_request(cdb, data, sense, timeout);
    // No retry on EINTR: sg(4) keeps running a command whose caller was interrupted, so a
    // second SG_IO could write twice; the error goes up like any other path failure.
    if (m_ioctl(m_fd, SG_IO, &request.header) != 0) {
        const int err = errno;
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("{} failed: SG_IO ioctl: {} ({})", command_label(cdb.opcode()),
                                describe_errno(err), m_address))
            .with_drive(m_address);
    }
    return interpret_sg_io_reply(request.header, sense, m_address);
}

} // namespace discwright::device
