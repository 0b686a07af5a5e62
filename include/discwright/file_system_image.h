#pragma once
// FileSystemImage: stage files and folders into an ISO 9660 / Joliet / Rock Ridge image
// (IMAPI2FS's MsftFileSystemImage). File data stays where it is, a host path or a caller's
// Stream, until the image's bytes are asked for; create_result_image() lays the image out and
// returns a FileSystemImageResult whose stream produces bytes on demand.
//
// Items are views (FsiItem, FsiFileItem, FsiDirectoryItem): small values naming one item of
// the image's compact tree. A view stays valid while its item is in the image.
//
// Memory per staged file is flat (see item_tree.h for the budget): no heap object per file.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "discwright/cancellation.h"
#include "discwright/clock.h"
#include "discwright/error.h"
#include "discwright/events.h"
#include "discwright/media_type.h"
#include "discwright/stream.h"
#include "discwright/types.h"

namespace discwright {

class FileSystemImageResult;
class ImageReader;
struct ImportProgressEvent; // image_reader.h
/// IMAPI's DFileSystemImageImportEvents::UpdateImport.
using ImportProgressHandler = std::function<void(const ImportProgressEvent&)>;
namespace fs {
class ItemTree;
class ImagePlan;
} // namespace fs

/// FsiFileSystems, plus the two ECMA-119 extensions IMAPI lacks. A set of flags.
enum class FsType : u32 {
    None = 0,
    Iso9660 = 1,      // IMAPI FsiFileSystemISO9660
    Joliet = 2,       // IMAPI FsiFileSystemJoliet
    Udf = 4,          // IMAPI FsiFileSystemUDF: revisions 1.02 to 2.60 (UdfRevision)
    RockRidge = 8,    // POSIX names, modes, owners, times, links on the ISO 9660 tree
    Iso9660_1999 = 16 // an ISO 9660:1999 tree beside the level 1-3 one (--iso-level 4)
};
constexpr FsType operator|(FsType a, FsType b) {
    return FsType(u32(a) | u32(b));
}
constexpr FsType operator&(FsType a, FsType b) {
    return FsType(u32(a) & u32(b));
}
constexpr FsType operator~(FsType a) {
    return FsType(~u32(a) & 31u);
}
constexpr bool has(FsType set, FsType one) {
    return (u32(set) & u32(one)) != 0;
}
/// "iso9660,joliet,rockridge".
[[nodiscard]] std::string to_string(FsType set);
/// Parses "iso9660,joliet,rockridge,udf" (also "rr", "iso9660:1999"); nullopt when unknown.
[[nodiscard]] std::optional<FsType> parse_fs_types(std::string_view list);

/// UDFRevision, encoded as the UDF specification and IMAPI do: 0x102 is 1.02, 0x250 is 2.50.
/// 1.02 and 1.50 record File Entries; 2.00 on, Extended File Entries (with creation times);
/// 2.50 and 2.60 keep every File Entry and folder in a metadata partition.
enum class UdfRevision : u16 {
    V1_02 = 0x102,
    V1_50 = 0x150,
    V2_00 = 0x200,
    V2_01 = 0x201,
    V2_50 = 0x250,
    V2_60 = 0x260,
};
/// "2.50".
[[nodiscard]] std::string to_string(UdfRevision r);
/// Parses "2.50", "250" or "0x250"; nullopt for a revision discwright does not write.
[[nodiscard]] std::optional<UdfRevision> parse_udf_revision(std::string_view text);

/// CreateRedundantUdfMetadataFiles (UDF 2.50 and 2.60): whether the Metadata Mirror File gets
/// its own copy of every File Entry and folder. discwright's default is One, unlike IMAPI's:
/// a second copy costs one block per file (it would double the UDF cost of a tree of small
/// files), and a pressed or burned image is read-only. The mirror File Entry is always there.
enum class UdfMetadataCopies : u8 { One, Two };

/// FsiItemType, with the POSIX kinds Rock Ridge records.
enum class FsiItemType : u8 {
    NotFound = 0,
    Directory = 1,
    File = 2,
    Symlink = 3,
    CharDevice = 4,
    BlockDevice = 5,
    Fifo = 6,
    Socket = 7,
};

/// How strictly names and depths follow each standard.
enum class Compliance : u8 {
    Relaxed, // map what does not fit (report each mapping as a NameMappedEvent)
    Strict,  // every mapping is an error naming the item
};

/// UseRestrictedCharacterSet: whether names added from now on may hold characters outside
/// printable ASCII (32-126).
enum class CharacterSet : u8 { Unicode, Restricted };

/// Joliet name length: 64 UTF-16 units (the Joliet specification), or 103 (what Windows and
/// Linux read, as xorriso's -joliet-long).
enum class JolietNames : u8 { Standard, Long };

/// Whether add_tree puts the folder itself into the image or only its contents.
enum class BaseDirectory : u8 { Exclude, Include };

/// What add_tree does with a host symlink.
enum class Symlinks : u8 {
    Record, // store the link itself (Rock Ridge SL; other namespaces see an empty file)
    Follow, // store what it points to; a link back into the tree is Error(SymlinkLoop)
};

/// Options of an image. Validated once, naming the bad option, when set.
struct ImageOptions {
    FsType file_systems = FsType::Iso9660 | FsType::Joliet | FsType::RockRidge;
    /// ISO9660InterchangeLevel: 1 (8.3 names), 2 (31 characters), 3 (2 + files of any size as
    /// several extents), or 4 (= level 3 plus an ISO 9660:1999 tree). Level 3 is the default
    /// because it is the only one that records any file a user has.
    int iso_level = 3;
    /// VolumeName. Empty: made from the creation date ("YYYYMMDD_HHMM"), as IMAPI does.
    std::string volume_name;
    Compliance compliance = Compliance::Relaxed;
    CharacterSet character_set = CharacterSet::Unicode;
    JolietNames joliet_names = JolietNames::Standard;
    /// SessionStartBlock: the LBA where the image will be placed; every address in it is
    /// absolute. 0 for a standalone image file.
    u32 session_start_block = 0;
    /// FreeMediaBlocks put: the most blocks the image may take; 0 = no limit. IMAPI's default
    /// is a 74-minute CD (332,800 blocks).
    u64 max_media_blocks = 332'800;
    /// Volume descriptor times. Default: the image's Clock at create_result_image().
    std::optional<UnixTime> volume_date;
    /// UDFRevision, when file_systems has Udf. 1.02 is IMAPI's default and what every UDF
    /// reader takes (Windows 98 on); Blu-ray players want 2.50.
    UdfRevision udf_revision = UdfRevision::V1_02;
    /// CreateRedundantUdfMetadataFiles.
    UdfMetadataCopies udf_metadata_copies = UdfMetadataCopies::One;
};

class FileSystemImage;
class FsiDirectoryItem;
class FsiFileItem;

/// IFsiItem: an item of an image.
class FsiItem {
public:
    FsiItem(FileSystemImage& image, u32 id) : m_image(&image), m_id(id) {}

    [[nodiscard]] u32 id() const { return m_id; }
    [[nodiscard]] FsiItemType type() const;
    /// Name as given (UTF-8).
    [[nodiscard]] std::string name() const;
    /// "/dir/name" in the image ("/" for the root). IMAPI uses '\'; discwright uses '/'.
    [[nodiscard]] std::string full_path() const;
    /// The name as recorded in one namespace (Iso9660, Joliet, Iso9660_1999 or RockRidge),
    /// UTF-8, e.g. "README.TXT;1". Computes the names of the item's directory.
    [[nodiscard]] std::string file_system_name(FsType ns) const;
    /// The full path as recorded in one namespace, e.g. "/DOCS/README.TXT;1".
    [[nodiscard]] std::string file_system_path(FsType ns) const;

    [[nodiscard]] UnixTime creation_time() const;
    [[nodiscard]] UnixTime last_accessed_time() const;
    [[nodiscard]] UnixTime last_modified_time() const;
    void set_creation_time(UnixTime t);
    void set_last_accessed_time(UnixTime t);
    void set_last_modified_time(UnixTime t);
    [[nodiscard]] bool is_hidden() const;
    void set_hidden(bool hidden);

    /// POSIX facts recorded by Rock Ridge.
    [[nodiscard]] u32 mode() const; // permission bits and file type (st_mode)
    [[nodiscard]] u32 uid() const;
    [[nodiscard]] u32 gid() const;
    void set_mode(u32 permission_bits); // the type bits are kept
    void set_owner(u32 uid, u32 gid);

    /// QueryInterface, checked: the item as a directory (NotDir otherwise) or as a file,
    /// symlink or special file (NotFile for a directory).
    [[nodiscard]] FsiDirectoryItem as_directory() const;
    [[nodiscard]] FsiFileItem as_file() const;

    [[nodiscard]] bool operator==(const FsiItem& o) const {
        return m_image == o.m_image && m_id == o.m_id;
    }

protected:
    FileSystemImage* m_image;
    u32 m_id;
};

/// IFsiFileItem: a file (or a symlink or device, which carry no data).
class FsiFileItem : public FsiItem {
public:
    using FsiItem::FsiItem;
    [[nodiscard]] u64 data_size() const;
    /// The content: a FileStream for a host file, or the stream given to add_file.
    [[nodiscard]] StreamPtr data() const;
    /// Symlink target (empty for other items).
    [[nodiscard]] std::string symlink_target() const;
};

/// IFsiDirectoryItem. Paths are relative to this directory, '/'-separated.
class FsiDirectoryItem : public FsiItem {
public:
    using FsiItem::FsiItem;

    /// Item(path): throws ItemNotFound naming the path.
    [[nodiscard]] FsiItem item(std::string_view path) const;
    /// Count: number of children.
    [[nodiscard]] std::size_t count() const;
    /// EnumFsiItems: a snapshot of the children, in no promised order.
    [[nodiscard]] std::vector<FsiItem> children() const;

    /// AddDirectory: the parent must exist (DirNotFound); a taken name is DupName.
    FsiDirectoryItem add_directory(std::string_view path);
    /// AddFile with a caller's stream.
    FsiFileItem add_file(std::string_view path, StreamPtr data);
    /// AddFile from a host file: its size, times and mode are taken now; its bytes when the
    /// image is produced (a change in between is DataStreamInconsistency naming it).
    FsiFileItem add_file_from(std::string_view path, const std::string& host_path);
    /// A symbolic link (Rock Ridge SL).
    FsiFileItem add_symlink(std::string_view path, std::string target);
    /// AddTree: recursively adds a host folder. Source items replace image items of the same
    /// name. Atomic: on failure the image is as before the call.
    /// Cancelling stops at the next folder and rolls back (RequestCancelled).
    void add_tree(const std::string& source_directory, BaseDirectory base = BaseDirectory::Exclude,
                  Symlinks symlinks = Symlinks::Record, CancellationToken cancel = {});
    /// Remove: one file, or an empty directory (else DirNotEmpty).
    void remove(std::string_view path);
    /// RemoveTree: a directory and everything below it; "/" on the root clears the image.
    void remove_tree(std::string_view path);
};

/// MsftFileSystemImage.
class FileSystemImage {
public:
    explicit FileSystemImage(ImageOptions options = {}, Clock clock = Clock::from_environment());
    ~FileSystemImage();
    FileSystemImage(const FileSystemImage&) = delete;
    FileSystemImage& operator=(const FileSystemImage&) = delete;

    [[nodiscard]] FsiDirectoryItem root();

    [[nodiscard]] const ImageOptions& options() const { return m_options; }
    /// Validates and applies every option at once. InvalidParam / InvalidVolumeName name the
    /// option; a stricter compliance on a non-empty image is FileSystemNotEmpty; a
    /// max_media_blocks below the current image is ImageTooBig.
    void set_options(ImageOptions options);
    /// ChooseImageDefaultsForMediaType: file systems and capacity for a media type (the table
    /// is in docs/file-system-images.md). Unknown or HD DVD media: InvalidParam.
    void choose_image_defaults_for_media_type(MediaType media);
    /// SetMaxMediaBlocks: options().max_media_blocks = blocks, checked like set_options.
    void set_max_media_blocks(u64 blocks);

    /// FileSystemsSupported.
    [[nodiscard]] static FsType file_systems_supported();
    /// ISO9660InterchangeLevelsSupported.
    [[nodiscard]] static std::vector<int> iso9660_interchange_levels_supported() {
        return {1, 2, 3, 4};
    }
    /// UDFRevisionsSupported.
    [[nodiscard]] static std::vector<UdfRevision> udf_revisions_supported() {
        return {UdfRevision::V1_02, UdfRevision::V1_50, UdfRevision::V2_00,
                UdfRevision::V2_01, UdfRevision::V2_50, UdfRevision::V2_60};
    }

    /// FileCount / DirectoryCount (the root is not counted, as IMAPI).
    [[nodiscard]] std::size_t file_count() const;
    [[nodiscard]] std::size_t directory_count() const;
    /// Exists(path): the item type or NotFound.
    [[nodiscard]] FsiItemType exists(std::string_view path) const;

    /// UsedBlocks: the exact size the image would have now (lays it out; cached until the
    /// next change).
    [[nodiscard]] u64 used_blocks() const;
    /// FreeMediaBlocks get: the capacity the image may take (max_media_blocks; 0 = no limit).
    [[nodiscard]] u64 free_media_blocks() const { return m_options.max_media_blocks; }
    /// What is left of that capacity now: max_media_blocks - used_blocks (0 when unlimited or
    /// full).
    [[nodiscard]] u64 remaining_media_blocks() const;

    /// VolumeNameISO9660 / VolumeNameJoliet: the label as each namespace records it.
    [[nodiscard]] std::string volume_name_iso9660() const;
    [[nodiscard]] std::string volume_name_joliet() const;
    /// VolumeNameUDF: the label as the UDF primary volume descriptor records it.
    [[nodiscard]] std::string volume_name_udf() const;

    /// ChangePoint: the number of modifications so far.
    [[nodiscard]] u64 change_point() const;
    /// RollbackToChangePoint: undoes every change after `point`. ChangePointLocked when
    /// `point` is before the locked-in point; InvalidParam when it is in the future.
    void rollback_to_change_point(u64 point);
    /// LockInChangePoint: forbids rollback to any earlier point.
    void lock_in_change_point();

    /// Receives progress, name-mapping and warning events.
    void set_event_handler(EventHandler handler) { m_events = std::move(handler); }

    /// CreateResultImage: names, sizes and places every item, checks the image fits
    /// max_media_blocks (ImageTooBig, before anything is written), and returns the lazy image.
    [[nodiscard]] FileSystemImageResult create_result_image(CancellationToken cancel = {});

    // ---- import (IMAPI: IdentifyFileSystemsOnDisc, ImportFileSystem, ...) -----------------
    // An image file or a disc is read through an ImageReader; its session's tree is merged
    // into this image. Imported files are not read: they keep referring to their bytes in the
    // earlier session, and a new session laid out after it (session_start_block, set by the
    // import to the end of the reader's last session or of its stream, whichever is later)
    // points at them. An image that starts
    // before that data (a standalone image, session_start_block 0) copies it instead.

    /// IdentifyFileSystemsOnDisc: the namespaces of the reader's session.
    [[nodiscard]] static FsType identify_file_systems(const ImageReader& reader);
    /// GetDefaultFileSystemForImport: Rock Ridge (it keeps POSIX names, modes, owners and
    /// links), then Joliet, then ISO 9660:1999, then ISO 9660. IMAPI has no Rock Ridge and
    /// prefers Joliet.
    [[nodiscard]] static FsType default_file_system_for_import(FsType available);
    /// ImportFileSystem: imports the default namespace; returns it. An empty set is
    /// NoSupportedFileSystem.
    FsType import_file_system(const ImageReader& reader, const ImportProgressHandler& progress = {},
                              CancellationToken cancel = {});
    /// ImportSpecificFileSystem: FileSystemNotFound when the session lacks `ns`. Items already
    /// in this image win name collisions; a file where a folder is imported (or the reverse)
    /// is ImportDirectoryExistsAsFile / ImportFileExistsAsDirectory naming the path. Atomic:
    /// on failure the image is as before. Sets session_start_block to the end of the reader's
    /// last session (or of its stream, when that is later) and file_systems to the namespaces the
    /// session had (those discwright writes).
    void import_specific_file_system(const ImageReader& reader, FsType ns,
                                     const ImportProgressHandler& progress = {},
                                     CancellationToken cancel = {});
    /// ImportedVolumeName: the label of the imported volume (empty before an import). Not
    /// carried into the new session unless the caller sets it.
    [[nodiscard]] const std::string& imported_volume_name() const { return m_imported_volume_name; }

    /// The image's clock (for item times it invents).
    [[nodiscard]] const Clock& clock() const { return m_clock; }

    // Used by the item views.
    fs::ItemTree& tree_for_write();
    [[nodiscard]] const fs::ItemTree& tree() const { return *m_tree; }
    [[nodiscard]] std::shared_ptr<const fs::ItemTree> tree_snapshot() const { return m_tree; }
    void emit(const Event& e) const {
        if (m_events) m_events(e);
    }

    /// After an add: rolls back to `point` and throws ImageSizeLimit naming `path` when the
    /// image has grown past max_media_blocks.
    void check_size_limit(u64 point, std::string_view path);

private:
    /// The layout of the image as it is now, without events (cached per change point).
    std::shared_ptr<const fs::ImagePlan> quiet_plan() const;
    ImageOptions m_options;
    Clock m_clock;
    std::shared_ptr<fs::ItemTree> m_tree;
    EventHandler m_events;
    std::string m_imported_volume_name;
    u64 m_locked_point = 0;
    mutable std::shared_ptr<const fs::ImagePlan> m_plan_cache;
    mutable u64 m_plan_cache_point = ~u64{0};
};

} // namespace discwright
