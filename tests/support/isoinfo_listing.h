#pragma once
// `isoinfo -i IMG -l [-R|-J]` output, parsed once for every judged test that reads it.

#include <cstdint>
#include <string>
#include <vector>

namespace discwright::test {

/// One listed item: "----------   0    0    0            3 Nov 14 2023 [     30 00]  A.TXT;1 "
/// below a "Directory listing of /D/" header.
struct IsoinfoLine {
    std::string folder; ///< "D/" (relative, with a trailing slash; "" for the root)
    std::string name;   ///< as printed: ";1" versions and " -> target" kept
    std::string perms;  ///< "drwxr-xr-x"
    std::uint64_t size = 0;
    std::uint64_t lba = 0;
};

/// Every item line of the output, without "." and "..".
std::vector<IsoinfoLine> parse_isoinfo_lines(const std::string& out);

} // namespace discwright::test
