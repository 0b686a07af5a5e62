#pragma once
// Persistence of a virtual drive: PATH holds the medium's user data at LBA x 2048 (a sparse
// file, so readers such as xorriso open it as an image), PATH.json the drive's state (tray,
// medium record, fault plan, throttle). The JSON is replaced atomically (temp file, rename).
//
// Locking is per command, as a drive shared by several initiators serialises commands: the
// medium lock is an exclusive flock on the data file, taken with LOCK_NB by whoever changes or
// reads the medium's state and released when that state is saved again. A store keeps its
// PATH.json open, so that inode cannot be reused while it is held, and "someone else saved"
// is a stat of PATH.json that names another inode (every save renames a new file into place).
// read_state() takes no lock and sees the last saved state. Saving is the drive's decision;
// WRITE never saves.

#include <filesystem>
#include <optional>
#include <span>

#include <sys/types.h>

#include "discwright/virtual_recorder.h"
#include "virtual/medium.h"

namespace discwright::virtual_recorder {

/// Everything PATH.json holds.
struct DriveRecord {
    bool tray_open = false;
    /// The medium in the drive (or on the open tray); none after insert of nothing.
    std::optional<MediumRecord> medium = std::nullopt;
    FaultPlan faults = {};
    std::optional<double> throttle_speed_x = std::nullopt;
    bool operator==(const DriveRecord&) const = default;
};

class MediumStore {
public:
    /// Writes a new drive at `path` holding `record`, with an empty data file. FileExists when
    /// either file exists and `existing` is Refuse.
    static void create(const std::filesystem::path& path, const DriveRecord& record,
                       ExistingMedium existing);
    /// Opens the drive at `path` and loads its saved state, without locking. RecorderNotFound
    /// naming the path when PATH or PATH.json is missing; InvalidParam naming PATH.json when
    /// its content is not a drive record.
    [[nodiscard]] static MediumStore open(const std::filesystem::path& path);
    /// The saved state, without locking.
    [[nodiscard]] static DriveRecord read_state(const std::filesystem::path& path);

    MediumStore(MediumStore&& other) noexcept;
    MediumStore& operator=(MediumStore&& other) noexcept;
    MediumStore(const MediumStore&) = delete;
    MediumStore& operator=(const MediumStore&) = delete;
    ~MediumStore();

    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    /// The state as this store last loaded or saved it.
    [[nodiscard]] const DriveRecord& loaded() const { return m_loaded; }

    /// Takes the medium lock without waiting; false when another store holds it.
    [[nodiscard]] bool try_lock();
    /// Takes the medium lock for a change from outside the drive (eject, a new fault plan):
    /// a lock held across commands means a drive has unsaved writes, so after a short grace
    /// for a single command in flight this throws RecorderLocked naming PATH.
    void lock_for_change();
    void unlock();
    [[nodiscard]] bool locked() const { return m_locked; }
    /// Whether PATH.json was replaced since this store loaded or saved it: one stat, no parse.
    [[nodiscard]] bool changed_on_disk() const;
    /// Reads PATH.json again; errors as open().
    void reload();
    /// Replaces PATH.json atomically.
    void save(const DriveRecord& record);

    /// Stores whole blocks at `lba`. TransportFailure naming the file when the host write fails.
    void write_blocks(u64 lba, std::span<const std::byte> data);
    /// Reads whole blocks at `lba`; blocks past the end of the sparse file were never written
    /// and read as zeros, as blank or formatted-but-unwritten areas of a medium do.
    void read_blocks(u64 lba, std::span<std::byte> data);
    /// Empties the data file (blanking, formatting, a new medium).
    void erase_data();

private:
    MediumStore(std::filesystem::path path, int fd);
    /// Makes `meta_fd` (an open PATH.json) the file this store compares against.
    void adopt_metadata(int meta_fd);
    std::filesystem::path m_path;
    std::filesystem::path m_meta_path;
    int m_fd = -1;      // the data file; its flock is the medium lock
    int m_meta_fd = -1; // the PATH.json loaded or saved last, kept open to pin its inode
    dev_t m_meta_dev = 0;
    ino_t m_meta_ino = 0;
    bool m_locked = false;
    DriveRecord m_loaded;
};

/// The JSON form of a drive record (PATH.json's content), and its checked parse.
[[nodiscard]] std::string encode_drive_record(const DriveRecord& record);
/// InvalidParam naming `where` when the text is not a valid record.
[[nodiscard]] DriveRecord decode_drive_record(std::string_view text, std::string_view where);

} // namespace discwright::virtual_recorder
