#include "discwright/disc_master.h"

#include <algorithm>
#include <mutex>
#include <set>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "device/drive_address.h"
#include "device/drive_registry.h"
#include "device/udev_drives.h"
#include "discwright/error.h"

namespace discwright {
namespace {

std::vector<RecorderInfo> take_snapshot() {
    std::vector<RecorderInfo> all = device::detect_drives();
    std::vector<RecorderInfo> registered = device::registered_drives();
    all.insert(all.end(), std::make_move_iterator(registered.begin()),
               std::make_move_iterator(registered.end()));
    std::set<std::string> seen;
    std::vector<RecorderInfo> unique;
    for (auto& d : all)
        if (seen.insert(d.unique_id).second) unique.push_back(std::move(d));
    return unique;
}

bool all_digits(std::string_view s) {
    return !s.empty() && s.size() <= 9 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A path the process may use as a medium: it exists readable and writable, or it can be
/// created in its folder.
bool medium_usable(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return access(path.c_str(), R_OK | W_OK) == 0;
    const std::filesystem::path folder = path.parent_path();
    return !folder.empty() && access(folder.c_str(), W_OK | X_OK) == 0;
}

bool may_open(const RecorderInfo& d) {
    switch (d.kind) {
    case RecorderKind::SgIo: {
        // O_NONBLOCK: a drive without a medium still opens; SG_IO needs write access.
        const int fd = open(d.address.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) return false;
        close(fd);
        return true;
    }
    case RecorderKind::Virtual:
    case RecorderKind::File:
        return medium_usable(device::parse_drive_address(d.address).path);
    case RecorderKind::Iscsi:
        return true;
    }
    return false;
}

std::string describe_list(const std::vector<RecorderInfo>& drives) {
    if (drives.empty()) return "no drives are known";
    std::string text = "drives:";
    for (std::size_t i = 0; i < drives.size(); ++i) {
        text += fmt::format("{}{} {}", i == 0 ? " " : ", ", i, drives[i].unique_id);
        if (drives[i].unique_id != drives[i].address && drives[i].kind == RecorderKind::SgIo)
            text += fmt::format(" {}", drives[i].address);
    }
    return text;
}

} // namespace

std::string_view to_string(RecorderKind kind) {
    switch (kind) {
    case RecorderKind::SgIo:
        return "sg_io";
    case RecorderKind::Iscsi:
        return "iscsi";
    case RecorderKind::Virtual:
        return "virtual";
    case RecorderKind::File:
        return "file";
    }
    return "unknown";
}

struct DiscMaster::Impl {
    std::vector<RecorderInfo> drives;
    std::mutex handler_mutex;
    std::function<void(const std::string&)> added;
    std::function<void(const std::string&)> removed;
    // Last member: destroyed first, so the thread stops before the handlers go.
    std::unique_ptr<device::DriveMonitor> monitor;

    void dispatch(const device::DriveChanges& changes) {
        std::function<void(const std::string&)> on_added, on_removed;
        {
            std::lock_guard lock(handler_mutex);
            on_added = added;
            on_removed = removed;
        }
        if (on_removed)
            for (const auto& id : changes.removed)
                on_removed(id);
        if (on_added)
            for (const auto& id : changes.added)
                on_added(id);
    }
};

DiscMaster::DiscMaster() : m_impl(std::make_unique<Impl>()) {
    m_impl->drives = take_snapshot();
}
DiscMaster::~DiscMaster() = default;
DiscMaster::DiscMaster(DiscMaster&&) noexcept = default;
DiscMaster& DiscMaster::operator=(DiscMaster&&) noexcept = default;

std::size_t DiscMaster::size() const {
    return m_impl->drives.size();
}

const RecorderInfo& DiscMaster::operator[](std::size_t index) const {
    if (index >= m_impl->drives.size())
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("drive index {} is out of range: {} drives are known", index,
                                m_impl->drives.size()));
    return m_impl->drives[index];
}

const std::vector<RecorderInfo>& DiscMaster::recorders() const {
    return m_impl->drives;
}

std::vector<std::string> DiscMaster::unique_ids() const {
    std::vector<std::string> ids;
    for (const auto& d : m_impl->drives)
        ids.push_back(d.unique_id);
    return ids;
}

bool DiscMaster::is_supported_environment() const {
    return std::any_of(m_impl->drives.begin(), m_impl->drives.end(), may_open);
}

void DiscMaster::refresh() {
    m_impl->drives = take_snapshot();
}

void DiscMaster::on_device_added(std::function<void(const std::string&)> handler) {
    std::lock_guard lock(m_impl->handler_mutex);
    m_impl->added = std::move(handler);
}

void DiscMaster::on_device_removed(std::function<void(const std::string&)> handler) {
    std::lock_guard lock(m_impl->handler_mutex);
    m_impl->removed = std::move(handler);
}

void DiscMaster::start_monitoring() {
    if (m_impl->monitor) return;
    m_impl->monitor = std::make_unique<device::DriveMonitor>(
        [impl = m_impl.get()](const device::DriveChanges& changes) { impl->dispatch(changes); });
}

void DiscMaster::stop_monitoring() {
    m_impl->monitor.reset();
}

bool DiscMaster::monitoring() const {
    return m_impl->monitor != nullptr;
}

std::string DiscMaster::resolve(std::string_view asked) const {
    const auto& drives = m_impl->drives;
    auto not_found = [&](std::string_view why) {
        return Error(ErrorCode::RecorderNotFound, fmt::format("drive '{}' not found: {} ({})",
                                                              asked, why, describe_list(drives)))
            .with_drive(std::string(asked));
    };
    if (all_digits(asked)) {
        const std::size_t index = std::stoul(std::string(asked));
        if (index >= drives.size())
            throw not_found(fmt::format("index {} is past the last drive", index));
        return drives[index].address;
    }
    for (const auto& d : drives)
        if (d.unique_id == asked || d.address == asked) return d.address;

    // Another name of a listed node: /dev/sg1, /dev/cdrom, /dev/disk/by-path/...
    if (asked.starts_with("/")) {
        std::error_code ec;
        const auto target = std::filesystem::canonical(std::filesystem::path(asked), ec);
        if (!ec)
            for (const auto& d : drives)
                for (const auto& node : d.device_nodes) {
                    std::error_code node_ec;
                    if (std::filesystem::canonical(node, node_ec) == target && !node_ec)
                        return d.address;
                }
    }
    if (asked.starts_with("udev:") || asked.starts_with("sysfs:"))
        throw not_found("no such unique id");

    RecorderInfo info;
    try {
        info = device::registered_drive(asked);
    } catch (const Error& e) {
        throw not_found(e.message());
    }
    for (const auto& d : drives)
        if (d.unique_id == info.unique_id) return d.address;
    if (info.kind == RecorderKind::SgIo) {
        std::error_code ec;
        if (!std::filesystem::exists(info.address, ec))
            throw not_found("the device node does not exist");
    }
    return info.address;
}

} // namespace discwright
