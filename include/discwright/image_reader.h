#pragma once
// ImageReader: the file systems of an existing image or disc, read from any Stream. It finds
// the sessions, says which file systems each holds (ISO 9660, Rock Ridge, Joliet,
// ISO 9660:1999, UDF), and reads one namespace's tree: names, sizes, times, POSIX attributes,
// symlink targets, and where each file's bytes are. IMAPI reads a disc only to import it
// (IdentifyFileSystemsOnDisc, ImportFileSystem); discwright also lists, extracts and validates
// with the same reader.
//
// Image bytes are untrusted: every length and offset is checked against its record, its block
// and the stream; directory loops, absurd sizes and depths are errors
// (FileSystemReadConsistency naming the LBA and path), never a crash or a hang.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "discwright/cancellation.h"
#include "discwright/events.h"
#include "discwright/file_system_image.h"
#include "discwright/stream.h"
#include "discwright/types.h"

namespace discwright {

/// A run of bytes on the image: `bytes` starting at block `lba` (2048-byte blocks, absolute).
struct ImageExtent {
    u64 lba = 0;
    u64 bytes = 0;
    u32 offset = 0; ///< bytes into block `lba` where the run starts (UDF data inside its ICB)
    bool operator==(const ImageExtent&) const = default;
};

/// One item of a namespace's tree.
struct ImageEntry {
    std::string name;    ///< UTF-8, as the namespace gives it (ISO 9660: without ";1")
    u32 parent = 0;      ///< index of the folder holding it; the root (0) is its own parent
    u32 first_child = 0; ///< folders: children are [first_child, first_child + child_count)
    u32 child_count = 0; ///< ... sorted by name (bytes)
    FsiItemType type = FsiItemType::File;
    u64 size = 0;                     ///< bytes of data (files); directory extent size (folders)
    std::vector<ImageExtent> extents; ///< files: their data, in order; folders: the directory
    bool hidden = false;              ///< the existence bit (ECMA-119 9.1.6)
    // Times; 0 when the image does not say.
    UnixTime modify_time = 0;    ///< the directory record's time, or Rock Ridge's TF modify
    UnixTime access_time = 0;    ///< Rock Ridge TF access (else the record's time)
    UnixTime attribute_time = 0; ///< Rock Ridge TF attributes (st_ctime; else the record's)
    std::optional<UnixTime> creation_time; ///< Rock Ridge TF creation, when recorded
    // POSIX attributes (Rock Ridge PX/PN/SL); without Rock Ridge: 0555 folders, 0444 files.
    u32 mode = 0; ///< st_mode, type bits included
    u32 uid = 0;
    u32 gid = 0;
    u32 links = 1;
    u64 device = 0; ///< PN: major << 32 | minor
    std::string symlink_target;
    /// Rock Ridge ZF: the data is zisofs-compressed. discwright lists such files with their
    /// recorded (compressed) size and refuses to read them (FileSystemFeatureNotSupported).
    bool zisofs = false;
};

/// A namespace's tree. Entry 0 is the root; every folder's children are contiguous.
class ImageTree {
public:
    ImageTree() = default;
    explicit ImageTree(std::vector<ImageEntry> entries) : m_entries(std::move(entries)) {}

    [[nodiscard]] const std::vector<ImageEntry>& entries() const { return m_entries; }
    [[nodiscard]] const ImageEntry& at(u32 index) const { return m_entries.at(index); }
    [[nodiscard]] std::size_t size() const { return m_entries.size(); }
    /// "/a/b" ("/" for the root).
    [[nodiscard]] std::string path(u32 index) const;
    /// The entry at a '/'-separated path, or nullopt.
    [[nodiscard]] std::optional<u32> find(std::string_view path) const;
    /// Files and folders (the root not counted).
    [[nodiscard]] std::size_t file_count() const;
    [[nodiscard]] std::size_t directory_count() const;

private:
    std::vector<ImageEntry> m_entries;
};

/// A volume descriptor's identifiers and dates (ECMA-119 8.4), trailing spaces removed.
struct VolumeInfo {
    FsType type = FsType::None; ///< Iso9660, Joliet or Iso9660_1999
    std::string volume_id;
    std::string system_id;
    std::string volume_set_id;
    std::string publisher_id;
    std::string data_preparer_id;
    std::string application_id;
    u64 volume_space_blocks = 0; ///< the volume's end, absolute (ECMA-119 8.4.8)
    u64 root_lba = 0;
    u64 root_bytes = 0;
    std::optional<UnixTime> creation_time, modification_time, expiration_time, effective_time;
    int joliet_level = 0; ///< 1-3 for Joliet
    u64 path_table_bytes = 0;
    u64 l_path_table_lba = 0, m_path_table_lba = 0;
};

/// A session: the blocks from its start to its volume's end.
struct ImageSession {
    u64 start_block = 0;
    u64 end_block = 0; ///< the primary volume's space size (absolute)
    FsType file_systems = FsType::None;
    std::string volume_id;
    std::optional<u64> boot_catalog_lba; ///< El Torito boot record's catalog pointer
};

struct ReaderOptions {
    /// Read the session whose volume descriptors start at this block + 16. Default: the last
    /// session found by find_sessions().
    std::optional<u64> session_start;
};

/// Progress of read_tree, as IMAPI's UpdateImport: folders and files so far.
struct ImportProgressEvent {
    FsType file_system = FsType::None;
    std::string current_item; ///< a folder path ends with '/'
    u64 imported_directories = 0;
    u64 total_directories = 0; ///< from the path table; 0 when unknown
    u64 imported_files = 0;
};

class ImageReader {
public:
    /// Opens the image: finds its sessions and reads the chosen one's volume descriptors.
    /// An image with UDF and no ISO 9660 is one session of UDF alone. Neither there:
    /// NoValidVolumeDescriptor naming the block.
    explicit ImageReader(StreamPtr image, ReaderOptions options = {});

    /// The sessions of an image (oldest first). A session ends where its primary volume's
    /// space ends; the next one starts there or, when a writer padded, at a multiple of 16 blocks
    /// up to 512 blocks later. A volume size smaller than the session's start is the
    /// session's own size (xorriso writes that in sessions on files). A copy of the newest
    /// superblock at block 0 (what xorriso writes on overwritable media) is recognised and not
    /// listed twice.
    [[nodiscard]] static std::vector<ImageSession> find_sessions(const Stream& image);

    [[nodiscard]] const std::vector<ImageSession>& sessions() const { return m_sessions; }
    [[nodiscard]] const ImageSession& session() const { return m_session; }
    [[nodiscard]] const Stream& stream() const { return *m_image; }
    [[nodiscard]] const StreamPtr& stream_ptr() const { return m_image; }

    /// IdentifyFileSystems: what the session holds (Iso9660, RockRidge, Joliet, Iso9660_1999,
    /// Udf).
    [[nodiscard]] FsType file_systems() const { return m_session.file_systems; }
    /// The namespace read by default from a set: Rock Ridge (it keeps POSIX names and
    /// attributes), then Joliet, then ISO 9660:1999, then ISO 9660, then UDF. None for an
    /// empty set.
    [[nodiscard]] static FsType default_file_system(FsType available);
    /// The volume descriptor of one namespace (RockRidge reads the primary one; Udf gives the
    /// primary volume descriptor's identifier and the volume's end).
    [[nodiscard]] const VolumeInfo& volume(FsType ns) const;

    /// Reads a namespace's whole tree (RockRidge: the primary tree with its RRIP names and
    /// attributes; Iso9660: the same tree, plain). FileSystemNotFound when absent.
    [[nodiscard]] ImageTree read_tree(FsType ns, const ImportProgressHandler& progress = {},
                                      CancellationToken cancel = {}) const;

    /// A stream of a file's bytes (its extents in order). Data outside the image:
    /// FileSystemReadConsistency naming the file and the LBA.
    [[nodiscard]] StreamPtr open(const ImageEntry& file) const;
    /// The same for entry `index` of `tree`; errors name its whole path.
    [[nodiscard]] StreamPtr open(const ImageTree& tree, u32 index) const;

private:
    StreamPtr m_image;
    std::vector<ImageSession> m_sessions;
    ImageSession m_session;
    std::vector<VolumeInfo> m_volumes;
};

} // namespace discwright
