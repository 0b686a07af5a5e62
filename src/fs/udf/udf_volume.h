#pragma once
// UdfVolume: the volume structures of a UDF image around its file set (UdfTree). Where they
// go is fixed, so that an ISO 9660 volume can share the image (the "bridge"):
//
//   16..       ECMA-119 descriptors when ISO 9660 is written, then BEA01, NSR02|NSR03, TEA01
//   32..47     main volume descriptor sequence: PVD, IUVD, PD, LVD, USD, TD
//   48..63     reserve volume descriptor sequence (the same descriptors)
//   64, 65     logical volume integrity descriptor (closed), terminator
//   256        anchor volume descriptor pointer
//   257..      the physical partition (read-only access type) holds everything else:
//              before 2.50, the File Set Descriptor and its terminator;
//              2.50/2.60, the Metadata Mirror File's File Entry, and the mirror's own copy
//              of the metadata partition when redundant metadata is asked for;
//              the ECMA-119 path tables and directories;
//              before 2.50, UdfTree's ICB area; 2.50/2.60, the Metadata File's File Entry and
//              its extent (aligned to 32 blocks): the metadata partition, holding the File
//              Set Descriptor, its terminator and the ICB area;
//              file data
//   last       anchor volume descriptor pointer (ECMA-167 3/8.4.2.1)
//
// The partition ends before the last anchor. Nothing but zeros lies between the last block
// a UDF reader reads (a File Entry or file data) and that anchor: 7-Zip takes anything else
// there for a damaged image. For that reason the mirror's File Entry sits near the start,
// not at the end as DCN-5106 would like. Everything is addressed from block 0 of the image:
// UDF with a session start other than 0 is refused when the options are set.

#include <memory>
#include <span>
#include <string>

#include "fs/udf/udf_tree.h"

namespace discwright::fs::udf {

struct VolumeConfig {
    Revision revision = 0x0102;
    bool redundant_metadata = false; // UDF 2.50+: the mirror file gets its own copy
    bool embed_file_data = false;
    bool requested = true;
    std::string volume_name; // UTF-8
    UnixTime recorded = 0;
};

class UdfVolume final : public ExtentRenderer {
public:
    explicit UdfVolume(VolumeConfig config);

    void plan(const iso9660::PlanEnv& env) { m_tree.plan(env); }
    [[nodiscard]] const UdfTree& tree() const { return m_tree; }
    [[nodiscard]] u64 embedded_bytes() const { return m_tree.embedded_bytes(); }

    /// From the block after the ECMA-119 descriptors (16 without them) to the partition's
    /// first block: recognition sequence, descriptor sequences, integrity, anchor at 256.
    void reserve_head(LayoutBuilder& layout);
    /// The partition's first blocks: the File Set Descriptor (before 2.50), or the mirror's
    /// File Entry (and its copy of the metadata).
    void reserve_partition_start(LayoutBuilder& layout);
    /// The file set: UdfTree's ICB area (before 2.50), or the metadata file and partition.
    void reserve_file_set(LayoutBuilder& layout);
    /// After the file data: the last anchor. Gives every address to the tree.
    void reserve_tail(LayoutBuilder& layout, const FilePlacement* placement);

    void render(u32 extent, std::span<std::byte> out) const override;

    /// The volume identifier as UDF records it (VolumeNameUDF).
    [[nodiscard]] static std::u16string volume_identifier(std::string_view name);

private:
    enum Extent : u32 {
        recognition,
        main_sequence,
        reserve_sequence,
        integrity,
        first_anchor,
        last_anchor,
        metadata_file,
        metadata_mirror,
    };
    u64 reserve_metadata_extent(LayoutBuilder& layout);
    void render_sequence(u32 first_block, std::span<std::byte> out) const;
    void render_metadata_file(bool mirror, std::span<std::byte> out) const;
    [[nodiscard]] bool metadata_partition() const { return m_config.revision >= 0x0250; }
    [[nodiscard]] u16 tag_version() const { return m_config.revision >= 0x0200 ? 3 : 2; }

    VolumeConfig m_config;
    UdfTree m_tree;
    u64 m_recognition_start = 16;
    u64 m_partition_start = 0;
    u64 m_last_anchor = 0;
    u64 m_metadata_fe = 0, m_mirror_fe = 0;       // absolute blocks (2.50+)
    u64 m_metadata_start = 0, m_mirror_start = 0; // absolute: the file set descriptor (copy)
    u64 m_icb_start = 0;                          // absolute: the ICB area before 2.50
    u32 m_metadata_blocks = 0;
};

/// Metadata partition allocation: UDF 2.2.10, a multiple of 32 blocks (the ECC block of BD,
/// twice DVD's), aligned the same way.
inline constexpr u32 metadata_allocation_unit = 32;

} // namespace discwright::fs::udf
