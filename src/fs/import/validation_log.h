#pragma once
// The checks of ImageValidator::check() and the log that collects their problems. Each check
// has one stable id and one severity (the table in validation_log.cpp, documented in
// docs/image-validation.md); code names a check by its enum, never by a string.

#include <array>
#include <optional>
#include <string>

#include "discwright/image_validator.h"

namespace discwright::fs::import {

enum class Check : u8 {
    // the image as a whole
    ImageAlignment,
    VolumeRecognition,
    ReadFailure,
    // volume descriptors (ECMA-119 8)
    VdTerminator,
    VdVersion,
    VdType,
    VdBlockSize,
    VdVolumeSpace,
    VdVolumeSpaceMismatch,
    VdBothByteOrder,
    VdDate,
    VdIdentifier,
    VdRootRecord,
    VdVolumeSet,
    // path tables (ECMA-119 6.9, 9.4)
    PathTableLocation,
    PathTableRecord,
    PathTablePadding,
    PathTableOrder,
    PathTableEntry,
    PathTableMismatch,
    // directories and their records (ECMA-119 6.8, 9.1, 9.3)
    DirectoryExtent,
    DirectoryLength,
    DirectoryLoop,
    DirectoryDepth,
    RecordLength,
    RecordIdentifier,
    RecordPadding,
    RecordBothByteOrder,
    RecordDate,
    RecordDot,
    JolietDotDot,
    RecordOrder,
    DuplicateName,
    DuplicateNameVersion,
    MultiExtent,
    ExtentOutsideVolume,
    ExtentOverlap,
    ExtentOverlapsMetadata,
    // names per namespace
    IsoNameChars,
    IsoNameForm,
    IsoNameLength,
    IsoNameVersion,
    JolietNameUtf16,
    JolietNameChars,
    JolietNameLength,
    Iso1999NameLength,
    // SUSP 1.12 and RRIP 1.12 on the primary tree
    SuspSp,
    SuspEntry,
    SuspCe,
    SuspCeLoop,
    RripEr,
    RripPx,
    RripPn,
    RripTf,
    RripNm,
    RripSl,
    RripCl,
    RripPl,
    // UDF (ECMA-167, OSTA UDF)
    UdfVolume,
    UdfTree,
    UdfCounts,
    Count, // the number of checks, not a check
};

inline constexpr std::size_t check_count = static_cast<std::size_t>(Check::Count);

[[nodiscard]] const ValidationCheck& check_info(Check check);

/// Collects problems into a report. A check that fires more than `limit` times is summarised
/// by one last problem of the same check, so a badly damaged image gives a readable report.
class ProblemLog {
public:
    static constexpr std::size_t default_limit = 1000;

    explicit ProblemLog(ValidationReport& report, std::size_t limit = default_limit)
        : m_report(&report), m_limit(limit) {}

    /// Put before every message from now on (e.g. "session 2 of 3 (LBA 4000): ").
    void set_prefix(std::string prefix) { m_prefix = std::move(prefix); }

    void add(Check check, std::optional<u64> lba, std::string path, std::string message);
    /// Adds the summaries of checks that went over the limit.
    void finish();

    [[nodiscard]] std::size_t count(Check check) const {
        return m_counts[static_cast<std::size_t>(check)];
    }

private:
    ValidationReport* m_report;
    std::size_t m_limit;
    std::string m_prefix;
    std::array<std::size_t, check_count> m_counts{};
};

} // namespace discwright::fs::import
