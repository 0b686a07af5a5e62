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

std::vector<std::byte> BlockSource::read(u64 lba, u64 bytes, std::string_view what) const {
    if (!contains(lba, bytes))
        damaged(fmt::format("{} at LBA {} ({} bytes) lies past the end of the image ({} blocks)",
                            what, lba, bytes, blocks()),
                lba);
    std::vector<std::byte> out(bytes);
    read_into(lba, out, what);
    return out;
}

void BlockSource::read_into(u64 lba, std::span<std::byte> out, std::string_view what) const {
    if (!contains(lba, out.size()))
        damaged(fmt::format("{} at LBA {} ({} bytes) lies past the end of the image ({} blocks)",
                            what, lba, out.size(), blocks()),
                lba);
    std::size_t got = 0;
    try {
        got = m_image->read_at(lba * block_size, out);
    } catch (const Error& e) {
        throw Error(ErrorCode::ImportReadFailure,
                    fmt::format("cannot read {} at LBA {}: {}", what, lba, e.message()))
            .with_lba(lba);
    }
    if (got != out.size())
        throw Error(
            ErrorCode::ImportReadFailure,
            fmt::format("cannot read {} at LBA {}: {} of {} bytes", what, lba, got, out.size()))
            .with_lba(lba);
}

} // namespace discwright::fs::import
