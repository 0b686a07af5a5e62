#pragma once
// Real drives: detection through libudev, or through sysfs where udev does not run
// (containers without /run/udev), and a hot-plug monitor. DiscMaster's first source.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "discwright/disc_master.h"

namespace discwright::device {

/// udevd runs when its control socket exists (what libudev's own users check).
[[nodiscard]] bool udev_running();

/// Real drives sorted by node name: udev's when it runs, else a sysfs scan.
[[nodiscard]] std::vector<RecorderInfo> detect_drives();

/// Block devices with ID_CDROM=1 in the udev database. Unique id "udev:" + ID_PATH, else
/// "udev:" + ID_SERIAL, else "udev:" + the node name.
[[nodiscard]] std::vector<RecorderInfo> udev_drives();

/// <class_block>/sr* whose node exists under `dev`. Unique id "sysfs:" + the drive's SCSI device
/// path below devices/ ("sysfs:pci0000:00/0000:00:1f.2/ata2/host1/target1:0:0/1:0:0:0"), which
/// names the port as ID_PATH does. Vendor and product from the SCSI device's INQUIRY attributes.
[[nodiscard]] std::vector<RecorderInfo>
sysfs_drives(const std::filesystem::path& class_block = "/sys/class/block",
             const std::filesystem::path& dev = "/dev");

/// Node names in natural order: "/dev/sr2" before "/dev/sr10".
[[nodiscard]] bool node_name_less(std::string_view a, std::string_view b);

/// Unique ids that appear in `after` only (added) and in `before` only (removed), each in list
/// order.
struct DriveChanges {
    std::vector<std::string> added;
    std::vector<std::string> removed;
    [[nodiscard]] bool empty() const { return added.empty() && removed.empty(); }
};
[[nodiscard]] DriveChanges diff_drives(const std::vector<RecorderInfo>& before,
                                       const std::vector<RecorderInfo>& after);

/// Listens to block-device uevents (udev's when it runs, else the kernel's) on its own thread.
/// On an event about an optical drive it detects the drives again and reports the difference
/// to the previous detection, so a remove event needs no properties of the vanished device.
class DriveMonitor {
public:
    /// Called on the monitor thread with a non-empty change; must not throw.
    using Handler = std::function<void(const DriveChanges&)>;

    /// Opens the event source and starts the thread. TransportFailure when no source opens.
    explicit DriveMonitor(Handler handler);
    /// Stops and joins the thread.
    ~DriveMonitor();
    DriveMonitor(const DriveMonitor&) = delete;
    DriveMonitor& operator=(const DriveMonitor&) = delete;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace discwright::device
