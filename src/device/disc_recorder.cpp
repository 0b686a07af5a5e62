// DiscRecorder: opening a drive, its identity, the IDiscRecorder2 actions and the raw
// pass-through of IDiscRecorder2Ex. The medium and capabilities are in disc_recorder_media.cpp.

#include "discwright/disc_recorder.h"

#include <fstream>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "device/disc_recorder_impl.h"
#include "device/open_transport.h"
#include "discwright/disc_master.h"
#include "scsi/commands.h"
#include "scsi/inquiry.h"
#include "scsi/sense.h"

namespace discwright {

namespace {

/// The unique id DiscMaster reports for an address (its normalised form for every transport
/// but real drives, whose stable id DiscMaster knows from udev).
std::string unique_id_for(const device::DriveAddress& a) {
    if (a.kind != device::TransportKind::SgIo) return a.normalised;
    try {
        DiscMaster master;
        for (const RecorderInfo& r : master.recorders())
            for (const std::string& node : r.device_nodes)
                if (node == a.normalised) return r.unique_id;
    } catch (const Error&) {
        // A malformed registry must not make a real drive unusable: fall back to the node.
    }
    return a.normalised;
}

/// An address is used as it is; an index ("0") or a unique id ("udev:...") is looked up in
/// DiscMaster's list, which scans udev and reads the registry only then.
std::string resolve_address(std::string_view address) {
    const bool looks_like_address = address.starts_with("/") || address.starts_with("virtual:") ||
                                    address.starts_with("file:") || address.starts_with("iscsi://");
    if (looks_like_address) return std::string(address);
    return DiscMaster().resolve(address);
}

} // namespace

std::string describe_sense(std::span<const std::byte> sense) {
    if (sense.empty()) return {};
    return fmt::format("{}", scsi::decode_sense(sense));
}

DiscRecorder::DiscRecorder(std::string_view address) : m_impl(std::make_unique<Impl>()) {
    m_impl->address = device::parse_drive_address(resolve_address(address));
    m_impl->unique_id = unique_id_for(m_impl->address);
    m_impl->runner =
        std::make_unique<device::CommandRunner>(device::open_transport(m_impl->address));
    try {
        m_impl->inquiry = scsi::decode_inquiry(m_impl->runner->read(scsi::inquiry({})));
    } catch (Error& e) {
        e.add_frame(fmt::format("while identifying the drive at {}", m_impl->address.normalised));
        throw;
    }
    if (m_impl->inquiry.peripheral_device_type != 5)
        throw Error(ErrorCode::RecorderNotFound,
                    fmt::format("{} is not an optical drive: INQUIRY reports peripheral device "
                                "type {:#04x}, an MMC drive reports 0x05",
                                m_impl->address.normalised, m_impl->inquiry.peripheral_device_type))
            .with_drive(m_impl->address.normalised);
    m_impl->exclusive = std::make_unique<device::ExclusiveAccess>(
        m_impl->unique_id, m_impl->address.kind == device::TransportKind::SgIo
                               ? m_impl->address.path
                               : std::filesystem::path{});
}

DiscRecorder::~DiscRecorder() {
    if (m_impl && m_impl->mcn_disable_count > 0) {
        m_impl->mcn_disable_count = 1;
        try {
            enable_mcn();
        } catch (...) {
            // Destructors do not throw; the kernel restores polling when the drive is reopened.
        }
    }
}
DiscRecorder::DiscRecorder(DiscRecorder&&) noexcept = default;
DiscRecorder& DiscRecorder::operator=(DiscRecorder&&) noexcept = default;

const std::string& DiscRecorder::unique_id() const {
    return m_impl->unique_id;
}
const std::string& DiscRecorder::address() const {
    return m_impl->address.normalised;
}
const std::string& DiscRecorder::vendor_id() const {
    return m_impl->inquiry.vendor;
}
const std::string& DiscRecorder::product_id() const {
    return m_impl->inquiry.product;
}
const std::string& DiscRecorder::product_revision() const {
    return m_impl->inquiry.revision;
}
InquiryData DiscRecorder::inquiry() const {
    return m_impl->inquiry;
}
device::CommandRunner& DiscRecorder::runner() {
    return *m_impl->runner;
}

std::vector<std::string> DiscRecorder::volume_path_names() const {
    std::vector<std::string> out;
    if (m_impl->address.kind != device::TransportKind::SgIo) return out;
    out.push_back(m_impl->address.normalised);
    struct stat st {};
    if (::stat(m_impl->address.path.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) return out;
    std::ifstream in("/proc/self/mountinfo");
    const std::string mountinfo((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
    if (auto mp = device::find_mount_point(mountinfo, major(st.st_rdev), minor(st.st_rdev)))
        out.push_back(*mp);
    return out;
}

void DiscRecorder::eject_media() {
    m_impl->runner->write(scsi::start_stop_unit({.action = scsi::StartStopAction::Eject}));
}

void DiscRecorder::close_tray() {
    m_impl->runner->write(scsi::start_stop_unit({.action = scsi::StartStopAction::Load}));
}

void DiscRecorder::acquire_exclusive_access(ExclusiveAccessMode mode,
                                            std::string_view client_name) {
    m_impl->exclusive->acquire(mode, client_name);
}

void DiscRecorder::release_exclusive_access() {
    m_impl->exclusive->release();
}

std::optional<std::string> DiscRecorder::exclusive_access_owner() const {
    return device::ExclusiveAccess::owner(m_impl->unique_id);
}

namespace {

/// The block device's media-change polling interval: sysfs's events_poll_msecs of sdX/srX.
std::filesystem::path events_poll_file(const std::filesystem::path& node) {
    return std::filesystem::path("/sys/class/block") / node.filename() / "events_poll_msecs";
}

} // namespace

void DiscRecorder::disable_mcn() {
    if (m_impl->mcn_disable_count++ > 0) return;
    if (m_impl->address.kind != device::TransportKind::SgIo) return;
    // Polling off ("0") keeps udisks and the kernel from reacting to a disc being burned. A
    // process without write access to sysfs keeps the count, as IMAPI does for non-admins.
    std::ofstream(events_poll_file(m_impl->address.path)) << "0\n";
}

void DiscRecorder::enable_mcn() {
    if (m_impl->mcn_disable_count == 0) return;
    if (--m_impl->mcn_disable_count > 0) return;
    if (m_impl->address.kind != device::TransportKind::SgIo) return;
    // "-1" restores the system default interval (block/genhd.c: disk_events_set_dfl_poll_msecs).
    std::ofstream(events_poll_file(m_impl->address.path)) << "-1\n";
}

bool DiscRecorder::mcn_enabled() const {
    return m_impl->mcn_disable_count == 0;
}

CommandOutcome DiscRecorder::send_command(std::span<const std::byte> cdb_bytes,
                                          DataDirection direction, std::span<std::byte> buffer,
                                          std::chrono::seconds timeout) {
    if (direction != DataDirection::None && buffer.empty())
        throw Error(
            ErrorCode::InvalidParam,
            "raw command: a data phase needs a non-empty buffer (IMAPI ULONG_IMAPI2_NONZERO)");
    if (buffer.size() > 0xFFFFFFFFull)
        throw Error(ErrorCode::InvalidParam, "raw command: buffer larger than 4 GiB");
    const scsi::Cdb cdb = scsi::Cdb::from_bytes(
        cdb_bytes, direction,
        direction == DataDirection::None ? 0u : static_cast<u32>(buffer.size()));
    const scsi::CommandResult r = m_impl->runner->execute_raw(
        cdb, buffer, std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
    return {static_cast<u8>(r.status), r.sense, r.transferred};
}

u32 DiscRecorder::byte_alignment_mask() const {
    return m_impl->runner->transport().limits().byte_alignment_mask;
}

u32 DiscRecorder::maximum_non_page_aligned_transfer_size() const {
    return m_impl->runner->transport().limits().max_transfer_bytes;
}

u32 DiscRecorder::maximum_page_aligned_transfer_size() const {
    return m_impl->runner->transport().limits().max_transfer_bytes;
}

} // namespace discwright
