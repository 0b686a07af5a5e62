#pragma once

// Running programs for judged tests: the discwright CLI under test, and the independent readers
// that judge its images (DESIGN.md 9). No shell is involved: arguments go to exec verbatim.

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/manifest.h"

namespace discwright::test {

struct RunResult {
    std::vector<std::string> argv;
    int exit_status = -1; ///< the exit code, or 128 + signal number when killed by a signal
    std::string out;      ///< everything written to stdout
    std::string err;      ///< everything written to stderr

    bool ok() const { return exit_status == 0; }
    /// The command, its exit status and (trimmed) output, for failure messages.
    std::string describe(std::size_t max_bytes = 4000) const;
};

struct RunOptions {
    std::optional<std::filesystem::path> cwd;
    std::vector<std::string>
        extra_env; ///< "NAME=value", added to (or replacing in) the environment
};

/// Runs argv[0] (looked up on PATH when it has no slash) with stdin from /dev/null and waits.
/// Throws std::runtime_error only when the program cannot be started at all.
RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

/// Path of the CLI under test: $DISCWRIGHT_CLI if set, else the build's DISCWRIGHT_CLI_PATH.
std::string discwright_cli();
/// Runs the CLI with `args` (e.g. {"image", "create", "-o", out, src}).
RunResult run_discwright(const std::vector<std::string>& args, const RunOptions& options = {});

/// Each non-empty line of `out` parsed as JSON (the CLI's --json output). A line that is not
/// JSON becomes {"unparsed": line} so a test's expectations report it instead of throwing.
std::vector<nlohmann::json> json_lines(std::string_view out);

/// Readers that extract a whole image into a folder.
enum class Reader { Xorriso, SevenZip, Bsdtar };
std::string_view to_string(Reader reader);

/// Extracts `image` into `dir` (created if missing) with the reader's usual command line:
///   xorriso -osirrox on -indev IMG -extract / DIR
///   7z x -y -oDIR IMG
///   bsdtar -xf IMG -C DIR
RunResult extract_with(Reader reader, const std::filesystem::path& image,
                       const std::filesystem::path& dir);

/// Extracts `image` with each of `readers` into a fresh folder and compares what each gives
/// with `expected` on `fields`; fails naming the reader and the differences.
testing::AssertionResult readers_extract_as(const std::filesystem::path& image,
                                            const Manifest& expected, const Fields& fields,
                                            std::initializer_list<Reader> readers);

/// The namespaces pycdlib_dump.py can walk.
enum class Namespace { RockRidge, Joliet, Iso9660, Udf };

struct PycdlibView {
    RunResult run;
    Manifest manifest; ///< empty unless run.ok()
    /// Raw size of each file's directory record (pycdlib's data length), by path.
    std::map<std::string, std::uint64_t> record_sizes;
    /// Inode numbers from RRIP 1.12 PX records (rr namespace only), by path.
    std::map<std::string, std::uint64_t> inodes;
    /// udf namespace: paths whose FID has the existence ("hidden") bit, and each entry's
    /// ECMA-167 4/14.9.5 permissions.
    std::set<std::string> hidden;
    std::map<std::string, std::uint32_t> udf_permissions;
    std::string error; ///< why the JSON could not be used, if it could not
    bool ok() const { return run.ok() && error.empty(); }
};

/// Opens `image` with pycdlib (Debian's /usr/bin/python3) and lists one namespace: every file's
/// size and SHA-256 read through pycdlib, and in the rr namespace mode, owner, mtime, nlink and
/// symlink targets. Paths are relative; ISO 9660 names keep their ";1" version, Joliet names
/// lose it (as every reader shows them). In the udf namespace: type, size, SHA-256, symlink
/// targets and link counts (pycdlib reads UDF without a metadata partition: before 2.50).
PycdlibView pycdlib_view(const std::filesystem::path& image, Namespace ns);

} // namespace discwright::test
