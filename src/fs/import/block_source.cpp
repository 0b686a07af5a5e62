#include "fs/import/block_source.h"

namespace discwright::fs::import {

void damaged(std::string message, std::optional<u64> lba, std::string path) {
    Error e(ErrorCode::FileSystemReadConsistency, std::move(message));
    if (lba) e.with_lba(*lba);
    if (!path.empty()) e.with_path(std::move(path));
    throw e;
}

bool BlockSource::contains(u64 lba, u64 bytes) const {
    const u64 size = m_image->size();
    if (lba > size / block_size) return false;
    return bytes <= size - lba * block_size;
}

namespace {

[[noreturn]] void read_failure(std::string message, u64 lba, const std::string& path) {
    Error e(ErrorCode::ImportReadFailure, std::move(message));
    e.with_lba(lba);
    if (!path.empty()) e.with_path(path);
    throw e;
}

} // namespace

std::vector<std::byte> BlockSource::read(u64 lba, u64 bytes, std::string_view what,
                                         const std::string& path) const {
    // Checked before the buffer exists: a length taken from the image never sizes an
    // allocation larger than the image.
    if (!contains(lba, bytes))
        damaged(fmt::format("{} at LBA {} ({} bytes) lies past the end of the image ({} blocks)",
                            what, lba, bytes, blocks()),
                lba, path);
    std::vector<std::byte> out(bytes);
    read_into(lba, out, what, path);
    return out;
}

void BlockSource::read_into(u64 lba, std::span<std::byte> out, std::string_view what,
                            const std::string& path) const {
    if (!contains(lba, out.size()))
        damaged(fmt::format("{} at LBA {} ({} bytes) lies past the end of the image ({} blocks)",
                            what, lba, out.size(), blocks()),
                lba, path);
    std::size_t got = 0;
    try {
        got = m_image->read_at(lba * block_size, out);
    } catch (const Error& e) {
        read_failure(fmt::format("cannot read {} at LBA {}: {}", what, lba, e.message()), lba,
                     path);
    }
    if (got != out.size())
        read_failure(
            fmt::format("cannot read {} at LBA {}: {} of {} bytes", what, lba, got, out.size()),
            lba, path);
}

} // namespace discwright::fs::import
