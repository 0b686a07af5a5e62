#pragma once
// FileSystemImageResult (IFileSystemImageResult): the laid-out image. Its stream produces bytes
// on demand from a segment map (generated metadata, file extents, zero fill), so a 100 GB image
// costs only its metadata in memory. Writing it to a file moves file data with copy_file_range.

#include <memory>
#include <string>
#include <vector>

#include "discwright/block_range.h"
#include "discwright/cancellation.h"
#include "discwright/error.h"
#include "discwright/events.h"
#include "discwright/stream.h"
#include "discwright/types.h"

namespace discwright {

namespace fs {
class ImagePlan;
}

/// IProgressItem: the blocks of one file's data.
struct ProgressItem {
    std::string description; // the file's image path
    Lba first_block;
    Lba last_block; // inclusive
    [[nodiscard]] BlockCount block_count() const {
        return {last_block.value - first_block.value + 1};
    }
};

/// IProgressItems: every file with data, in block order.
class ProgressItems {
public:
    explicit ProgressItems(std::shared_ptr<const fs::ImagePlan> plan) : m_plan(std::move(plan)) {}
    [[nodiscard]] std::size_t count() const;
    [[nodiscard]] ProgressItem item(std::size_t index) const;
    /// ProgressItemFromBlock: the item whose blocks hold `block`, or nullopt.
    [[nodiscard]] std::optional<ProgressItem> from_block(Lba block) const;
    /// ProgressItemFromDescription: exact match on the image path, or nullopt.
    [[nodiscard]] std::optional<ProgressItem> from_description(std::string_view path) const;

private:
    std::shared_ptr<const fs::ImagePlan> m_plan;
};

/// How write_to_file treats an existing output file.
enum class Overwrite : u8 { Replace, Refuse };

class FileSystemImageResult {
public:
    explicit FileSystemImageResult(std::shared_ptr<const fs::ImagePlan> plan);

    /// ImageStream: total_blocks() * block_size() bytes.
    [[nodiscard]] StreamPtr image_stream() const { return m_stream; }
    [[nodiscard]] ProgressItems progress_items() const { return ProgressItems(m_plan); }
    [[nodiscard]] BlockCount total_blocks() const;
    [[nodiscard]] u32 block_size() const { return discwright::block_size; }
    /// DiscId: the volume identifier of this image.
    [[nodiscard]] std::string disc_id() const;
    /// The LBA the image starts at (SessionStartBlock).
    [[nodiscard]] Lba start_block() const;

    /// Writes the image to `path` through a temporary file in the same folder, renamed over
    /// `path` at the end; on any error or cancellation the temporary is removed and `path` is
    /// untouched. File data moves with copy_file_range. Progress and per-file events go to
    /// `events`.
    void write_to_file(const std::string& path, const EventHandler& events = {},
                       CancellationToken cancel = {},
                       Overwrite overwrite = Overwrite::Replace) const;

private:
    std::shared_ptr<const fs::ImagePlan> m_plan;
    StreamPtr m_stream;
};

} // namespace discwright
