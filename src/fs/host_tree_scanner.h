#pragma once
// HostTreeScanner: the system calls of add_tree (list a folder, stat its entries, read link
// targets) made on a helper thread, ahead of the thread that builds the item tree. On a tree
// of many small files staging is those calls; with them off the building thread the two run
// side by side.
//
// The scanner walks the host tree in exactly the order add_tree visits it (depth first, a
// folder's subfolders pushed in name order and taken last first), so the folders it hands
// over are the ones add_tree asks for next, and the item tree is built in the same order, with
// the same item numbers, as a walk on one thread. It stays at most a bounded number of
// folders and entries ahead, so memory stays flat whatever the tree.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>

namespace discwright::fs {

/// One entry of a scanned folder: its lstat (stat, when links are followed), and its target
/// when it is a symbolic link that is recorded as one.
struct ScannedEntry {
    std::string name;
    struct stat st {};
    std::string link_target;
};

/// One folder of the host tree, its entries sorted by name. `failure`, when set, is what
/// scanning entry `failed_at` threw (or, at 0 with no entries, opening the folder); the
/// entries before it are good.
struct ScannedFolder {
    std::string host;
    std::vector<ScannedEntry> entries;
    std::exception_ptr failure;
    std::size_t failed_at = 0;
};

class HostTreeScanner {
public:
    /// Scans the tree under `root` (a folder, with that device and inode), following links
    /// when `follow`; a followed link that leads back to a folder above it is not entered
    /// (add_tree reports it).
    HostTreeScanner(std::string root, bool follow, dev_t dev, ino_t ino);
    ~HostTreeScanner();
    HostTreeScanner(const HostTreeScanner&) = delete;
    HostTreeScanner& operator=(const HostTreeScanner&) = delete;

    /// The next folder in visiting order (waits for it); null after the last.
    std::unique_ptr<ScannedFolder> next();

private:
    static constexpr std::size_t max_folders_ahead = 64;
    static constexpr std::size_t max_entries_ahead = 16384;

    void walk(std::string root, dev_t dev, ino_t ino);
    [[nodiscard]] bool wait_for_room(std::size_t entries);

    bool m_follow;
    std::mutex m_mutex;
    std::condition_variable m_ready, m_room;
    std::deque<std::unique_ptr<ScannedFolder>> m_queue;
    std::size_t m_queued_entries = 0;
    bool m_finished = false; // the walk handed over its last folder
    bool m_stop = false;     // the reader is gone
    std::thread m_thread;
};

} // namespace discwright::fs
