// The item views: FsiItem, FsiFileItem, FsiDirectoryItem (IMAPI2FS's IFsiItem family).

#include <cerrno>
#include <cstring>

#include <sys/stat.h>

#include "discwright/file_system_image.h"
#include "fs/host_record.h"
#include "fs/image_paths.h"
#include "fs/iso9660/directory_tree_writer.h"
#include "fs/item_tree.h"
#include "fs/layout/image_plan.h"

namespace discwright {

namespace {

constexpr UnixTime earliest_time = -2208988800; // 1900-01-01, the first ISO 9660 year
constexpr UnixTime latest_time = 5869583999;    // 2155-12-31, the last

void check_time(UnixTime t, std::string_view which, const std::string& path) {
    if (t < earliest_time || t > latest_time)
        throw Error(ErrorCode::InvalidDate,
                    fmt::format("{} time {} of '{}' is outside 1900-2155, which ISO 9660 records",
                                which, t, path))
            .with_path(path);
}

Namespace namespace_of(FsType ns) {
    switch (ns) {
    case FsType::Iso9660:
        return Namespace::Iso9660;
    case FsType::Joliet:
        return Namespace::Joliet;
    case FsType::Iso9660_1999:
        return Namespace::Iso9660_1999;
    case FsType::RockRidge:
        return Namespace::RockRidge;
    case FsType::Udf:
        return Namespace::Udf;
    default:
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("'{}' is not one file system", to_string(ns)))
            .with_option("file_system");
    }
}

} // namespace

// ---- FsiItem --------------------------------------------------------------------------------

FsiItemType FsiItem::type() const {
    return fs::item_type(m_image->tree().at(m_id).kind);
}
std::string FsiItem::name() const {
    return std::string(m_image->tree().name(m_id));
}
std::string FsiItem::full_path() const {
    return m_image->tree().path(m_id);
}

std::string FsiItem::file_system_name(FsType fs_type) const {
    const Namespace ns = namespace_of(fs_type);
    const auto& tree = m_image->tree();
    if (m_id == fs::root_item) return "/";
    if (ns == Namespace::RockRidge) return name();
    // Names are a function of the whole folder: lay the image out (cached) and ask.
    ImageOptions o = m_image->options();
    o.compliance = Compliance::Relaxed;
    if (ns == Namespace::Joliet) o.file_systems = o.file_systems | FsType::Joliet;
    if (ns == Namespace::Iso9660_1999) o.file_systems = o.file_systems | FsType::Iso9660_1999;
    if (ns == Namespace::Iso9660) o.file_systems = o.file_systems | FsType::Iso9660;
    if (ns == Namespace::Udf) {
        o.file_systems = o.file_systems | FsType::Udf;
        o.session_start_block = 0;
    }
    auto plan = fs::ImagePlan::build({m_image->tree_snapshot(), o, 0, nullptr});
    const auto names = ns == Namespace::Udf
                           ? plan->udf()->tree().child_names(tree.at(m_id).parent)
                           : plan->tree_writer(ns)->child_names(tree.at(m_id).parent);
    for (const auto& [id, display] : names)
        if (id == m_id) return display;
    return name();
}

std::string FsiItem::file_system_path(FsType fs_type) const {
    if (m_id == fs::root_item) return "/";
    std::string path;
    for (fs::ItemId i = m_id; i != fs::root_item; i = m_image->tree().at(i).parent)
        path.insert(0, FsiItem(*m_image, i).file_system_name(fs_type)).insert(0, 1, '/');
    return path;
}

UnixTime FsiItem::creation_time() const {
    return m_image->tree().at(m_id).creation_time;
}
UnixTime FsiItem::last_accessed_time() const {
    return m_image->tree().at(m_id).access_time;
}
UnixTime FsiItem::last_modified_time() const {
    return m_image->tree().at(m_id).modify_time;
}
bool FsiItem::is_hidden() const {
    return m_image->tree().at(m_id).flags & fs::item_hidden;
}
u32 FsiItem::mode() const {
    return m_image->tree().at(m_id).mode;
}
u32 FsiItem::uid() const {
    return m_image->tree().at(m_id).uid;
}
u32 FsiItem::gid() const {
    return m_image->tree().at(m_id).gid;
}

template <class F> static void change(FileSystemImage& image, u32 id, F&& f) {
    fs::ItemRecord r = image.tree().at(id);
    f(r);
    image.tree_for_write().set_attributes(id, r);
}

void FsiItem::set_creation_time(UnixTime t) {
    check_time(t, "creation", full_path());
    change(*m_image, m_id, [&](fs::ItemRecord& r) { r.creation_time = t; });
}
void FsiItem::set_last_accessed_time(UnixTime t) {
    check_time(t, "last accessed", full_path());
    change(*m_image, m_id, [&](fs::ItemRecord& r) { r.access_time = t; });
}
void FsiItem::set_last_modified_time(UnixTime t) {
    check_time(t, "last modified", full_path());
    change(*m_image, m_id, [&](fs::ItemRecord& r) { r.modify_time = t; });
}
void FsiItem::set_hidden(bool hidden) {
    change(*m_image, m_id, [&](fs::ItemRecord& r) {
        r.flags =
            static_cast<u8>(hidden ? (r.flags | fs::item_hidden) : (r.flags & ~fs::item_hidden));
    });
}
void FsiItem::set_mode(u32 bits) {
    change(*m_image, m_id,
           [&](fs::ItemRecord& r) { r.mode = (r.mode & ~07777u) | (bits & 07777u); });
}
void FsiItem::set_owner(u32 uid, u32 gid) {
    change(*m_image, m_id, [&](fs::ItemRecord& r) {
        r.uid = uid;
        r.gid = gid;
    });
}

FsiDirectoryItem FsiItem::as_directory() const {
    if (type() != FsiItemType::Directory)
        throw Error(ErrorCode::NotDir, fmt::format("'{}' is not a folder", full_path()))
            .with_path(full_path());
    return FsiDirectoryItem(*m_image, m_id);
}

FsiFileItem FsiItem::as_file() const {
    if (type() == FsiItemType::Directory || type() == FsiItemType::NotFound)
        throw Error(ErrorCode::NotFile, fmt::format("'{}' is not a file", full_path()))
            .with_path(full_path());
    return FsiFileItem(*m_image, m_id);
}

// ---- FsiFileItem ----------------------------------------------------------------------------

u64 FsiFileItem::data_size() const {
    return m_image->tree().at(m_id).size;
}

StreamPtr FsiFileItem::data() const {
    const auto& tree = m_image->tree();
    if (auto s = tree.stream(m_id)) return s;
    std::string host = tree.host_path(m_id);
    if (host.empty()) return std::make_shared<ZeroStream>(0);
    return std::make_shared<FileStream>(host);
}

std::string FsiFileItem::symlink_target() const {
    return std::string(m_image->tree().symlink_target(m_id));
}

// ---- FsiDirectoryItem -----------------------------------------------------------------------

FsiItem FsiDirectoryItem::item(std::string_view path) const {
    fs::ItemId id = m_image->tree().resolve(m_id, path);
    if (id == fs::no_item)
        throw Error(ErrorCode::ItemNotFound, fmt::format("'{}' is not in the image", path))
            .with_path(std::string(path));
    return FsiItem(*m_image, id);
}

std::size_t FsiDirectoryItem::count() const {
    std::size_t n = 0;
    m_image->tree().for_each_child(m_id, [&](fs::ItemId) { ++n; });
    return n;
}

std::vector<FsiItem> FsiDirectoryItem::children() const {
    std::vector<FsiItem> out;
    m_image->tree().for_each_child(m_id, [&](fs::ItemId c) { out.emplace_back(*m_image, c); });
    return out;
}

namespace {

/// Parent folder and leaf name of a new item; DupName when the name is taken.
std::pair<fs::ItemId, std::string_view> place_for(FileSystemImage& image, fs::ItemId from,
                                                  std::string_view path) {
    auto [parent, leaf] = fs::split_parent(path);
    fs::check_name(leaf, path, image.options().character_set);
    fs::ItemId p = fs::resolve_parent(image.tree(), from, parent, path);
    if (image.tree().child(p, leaf) != fs::no_item)
        throw Error(ErrorCode::DupName, fmt::format("'{}' is already in the image", path))
            .with_path(std::string(path));
    return {p, leaf};
}

fs::ItemRecord new_record(const FileSystemImage& image, fs::ItemKind kind, u32 mode) {
    fs::ItemRecord r;
    r.kind = kind;
    r.mode = mode;
    const UnixTime now = image.clock().now(); // IMAPI: items made by the caller get "now"
    r.creation_time = r.access_time = r.modify_time = now;
    return r;
}

} // namespace

FsiDirectoryItem FsiDirectoryItem::add_directory(std::string_view path) {
    auto [parent, leaf] = place_for(*m_image, m_id, path);
    auto id = m_image->tree_for_write().add(
        parent, leaf, new_record(*m_image, fs::ItemKind::Directory, S_IFDIR | 0755));
    return FsiDirectoryItem(*m_image, id);
}

FsiFileItem FsiDirectoryItem::add_file(std::string_view path, StreamPtr data) {
    if (!data)
        throw Error(ErrorCode::InvalidParam, fmt::format("'{}' was given no data stream", path))
            .with_path(std::string(path));
    auto [parent, leaf] = place_for(*m_image, m_id, path);
    const u64 point = m_image->change_point();
    auto& tree = m_image->tree_for_write();
    auto r = new_record(*m_image, fs::ItemKind::File, S_IFREG | 0644);
    r.size = data->size();
    r.source = tree.add_source(fs::StreamSource{std::move(data)});
    auto id = tree.add(parent, leaf, r);
    m_image->check_size_limit(point, path);
    return FsiFileItem(*m_image, id);
}

FsiFileItem FsiDirectoryItem::add_file_from(std::string_view path, const std::string& host_path) {
    struct stat st {};
    errno = 0;
    if (::stat(host_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        throw Error(ErrorCode::DataStreamCreateFailure,
                    fmt::format("cannot add '{}': {}", host_path,
                                errno ? std::strerror(errno) : "not a regular file"))
            .with_path(host_path);
    auto [parent, leaf] = place_for(*m_image, m_id, path);
    const u64 point = m_image->change_point();
    auto& tree = m_image->tree_for_write();
    fs::ItemRecord r = fs::host_record(st, m_image->clock());
    r.source = tree.add_source(fs::HostFileSource{host_path});
    auto id = tree.add(parent, leaf, r);
    m_image->check_size_limit(point, path);
    return FsiFileItem(*m_image, id);
}

FsiFileItem FsiDirectoryItem::add_symlink(std::string_view path, std::string target) {
    if (target.empty() || target.size() > 4095)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("symlink '{}' needs a target of 1 to 4095 bytes", path))
            .with_path(std::string(path));
    auto [parent, leaf] = place_for(*m_image, m_id, path);
    auto& tree = m_image->tree_for_write();
    auto id = tree.add(parent, leaf, new_record(*m_image, fs::ItemKind::Symlink, S_IFLNK | 0777));
    tree.set_symlink_target(id, std::move(target));
    return FsiFileItem(*m_image, id);
}

void FsiDirectoryItem::remove(std::string_view path) {
    fs::ItemId id = m_image->tree().resolve(m_id, path);
    if (id == fs::no_item || id == fs::root_item)
        throw Error(ErrorCode::ItemNotFound, fmt::format("'{}' is not in the image", path))
            .with_path(std::string(path));
    if (m_image->tree().at(id).first_child != fs::no_item)
        throw Error(ErrorCode::DirNotEmpty,
                    fmt::format("folder '{}' is not empty: use remove_tree", path))
            .with_path(std::string(path));
    m_image->tree_for_write().remove(id);
}

void FsiDirectoryItem::remove_tree(std::string_view path) {
    fs::ItemId id = m_image->tree().resolve(m_id, path);
    if (id == fs::no_item)
        throw Error(ErrorCode::ItemNotFound, fmt::format("'{}' is not in the image", path))
            .with_path(std::string(path));
    auto& tree = m_image->tree_for_write();
    // Children before parents: collect in pre-order, remove in reverse.
    std::vector<fs::ItemId> order{id};
    for (std::size_t i = 0; i < order.size(); ++i)
        tree.for_each_child(order[i], [&](fs::ItemId c) { order.push_back(c); });
    for (auto it = order.rbegin(); it != order.rend(); ++it)
        if (*it != fs::root_item) tree.remove(*it);
}

} // namespace discwright
