// The overlap check: every extent of a session, sorted by its first block, is compared with the
// one before it that reaches furthest (one pass, n log n).

#include <algorithm>

#include <fmt/format.h>

#include "fs/import/validation_context.h"

namespace discwright::fs::import {

namespace {

std::string_view kind_name(ExtentUse::Kind k) {
    switch (k) {
    case ExtentUse::Kind::File:
        return "file";
    case ExtentUse::Kind::Directory:
        return "folder";
    case ExtentUse::Kind::PathTable:
        return "path table";
    case ExtentUse::Kind::Descriptors:
        return "volume descriptors";
    case ExtentUse::Kind::Continuation:
        return "continuation area";
    }
    return "extent";
}

std::string describe(const ExtentUse& u) {
    return fmt::format("{} '{}' (blocks {}-{})", kind_name(u.kind), u.owner, u.lba,
                       u.lba + u.blocks - 1);
}

} // namespace

std::string SessionContext::end_named(u64 end) const {
    if (end > image_blocks) return fmt::format("the image's end (it has {} blocks)", image_blocks);
    return fmt::format("the volume's end (block {})", volume_end);
}

void ExtentMap::check(ProblemLog& log) {
    using Kind = ExtentUse::Kind;
    std::sort(m_uses.begin(), m_uses.end(), [](const ExtentUse& a, const ExtentUse& b) {
        if (a.lba != b.lba) return a.lba < b.lba;
        return a.blocks > b.blocks;
    });
    std::size_t reach = 0; // the extent so far that ends last
    for (std::size_t i = 1; i < m_uses.size(); ++i) {
        const ExtentUse& a = m_uses[reach];
        const ExtentUse& b = m_uses[i];
        const u64 a_end = a.lba + a.blocks;
        if (b.lba < a_end) {
            const bool a_file = a.kind == Kind::File, b_file = b.kind == Kind::File;
            if (a_file && b_file) {
                // Hard links, and a file seen in several namespaces, share one extent.
                if (!(a.lba == b.lba && a.bytes == b.bytes))
                    log.add(Check::ExtentOverlap, b.lba, b.owner,
                            fmt::format("{} overlaps {}", describe(b), describe(a)));
            } else if (a.kind == Kind::Continuation && b.kind == Kind::Continuation) {
                // Continuation areas of different records share blocks.
            } else if (a.kind == Kind::Directory && b.kind == Kind::Directory && a.lba == b.lba) {
                // One folder met twice: directory-loop reports it.
            } else {
                log.add(Check::ExtentOverlapsMetadata, b.lba, a_file ? a.owner : b.owner,
                        fmt::format("{} overlaps {}", describe(b), describe(a)));
            }
        }
        if (b.lba + b.blocks > a_end) reach = i;
    }
}

} // namespace discwright::fs::import
