#pragma once
// The comparisons behind burn verification, over any way of reading the medium's sectors: the
// data writer reads its drive, compare_with_source() reads a Stream (an image file or a disc).

#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "discwright/verification.h"

namespace discwright::burn {

/// Fills `out` (whole 2048-byte sectors) with the medium's sectors from `lba`.
using SectorReader = std::function<void(u64 lba, std::span<std::byte> out)>;

/// Checksums of the source taken while it was written: one per run of sectors.
class ChecksumLog {
public:
    struct Entry {
        u64 first = 0; // sector index within the session
        u32 count = 0;
        u64 hash = 0; // XXH3-64 of the run's bytes
    };
    void add(u64 first_sector, std::span<const std::byte> bytes);
    [[nodiscard]] const std::vector<Entry>& entries() const { return m_entries; }
    [[nodiscard]] u64 sectors() const;

private:
    std::vector<Entry> m_entries;
};

[[nodiscard]] u64 checksum(std::span<const std::byte> bytes);

/// Quick verification's sample: [first, first + count) runs of sector indexes within a session of
/// `sectors` sectors, sorted and not overlapping: the system and volume descriptor area
/// (sectors 0-31), the last 16 sectors and 32 runs of 8 spread evenly between.
[[nodiscard]] std::vector<std::pair<u64, u64>> quick_sample(u64 sectors);

/// Compares the runs of `ranges` (sector indexes of the session) read from the medium at
/// `start_lba` with the same sectors of `source`.
[[nodiscard]] VerificationReport
compare_ranges(const SectorReader& medium, u64 start_lba, const Stream& source, u64 sectors,
               const std::vector<std::pair<u64, u64>>& ranges, VerificationLevel level,
               const VerificationProgress& progress, const CancellationToken& cancel);

/// Full verification against checksums: reads every logged run back, and on a mismatch reads
/// the source again to name the first differing sector.
[[nodiscard]] VerificationReport compare_checksums(const SectorReader& medium, u64 start_lba,
                                                   const ChecksumLog& log, const Stream& source,
                                                   const VerificationProgress& progress,
                                                   const CancellationToken& cancel);

} // namespace discwright::burn
