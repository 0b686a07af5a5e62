#include "discwright/file_system_image.h"

#include <fmt/format.h>

namespace discwright {

namespace {

struct FsName {
    FsType type;
    std::string_view name;
};

constexpr FsName fs_names[] = {
    {FsType::Iso9660, "iso9660"},
    {FsType::Joliet, "joliet"},
    {FsType::RockRidge, "rockridge"},
    {FsType::Iso9660_1999, "iso9660:1999"},
    {FsType::Udf, "udf"},
};

} // namespace

std::string to_string(FsType set) {
    std::string out;
    for (const auto& f : fs_names)
        if (has(set, f.type)) {
            if (!out.empty()) out += ',';
            out += f.name;
        }
    return out.empty() ? "none" : out;
}

std::optional<FsType> parse_fs_types(std::string_view list) {
    FsType set = FsType::None;
    while (!list.empty()) {
        auto comma = list.find(',');
        auto part = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (part.empty()) continue;
        if (part == "rr") part = "rockridge";
        if (part == "iso") part = "iso9660";
        bool found = false;
        for (const auto& f : fs_names)
            if (f.name == part) {
                set = set | f.type;
                found = true;
            }
        if (!found) return std::nullopt;
    }
    return set;
}

std::string to_string(UdfRevision r) {
    const auto v = static_cast<unsigned>(r);
    return fmt::format("{:x}.{:02x}", v >> 8, v & 0xff);
}

std::optional<UdfRevision> parse_udf_revision(std::string_view text) {
    std::string digits;
    if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
    if (const auto dot = text.find('.'); dot != std::string_view::npos) {
        std::string minor(text.substr(dot + 1));
        if (minor.size() == 1) minor += '0'; // "2.5" is 2.50
        digits = std::string(text.substr(0, dot)) + minor;
    } else {
        digits = text;
    }
    for (auto r : FileSystemImage::udf_revisions_supported())
        if (digits == fmt::format("{:x}", static_cast<unsigned>(r))) return r;
    return std::nullopt;
}

} // namespace discwright
