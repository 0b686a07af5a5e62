#include "cli/staging.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

#include <fmt/format.h>

namespace discwright::cli {

namespace {

/// Splits "TARGET=SOURCE" (a '\=' is a literal '='); a plain PATH has no target.
std::pair<std::string, std::string> split_graft(const std::string& arg) {
    std::string target;
    for (std::size_t i = 0; i < arg.size(); ++i) {
        if (arg[i] == '\\' && i + 1 < arg.size() && arg[i + 1] == '=') {
            target += '=';
            ++i;
        } else if (arg[i] == '=') {
            return {target, arg.substr(i + 1)};
        } else {
            target += arg[i];
        }
    }
    return {{}, target};
}

/// Creates every missing folder of an image path and returns the last.
FsiDirectoryItem ensure_directory(FileSystemImage& image, const std::string& path) {
    FsiDirectoryItem dir = image.root();
    std::size_t i = 0;
    while (i < path.size()) {
        std::size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        std::string part = path.substr(i, j - i);
        i = j + 1;
        if (part.empty()) continue;
        auto type =
            image.exists(fmt::format("{}/{}", dir.full_path() == "/" ? "" : dir.full_path(), part));
        if (type == FsiItemType::NotFound)
            dir = dir.add_directory(part);
        else if (type == FsiItemType::Directory)
            dir = dir.item(part).as_directory();
        else
            throw Error(ErrorCode::NotDir,
                        fmt::format("graft target '{}': '{}' is already a file", path, part))
                .with_path(path);
    }
    return dir;
}

std::string base_name(std::string p) {
    while (p.size() > 1 && p.back() == '/')
        p.pop_back();
    return p.substr(p.rfind('/') + 1);
}

/// A source file replaces an item of the same name (an imported one, typically), as add_tree
/// does; a folder in its way is an error add_file_from reports.
void replace_file(FileSystemImage& image, FsiDirectoryItem& dir, const std::string& name) {
    const std::string path =
        fmt::format("{}/{}", dir.full_path() == "/" ? "" : dir.full_path(), name);
    const FsiItemType t = image.exists(path);
    if (t != FsiItemType::NotFound && t != FsiItemType::Directory) dir.remove(name);
}

} // namespace

void add_source(FileSystemImage& image, const std::string& arg, Symlinks symlinks,
                CancellationToken cancel) {
    auto [target, source] = split_graft(arg);
    struct stat st {};
    if (::stat(source.c_str(), &st) != 0)
        throw Error(ErrorCode::DataStreamCreateFailure,
                    fmt::format("source '{}' cannot be read: {}", source, std::strerror(errno)))
            .with_path(source);
    if (target.empty() || target.back() == '/') {
        FsiDirectoryItem dir = ensure_directory(image, target);
        if (S_ISDIR(st.st_mode)) {
            // mkisofs: a folder argument contributes its contents; "dir/=src" its contents too.
            dir.add_tree(source, BaseDirectory::Exclude, symlinks, cancel);
        } else {
            replace_file(image, dir, base_name(source));
            dir.add_file_from(base_name(source), source);
        }
        return;
    }
    auto slash = target.rfind('/');
    std::string parent = slash == std::string::npos ? "" : target.substr(0, slash);
    std::string leaf = target.substr(slash == std::string::npos ? 0 : slash + 1);
    FsiDirectoryItem dir = ensure_directory(image, parent);
    if (S_ISDIR(st.st_mode)) {
        FsiDirectoryItem sub = ensure_directory(image, target);
        sub.add_tree(source, BaseDirectory::Exclude, symlinks, cancel);
    } else {
        replace_file(image, dir, leaf);
        dir.add_file_from(leaf, source);
    }
}

MediaType parse_media_option(const std::string& name, const std::string& option) {
    auto m = parse_media_type(name);
    if (!m)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("{}: unknown media type '{}' (cd-r, cd-rw, cd-rom, dvd-r, dvd-rw, "
                                "dvd-r-dl, dvd+r, dvd+r-dl, dvd+rw, dvd+rw-dl, dvd-ram, dvd-rom, "
                                "bd-r, bd-re, bd-r-dl, bd-re-dl, bd-rom)",
                                option, name))
            .with_option(option);
    return *m;
}

FsType parse_fs_option(const std::string& list) {
    auto set = parse_fs_types(list);
    if (!set)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("--fs: '{}' is not a list of iso9660, joliet, rockridge, "
                                "iso9660:1999, udf",
                                list))
            .with_option("--fs");
    return *set;
}

} // namespace discwright::cli
