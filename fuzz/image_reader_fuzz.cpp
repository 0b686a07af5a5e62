// Fuzz target: image bytes are untrusted. ImageReader must open any bytes, read every tree of
// every session and every file in them, and fail only with discwright::Error: never a crash,
// a hang, an absurd allocation or another exception. What it returns must keep the promises of
// include/discwright/image_reader.h (entry 0 is the root, a folder's children are contiguous
// and name it as their parent, a file stream reads exactly its size).
//
// An input that starts with a volume descriptor ("CD001" at BP 2), or is shorter than 17
// blocks, is placed at LBA 16 of a zeroed image of at least 40 blocks, so that the fuzzer
// mutates volume descriptors and directories instead of the empty system area (ECMA-119
// 6.2.1). Other inputs are the image itself, truncated or unaligned as they come. The
// isomd5sum implant is read and checked from the same bytes.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "discwright/error.h"
#include "discwright/image_reader.h"
#include "discwright/isomd5.h"
#include "discwright/stream.h"
#include "fuzz_image_input.h"

using namespace discwright;

namespace {

constexpr std::size_t max_sessions = 4;
constexpr u64 max_file_bytes = 256 * 1024;       // read per file
constexpr u64 max_total_bytes = 4 * 1024 * 1024; // read per input

void check_tree(const ImageTree& tree, FsType ns) {
    if (tree.size() == 0) __builtin_trap();
    const auto& entries = tree.entries();
    if (entries[0].type != FsiItemType::Directory || entries[0].parent != 0) __builtin_trap();
    for (u32 i = 0; i < entries.size(); ++i) {
        const ImageEntry& e = entries[i];
        if (i != 0 && e.parent >= i) __builtin_trap(); // breadth first: parents come first
        if (e.type != FsiItemType::Directory) continue;
        if (u64{e.first_child} + e.child_count > entries.size()) __builtin_trap();
        for (u32 c = e.first_child; c < e.first_child + e.child_count; ++c)
            if (entries[c].parent != i) __builtin_trap();
        // An ECMA-119 folder is one extent; a UDF folder may have several, or live in its ICB.
        if (ns != FsType::Udf && e.extents.size() != 1) __builtin_trap();
    }
}

void read_file(const ImageReader& reader, const ImageTree& tree, u32 index, u64& budget) {
    const ImageEntry& e = tree.at(index);
    StreamPtr s;
    try {
        s = reader.open(tree, index);
    } catch (const Error&) {
        return;
    }
    if (s->size() != e.size) __builtin_trap();
    std::vector<std::byte> buffer(64 * 1024);
    u64 offset = 0;
    const u64 limit = std::min<u64>(std::min(e.size, max_file_bytes), budget);
    try {
        while (offset < limit) {
            const std::size_t want =
                static_cast<std::size_t>(std::min<u64>(buffer.size(), s->size() - offset));
            const std::size_t got = s->read_at(offset, buffer);
            if (got != want) __builtin_trap(); // a short read must be an Error
            offset += got;
        }
        if (s->read_at(s->size(), buffer) != 0) __builtin_trap();
    } catch (const Error&) {
    }
    budget -= std::min(budget, offset);
}

void read_session(const StreamPtr& image, std::optional<u64> start, u64& budget) {
    std::optional<ImageReader> reader;
    try {
        reader.emplace(image, ReaderOptions{.session_start = start});
    } catch (const Error&) {
        return;
    }
    for (FsType ns :
         {FsType::RockRidge, FsType::Joliet, FsType::Iso9660_1999, FsType::Iso9660, FsType::Udf}) {
        if (!has(reader->file_systems(), ns)) continue;
        try {
            (void)reader->volume(ns);
            u64 events = 0;
            const ImageTree tree =
                reader->read_tree(ns, [&](const ImportProgressEvent&) { ++events; });
            check_tree(tree, ns);
            for (u32 i = 0; i < tree.size(); ++i) {
                const ImageEntry& e = tree.at(i);
                if (i < 64) (void)tree.find(tree.path(i));
                if (e.type == FsiItemType::File) read_file(*reader, tree, i, budget);
            }
        } catch (const Error&) {
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const StreamPtr image = fuzz::image_of(data, size);
    std::vector<ImageSession> sessions;
    try {
        sessions = ImageReader::find_sessions(*image);
    } catch (const Error&) {
    }
    u64 budget = max_total_bytes;
    read_session(image, std::nullopt, budget);
    for (std::size_t i = 0; i < sessions.size() && i < max_sessions; ++i)
        read_session(image, sessions[i].start_block, budget);
    // The isomd5sum implant in the application use area is untrusted text too.
    try {
        if (const auto implant = read_isomd5(*image))
            if (implant->md5.size() != 32) __builtin_trap();
        (void)check_isomd5(*image);
    } catch (const Error&) {
    }
    return 0;
}
