#pragma once
// DiscMaster: the list of drives this machine offers (IMAPI's MsftDiscMaster2 with
// DDiscMaster2Events). The list is a snapshot taken at construction or refresh(), as IMAPI's
// enumerator is; indexes may change between snapshots, unique ids do not.
//
// Sources, in this order:
//  1. real drives: udev block devices with ID_CDROM=1, sorted by node name (sr2 before sr10).
//     Unique id "udev:" + ID_PATH (else ID_SERIAL), e.g. "udev:pci-0000:00:1f.2-ata-2". Where
//     udev does not run (containers without /run/udev), /sys/class/block/sr* is scanned instead
//     and the unique id is "sysfs:" + the drive's device path under /sys/devices.
//  2. registered drives: the file $DISCWRIGHT_DRIVES_FILE, else
//     $XDG_CONFIG_HOME/discwright/drives (default ~/.config/discwright/drives), one address per
//     line with '#' comments; then the space-separated addresses of $DISCWRIGHT_DRIVES. Their
//     unique id is the normalised address ("virtual:/abs/path", "file:/abs/path",
//     "iscsi://host:3260/iqn/lun"). A line that is not an address is an InvalidParam error
//     naming the file and line, because a mistyped drive would otherwise silently vanish.
// Duplicates (same unique id) are kept once, at their first place.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace discwright {

/// How a drive is reached (DESIGN.md section 5).
enum class RecorderKind {
    SgIo,    // a real drive: /dev/srN through the Linux SG_IO ioctl
    Iscsi,   // iscsi://host[:port]/iqn/lun through libiscsi
    Virtual, // virtual:PATH, the in-process virtual recorder
    File,    // file:PATH, a plain file or block device as a random-writable pseudo-drive
};
/// "sg_io", "iscsi", "virtual", "file".
[[nodiscard]] std::string_view to_string(RecorderKind kind);

/// One entry of the list.
struct RecorderInfo {
    std::string unique_id; // stable across snapshots and boots (IMAPI's unique id)
    /// What DiscRecorder opens: "/dev/sr0", "virtual:/srv/d1" ... An iSCSI address keeps the
    /// CHAP credentials it was registered with, so show unique_id to users, not this.
    std::string address;
    RecorderKind kind = RecorderKind::SgIo;
    std::string vendor;  // from udev or sysfs when known, else empty
    std::string product; // from udev or sysfs when known, else empty
    /// Device nodes of a real drive: the block node, then its SCSI generic sibling
    /// ("/dev/sr0", "/dev/sg1"); empty for other kinds.
    std::vector<std::string> device_nodes;
};

class DiscMaster {
public:
    /// Takes the snapshot now. Throws InvalidParam for a malformed registry line.
    DiscMaster();
    ~DiscMaster();
    DiscMaster(DiscMaster&&) noexcept;
    DiscMaster& operator=(DiscMaster&&) noexcept;
    DiscMaster(const DiscMaster&) = delete;
    DiscMaster& operator=(const DiscMaster&) = delete;

    /// IMAPI Count.
    [[nodiscard]] std::size_t size() const;
    /// IMAPI Item; InvalidParam past the end.
    [[nodiscard]] const RecorderInfo& operator[](std::size_t index) const;
    [[nodiscard]] const std::vector<RecorderInfo>& recorders() const;
    /// IMAPI _NewEnum: the unique ids in list order.
    [[nodiscard]] std::vector<std::string> unique_ids() const;
    /// IMAPI IsSupportedEnvironment: at least one listed drive this process may open (a real
    /// drive's node opens read-write; a virtual or file medium exists and is writable, or can
    /// be created). iSCSI drives count without connecting: only opening them can tell.
    [[nodiscard]] bool is_supported_environment() const;
    /// Takes a new snapshot. References returned by operator[] become invalid.
    void refresh();

    /// DDiscMaster2Events: called with the unique id of a real drive that appeared or went
    /// away. Handlers run on the monitor thread; they may call refresh() on another
    /// DiscMaster, not on this one. Registered drives are static and never reported.
    void on_device_added(std::function<void(const std::string&)> handler);
    void on_device_removed(std::function<void(const std::string&)> handler);
    /// Starts a thread that listens to udev (or to the kernel's uevents where udev does not
    /// run). Does not change the snapshot. TransportFailure when no event source can be
    /// opened. Calling it while monitoring does nothing.
    void start_monitoring();
    /// Stops and joins the monitor thread; the destructor does it too.
    void stop_monitoring();
    [[nodiscard]] bool monitoring() const;

    /// What to open for "0" (an index), "/dev/sr0" or another node of a listed drive, a unique
    /// id ("udev:pci-..."), or an address ("virtual:/x", "file:x", "iscsi://..."). Addresses of
    /// virtual, file and iSCSI drives resolve even when not registered (normalised); a device
    /// node must exist. RecorderNotFound names what was asked and lists what exists.
    [[nodiscard]] std::string resolve(std::string_view address_or_index) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace discwright
