#pragma once
// The virtual recorder (DESIGN.md section 5): a simulated drive whose medium lives in files, so
// burning software can be developed and tested without a drive. Open it as the drive
// "virtual:PATH"; this header creates, inspects and changes such media from outside.
//
// Files: PATH is the data file, user data at LBA x 2048 (sparse), so `xorriso -indev PATH` or
// isoinfo read a burned disc directly; PATH.json holds the medium's state (type, sessions and
// tracks, format, fault plan), replaced atomically.
//
// Locking is per command, as initiators share a real drive: any number of drives (processes)
// may open PATH. Each command but INQUIRY takes the medium lock, an exclusive flock on the
// data file, reloads PATH.json if another holder saved since, and releases the lock after the
// command unless it left unsaved writes: a burn holds the medium from its first WRITE until
// SYNCHRONIZE CACHE or CLOSE TRACK/SESSION saves it. Meanwhile other drives' commands answer
// NOT READY, LONG WRITE IN PROGRESS (02/04/08), and eject / load / insert_blank /
// set_fault_plan / set_throttle fail with RecorderLocked; between commands they succeed, and
// open drives see the change at their next command (a changed medium after one UNIT
// ATTENTION). Who may use the drive at all is a separate matter: exclusive access
// (device/exclusive_access.h) names the holder. inspect() never takes the lock; while a burn
// runs it shows the state as of the last save. A lost drive (power loss, a killed process)
// loses its unsaved writes and releases the lock.

#include <filesystem>
#include <optional>
#include <vector>

#include "discwright/media_type.h"
#include "discwright/mmc.h"
#include "discwright/types.h"

namespace discwright {

/// Faults the virtual drive injects, each answering as a real drive would. Persisted with the
/// medium. Faults that fire once are cleared from the plan when they fire.
struct FaultPlan {
    /// A WRITE covering this LBA stops there with MEDIUM ERROR 03/0C/00, INFORMATION = the LBA
    /// (the blocks before it are written). Stays: a bad spot of the medium.
    std::optional<u64> write_error_at_lba = std::nullopt;
    /// READ returns this block with bytes flipped and GOOD status. Stays.
    std::optional<u64> corrupt_read_at_lba = std::nullopt;
    /// After this many more blocks are written the drive loses power: the command that crosses
    /// the count throws TransportFailure, so does every later one, and nothing since the last
    /// save reaches PATH.json (the next open sees the previous state). Fires once.
    std::optional<u64> power_loss_after_sectors = std::nullopt;
    /// After this many more blocks are written the medium is pulled out of the drive: the
    /// crossing WRITE and later commands answer NOT READY 02/3A/00, after one UNIT ATTENTION
    /// 06/28/00. The tray is then open; load it to get the medium back. Fires once.
    std::optional<u64> remove_after_sectors = std::nullopt;
    /// After this many more blocks are written, a WRITE fails with 03/0C/09 (loss of
    /// streaming) unless BUFE is set in the write parameters page. Fires once.
    std::optional<u64> underrun_after_sectors = std::nullopt;
    /// SYNCHRONIZE CACHE answers 02/04/08 (long write in progress) this many times first.
    u32 long_write_in_progress_polls = 0;
    bool operator==(const FaultPlan&) const = default;
};

enum class VirtualTrackState : u8 {
    Invisible, // the track at the next writable address, blank or being written
    Reserved,  // reserved by RESERVE TRACK
    Complete,  // closed
};

struct VirtualTrack {
    u32 number = 0;
    u32 session = 0;
    Lba start = {};
    BlockCount size = {};    // blocks the track spans (the invisible track: up to the end)
    BlockCount written = {}; // blocks written from its start
    VirtualTrackState state = VirtualTrackState::Complete;
    bool operator==(const VirtualTrack&) const = default;
};

struct VirtualSession {
    u32 number = 0;
    bool closed = false;
    std::vector<VirtualTrack> tracks = {};
    bool operator==(const VirtualSession&) const = default;
};

/// The state of a virtual medium as the drive would report it.
struct VirtualMediumState {
    bool medium_present = false; // false after eject or removal, until loaded or inserted
    bool tray_open = false;
    MediaType media = MediaType::Unknown;
    Profile profile = Profile::Invalid;
    DiscStatus disc_status = DiscStatus::Empty;
    SessionState last_session_state = SessionState::Empty;
    bool formatted = false;
    bool write_protected = false;
    BlockCount capacity = {};
    BlockCount free = {};
    std::optional<Lba> next_writable = std::nullopt;
    std::vector<VirtualSession> sessions = {};
    FaultPlan faults = {};
    std::optional<double> throttle_speed_x = std::nullopt;
};

/// What create() does when PATH or PATH.json exists.
enum class ExistingMedium : u8 { Refuse, Replace };

struct VirtualRecorderOptions {
    MediaType media = MediaType::DvdPlusR;
    /// Pace commands to this multiple of the medium's 1x speed (e.g. 16 for 16x DVD); none:
    /// as fast as the host's files allow.
    std::optional<double> throttle_speed_x = std::nullopt;
    bool write_protected = false;
    ExistingMedium existing = ExistingMedium::Refuse;
    FaultPlan faults = {};
};

class VirtualRecorder {
public:
    /// Creates a blank medium of options.media in a closed drive at PATH. FileExists naming the
    /// path when it exists and options.existing is Refuse; InvalidParam for a media type the
    /// recorder does not model (ROM, HD DVD).
    static void create(const std::filesystem::path& path, const VirtualRecorderOptions& options);
    /// The medium's state as last saved. RecorderNotFound naming PATH when there is no virtual
    /// recorder there.
    [[nodiscard]] static VirtualMediumState inspect(const std::filesystem::path& path);
    /// Opens the tray: the medium leaves the drive (and comes back with load()). This and the
    /// other changes below: RecorderLocked while a drive holds unsaved writes on the medium.
    static void eject(const std::filesystem::path& path);
    /// Closes the tray with the medium that was in it.
    static void load(const std::filesystem::path& path);
    /// Replaces the medium with a blank one of `media` and closes the tray; the data file is
    /// emptied.
    static void insert_blank(const std::filesystem::path& path, MediaType media);
    static void set_fault_plan(const std::filesystem::path& path, const FaultPlan& plan);
    static void set_throttle(const std::filesystem::path& path, std::optional<double> speed_x);
    /// The metadata file of the medium at PATH (PATH.json).
    [[nodiscard]] static std::filesystem::path metadata_path(const std::filesystem::path& path);
};

} // namespace discwright
