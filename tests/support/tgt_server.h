#pragma once

// A private tgt iSCSI target for tests of the iSCSI transport: tgtd in the foreground on a free
// port of 127.0.0.1, with its management socket on a random control port (so it never meets a
// system tgtd), exporting one MMC logical unit backed by an empty file. tgt emulates a blank
// DVD+R drive for an empty backing file.
//
//     if (!TgtServer::installed()) GTEST_SKIP() << "tgtd is not installed";
//     TgtServer tgt;
//     IscsiTransport t(*parse_drive_address(tgt.address()).iscsi, tgt.address());
//
// tgtd keeps its management socket in /var/run/tgtd, which only root may create and write: as
// another user tgtd exits at once ("failed to open lock file for management IPC") and the
// constructor throws with that log.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {

class TgtServer {
public:
    static constexpr std::string_view default_target = "iqn.2026-11.org.discwright.test:cd";
    static constexpr int lun = 1;

    /// True when tgtd and tgtadm are found (on PATH, /usr/sbin or /sbin).
    static bool installed();

    /// Starts tgtd, creates target `target_name` with LUN 1 (--device-type cd, --bstype rdwr,
    /// backed by an empty file) and binds it to all initiators. Throws std::runtime_error with
    /// tgtd's log or tgtadm's output when any step fails.
    explicit TgtServer(std::string target_name = std::string(default_target));
    /// Kills the tgtd this object started (by its PID) and removes its management socket.
    ~TgtServer();
    TgtServer(const TgtServer&) = delete;
    TgtServer& operator=(const TgtServer&) = delete;

    /// "iscsi://127.0.0.1:PORT/TARGET/1".
    [[nodiscard]] std::string address() const;
    [[nodiscard]] const std::filesystem::path& backing_file() const { return m_backing; }
    [[nodiscard]] std::uint16_t port() const { return m_port; }
    [[nodiscard]] int control_port() const { return m_control_port; }
    [[nodiscard]] pid_t pid() const { return m_pid; }
    /// Runs tgtadm against this tgtd (adds -C PORT); `args` as on tgtadm's command line.
    RunResult tgtadm(const std::vector<std::string>& args) const;
    /// What tgtd has written to stdout and stderr so far.
    [[nodiscard]] std::string log() const;

private:
    bool start_daemon();
    void stop_daemon();
    void configure();

    TempDir m_dir{"discwright-tgt"};
    std::string m_target;
    std::filesystem::path m_backing;
    std::filesystem::path m_log;
    std::uint16_t m_port = 0;
    int m_control_port = 0;
    pid_t m_pid = -1;
};

} // namespace discwright::test
