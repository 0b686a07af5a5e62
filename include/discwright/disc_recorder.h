#pragma once
// DiscRecorder: one drive (IMAPI's MsftDiscRecorder2 with IDiscRecorder2Ex). It knows who the
// drive is, what it can do, what medium it holds, and lets a caller send it raw MMC commands.
// The same class serves every transport of DESIGN.md section 5: "/dev/sr0" (SG_IO),
// "iscsi://host[:port]/iqn/lun", "virtual:PATH" (the virtual recorder), "file:PATH" (a file or
// block device as a random-writable pseudo-drive), or an index into DiscMaster's list.
//
// Properties that depend on the medium (current profile, media state, speeds) ask the drive
// each time; identity (INQUIRY) and capabilities are read once when the recorder is opened.
// Drives that lack a command (pre-MMC-2 drives, tgt's emulation) degrade: the property is
// derived from what the drive does answer, or its method throws a Device error naming the
// missing command (GetConfigurationNotSupported, CommandNotSupported).

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "discwright/media_state.h"
#include "discwright/media_type.h"
#include "discwright/mmc.h"
#include "discwright/types.h"

namespace discwright {

namespace device {
class CommandRunner;
}

/// IWriteSpeedDescriptor: one speed the drive offers for the current medium.
struct WriteSpeedDescriptor {
    MediaType media_type = MediaType::Unknown;
    bool rotation_pure_cav = false;
    u32 write_speed = 0;          // sectors per second (IMAPI's unit: 1x = 75 CD, 680 DVD, 2195 BD)
    u32 kilobytes_per_second = 0; // as the drive reported it (1000-byte units)
    u32 end_lba = 0;              // the speed holds up to this LBA
};

/// IMAPI's AcquireExclusiveAccess `force` flag.
enum class ExclusiveAccessMode {
    Polite, // refuse while a file system of the drive is mounted
    Force,  // take the drive even then (the mounted file system is not unmounted by discwright)
};

/// Which features GetSupportedFeaturePages / feature_page consider.
enum class FeatureScope { All, CurrentOnly };

/// The result of a raw command (IDiscRecorder2Ex SendCommand*): never throws for CHECK CONDITION.
struct CommandOutcome {
    u8 status = 0;                // SAM status: 0 GOOD, 2 CHECK CONDITION ...
    std::vector<std::byte> sense; // as returned; decode with describe_sense()
    u32 transferred = 0;          // bytes moved in the data phase
    /// IMAPI's S_IMAPI_COMMAND_HAS_SENSE_DATA: the command completed but sense was returned.
    [[nodiscard]] bool has_sense() const { return !sense.empty(); }
};
/// "5/24/00 INVALID FIELD IN CDB" for sense bytes; "" when there are none.
[[nodiscard]] std::string describe_sense(std::span<const std::byte> sense);

class DiscRecorder {
public:
    /// Opens the drive (IMAPI InitializeDiscRecorder). Succeeds even when another client holds
    /// exclusive access; later commands that need the drive then fail with RecorderLocked.
    /// Throws RecorderNotFound when nothing answers at the address.
    explicit DiscRecorder(std::string_view address);
    ~DiscRecorder();
    DiscRecorder(DiscRecorder&&) noexcept;
    DiscRecorder& operator=(DiscRecorder&&) noexcept;

    // Identity (IDiscRecorder2 properties)
    /// The stable unique id (ActiveDiscRecorder), e.g. "virtual:/srv/drive1".
    [[nodiscard]] const std::string& unique_id() const;
    /// The normalised address the drive was opened with.
    [[nodiscard]] const std::string& address() const;
    [[nodiscard]] const std::string& vendor_id() const;
    [[nodiscard]] const std::string& product_id() const;
    [[nodiscard]] const std::string& product_revision() const;
    /// Device nodes and the mount points of file systems on the drive's medium
    /// (IMAPI VolumePathNames; empty for iSCSI and virtual drives).
    [[nodiscard]] std::vector<std::string> volume_path_names() const;
    /// The drive can eject and reload its tray (capabilities page 2Ah loading mechanism).
    [[nodiscard]] bool device_can_load_media();

    // Capabilities and medium
    [[nodiscard]] std::vector<Profile> supported_profiles();
    [[nodiscard]] std::vector<Profile> current_profiles();
    [[nodiscard]] Profile current_profile();
    [[nodiscard]] std::vector<FeatureCode>
        supported_feature_pages(FeatureScope = FeatureScope::All);
    [[nodiscard]] std::vector<ModePageCode>
        supported_mode_pages(ModePageControl = ModePageControl::Current);
    /// Whole GET CONFIGURATION reply, decoded.
    [[nodiscard]] Configuration configuration(FeatureScope = FeatureScope::All);
    [[nodiscard]] InquiryData inquiry() const;
    /// IMAPI CurrentPhysicalMediaType: Unknown when no medium is present.
    [[nodiscard]] MediaType current_media_type();
    [[nodiscard]] bool media_present();
    [[nodiscard]] MediaState media_state();
    [[nodiscard]] WriteProtectState write_protect_state();
    [[nodiscard]] DiscInformation disc_information();
    [[nodiscard]] TrackInformation track_information(u32 address, TrackAddressType type);
    [[nodiscard]] Toc toc();
    [[nodiscard]] std::optional<Atip> atip();
    [[nodiscard]] Capacity capacity();
    [[nodiscard]] FormatCapacities format_capacities();
    [[nodiscard]] BufferCapacity buffer_capacity();
    [[nodiscard]] std::vector<WriteSpeedDescriptor> write_speed_descriptors();
    [[nodiscard]] CapabilitiesPage capabilities();

    // Actions (IDiscRecorder2 methods)
    void eject_media();
    void close_tray();
    void acquire_exclusive_access(ExclusiveAccessMode mode, std::string_view client_name);
    void release_exclusive_access();
    /// Who holds exclusive access now (any process), if anyone.
    [[nodiscard]] std::optional<std::string> exclusive_access_owner() const;
    /// Media change notification. On Linux this stops the kernel's media-change polling of the
    /// drive (the block device's events_poll_msecs) while disabled, so desktop automounters do
    /// not grab a disc being burned; reference-counted, restored on enable_mcn() and destruction.
    void disable_mcn();
    void enable_mcn();
    [[nodiscard]] bool mcn_enabled() const;

    // Low-level access (IDiscRecorder2Ex)
    [[nodiscard]] CommandOutcome
    send_command(std::span<const std::byte> cdb, DataDirection direction,
                 std::span<std::byte> buffer,
                 std::chrono::seconds timeout = std::chrono::seconds(10));
    /// READ DISC STRUCTURE body (header removed), at most 65535 bytes.
    [[nodiscard]] std::vector<std::byte> read_dvd_structure(u32 format, u32 address, u32 layer,
                                                            u32 agid);
    void send_dvd_structure(u32 format, std::span<const std::byte> body);
    [[nodiscard]] std::vector<std::byte> disc_information_bytes();
    [[nodiscard]] std::vector<std::byte> track_information_bytes(u32 address,
                                                                 TrackAddressType type);
    /// One feature descriptor (4-byte header and data). NoSuchFeature, FeatureIsNotCurrent.
    [[nodiscard]] std::vector<std::byte> feature_page(FeatureCode code, FeatureScope scope);
    /// One mode page (header and block descriptors removed). NoSuchModePage.
    [[nodiscard]] std::vector<std::byte> mode_page(ModePageCode code, ModePageControl control);
    /// MODE SELECT(10) of one page (the header is built here). InvalidModeParameters.
    void set_mode_page(std::span<const std::byte> page);
    [[nodiscard]] u32 byte_alignment_mask() const;
    [[nodiscard]] u32 maximum_non_page_aligned_transfer_size() const;
    [[nodiscard]] u32 maximum_page_aligned_transfer_size() const;

    /// For writers in burn/: the command path with retries and sense decoding.
    [[nodiscard]] device::CommandRunner& runner();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace discwright
