#include "device/udev_drives.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <libudev.h>
#include <poll.h>
#include <unistd.h>

#include <fmt/format.h>

#include "discwright/error.h"

namespace discwright::device {
namespace {

struct UdevDeleter {
    void operator()(udev* p) const { udev_unref(p); }
    void operator()(udev_enumerate* p) const { udev_enumerate_unref(p); }
    void operator()(udev_device* p) const { udev_device_unref(p); }
    void operator()(udev_monitor* p) const { udev_monitor_unref(p); }
};
template <class T> using UdevPtr = std::unique_ptr<T, UdevDeleter>;

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t'))
        s.remove_suffix(1);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    return std::string(s);
}

std::string read_attribute(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return {};
    std::ostringstream text;
    text << in.rdbuf();
    return trimmed(text.str());
}

std::string property(udev_device* dev, const char* name) {
    const char* v = udev_device_get_property_value(dev, name);
    return v ? std::string(v) : std::string();
}

/// The SCSI generic node next to a drive: <block device>/device/scsi_generic/sgN.
std::vector<std::string> generic_nodes(const std::filesystem::path& block_syspath,
                                       const std::filesystem::path& dev) {
    std::vector<std::string> nodes;
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator(block_syspath / "device" / "scsi_generic", ec))
        nodes.push_back((dev / entry.path().filename()).string());
    std::sort(nodes.begin(), nodes.end(),
              [](const std::string& a, const std::string& b) { return node_name_less(a, b); });
    return nodes;
}

void sort_by_node(std::vector<RecorderInfo>& drives) {
    std::stable_sort(drives.begin(), drives.end(),
                     [](const RecorderInfo& a, const RecorderInfo& b) {
                         return node_name_less(a.address, b.address);
                     });
}

} // namespace

bool udev_running() {
    return access("/run/udev/control", F_OK) == 0;
}

bool node_name_less(std::string_view a, std::string_view b) {
    std::size_t i = 0, j = 0;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            std::size_t ie = i, je = j;
            while (ie < a.size() && digit(a[ie]))
                ++ie;
            while (je < b.size() && digit(b[je]))
                ++je;
            // Compare numbers by value: strip leading zeros, then by length, then digits.
            std::string_view na = a.substr(i, ie - i), nb = b.substr(j, je - j);
            while (na.size() > 1 && na.front() == '0')
                na.remove_prefix(1);
            while (nb.size() > 1 && nb.front() == '0')
                nb.remove_prefix(1);
            if (na.size() != nb.size()) return na.size() < nb.size();
            if (na != nb) return na < nb;
            i = ie;
            j = je;
            continue;
        }
        if (a[i] != b[j]) return a[i] < b[j];
        ++i;
        ++j;
    }
    return a.size() - i < b.size() - j;
}

std::vector<RecorderInfo> udev_drives() {
    UdevPtr<udev> context(udev_new());
    if (!context)
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("drive detection: libudev cannot start: {}", std::strerror(errno)));
    UdevPtr<udev_enumerate> en(udev_enumerate_new(context.get()));
    if (!en) throw Error(ErrorCode::TransportFailure, "drive detection: libudev cannot enumerate");
    udev_enumerate_add_match_subsystem(en.get(), "block");
    udev_enumerate_add_match_property(en.get(), "ID_CDROM", "1");
    udev_enumerate_scan_devices(en.get());

    std::vector<RecorderInfo> drives;
    udev_list_entry* entry = nullptr;
    udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(en.get())) {
        const char* syspath = udev_list_entry_get_name(entry);
        UdevPtr<udev_device> dev(udev_device_new_from_syspath(context.get(), syspath));
        if (!dev) continue; // removed between listing and reading
        const char* devnode = udev_device_get_devnode(dev.get());
        const char* devtype = udev_device_get_devtype(dev.get());
        if (!devnode || (devtype && std::strcmp(devtype, "disk") != 0)) continue;

        RecorderInfo info;
        info.kind = RecorderKind::SgIo;
        info.address = devnode;
        const std::string id_path = property(dev.get(), "ID_PATH");
        const std::string id_serial = property(dev.get(), "ID_SERIAL");
        info.unique_id =
            "udev:" + (!id_path.empty()     ? id_path
                       : !id_serial.empty() ? id_serial
                                            : std::string(udev_device_get_sysname(dev.get())));
        // INQUIRY strings as the kernel keeps them; ID_VENDOR/ID_MODEL replace spaces by '_'.
        info.vendor = read_attribute(std::filesystem::path(syspath) / "device" / "vendor");
        info.product = read_attribute(std::filesystem::path(syspath) / "device" / "model");
        if (info.vendor.empty()) info.vendor = property(dev.get(), "ID_VENDOR");
        if (info.product.empty()) info.product = property(dev.get(), "ID_MODEL");
        info.device_nodes.push_back(devnode);
        for (auto& node : generic_nodes(syspath, "/dev"))
            info.device_nodes.push_back(std::move(node));
        drives.push_back(std::move(info));
    }
    sort_by_node(drives);
    return drives;
}

std::vector<RecorderInfo> sysfs_drives(const std::filesystem::path& class_block,
                                       const std::filesystem::path& dev) {
    std::vector<RecorderInfo> drives;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(class_block, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() < 3 || name.compare(0, 2, "sr") != 0 ||
            !std::all_of(name.begin() + 2, name.end(), [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        const std::filesystem::path node = dev / name;
        std::error_code exists_ec;
        // sysfs is not namespaced: a container sees the host's drives without their nodes.
        if (!std::filesystem::exists(node, exists_ec)) continue;
        const std::filesystem::path device = entry.path() / "device";
        std::error_code canon_ec;
        const std::string scsi_device =
            std::filesystem::canonical(device, canon_ec).generic_string();
        const std::size_t at = scsi_device.find("/sys/devices/");

        RecorderInfo info;
        info.kind = RecorderKind::SgIo;
        info.address = node.string();
        info.unique_id = "sysfs:" + (canon_ec || at == std::string::npos
                                         ? name
                                         : scsi_device.substr(at + std::strlen("/sys/devices/")));
        info.vendor = read_attribute(device / "vendor");
        info.product = read_attribute(device / "model");
        info.device_nodes.push_back(node.string());
        for (auto& sg : generic_nodes(entry.path(), dev))
            info.device_nodes.push_back(std::move(sg));
        drives.push_back(std::move(info));
    }
    sort_by_node(drives);
    return drives;
}

std::vector<RecorderInfo> detect_drives() {
    return udev_running() ? udev_drives() : sysfs_drives();
}

DriveChanges diff_drives(const std::vector<RecorderInfo>& before,
                         const std::vector<RecorderInfo>& after) {
    std::set<std::string> old_ids, new_ids;
    for (const auto& d : before)
        old_ids.insert(d.unique_id);
    for (const auto& d : after)
        new_ids.insert(d.unique_id);
    DriveChanges changes;
    for (const auto& d : after)
        if (!old_ids.contains(d.unique_id)) changes.added.push_back(d.unique_id);
    for (const auto& d : before)
        if (!new_ids.contains(d.unique_id)) changes.removed.push_back(d.unique_id);
    return changes;
}

struct DriveMonitor::Impl {
    Handler handler;
    UdevPtr<udev> context;
    UdevPtr<udev_monitor> monitor;
    std::array<int, 2> stop_pipe{-1, -1};
    std::vector<RecorderInfo> known;
    std::thread thread;

    ~Impl() {
        for (int fd : stop_pipe)
            if (fd >= 0) close(fd);
    }

    /// An event about an optical drive: udev tags it ID_CDROM, the kernel names it srN.
    static bool concerns_drive(udev_device* dev) {
        const char* cdrom = udev_device_get_property_value(dev, "ID_CDROM");
        if (cdrom && std::strcmp(cdrom, "1") == 0) return true;
        const char* name = udev_device_get_sysname(dev);
        return name && std::strncmp(name, "sr", 2) == 0;
    }

    void run() {
        const int monitor_fd = udev_monitor_get_fd(monitor.get());
        for (;;) {
            std::array<pollfd, 2> fds{{{monitor_fd, POLLIN, 0}, {stop_pipe[0], POLLIN, 0}}};
            if (poll(fds.data(), fds.size(), -1) < 0) {
                if (errno == EINTR) continue;
                return;
            }
            if (fds[1].revents != 0) return;
            bool relevant = false;
            while (UdevPtr<udev_device> dev{udev_monitor_receive_device(monitor.get())})
                relevant = relevant || concerns_drive(dev.get());
            if (!relevant) continue;
            std::vector<RecorderInfo> now;
            try {
                now = detect_drives();
            } catch (const Error&) {
                continue; // udev mid-change; the next event detects again
            }
            const DriveChanges changes = diff_drives(known, now);
            known = std::move(now);
            if (!changes.empty()) handler(changes);
        }
    }
};

DriveMonitor::DriveMonitor(Handler handler) : m_impl(std::make_unique<Impl>()) {
    m_impl->handler = std::move(handler);
    m_impl->context.reset(udev_new());
    if (!m_impl->context)
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("drive monitor: libudev cannot start: {}", std::strerror(errno)));
    // Without udevd nobody forwards events on the "udev" group; listen to the kernel instead.
    m_impl->monitor.reset(
        udev_monitor_new_from_netlink(m_impl->context.get(), udev_running() ? "udev" : "kernel"));
    if (!m_impl->monitor ||
        udev_monitor_filter_add_match_subsystem_devtype(m_impl->monitor.get(), "block", nullptr) <
            0 ||
        udev_monitor_enable_receiving(m_impl->monitor.get()) < 0)
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("drive monitor: block device events cannot be received: {}",
                                std::strerror(errno)));
    const int fd = udev_monitor_get_fd(m_impl->monitor.get());
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (pipe2(m_impl->stop_pipe.data(), O_CLOEXEC) != 0)
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("drive monitor: pipe: {}", std::strerror(errno)));
    m_impl->known = detect_drives();
    m_impl->thread = std::thread([impl = m_impl.get()] { impl->run(); });
}

DriveMonitor::~DriveMonitor() {
    if (!m_impl) return;
    if (m_impl->thread.joinable()) {
        const char stop = 1;
        while (write(m_impl->stop_pipe[1], &stop, 1) < 0 && errno == EINTR) {
        }
        m_impl->thread.join();
    }
}

} // namespace discwright::device
