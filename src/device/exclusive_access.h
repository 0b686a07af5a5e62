#pragma once
// Exclusive access to a drive (IMAPI AcquireExclusiveAccess / ReleaseExclusiveAccess /
// ExclusiveAccessOwner, imapi-surface.md 2.2 and 5.12).
//
// Across processes the lock is a file, <lock dir>/<sanitised unique id>.lock, held with
// flock(LOCK_EX | LOCK_NB) on a descriptor kept open while the lock is held. The kernel drops
// an flock when the last descriptor closes, so a holder that crashes frees the drive, as
// IMAPI's class driver does. The file holds "client name\npid\n" so that anyone can read the
// owner; it is emptied on release and never deleted (deleting would let two processes lock two
// different inodes of the same name).
//
// Lock directory: $DISCWRIGHT_LOCK_DIR, else $XDG_RUNTIME_DIR/discwright/locks, else
// /run/lock/discwright when writable, else /tmp/discwright-<uid>/locks. Per-user directories
// keep other users' discwright processes out of sight; for real drives the O_EXCL open below
// still refuses them.
//
// Real drives (a device node is given): acquiring also opens the node with O_EXCL, which makes
// the kernel refuse mounts and other exclusive openers while held. ExclusiveAccessMode::Polite
// first refuses when a file system of the drive is mounted (found in /proc/self/mountinfo by
// the node's device number), naming the mount point. ExclusiveAccessMode::Force skips that check
// and, if the kernel then refuses O_EXCL because the medium is mounted, holds the lock file
// alone: discwright never unmounts anything.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "discwright/disc_recorder.h"
#include "discwright/types.h"

namespace discwright::device {

/// IMAPI's client name rules as discwright applies them: 1..64 characters of [A-Za-z0-9_.-].
/// Throws ClientNameIsNotValid naming the name and the fault.
void validate_client_name(std::string_view client_name);

/// The mount point of a file system on device major:minor in /proc/self/mountinfo text
/// (proc(5)), escapes like \040 decoded; nullopt when none is mounted.
[[nodiscard]] std::optional<std::string> find_mount_point(std::string_view mountinfo, u32 major,
                                                          u32 minor);

class ExclusiveAccess {
public:
    /// `unique_id` keys the lock; `device_node` is the block node of a real drive, empty for
    /// virtual, file and iSCSI drives.
    explicit ExclusiveAccess(std::string unique_id, std::filesystem::path device_node = {});
    /// Releases whatever is still held, however many acquires.
    ~ExclusiveAccess();
    ExclusiveAccess(const ExclusiveAccess&) = delete;
    ExclusiveAccess& operator=(const ExclusiveAccess&) = delete;

    /// Takes the lock, or counts one more acquire when this object holds it already (the
    /// client name of the first acquire stays). RecorderLocked with_owner(holder) and
    /// with_drive(unique id) when another object or process holds it, or when (Polite) a file
    /// system of the drive is mounted; ClientNameIsNotValid for a bad name.
    void acquire(ExclusiveAccessMode mode, std::string_view client_name);
    /// Counts one release; the drive is free when the count reaches zero. InvalidParam when
    /// nothing is held.
    void release();

    [[nodiscard]] u32 lock_count() const { return m_count; }
    [[nodiscard]] const std::string& unique_id() const { return m_unique_id; }

    /// The client holding the drive now (any process), or nullopt when it is free.
    [[nodiscard]] static std::optional<std::string> owner(std::string_view unique_id);
    /// Where lock files go (created when missing).
    [[nodiscard]] static std::filesystem::path lock_directory();
    /// The lock file of a unique id: characters outside [A-Za-z0-9.-] become _XX, long ids are
    /// shortened with a hash, so the name is unique and a valid file name.
    [[nodiscard]] static std::filesystem::path lock_path(std::string_view unique_id);

private:
    void take_lock_file(std::string_view client_name);
    void open_device_exclusively(ExclusiveAccessMode mode);
    void drop();

    std::string m_unique_id;
    std::filesystem::path m_device_node;
    u32 m_count = 0;
    int m_lock_fd = -1;
    int m_device_fd = -1;
};

} // namespace discwright::device
