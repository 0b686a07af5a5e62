#include "support/run.h"

#include "support/temp_tree.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

extern char** environ;

namespace discwright::test {

namespace fs = std::filesystem;

namespace {

/// Readers print names in the locale's charset: make it UTF-8 for every reader.
const std::vector<std::string> kUtf8Env = {"LC_ALL=C.UTF-8", "LANG=C.UTF-8"};

std::string quote(const std::string& s) {
    if (!s.empty() && s.find_first_of(" \t\n'\"\\$`*?[]{}()<>|&;!#~") == std::string::npos)
        return s;
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string trimmed(const std::string& s, std::size_t max_bytes) {
    if (s.size() <= max_bytes) return s;
    return s.substr(0, max_bytes / 2) +
           fmt::format("\n[... {} bytes left out ...]\n", s.size() - max_bytes) +
           s.substr(s.size() - max_bytes / 2);
}

std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view var = *e;
        const auto name = var.substr(0, var.find('=') + 1);
        bool replaced = false;
        for (const auto& x : extra)
            if (x.compare(0, name.size(), name) == 0) replaced = true;
        if (!replaced) env.emplace_back(var);
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

fs::path pycdlib_script() {
    if (const char* p = std::getenv("DISCWRIGHT_PYCDLIB_DUMP"); p && *p) return p;
    // tests/support/run.cpp -> tests/interop/pycdlib_dump.py (CMake compiles absolute paths).
    return fs::path(__FILE__).parent_path().parent_path() / "interop" / "pycdlib_dump.py";
}

EntryType type_named(const std::string& s) {
    if (s == "file") return EntryType::File;
    if (s == "directory") return EntryType::Directory;
    if (s == "symlink") return EntryType::Symlink;
    if (s == "fifo") return EntryType::Fifo;
    if (s == "char_device") return EntryType::CharDevice;
    if (s == "block_device") return EntryType::BlockDevice;
    if (s == "socket") return EntryType::Socket;
    throw std::runtime_error("pycdlib_dump.py: unknown type '" + s + "'");
}

} // namespace

std::string RunResult::describe(std::size_t max_bytes) const {
    std::string cmd;
    for (const auto& a : argv)
        cmd += (cmd.empty() ? "" : " ") + quote(a);
    return fmt::format("$ {}\nexit status {}\n--- stdout ---\n{}\n--- stderr ---\n{}\n", cmd,
                       exit_status, trimmed(out, max_bytes), trimmed(err, max_bytes));
}

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
    if (argv.empty()) throw std::invalid_argument("run: empty argv");
    RunResult result;
    result.argv = argv;

    int out_pipe[2], err_pipe[2], exec_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
        ::pipe2(exec_pipe, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));

    // Everything the child needs is prepared before fork: it only calls async-signal-safe code.
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const std::vector<std::string> env = merged_environment(options.extra_env);
    std::vector<char*> envp;
    for (const auto& e : env)
        envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    const std::string cwd = options.cwd ? options.cwd->string() : std::string();

    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        int e = 0;
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
            e = errno;
        } else {
            ::execvpe(args[0], args.data(), envp.data());
            e = errno;
        }
        (void)!::write(exec_pipe[1], &e, sizeof e);
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    ::close(exec_pipe[1]);

    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_fds = 2;
    char buf[65536];
    while (open_fds > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                sinks[i]->append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }

    int exec_errno = 0;
    const bool exec_failed = ::read(exec_pipe[0], &exec_errno, sizeof exec_errno) ==
                             static_cast<ssize_t>(sizeof exec_errno);
    ::close(exec_pipe[0]);

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (exec_failed)
        throw std::runtime_error(
            fmt::format("cannot run '{}': {}", argv[0], std::strerror(exec_errno)));
    if (WIFEXITED(status))
        result.exit_status = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.exit_status = 128 + WTERMSIG(status);
    return result;
}

std::string discwright_cli() {
    if (const char* p = std::getenv("DISCWRIGHT_CLI"); p && *p) return p;
    return DISCWRIGHT_CLI_PATH;
}

RunResult run_discwright(const std::vector<std::string>& args, const RunOptions& options) {
    std::vector<std::string> argv{discwright_cli()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, options);
}

std::vector<nlohmann::json> json_lines(std::string_view out) {
    std::vector<nlohmann::json> lines;
    std::size_t start = 0;
    while (start < out.size()) {
        std::size_t end = out.find('\n', start);
        if (end == std::string_view::npos) end = out.size();
        std::string_view line = out.substr(start, end - start);
        start = end + 1;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (j.is_discarded()) j = nlohmann::json{{"unparsed", std::string(line)}};
        lines.push_back(std::move(j));
    }
    return lines;
}

std::string_view to_string(Reader reader) {
    switch (reader) {
    case Reader::Xorriso:
        return "xorriso";
    case Reader::SevenZip:
        return "7z";
    case Reader::Bsdtar:
        return "bsdtar";
    }
    return "?";
}

RunResult extract_with(Reader reader, const fs::path& image, const fs::path& dir) {
    fs::create_directories(dir);
    RunOptions options;
    options.extra_env = kUtf8Env;
    switch (reader) {
    case Reader::Xorriso:
        return run(
            {"xorriso", "-osirrox", "on", "-indev", image.string(), "-extract", "/", dir.string()},
            options);
    case Reader::SevenZip:
        return run({"7z", "x", "-y", "-o" + dir.string(), image.string()}, options);
    case Reader::Bsdtar:
        return run({"bsdtar", "-xf", image.string(), "-C", dir.string()}, options);
    }
    throw std::invalid_argument("extract_with: unknown reader");
}

PycdlibView pycdlib_view(const fs::path& image, Namespace ns) {
    const char* name = ns == Namespace::RockRidge ? "rr"
                       : ns == Namespace::Joliet  ? "joliet"
                       : ns == Namespace::Udf     ? "udf"
                                                  : "iso9660";
    RunOptions options;
    options.extra_env = kUtf8Env;
    PycdlibView view;
    view.run = run({"/usr/bin/python3", pycdlib_script().string(), image.string(), name}, options);
    if (!view.run.ok()) return view;
    auto doc = nlohmann::json::parse(view.run.out, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.contains("entries")) {
        view.error = "pycdlib_dump.py printed no JSON document";
        return view;
    }
    try {
        for (const auto& j : doc.at("entries")) {
            ManifestEntry e;
            std::string path = j.at("path").get<std::string>();
            // Joliet names may carry an ISO 9660 version (mkisofs writes "name;1"); readers
            // show them without it.
            if (ns == Namespace::Joliet && path.ends_with(";1")) path.resize(path.size() - 2);
            e.type = type_named(j.at("type").get<std::string>());
            e.size = j.value("size", std::uint64_t{0});
            e.sha256 = j.value("sha256", std::string());
            e.mode = j.value("mode", 0u);
            e.uid = j.value("uid", 0u);
            e.gid = j.value("gid", 0u);
            if (j.contains("mtime") && j["mtime"].is_number())
                e.mtime = j["mtime"].get<std::int64_t>();
            e.link_target = j.value("target", std::string());
            e.nlink = j.value("nlink", 1u);
            e.rdev = j.value("rdev", std::uint64_t{0});
            if (j.contains("record_size"))
                view.record_sizes[path] = j["record_size"].get<std::uint64_t>();
            if (j.contains("ino")) view.inodes[path] = j["ino"].get<std::uint64_t>();
            if (j.value("hidden", false)) view.hidden.insert(path);
            if (j.contains("udf_permissions"))
                view.udf_permissions[path] = j["udf_permissions"].get<std::uint32_t>();
            if (view.manifest.contains(path))
                view.error += fmt::format("pycdlib lists '{}' twice\n", path);
            view.manifest.add(path, e);
        }
    } catch (const nlohmann::json::exception& e) {
        view.error = std::string("pycdlib_dump.py JSON: ") + e.what();
    }
    return view;
}

testing::AssertionResult readers_extract_as(const fs::path& image, const Manifest& expected,
                                            const Fields& fields,
                                            std::initializer_list<Reader> readers) {
    for (Reader reader : readers) {
        TempDir extracted;
        RunResult x = extract_with(reader, image, extracted.path());
        if (!x.ok()) return testing::AssertionFailure() << x.describe();
        auto verdict = manifests_match(to_string(reader), expected,
                                       Manifest::of_tree(extracted.path()), fields);
        if (!verdict) return verdict;
    }
    return testing::AssertionSuccess();
}

} // namespace discwright::test
