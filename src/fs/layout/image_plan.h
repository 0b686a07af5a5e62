#pragma once
// ImagePlan: the laid-out image. It owns a snapshot of the tree, the writers of every
// namespace and the segment map; the result stream and write_to_file read from it. The order
// of extents in the image is decided in one place, build() in image_plan.cpp:
//
//   session start + 0..15   system area (zero)
//                 + 16      primary volume descriptor (ISO 9660)
//                 + 17..    Joliet SVD, ISO 9660:1999 EVD, set terminator
//   then, per tree (ISO 9660, Joliet, 9660:1999): L and M path tables, then directory extents
//   depth first (the relocation folder's subtree first), each followed by its Rock Ridge
//   continuation extent (directory_tree_writer.cpp, reserve())
//   then file data, depth-first by folder (file_placement.h)
//
// With UDF (fs/udf/udf_volume.h has its map): the recognition sequence follows the ECMA-119
// terminator (or starts at 16 when UDF is alone), its descriptors fill 32..65, the anchor is at
// 256 and the UDF partition starts at 257; the ECMA-119 trees, the UDF file set and file
// data follow inside the partition, and a last anchor ends the image.

#include <memory>
#include <string>
#include <vector>

#include "discwright/events.h"
#include "discwright/file_system_image.h"
#include "fs/iso9660/directory_tree_writer.h"
#include "fs/item_tree.h"
#include "fs/layout/file_placement.h"
#include "fs/layout/layout_builder.h"
#include "fs/udf/udf_volume.h"

namespace discwright::fs {

struct PlanRequest {
    std::shared_ptr<const ItemTree> tree;
    ImageOptions options;
    UnixTime now = 0; // volume times, and times of made-up folders
    const EventHandler* events = nullptr;
};

class ImagePlan final : public ExtentRenderer {
public:
    /// Validates, names, sizes and places everything. Throws once listing every problem.
    static std::shared_ptr<ImagePlan> build(const PlanRequest& request);

    [[nodiscard]] const ItemTree& tree() const { return *m_tree; }
    [[nodiscard]] u64 start_block() const { return m_start; }
    [[nodiscard]] u64 total_blocks() const { return m_end - m_start; }
    [[nodiscard]] const std::vector<Segment>& segments() const { return m_segments; }
    /// Renders a metadata segment into `out` (blocks * 2048 bytes).
    void render(const Segment& s, std::span<std::byte> out) const {
        m_renderers[s.renderer]->render(s.extent(), out);
    }
    /// The bytes of a file segment's data (its last block is padded).
    [[nodiscard]] u64 file_bytes(const Segment& s) const { return m_tree->at(s.item()).size; }
    [[nodiscard]] const FilePlacement& placement() const { return m_placement; }
    [[nodiscard]] const std::string& volume_id() const { return m_volume_id; }
    /// The writer of one ECMA-119 namespace, or null when the image has none.
    [[nodiscard]] const iso9660::DirectoryTreeWriter* tree_writer(Namespace ns) const;
    /// The UDF volume, or null when the image has none.
    [[nodiscard]] const udf::UdfVolume* udf() const { return m_udf.get(); }

    /// Volume descriptors (extent 0: blocks 16 .. terminator).
    void render(u32 extent, std::span<std::byte> out) const override;

private:
    ImagePlan() = default;
    std::shared_ptr<const ItemTree> m_tree;
    ImageOptions m_options;
    UnixTime m_now = 0;
    u64 m_start = 0, m_end = 0;
    std::string m_volume_id;
    std::unique_ptr<iso9660::DirectoryTreeWriter> m_iso, m_joliet, m_iso1999;
    std::unique_ptr<udf::UdfVolume> m_udf;
    FilePlacement m_placement;
    std::vector<Segment> m_segments;
    std::vector<const ExtentRenderer*> m_renderers;
};

/// ISO 9660 volume identifier (d-characters, at most 32) and Joliet's (16 UTF-16 units) for
/// a volume name; mapping is reported through `report` (strict mode: InvalidVolumeName).
std::string iso_volume_identifier(std::string_view name);
std::u16string joliet_volume_identifier(std::string_view name);
/// The volume name used when none is given: "YYYYMMDD_HHMM" of `now` (UTC).
std::string default_volume_name(UnixTime now);

} // namespace discwright::fs
