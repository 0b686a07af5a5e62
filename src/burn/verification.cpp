#include "burn/verification.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <xxhash.h>

#include "discwright/error.h"

namespace discwright {

const char* to_string(VerificationLevel v) {
    switch (v) {
    case VerificationLevel::None:
        return "none";
    case VerificationLevel::Quick:
        return "quick";
    case VerificationLevel::Full:
        return "full";
    }
    return "unknown";
}

namespace burn {

namespace {

constexpr u64 sector = block_size;
/// Sectors read back at once.
constexpr u64 run_sectors = 512;

void read_source(const Stream& source, u64 first, std::span<std::byte> out) {
    const auto got = source.read_at(first * sector, out);
    if (got != out.size())
        throw Error(ErrorCode::DataStreamReadFailure,
                    fmt::format("verification: {} ended at byte {} before sector {}",
                                source.description(), first * sector + got,
                                first + out.size() / sector))
            .with_path(source.description());
}

/// The first sector at which two equal-length runs differ.
std::optional<u64> first_difference(std::span<const std::byte> a, std::span<const std::byte> b) {
    for (u64 i = 0; i * sector < a.size(); ++i)
        if (std::memcmp(a.data() + i * sector, b.data() + i * sector, sector) != 0) return i;
    return std::nullopt;
}

} // namespace

u64 checksum(std::span<const std::byte> bytes) {
    return XXH3_64bits(bytes.data(), bytes.size());
}

void ChecksumLog::add(u64 first_sector, std::span<const std::byte> bytes) {
    m_entries.push_back({first_sector, static_cast<u32>(bytes.size() / sector), checksum(bytes)});
}

u64 ChecksumLog::sectors() const {
    u64 n = 0;
    for (const auto& e : m_entries)
        n += e.count;
    return n;
}

std::vector<std::pair<u64, u64>> quick_sample(u64 sectors) {
    std::vector<std::pair<u64, u64>> runs;
    auto add = [&](u64 first, u64 count) {
        if (first >= sectors) return;
        runs.emplace_back(first, std::min(count, sectors - first));
    };
    add(0, 32);
    constexpr u64 spread = 32, spread_run = 8;
    for (u64 i = 1; i <= spread; ++i)
        add(sectors * i / (spread + 1), spread_run);
    add(sectors > 16 ? sectors - 16 : 0, 16);
    // Sort and merge overlaps so no sector is read twice.
    std::sort(runs.begin(), runs.end());
    std::vector<std::pair<u64, u64>> merged;
    for (const auto& [first, count] : runs) {
        if (!merged.empty() && first <= merged.back().first + merged.back().second) {
            auto& last = merged.back();
            last.second = std::max(last.first + last.second, first + count) - last.first;
        } else {
            merged.emplace_back(first, count);
        }
    }
    return merged;
}

VerificationReport compare_ranges(const SectorReader& medium, u64 start_lba, const Stream& source,
                                  u64 sectors, const std::vector<std::pair<u64, u64>>& ranges,
                                  VerificationLevel level, const VerificationProgress& progress,
                                  const CancellationToken& cancel) {
    VerificationReport report{.level = level, .start_lba = start_lba, .sectors = sectors};
    u64 total = 0;
    for (const auto& r : ranges)
        total += r.second;
    std::vector<std::byte> disc(run_sectors * sector), want(run_sectors * sector);
    for (const auto& [first, count] : ranges) {
        for (u64 done = 0; done < count;) {
            cancel.throw_if_cancelled();
            const u64 n = std::min(run_sectors, count - done);
            const std::span<std::byte> d{disc.data(), n * sector}, w{want.data(), n * sector};
            medium(start_lba + first + done, d);
            read_source(source, first + done, w);
            if (const auto bad = first_difference(d, w)) {
                report.sectors_compared += *bad;
                report.first_mismatch_lba = start_lba + first + done + *bad;
                return report;
            }
            done += n;
            report.sectors_compared += n;
            if (progress) progress(report.sectors_compared, total);
        }
    }
    return report;
}

VerificationReport compare_checksums(const SectorReader& medium, u64 start_lba,
                                     const ChecksumLog& log, const Stream& source,
                                     const VerificationProgress& progress,
                                     const CancellationToken& cancel) {
    VerificationReport report{
        .level = VerificationLevel::Full, .start_lba = start_lba, .sectors = log.sectors()};
    std::vector<std::byte> disc;
    for (const auto& e : log.entries()) {
        cancel.throw_if_cancelled();
        disc.resize(static_cast<std::size_t>(e.count) * sector);
        for (u64 done = 0; done < e.count;) {
            const u64 n = std::min<u64>(run_sectors, e.count - done);
            medium(start_lba + e.first + done, std::span(disc).subspan(done * sector, n * sector));
            done += n;
        }
        if (checksum(disc) != e.hash) {
            // Name the sector: the source is read again only for this run.
            std::vector<std::byte> want(disc.size());
            read_source(source, e.first, want);
            const auto bad = first_difference(disc, want).value_or(0);
            report.sectors_compared += bad;
            report.first_mismatch_lba = start_lba + e.first + bad;
            return report;
        }
        report.sectors_compared += e.count;
        if (progress) progress(report.sectors_compared, report.sectors);
    }
    return report;
}

} // namespace burn

VerificationReport compare_with_source(const Stream& medium, u64 start_lba, const Stream& source,
                                       VerificationLevel level,
                                       const VerificationProgress& progress,
                                       CancellationToken cancel) {
    if (source.size() % block_size != 0)
        throw Error(ErrorCode::StreamNotSupported,
                    fmt::format("verification: {} is {} bytes, not whole {}-byte sectors",
                                source.description(), source.size(), block_size))
            .with_path(source.description());
    const u64 sectors = source.size() / block_size;
    if ((start_lba + sectors) * block_size > medium.size())
        throw Error(ErrorCode::MediaCapacityExceeded,
                    fmt::format("verification: {} holds {} sectors, too few for {} sectors from "
                                "LBA {}",
                                medium.description(), medium.size() / block_size, sectors,
                                start_lba))
            .with_path(medium.description());
    const burn::SectorReader reader = [&](u64 lba, std::span<std::byte> out) {
        burn::read_source(medium, lba, out);
    };
    switch (level) {
    case VerificationLevel::None:
        return {.level = level, .start_lba = start_lba, .sectors = sectors};
    case VerificationLevel::Quick:
        return burn::compare_ranges(reader, start_lba, source, sectors, burn::quick_sample(sectors),
                                    level, progress, cancel);
    case VerificationLevel::Full:
        break;
    }
    return burn::compare_ranges(reader, start_lba, source, sectors, {{0, sectors}}, level, progress,
                                cancel);
}

} // namespace discwright
