#include "support/tgt_server.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

extern char** environ;

namespace discwright::test {

namespace fs = std::filesystem;

namespace {

// tgtd (usr/mgmt.c) keeps "socket.N" and "socket.N.lock" here for control port N.
const fs::path tgtd_socket_dir = "/var/run/tgtd";

// How long tgtd may take to open its portal and management socket, polled in small steps.
constexpr int readiness_polls = 400;
constexpr auto readiness_step = std::chrono::milliseconds(25);

fs::path find_program(std::string_view name) {
    std::vector<fs::path> dirs;
    if (const char* path = std::getenv("PATH")) {
        std::stringstream in(path);
        std::string dir;
        while (std::getline(in, dir, ':'))
            if (!dir.empty()) dirs.emplace_back(dir);
    }
    // sbin is often missing from a non-root PATH; tgt installs there.
    for (const char* dir : {"/usr/sbin", "/sbin", "/usr/local/sbin"})
        dirs.emplace_back(dir);
    for (const auto& dir : dirs) {
        const fs::path candidate = dir / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

/// A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it).
std::uint16_t free_tcp_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        const int err = errno;
        ::close(fd);
        throw std::runtime_error(std::string("bind 127.0.0.1:0: ") + std::strerror(err));
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool accepts_connections(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

/// A control port whose socket files do not exist yet, so no other tgtd uses it.
int unused_control_port() {
    std::random_device seed;
    std::mt19937 rng(seed());
    // tgtd keeps the control port in a short int (usr/tgtd.c): at most 32767.
    std::uniform_int_distribution<int> pick(10000, 32767);
    for (int attempt = 0; attempt < 100; ++attempt) {
        const int n = pick(rng);
        std::error_code ec;
        if (!fs::exists(tgtd_socket_dir / fmt::format("socket.{}", n), ec) &&
            !fs::exists(tgtd_socket_dir / fmt::format("socket.{}.lock", n), ec))
            return n;
    }
    throw std::runtime_error("no unused tgtd control port found");
}

} // namespace

bool TgtServer::installed() {
    return !find_program("tgtd").empty() && !find_program("tgtadm").empty();
}

TgtServer::TgtServer(std::string target_name) : m_target(std::move(target_name)) {
    m_backing = m_dir / "disc.img";
    m_log = m_dir / "tgtd.log";
    // An empty backing file: tgt's MMC emulation then reports a blank DVD+R (usr/mmc.c,
    // mmc_lu_online: size 0 is DVD+R, anything else DVD-ROM).
    { std::ofstream(m_backing, std::ios::binary); }

    // The free port may be taken between our probe and tgtd's bind; try a few.
    bool started = false;
    for (int attempt = 0; attempt < 3 && !started; ++attempt)
        started = start_daemon();
    if (!started) throw std::runtime_error("tgtd did not come up on 127.0.0.1; its log:\n" + log());
    try {
        configure();
    } catch (...) {
        stop_daemon();
        throw;
    }
}

TgtServer::~TgtServer() {
    stop_daemon();
}

std::string TgtServer::address() const {
    return fmt::format("iscsi://127.0.0.1:{}/{}/{}", m_port, m_target, lun);
}

RunResult TgtServer::tgtadm(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{find_program("tgtadm").string(), "-C",
                                  std::to_string(m_control_port)};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
}

std::string TgtServer::log() const {
    std::ifstream in(m_log);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

bool TgtServer::start_daemon() {
    m_port = free_tcp_port();
    m_control_port = unused_control_port();
    const std::string tgtd = find_program("tgtd").string();
    if (tgtd.empty()) throw std::runtime_error("tgtd is not installed");
    const std::vector<std::string> argv{tgtd,
                                        "--foreground",
                                        "--control-port",
                                        std::to_string(m_control_port),
                                        "--iscsi",
                                        fmt::format("portal=127.0.0.1:{}", m_port)};
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, m_log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = ::posix_spawn(&m_pid, tgtd.c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        m_pid = -1;
        throw std::runtime_error(fmt::format("cannot start {}: {}", tgtd, std::strerror(rc)));
    }

    // Ready when both the management socket answers and the portal accepts connections.
    for (int poll = 0; poll < readiness_polls; ++poll) {
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            const std::string text = log();
            // Not a port race: tgtd cannot create its management socket (not root).
            if (text.find("lock file") != std::string::npos)
                throw std::runtime_error(
                    "tgtd cannot create its management socket in /var/run/tgtd (it needs root "
                    "there); its log:\n" +
                    text);
            return false;
        }
        if (accepts_connections(m_port) &&
            tgtadm({"--lld", "iscsi", "--mode", "target", "--op", "show"}).ok())
            return true;
        std::this_thread::sleep_for(readiness_step);
    }
    stop_daemon();
    return false;
}

void TgtServer::configure() {
    auto must = [&](const std::vector<std::string>& args) {
        RunResult r = tgtadm(args);
        if (!r.ok()) throw std::runtime_error("tgtadm failed: " + r.describe());
    };
    must({"--lld", "iscsi", "--mode", "target", "--op", "new", "--tid", "1", "--targetname",
          m_target});
    must({"--lld", "iscsi", "--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun",
          std::to_string(lun), "--backing-store", m_backing.string(), "--device-type", "cd",
          "--bstype", "rdwr"});
    must({"--lld", "iscsi", "--mode", "target", "--op", "bind", "--tid", "1", "--initiator-address",
          "ALL"});
}

void TgtServer::stop_daemon() {
    if (m_pid <= 0) return;
    // tgtd ignores SIGTERM (it only leaves on "tgtadm --op delete --mode system", and then
    // not before its targets are gone). Everything it wrote went through pwrite before the
    // command completed, so killing it loses nothing the test reads.
    ::kill(m_pid, SIGKILL);
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_pid = -1;
    std::error_code ec;
    fs::remove(tgtd_socket_dir / fmt::format("socket.{}", m_control_port), ec);
    fs::remove(tgtd_socket_dir / fmt::format("socket.{}.lock", m_control_port), ec);
}

} // namespace discwright::test
