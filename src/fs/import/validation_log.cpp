#include "fs/import/validation_log.h"

#include <fmt/format.h>

namespace discwright {

namespace {

using Severity = ValidationProblem::Severity;
constexpr Severity E = Severity::Error;
constexpr Severity W = Severity::Warning;

// In the order of enum Check; docs/image-validation.md explains each line.
constexpr std::array<ValidationCheck, fs::import::check_count> checks{{
    {"image-alignment", E, "the image is not a whole number of 2048-byte blocks"},
    {"volume-recognition", E, "no primary volume descriptor at the session's block 16"},
    {"read-failure", E, "a block of the image could not be read"},
    {"vd-terminator", E, "the volume descriptor set does not end with a set terminator"},
    {"vd-version", E, "a volume descriptor's version or file structure version is wrong"},
    {"vd-type", W, "a volume descriptor of unknown type, or a second primary one"},
    {"vd-block-size", E, "the logical block size is not 2048"},
    {"vd-volume-space", E, "the volume space ends past the end of the image"},
    {"vd-volume-space-mismatch", W,
     "a supplementary or enhanced volume's space size differs from the primary's"},
    {"vd-both-byte-order", E, "a both-byte-order field of a volume descriptor disagrees"},
    {"vd-date", W, "a volume descriptor date is not 16 digits of a possible date"},
    {"vd-identifier", W, "a primary volume descriptor identifier uses characters it may not"},
    {"vd-root-record", E, "the root directory record of a volume descriptor is malformed"},
    {"vd-volume-set", W, "the volume set size or volume sequence number is impossible"},
    {"path-table-location", E, "a path table is missing or lies outside the volume"},
    {"path-table-record", E, "a path table record is malformed"},
    {"path-table-padding", W, "a path table record's padding byte is not zero"},
    {"path-table-order", E, "path table records are not ordered by level, parent and name"},
    {"path-table-entry", E,
     "a folder is missing from the path table, or listed with the wrong extent or parent"},
    {"path-table-mismatch", E, "the L and M path tables (or their optional copies) differ"},
    {"directory-extent", E, "a folder's extent is empty, too large or outside the volume"},
    {"directory-length", W, "a folder's data length is not a whole number of blocks"},
    {"directory-loop", E, "a folder points at the extent of another folder (a loop)"},
    {"directory-depth", W, "the ISO 9660 tree is deeper than 8 levels or a path is too long"},
    {"record-length", E, "a directory record's length is impossible or crosses a block"},
    {"record-identifier", E, "a directory record's identifier is empty or misplaced"},
    {"record-padding", W, "a padding byte is not zero, or a record has an odd length"},
    {"record-both-byte-order", E, "a both-byte-order field of a directory record disagrees"},
    {"record-date", W, "a recording date is not a possible date"},
    {"record-dot", E, "a folder does not start with '.' and '..' pointing at itself and parent"},
    {"joliet-dotdot", W, "a Joliet folder's '..' record points at the folder itself"},
    {"record-order", E, "a folder's records are not sorted (ECMA-119 9.3)"},
    {"duplicate-name", E, "two records of a folder have the same identifier"},
    {"duplicate-name-version", W, "two records of a folder differ only in their version"},
    {"multi-extent", E, "the records of a multi-extent file do not chain correctly"},
    {"extent-outside-volume", E, "a file's or folder's extent ends past the volume"},
    {"extent-overlap", W, "two files share blocks but not the same extent"},
    {"extent-overlaps-metadata", E,
     "a file or folder overlaps descriptors, path tables, folders or continuation areas"},
    {"iso-name-chars", W, "an ISO 9660 identifier has characters outside the d-characters"},
    {"iso-name-form", W, "an ISO 9660 file identifier is not NAME.EXT;VERSION"},
    {"iso-name-length", W, "an ISO 9660 identifier is longer than level 2 and 3 allow"},
    {"iso-name-version", W, "an ISO 9660 file identifier has no version or a bad one"},
    {"joliet-name-utf16", E, "a Joliet identifier is not valid UTF-16"},
    {"joliet-name-chars", W, "a Joliet identifier has characters Joliet forbids"},
    {"joliet-name-length", W, "a Joliet identifier is longer than 64 units"},
    {"iso1999-name-length", W, "an ISO 9660:1999 identifier is longer than 207 bytes"},
    {"susp-sp", E, "System Use entries without a valid SP entry in the root's '.' record"},
    {"susp-entry", E, "a System Use entry has an impossible length or version"},
    {"susp-ce", E, "a continuation area lies outside the volume or has a bad length"},
    {"susp-ce-loop", E, "continuation areas lead back to one already read"},
    {"rrip-er", W, "Rock Ridge entries without an ER entry naming RRIP"},
    {"rrip-px", E, "a PX entry has a bad length or a file type the record contradicts"},
    {"rrip-pn", E, "a PN entry has a bad length"},
    {"rrip-tf", E, "a TF entry's length does not match its flags"},
    {"rrip-nm", E, "an NM entry is malformed or its name holds '/' or NUL"},
    {"rrip-sl", E, "an SL entry is malformed, or a symlink lacks one"},
    {"rrip-cl", E, "a CL entry points at something that is not a relocated folder"},
    {"rrip-pl", E, "a relocated folder's PL entry is missing or points elsewhere"},
    {"udf-volume", E, "the UDF volume's descriptors cannot be read"},
    {"udf-tree", E, "a UDF File Entry, folder or extent cannot be read"},
    {"udf-counts", W, "the UDF integrity descriptor's file or folder count is not the tree's"},
}};
static_assert(!checks.back().id.empty(), "one row for every enum Check");

} // namespace

std::span<const ValidationCheck> validation_checks() {
    return checks;
}

std::size_t ValidationReport::errors() const {
    std::size_t n = 0;
    for (const auto& p : problems)
        n += p.severity == ValidationProblem::Severity::Error;
    return n;
}

std::size_t ValidationReport::warnings() const {
    return problems.size() - errors();
}

namespace fs::import {

const ValidationCheck& check_info(Check check) {
    return checks.at(static_cast<std::size_t>(check));
}

void ProblemLog::add(Check check, std::optional<u64> lba, std::string path, std::string message) {
    const auto i = static_cast<std::size_t>(check);
    if (++m_counts[i] > m_limit) return;
    const ValidationCheck& info = checks[i];
    m_report->problems.push_back(
        {info.severity, std::string(info.id), lba, std::move(path), m_prefix + message});
}

void ProblemLog::finish() {
    for (std::size_t i = 0; i < check_count; ++i) {
        if (m_counts[i] <= m_limit) continue;
        const ValidationCheck& info = checks[i];
        m_report->problems.push_back(
            {info.severity,
             std::string(info.id),
             std::nullopt,
             {},
             fmt::format("{} more problems of this kind are not listed", m_counts[i] - m_limit)});
        m_counts[i] = m_limit;
    }
}

} // namespace fs::import

} // namespace discwright
