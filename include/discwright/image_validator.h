#pragma once
// ImageValidator: is an image well formed? IMAPI's IIsoImageManager answers yes or no with
// three checks (whole blocks, user data only, a valid volume recognition sequence);
// discwright keeps that as validate() and adds check(): a structural audit of every namespace
// that lists each problem with its LBA and image path, so a broken image can be diagnosed and
// an image we wrote can be proved clean.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "discwright/cancellation.h"
#include "discwright/error.h"
#include "discwright/stream.h"
#include "discwright/types.h"

namespace discwright {

struct ValidationProblem {
    enum class Severity : u8 {
        Error,   ///< readers may fail or read wrong data
        Warning, ///< legal-but-unusual, or a rule most readers do not enforce
    };
    Severity severity = Severity::Error;
    std::string check;      ///< which rule: an id of validation_checks(), e.g. "record-length"
    std::optional<u64> lba; ///< where, when a block is to blame
    std::string path;       ///< the image path concerned, when there is one
    std::string message;    ///< what is wrong, in words
};

/// One rule check() applies. Its id is stable (scripts match on it) and always reported with
/// the same severity; docs/image-validation.md explains each one.
struct ValidationCheck {
    std::string_view id;
    ValidationProblem::Severity severity;
    std::string_view summary; ///< the rule, in one line
};

/// Every check check() may report, in documentation order.
[[nodiscard]] std::span<const ValidationCheck> validation_checks();

struct ValidationReport {
    std::vector<ValidationProblem> problems;
    [[nodiscard]] std::size_t errors() const;
    [[nodiscard]] std::size_t warnings() const;
    [[nodiscard]] bool clean() const { return errors() == 0; }
};

class ImageValidator {
public:
    /// SetPath: opens the file (DataStreamCreateFailure naming it).
    void set_path(std::string path);
    /// SetStream: validates this stream; path() becomes empty.
    void set_stream(StreamPtr stream);
    [[nodiscard]] const std::string& path() const { return m_path; }
    [[nodiscard]] const StreamPtr& stream() const { return m_stream; }

    /// Validate: NoImage when nothing was set; ImageNotAligned when the size is not whole
    /// 2048-byte blocks; NoValidVolumeDescriptor when neither an ISO 9660 nor a UDF volume
    /// recognition sequence is found. Returns when the image passes.
    void validate() const;

    /// The full audit. Never throws for a damaged image (damage is what it reports); NoImage
    /// when nothing was set, RequestCancelled when cancelled.
    [[nodiscard]] ValidationReport check(CancellationToken cancel = {}) const;

private:
    std::string m_path;
    StreamPtr m_stream;
};

} // namespace discwright
