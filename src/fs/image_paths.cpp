#include "fs/image_paths.h"

#include "discwright/error.h"

namespace discwright::fs {

std::pair<std::string_view, std::string_view> split_parent(std::string_view path) {
    while (path.size() > 1 && path.back() == '/')
        path.remove_suffix(1);
    auto slash = path.rfind('/');
    if (slash == std::string_view::npos) return {{}, path};
    return {path.substr(0, slash == 0 ? 1 : slash), path.substr(slash + 1)};
}

void check_name(std::string_view name, std::string_view path, CharacterSet set) {
    auto bad = [&](std::string_view why) {
        throw Error(ErrorCode::InvalidPath, fmt::format("invalid image path '{}': {}", path, why))
            .with_path(std::string(path));
    };
    if (name.empty()) bad("empty name");
    if (name == "." || name == "..") bad("'.' and '..' cannot be names");
    if (name.size() > 255) bad(fmt::format("a name of {} bytes exceeds 255", name.size()));
    for (char c : name) {
        if (c == '\0') bad("a name holds a NUL byte");
        if (c == '/') bad("a name holds '/'");
    }
    if (set == CharacterSet::Restricted)
        for (char c : name) {
            auto u = static_cast<unsigned char>(c);
            if (u < 32 || u > 126)
                throw Error(ErrorCode::RestrictedNameViolation,
                            fmt::format("'{}' holds characters outside printable ASCII, which the "
                                        "restricted character set forbids",
                                        path))
                    .with_path(std::string(path));
        }
}

ItemId resolve_parent(const ItemTree& tree, ItemId from, std::string_view parent,
                      std::string_view path) {
    ItemId p = tree.resolve(from, parent);
    if (p == no_item)
        throw Error(ErrorCode::DirNotFound,
                    fmt::format("folder '{}' of '{}' is not in the image", parent, path))
            .with_path(std::string(path));
    if (!tree.is_dir(p))
        throw Error(ErrorCode::NotDir, fmt::format("'{}' of '{}' is not a folder", parent, path))
            .with_path(std::string(path));
    return p;
}

} // namespace discwright::fs
