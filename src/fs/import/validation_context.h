#pragma once
// What every check of one session needs: the image's blocks, where the volume ends, the
// problem log, and the blocks each file and structure occupies (for the overlap check).

#include <algorithm>
#include <string>
#include <vector>

#include "discwright/cancellation.h"
#include "discwright/file_system_image.h"
#include "fs/import/block_source.h"
#include "fs/import/validation_log.h"

namespace discwright::fs::import {

struct SessionContext {
    const BlockSource& image;
    ProblemLog& log;
    const CancellationToken& cancel;
    u64 session_start = 0;
    u64 volume_end = 0; ///< the primary volume's space size: its end, absolute
    u64 image_blocks = 0;

    /// The first block that is outside the volume or the image.
    [[nodiscard]] u64 limit() const { return std::min(volume_end, image_blocks); }
    [[nodiscard]] bool inside(u64 lba, u64 blocks) const {
        return lba <= limit() && blocks <= limit() - lba;
    }
    /// "the volume's end (block N)" or "the image's end (block N)", whichever `end` passes.
    [[nodiscard]] std::string end_named(u64 end) const;
};

/// The blocks one structure or file occupies.
struct ExtentUse {
    enum class Kind : u8 { File, Directory, PathTable, Descriptors, Continuation };
    u64 lba = 0;
    u64 blocks = 0;
    u64 bytes = 0; ///< files: their data length (hard links share start and length)
    Kind kind = Kind::File;
    std::string owner; ///< the image path, or what the structure is
};

/// Every extent of a session, in all its namespaces; check() reports overlaps.
class ExtentMap {
public:
    void add(ExtentUse use) {
        if (use.blocks) m_uses.push_back(std::move(use));
    }
    /// extent-overlap for two files that share blocks (unless they start together and have
    /// the same length: hard links, or one file in several namespaces); extent-overlaps-metadata
    /// when a file or structure overlaps a structure.
    void check(ProblemLog& log);

private:
    std::vector<ExtentUse> m_uses;
};

} // namespace discwright::fs::import
