#include "fs/import/udf_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <unordered_set>

#include "core/byte_io.h"
#include "fs/names/name_rules.h"
#include "fs/udf/encoding.h"
#include "fs/udf/on_disk.h"

namespace discwright::fs::import {

namespace {

using namespace fs::udf;

constexpr u64 max_directory_bytes = u64{256} << 20;
constexpr u64 max_symlink_bytes = 64 * 1024;
constexpr u32 max_depth = 1024;
constexpr u32 max_sequence_blocks = 256;
constexpr u32 max_allocation_extents = 1024; // chained allocation extent descriptors per file
constexpr u16 tag_allocation_extent = 258;   // ECMA-167 4/14.5

std::string utf8_of_cs0(std::string_view bytes) {
    auto text = decode_cs0(bytes);
    return text ? utf16_to_utf8(*text) : std::string("?");
}

/// ECMA-167 1/7.2.12: the used length is in the last byte.
template <std::size_t N> std::string dstring(const std::array<u8, N>& field) {
    const std::size_t used = std::min<std::size_t>(field[N - 1], N - 1);
    return utf8_of_cs0(std::string_view(reinterpret_cast<const char*>(field.data()), used));
}

i64 days_from_civil(i64 y, unsigned m, unsigned d) {
    y -= m <= 2;
    const i64 era = (y >= 0 ? y : y - 399) / 400;
    const i64 yoe = y - era * 400;
    const i64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const i64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/// ECMA-167 1/7.3: 0 for a timestamp that names no time.
UnixTime unix_time(const Timestamp& t) {
    if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour > 23 || t.minute > 59 ||
        t.second > 60)
        return 0;
    int offset = t.type_and_timezone & 0xfff;
    if (offset & 0x800) offset -= 0x1000;
    if (offset == -2047 || (t.type_and_timezone >> 12) != 1) offset = 0;
    const i64 year = static_cast<std::int16_t>(static_cast<u16>(t.year));
    return days_from_civil(year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 +
           t.second - i64{offset} * 60;
}

std::span<const std::byte> bytes(const std::vector<std::byte>& v) {
    return {v.data(), v.size()};
}

/// An ICB's facts: File Entry and Extended File Entry through one view.
struct Icb {
    FileType type = FileType::Regular;
    u16 flags = 0;
    u32 uid = 0, gid = 0, permissions = 0;
    u16 links = 1;
    u64 length = 0;
    UnixTime access = 0, modification = 0, attribute = 0;
    std::optional<UnixTime> creation;
    std::vector<ImageExtent> extents;
    u64 device = 0;
};

class UdfTreeReader {
public:
    UdfTreeReader(const BlockSource& image, const UdfVolume& volume,
                  const ImportProgressHandler& progress, const CancellationToken& cancel)
        : m_image(image), m_volume(volume), m_progress(progress), m_cancel(cancel) {}

    ImageTree read() {
        const std::vector<std::byte> fsd_block = read_block(
            m_volume.file_set_partition, m_volume.file_set_block, "UDF file set descriptor");
        const u64 fsd_lba = m_last_lba;
        if (!verify_tag(bytes(fsd_block), TagId::FileSet))
            damaged("UDF file set descriptor: its tag or CRC does not verify", fsd_lba);
        core::ByteReader in(bytes(fsd_block), {fsd_lba, "UDF file set descriptor"});
        const auto fsd = in.read<FileSetDescriptor>();
        const LongAd root = fsd.root_directory_icb;

        std::vector<ImageEntry> entries(1);
        entries[0].name = "";
        entries[0].parent = 0;
        const Icb root_icb = read_icb(root, "/");
        if (root_icb.type != FileType::Directory)
            damaged("UDF root ICB is not a folder", m_last_lba, "/");
        fill(entries[0], root_icb);
        struct Pending {
            u32 index;
            Icb icb;
            u32 depth;
            std::string path;
        };
        std::deque<Pending> queue;
        queue.push_back({0, root_icb, 0, "/"});
        std::unordered_set<u64> seen{absolute(root, block_size)};
        u64 dirs_done = 0, files_done = 0;
        while (!queue.empty()) {
            m_cancel.throw_if_cancelled();
            Pending p = std::move(queue.front());
            queue.pop_front();
            if (m_progress)
                m_progress(
                    {FsType::Udf, p.path == "/" ? "/" : p.path + "/", dirs_done, 0, files_done});
            const auto data = read_data(p.icb, max_directory_bytes, p.path);
            struct Child {
                ImageEntry entry;
                LongAd icb;
                Icb facts;
            };
            std::vector<Child> children;
            std::size_t pos = 0;
            while (pos + sizeof(FileIdentifierDescriptor) <= data.size()) {
                core::ByteReader fin(bytes(data).subspan(pos), {std::nullopt, "UDF FID"});
                const auto fid = fin.read<FileIdentifierDescriptor>();
                const std::size_t total = (sizeof fid + fid.length_of_implementation_use +
                                           fid.length_of_file_identifier + 3) /
                                          4 * 4;
                if (fid.tag.tag_identifier != static_cast<u16>(TagId::FileIdentifier) ||
                    pos + total > data.size() ||
                    !verify_tag(bytes(data).subspan(pos, total), TagId::FileIdentifier))
                    damaged(fmt::format("UDF folder '{}': the file identifier at byte {} does not "
                                        "verify",
                                        p.path, pos),
                            std::nullopt, p.path);
                const std::size_t name_at = pos + sizeof fid + fid.length_of_implementation_use;
                const std::string_view raw(reinterpret_cast<const char*>(data.data()) + name_at,
                                           fid.length_of_file_identifier);
                pos += total;
                if (fid.file_characteristics & (fid_parent | fid_deleted)) continue;
                Child c;
                c.entry.name = utf8_of_cs0(raw);
                if (c.entry.name.empty() || c.entry.name.find('/') != std::string::npos ||
                    c.entry.name == "." || c.entry.name == "..")
                    damaged(fmt::format("UDF folder '{}' holds a name no file can have", p.path),
                            std::nullopt, p.path);
                c.entry.hidden = fid.file_characteristics & fid_hidden;
                c.icb = fid.icb;
                const std::string path = (p.path == "/" ? "" : p.path) + "/" + c.entry.name;
                c.facts = read_icb(fid.icb, path);
                if ((c.facts.type == FileType::Directory) !=
                    bool(fid.file_characteristics & fid_directory))
                    damaged(fmt::format("UDF '{}': the folder flag of its name and the type of "
                                        "its File Entry disagree",
                                        path),
                            m_last_lba, path);
                fill(c.entry, c.facts);
                if (c.facts.type == FileType::Symlink)
                    c.entry.symlink_target = target(c.facts, path);
                children.push_back(std::move(c));
            }
            std::sort(children.begin(), children.end(),
                      [](const Child& a, const Child& b) { return a.entry.name < b.entry.name; });
            for (std::size_t i = 1; i < children.size(); ++i)
                if (children[i].entry.name == children[i - 1].entry.name)
                    damaged(fmt::format("UDF folder '{}' holds '{}' twice", p.path,
                                        children[i].entry.name),
                            std::nullopt, p.path);
            entries[p.index].first_child = static_cast<u32>(entries.size());
            entries[p.index].child_count = static_cast<u32>(children.size());
            for (auto& c : children) {
                c.entry.parent = p.index;
                const u32 index = static_cast<u32>(entries.size());
                const std::string path = (p.path == "/" ? "" : p.path) + "/" + c.entry.name;
                if (c.facts.type == FileType::Directory) {
                    if (!seen.insert(absolute(c.icb, block_size)).second)
                        damaged(fmt::format("UDF folder '{}' is reached twice: a loop", path),
                                std::nullopt, path);
                    if (p.depth + 1 > max_depth)
                        damaged(
                            fmt::format("UDF '{}' is more than {} folders deep", path, max_depth),
                            std::nullopt, path);
                    queue.push_back({index, std::move(c.facts), p.depth + 1, path});
                } else {
                    ++files_done;
                }
                entries.push_back(std::move(c.entry));
            }
            ++dirs_done;
        }
        return ImageTree(std::move(entries));
    }

private:
    /// The absolute block of `bytes` bytes at `block` of partition `ref`.
    u64 map_block(u16 ref, u32 block, u64 bytes, const std::string& path = {}) const {
        if (ref >= m_volume.maps.size())
            damaged(fmt::format("UDF address in partition {}, which the volume does not have", ref),
                    std::nullopt, path);
        const auto& map = m_volume.maps[ref];
        const u64 blocks = std::max<u64>(1, (bytes + block_size - 1) / block_size);
        if (!map.metadata) {
            if (u64{block} + blocks > map.length)
                damaged(fmt::format("UDF address {} ({} blocks) lies outside its partition of {} "
                                    "blocks",
                                    block, blocks, map.length),
                        map.start + block, path);
            return map.start + block;
        }
        u64 at = block;
        for (const auto& [first, count] : map.runs) {
            if (at < count) {
                if (at + blocks > count)
                    damaged(fmt::format("UDF metadata address {} ({} blocks) runs past its extent",
                                        block, blocks),
                            first + at, path);
                return first + at;
            }
            at -= count;
        }
        damaged(fmt::format("UDF metadata address {} lies past the metadata partition", block),
                std::nullopt, path);
    }
    u64 absolute(const LongAd& ad, u64 bytes) const {
        return map_block(ad.extent_location.partition_reference_number,
                         ad.extent_location.logical_block_number, bytes);
    }

    std::vector<std::byte> read_block(u16 ref, u32 block, std::string_view what,
                                      const std::string& path = {}) {
        m_last_lba = map_block(ref, block, block_size, path);
        return m_image.read(m_last_lba, block_size, what, path);
    }

    Icb read_icb(const LongAd& ad, const std::string& path) {
        const u16 ref = ad.extent_location.partition_reference_number;
        const std::vector<std::byte> block =
            read_block(ref, ad.extent_location.logical_block_number, "UDF File Entry", path);
        const u64 lba = m_last_lba;
        const bool extended = verify_tag(bytes(block), TagId::ExtendedFileEntry);
        if (!extended && !verify_tag(bytes(block), TagId::FileEntry))
            damaged(fmt::format("UDF '{}': its File Entry at LBA {} does not verify", path, lba),
                    lba, path);
        core::ByteReader in(bytes(block), {lba, "UDF File Entry"});
        Icb icb;
        IcbTag tag;
        u32 ea_length = 0, ad_length = 0;
        std::size_t header = 0;
        if (extended) {
            const auto e = in.read<ExtendedFileEntry>();
            tag = e.icb_tag;
            icb.uid = e.uid;
            icb.gid = e.gid;
            icb.permissions = e.permissions;
            icb.links = e.file_link_count;
            icb.length = e.information_length;
            icb.access = unix_time(e.access_date_and_time);
            icb.modification = unix_time(e.modification_date_and_time);
            icb.attribute = unix_time(e.attribute_date_and_time);
            icb.creation = unix_time(e.creation_date_and_time);
            ea_length = e.length_of_extended_attributes;
            ad_length = e.length_of_allocation_descriptors;
            header = sizeof e;
        } else {
            const auto e = in.read<FileEntry>();
            tag = e.icb_tag;
            icb.uid = e.uid;
            icb.gid = e.gid;
            icb.permissions = e.permissions;
            icb.links = e.file_link_count;
            icb.length = e.information_length;
            icb.access = unix_time(e.access_date_and_time);
            icb.modification = unix_time(e.modification_date_and_time);
            icb.attribute = unix_time(e.attribute_date_and_time);
            ea_length = e.length_of_extended_attributes;
            ad_length = e.length_of_allocation_descriptors;
            header = sizeof e;
        }
        icb.type = static_cast<FileType>(tag.file_type);
        icb.flags = tag.flags;
        if (u64{header} + ea_length + ad_length > block_size)
            damaged(fmt::format("UDF '{}': its File Entry's attributes and descriptors ({} + {} "
                                "bytes) overflow its block",
                                path, ea_length, ad_length),
                    lba, path);
        if (icb.type == FileType::CharacterDevice || icb.type == FileType::BlockDevice)
            icb.device = device_of(bytes(block).subspan(header, ea_length));
        const auto ads = bytes(block).subspan(header + ea_length, ad_length);
        switch (tag.flags & 7) {
        case icb_embedded:
            if (ad_length < icb.length)
                damaged(fmt::format("UDF '{}' holds {} bytes inside its File Entry but says it "
                                    "has {}",
                                    path, ad_length, icb.length),
                        lba, path);
            icb.extents.push_back({lba, ad_length, static_cast<u32>(header + ea_length)});
            break;
        case icb_short_ad:
        case icb_long_ad:
            extents(icb, ads, (tag.flags & 7) == icb_long_ad, ref, path);
            break;
        default:
            throw Error(ErrorCode::FileSystemFeatureNotSupported,
                        fmt::format("UDF '{}' uses extended allocation descriptors, which "
                                    "discwright does not read",
                                    path))
                .with_path(path)
                .with_lba(lba);
        }
        u64 held = 0;
        for (const auto& e : icb.extents)
            held += e.bytes;
        if (held < icb.length)
            damaged(
                fmt::format("UDF '{}' is {} bytes but its extents hold {}", path, icb.length, held),
                lba, path);
        return icb;
    }

    void extents(Icb& icb, std::span<const std::byte> ads, bool long_ads, u16 own_ref,
                 const std::string& path) {
        for (u32 hops = 0;; ++hops) {
            std::optional<LongAd> next;
            const std::size_t size = long_ads ? sizeof(LongAd) : sizeof(ShortAd);
            for (std::size_t at = 0; at + size <= ads.size(); at += size) {
                core::ByteReader in(ads.subspan(at, size));
                LongAd ad{};
                if (long_ads) {
                    ad = in.read<LongAd>();
                } else {
                    const auto s = in.read<ShortAd>();
                    ad.extent_length = s.extent_length;
                    ad.extent_location.logical_block_number = s.extent_position;
                    ad.extent_location.partition_reference_number = own_ref;
                }
                const u32 raw = ad.extent_length;
                const u32 bytes = raw & 0x3fff'ffff;
                if (bytes == 0) break; // ECMA-167 4/12.1: the descriptors end here
                switch (raw >> 30) {
                case 0:
                    icb.extents.push_back({absolute(ad, bytes), bytes, 0});
                    break;
                case 3:
                    next = ad;
                    break;
                default:
                    throw Error(ErrorCode::FileSystemFeatureNotSupported,
                                fmt::format("UDF '{}' has an unrecorded (sparse) extent, which "
                                            "discwright does not read",
                                            path))
                        .with_path(path);
                }
                if (next) break;
            }
            if (!next) return;
            if (hops >= max_allocation_extents)
                damaged(fmt::format("UDF '{}': more than {} allocation extents", path,
                                    max_allocation_extents),
                        std::nullopt, path);
            // ECMA-167 4/14.5: allocation extent descriptor, then more descriptors.
            const u64 lba = absolute(*next, block_size);
            m_aed = m_image.read(lba, block_size, "UDF allocation extent", path);
            core::ByteReader in(bytes(m_aed), {lba, "UDF allocation extent"});
            const auto tag = in.read<DescriptorTag>();
            in.skip(4);
            const u32 length = in.read<Le32>();
            if (tag.tag_identifier != tag_allocation_extent || length > block_size - 24)
                damaged(
                    fmt::format("UDF '{}': its allocation extent at LBA {} is not one", path, lba),
                    lba, path);
            ads = bytes(m_aed).subspan(24, length);
            own_ref = next->extent_location.partition_reference_number;
        }
    }

    static u64 device_of(std::span<const std::byte> ea) {
        // ECMA-167 4/14.10.1 header, then attributes; 4/14.10.7 device specification (type 12).
        std::size_t at = sizeof(ExtendedAttributeHeaderDescriptor);
        while (at + 12 <= ea.size()) {
            core::ByteReader in(ea.subspan(at));
            const u32 type = in.read<Le32>();
            in.skip(4);
            const u32 length = in.read<Le32>();
            if (length < 12 || length > ea.size() - at) break;
            if (type == 12 && length >= 24) {
                core::ByteReader dev(ea.subspan(at, 24));
                const auto d = dev.read<DeviceSpecificationAttribute>();
                return (u64{d.major_device_identification} << 32) | d.minor_device_identification;
            }
            at += length;
        }
        return 0;
    }

    std::vector<std::byte> read_data(const Icb& icb, u64 limit, const std::string& path) {
        if (icb.length > limit)
            damaged(fmt::format("UDF '{}' is {} bytes, more than the {} a folder or link may have",
                                path, icb.length, limit),
                    std::nullopt, path);
        std::vector<std::byte> out;
        out.reserve(icb.length);
        for (const auto& e : icb.extents) {
            if (out.size() >= icb.length) break;
            const u64 n = std::min<u64>(e.bytes, icb.length - out.size());
            auto chunk = m_image.read(e.lba, e.offset + n, "UDF data", path);
            out.insert(out.end(), chunk.begin() + e.offset, chunk.end());
        }
        return out;
    }

    std::string target(const Icb& icb, const std::string& path) {
        const auto data = read_data(icb, max_symlink_bytes, path);
        std::string out;
        std::size_t at = 0;
        bool first = true;
        while (at + sizeof(PathComponentHeader) <= data.size()) {
            core::ByteReader in(bytes(data).subspan(at));
            const auto h = in.read<PathComponentHeader>();
            at += sizeof h;
            if (h.length_of_component_identifier > data.size() - at)
                damaged(fmt::format("UDF symlink '{}': a path component runs past its data", path),
                        std::nullopt, path);
            const std::string_view id(reinterpret_cast<const char*>(data.data()) + at,
                                      h.length_of_component_identifier);
            at += h.length_of_component_identifier;
            std::string part;
            switch (h.component_type) {
            case 1:
            case 2:
                out = "/"; // the root: what follows is absolute
                first = true;
                continue;
            case 3:
                part = "..";
                break;
            case 4:
                part = ".";
                break;
            case 5:
                part = utf8_of_cs0(id);
                break;
            default:
                damaged(fmt::format("UDF symlink '{}': unknown path component type {}", path,
                                    h.component_type),
                        std::nullopt, path);
            }
            if (!first) out += '/';
            out += part;
            first = false;
        }
        return out;
    }

    static void fill(ImageEntry& e, const Icb& icb) {
        u32 kind = S_IFREG;
        switch (icb.type) {
        case FileType::Directory:
            e.type = FsiItemType::Directory;
            kind = S_IFDIR;
            break;
        case FileType::Symlink:
            e.type = FsiItemType::Symlink;
            kind = S_IFLNK;
            break;
        case FileType::CharacterDevice:
            e.type = FsiItemType::CharDevice;
            kind = S_IFCHR;
            break;
        case FileType::BlockDevice:
            e.type = FsiItemType::BlockDevice;
            kind = S_IFBLK;
            break;
        case FileType::Fifo:
            e.type = FsiItemType::Fifo;
            kind = S_IFIFO;
            break;
        case FileType::Socket:
            e.type = FsiItemType::Socket;
            kind = S_IFSOCK;
            break;
        default:
            e.type = FsiItemType::File;
        }
        const u32 p = icb.permissions;
        u32 mode = (p & 7) | ((p >> 5) & 7) << 3 | ((p >> 10) & 7) << 6;
        if (icb.flags & icb_setuid) mode |= S_ISUID;
        if (icb.flags & icb_setgid) mode |= S_ISGID;
        if (icb.flags & icb_sticky) mode |= S_ISVTX;
        e.mode = kind | mode;
        e.uid = icb.uid == 0xffff'ffff ? 0 : icb.uid;
        e.gid = icb.gid == 0xffff'ffff ? 0 : icb.gid;
        e.links = icb.links;
        e.size = icb.length;
        e.modify_time = icb.modification;
        e.access_time = icb.access;
        e.attribute_time = icb.attribute;
        e.creation_time = icb.creation;
        e.device = icb.device;
        if (e.type == FsiItemType::File || e.type == FsiItemType::Directory)
            e.extents = icb.extents;
    }

    const BlockSource& m_image;
    const UdfVolume& m_volume;
    const ImportProgressHandler& m_progress;
    const CancellationToken& m_cancel;
    u64 m_last_lba = 0; // the block read last, for messages
    std::vector<std::byte> m_aed;
};

/// The identifier of a type 2 partition map ("*UDF Virtual Partition"), printable.
std::string map_name(const std::vector<std::byte>& lvd, std::size_t at) {
    std::string name;
    for (std::size_t i = at + 5; i < at + 28 && i < lvd.size(); ++i) {
        const auto c = static_cast<char>(lvd[i]);
        if (c == 0) break;
        name += c >= 0x20 && c < 0x7f ? c : '?';
    }
    return name;
}

bool is_vsd(std::span<const std::byte> b, const char* id) {
    return std::memcmp(b.data() + 1, id, 5) == 0;
}

struct Descriptors {
    std::optional<PrimaryVolumeDescriptor> primary;
    std::vector<PartitionDescriptor> partitions;
    std::optional<std::vector<std::byte>> logical; // the whole LVD block
};

/// Reads one volume descriptor sequence; nullopt when a descriptor in it does not verify.
std::optional<Descriptors> read_sequence(const BlockSource& image, const ExtentAd& extent) {
    Descriptors d;
    const u64 blocks = std::min<u64>(extent.length / block_size, max_sequence_blocks);
    for (u64 i = 0; i < blocks; ++i) {
        const u64 lba = u64{extent.location} + i;
        if (!image.contains(lba, block_size)) return std::nullopt;
        const auto b = image.read(lba, block_size, "UDF volume descriptor");
        core::ByteReader in(bytes(b), {lba, "UDF volume descriptor"});
        const auto tag = in.read<DescriptorTag>();
        const auto id = static_cast<TagId>(static_cast<u16>(tag.tag_identifier));
        if (!verify_tag(bytes(b), id)) return std::nullopt;
        in.seek(0);
        switch (id) {
        case TagId::PrimaryVolume:
            if (!d.primary) d.primary = in.read<PrimaryVolumeDescriptor>();
            break;
        case TagId::Partition:
            d.partitions.push_back(in.read<PartitionDescriptor>());
            break;
        case TagId::LogicalVolume:
            d.logical = b;
            break;
        case TagId::Terminating:
            return d.logical ? std::optional(d) : std::nullopt;
        default:
            break;
        }
    }
    return d.logical ? std::optional(d) : std::nullopt;
}

/// UDF 2.2.13.1: the runs of a metadata file, absolute.
std::optional<std::vector<std::pair<u64, u64>>> metadata_runs(const BlockSource& image,
                                                              const UdfVolume::Map& physical,
                                                              u32 location, FileType want) {
    if (u64{location} >= physical.length) return std::nullopt;
    const u64 lba = physical.start + location;
    const auto b = image.read(lba, block_size, "UDF metadata file");
    const bool extended = verify_tag(bytes(b), TagId::ExtendedFileEntry);
    if (!extended && !verify_tag(bytes(b), TagId::FileEntry)) return std::nullopt;
    core::ByteReader in(bytes(b), {lba, "UDF metadata file"});
    u32 ea = 0, ad = 0;
    std::size_t header = 0;
    IcbTag tag;
    if (extended) {
        const auto e = in.read<ExtendedFileEntry>();
        tag = e.icb_tag;
        ea = e.length_of_extended_attributes;
        ad = e.length_of_allocation_descriptors;
        header = sizeof e;
    } else {
        const auto e = in.read<FileEntry>();
        tag = e.icb_tag;
        ea = e.length_of_extended_attributes;
        ad = e.length_of_allocation_descriptors;
        header = sizeof e;
    }
    if (tag.file_type != static_cast<u8>(want) || (tag.flags & 7) != icb_short_ad ||
        u64{header} + ea + ad > block_size)
        return std::nullopt;
    std::vector<std::pair<u64, u64>> runs;
    for (std::size_t at = header + ea; at + sizeof(ShortAd) <= header + ea + ad;
         at += sizeof(ShortAd)) {
        core::ByteReader r(bytes(b).subspan(at, sizeof(ShortAd)));
        const auto s = r.read<ShortAd>();
        const u64 n = (u32(s.extent_length) & 0x3fff'ffff) / block_size;
        if (n == 0) break;
        if ((u32(s.extent_length) >> 30) != 0) return std::nullopt;
        if (u64{s.extent_position} + n > physical.length) return std::nullopt;
        runs.emplace_back(physical.start + s.extent_position, n);
    }
    if (runs.empty()) return std::nullopt;
    return runs;
}

} // namespace

std::optional<UdfVolume> find_udf_volume(const BlockSource& image, u64 session_start) {
    // ECMA-167 2/8.3: the recognition sequence from sector 16, one descriptor per block.
    bool nsr = false;
    for (u64 i = 0; i < 64; ++i) {
        const u64 lba = session_start + 16 + i;
        if (!image.contains(lba, block_size)) break;
        const auto b = image.read(lba, 8, "volume recognition sequence");
        if (is_vsd(b, "NSR02") || is_vsd(b, "NSR03")) nsr = true;
        if (!(is_vsd(b, "CD001") || is_vsd(b, "BEA01") || is_vsd(b, "NSR02") ||
              is_vsd(b, "NSR03") || is_vsd(b, "TEA01") || is_vsd(b, "BOOT2") || is_vsd(b, "CDW02")))
            break;
    }
    if (!nsr) return std::nullopt;

    // ECMA-167 3/8.4.2.1: an anchor at 256, or at the last sector (or 256 before it).
    std::optional<AnchorVolumeDescriptorPointer> anchor;
    UdfVolume v;
    std::vector<u64> places{session_start + anchor_sector};
    if (image.blocks() > 0) places.push_back(image.blocks() - 1);
    if (image.blocks() > 257) places.push_back(image.blocks() - 257);
    for (u64 lba : places) {
        if (!image.contains(lba, block_size)) continue;
        const auto b = image.read(lba, block_size, "UDF anchor");
        if (!verify_tag(bytes(b), TagId::AnchorVolumePointer)) continue;
        core::ByteReader in(bytes(b), {lba, "UDF anchor"});
        anchor = in.read<AnchorVolumeDescriptorPointer>();
        v.anchor_block = lba;
        break;
    }
    if (!anchor) return std::nullopt;

    auto d = read_sequence(image, anchor->main_volume_descriptor_sequence);
    if (!d) d = read_sequence(image, anchor->reserve_volume_descriptor_sequence);
    if (!d)
        damaged(fmt::format("UDF volume: neither its main nor its reserve volume descriptor "
                            "sequence (LBA {}, {}) reads",
                            u32(anchor->main_volume_descriptor_sequence.location),
                            u32(anchor->reserve_volume_descriptor_sequence.location)),
                u32(anchor->main_volume_descriptor_sequence.location));
    if (d->primary) v.volume_id = dstring(d->primary->volume_identifier);
    core::ByteReader lin(bytes(*d->logical), {std::nullopt, "UDF logical volume descriptor"});
    const auto lvd = lin.read<LogicalVolumeDescriptor>();
    if (lvd.logical_block_size != block_size)
        throw Error(ErrorCode::FileSystemFeatureNotSupported,
                    fmt::format("UDF logical blocks of {} bytes: discwright reads 2048",
                                u32(lvd.logical_block_size)));
    v.logical_volume_id = dstring(lvd.logical_volume_identifier);
    v.revision = static_cast<u16>(lvd.domain_identifier.identifier_suffix[0] |
                                  lvd.domain_identifier.identifier_suffix[1] << 8);
    const u32 maps = lvd.number_of_partition_maps;
    const u32 table = lvd.map_table_length;
    if (table > block_size - sizeof lvd || maps > 64)
        damaged("UDF logical volume descriptor: its partition maps overflow it");
    auto physical = [&](u16 number) -> UdfVolume::Map {
        for (const auto& p : d->partitions)
            if (p.partition_number == number) {
                UdfVolume::Map m;
                m.start = p.partition_starting_location;
                m.length = p.partition_length;
                if (!image.contains(m.start, 0))
                    damaged(fmt::format("UDF partition {} starts past the image", number), m.start);
                v.end_block = std::max(v.end_block, m.start + m.length);
                return m;
            }
        damaged(
            fmt::format("UDF partition map names partition {}, which has no descriptor", number));
    };
    std::size_t at = sizeof lvd;
    for (u32 i = 0; i < maps; ++i) {
        if (at + 2 > sizeof lvd + table) damaged("UDF partition map runs past its table");
        const auto type = static_cast<u8>((*d->logical)[at]);
        const auto length = static_cast<u8>((*d->logical)[at + 1]);
        if (length < 2 || at + length > sizeof lvd + table)
            damaged("UDF partition map runs past its table");
        core::ByteReader min(bytes(*d->logical).subspan(at, length));
        if (type == 1 && length == sizeof(Type1PartitionMap)) {
            const auto m = min.read<Type1PartitionMap>();
            v.maps.push_back(physical(m.partition_number));
        } else if (type == 2 && length == sizeof(MetadataPartitionMap) &&
                   std::memcmp(d->logical->data() + at + 5, "*UDF Metadata Partition", 23) == 0) {
            const auto m = min.read<MetadataPartitionMap>();
            UdfVolume::Map map = physical(m.partition_number);
            auto runs = metadata_runs(image, map, m.metadata_file_location, FileType::MetadataFile);
            if (!runs)
                runs = metadata_runs(image, map, m.metadata_mirror_file_location,
                                     FileType::MetadataMirrorFile);
            if (!runs)
                damaged("UDF metadata partition: neither its Metadata File nor its Mirror reads",
                        map.start + m.metadata_file_location);
            map.metadata = true;
            map.runs = std::move(*runs);
            v.maps.push_back(std::move(map));
        } else {
            throw Error(ErrorCode::FileSystemFeatureNotSupported,
                        fmt::format("UDF partition map of type {} ({}): discwright reads "
                                    "physical and metadata partitions only",
                                    type, type == 2 ? map_name(*d->logical, at) : "unknown"));
        }
        at += length;
    }
    // ECMA-167 3/10.10: the integrity descriptor, for its counts (a validator compares them).
    const ExtentAd integrity = lvd.integrity_sequence_extent;
    if (integrity.length >= block_size && image.contains(integrity.location, block_size)) {
        const auto b = image.read(integrity.location, block_size, "UDF integrity descriptor");
        if (verify_tag(bytes(b), TagId::LogicalVolumeIntegrity)) {
            core::ByteReader in(bytes(b), {u64{integrity.location}, "UDF integrity descriptor"});
            const auto lvid = in.read<LogicalVolumeIntegrityDescriptor>();
            const u64 use_at = sizeof lvid + 8 * u64{lvid.number_of_partitions};
            if (lvid.length_of_implementation_use >= sizeof(IntegrityImplementationUse) &&
                use_at + sizeof(IntegrityImplementationUse) <= block_size) {
                in.seek(use_at);
                const auto use = in.read<IntegrityImplementationUse>();
                v.integrity = UdfVolume::Integrity{lvid.integrity_type == 1, use.number_of_files,
                                                   use.number_of_directories};
            }
        }
    }
    // ECMA-167 3/8.4.2.1: an anchor right after the partition ends the volume there.
    if (image.contains(v.end_block, block_size)) {
        const auto b = image.read(v.end_block, block_size, "UDF anchor");
        if (verify_tag(bytes(b), TagId::AnchorVolumePointer)) ++v.end_block;
    }
    v.file_set_partition =
        lvd.file_set_descriptor_location.extent_location.partition_reference_number;
    v.file_set_block = lvd.file_set_descriptor_location.extent_location.logical_block_number;
    return v;
}

ImageTree read_udf_tree(const BlockSource& image, const UdfVolume& volume,
                        const ImportProgressHandler& progress, const CancellationToken& cancel) {
    return UdfTreeReader(image, volume, progress, cancel).read();
}

} // namespace discwright::fs::import
