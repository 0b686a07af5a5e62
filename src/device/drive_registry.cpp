#include "device/drive_registry.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "device/drive_address.h"
#include "discwright/error.h"

namespace discwright::device {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

/// A '#' at the start of the line or after white space begins a comment.
std::string_view strip_comment(std::string_view line) {
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '#' && (i == 0 || is_space(line[i - 1]))) return line.substr(0, i);
    }
    return line;
}

RecorderKind kind_of(TransportKind kind) {
    switch (kind) {
    case TransportKind::SgIo:
        return RecorderKind::SgIo;
    case TransportKind::Iscsi:
        return RecorderKind::Iscsi;
    case TransportKind::Virtual:
        return RecorderKind::Virtual;
    case TransportKind::File:
        return RecorderKind::File;
    }
    throw Error(ErrorCode::Internal, "drive address kind out of range");
}

/// "virtual:rel" in a registry file means rel next to the file.
std::string anchor_relative_path(std::string_view address, const std::filesystem::path& folder) {
    for (std::string_view scheme : {std::string_view("virtual:"), std::string_view("file:")}) {
        if (address.substr(0, scheme.size()) != scheme) continue;
        const std::filesystem::path path(address.substr(scheme.size()));
        if (path.empty() || path.is_absolute() || folder.empty()) return std::string(address);
        return std::string(scheme) + (folder / path).lexically_normal().string();
    }
    return std::string(address);
}

std::string getenv_string(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

} // namespace

RecorderInfo registered_drive(std::string_view address) {
    const DriveAddress parsed = parse_drive_address(address);
    RecorderInfo info;
    info.unique_id = parsed.normalised;
    info.kind = kind_of(parsed.kind);
    // The normalised form drops the CHAP secret, which opening the target still needs.
    const bool has_credentials = parsed.iscsi && !parsed.iscsi->user.empty();
    info.address = has_credentials ? std::string(trim(address)) : parsed.normalised;
    if (parsed.kind == TransportKind::SgIo) info.device_nodes.push_back(parsed.normalised);
    return info;
}

std::filesystem::path drive_registry_path() {
    if (auto v = getenv_string("DISCWRIGHT_DRIVES_FILE"); !v.empty()) return v;
    if (auto v = getenv_string("XDG_CONFIG_HOME"); !v.empty())
        return std::filesystem::path(v) / "discwright" / "drives";
    if (auto v = getenv_string("HOME"); !v.empty())
        return std::filesystem::path(v) / ".config" / "discwright" / "drives";
    return {};
}

std::vector<RecorderInfo> parse_drive_registry(std::string_view text,
                                               const std::filesystem::path& file) {
    std::vector<RecorderInfo> drives;
    const std::filesystem::path folder =
        file.empty() ? std::filesystem::path() : std::filesystem::absolute(file).parent_path();
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const std::size_t end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        const std::string_view address = trim(strip_comment(line));
        if (address.empty()) continue;
        try {
            drives.push_back(registered_drive(anchor_relative_path(address, folder)));
        } catch (Error& e) {
            throw Error(e.code(),
                        fmt::format("{} ({} line {})", e.message(), file.string(), line_number))
                .with_path(file.string());
        }
    }
    return drives;
}

std::vector<RecorderInfo> parse_drive_list(std::string_view list, std::string_view origin) {
    std::vector<RecorderInfo> drives;
    std::size_t i = 0;
    while (i < list.size()) {
        while (i < list.size() && is_space(list[i]))
            ++i;
        std::size_t end = i;
        while (end < list.size() && !is_space(list[end]))
            ++end;
        if (end > i) {
            const std::string_view address = list.substr(i, end - i);
            try {
                drives.push_back(registered_drive(address));
            } catch (Error& e) {
                throw Error(e.code(), fmt::format("{} ({})", e.message(), origin))
                    .with_option(std::string(origin));
            }
        }
        i = end;
    }
    return drives;
}

std::vector<RecorderInfo> registered_drives() {
    std::vector<RecorderInfo> drives;
    const std::filesystem::path file = drive_registry_path();
    if (!file.empty()) {
        std::ifstream in(file, std::ios::binary);
        if (in) {
            std::ostringstream text;
            text << in.rdbuf();
            if (in.bad())
                throw Error(ErrorCode::InvalidParam,
                            fmt::format("drive registry cannot be read: {} ({})",
                                        std::strerror(errno), file.string()))
                    .with_path(file.string());
            drives = parse_drive_registry(text.str(), file);
        } else if (std::error_code ec; std::filesystem::exists(file, ec)) {
            // Present but unreadable: its drives would silently vanish otherwise.
            throw Error(ErrorCode::InvalidParam,
                        fmt::format("drive registry cannot be opened: {} ({})",
                                    std::strerror(errno), file.string()))
                .with_path(file.string());
        }
    }
    auto from_env = parse_drive_list(getenv_string("DISCWRIGHT_DRIVES"), "DISCWRIGHT_DRIVES");
    drives.insert(drives.end(), std::make_move_iterator(from_env.begin()),
                  std::make_move_iterator(from_env.end()));
    return drives;
}

} // namespace discwright::device
