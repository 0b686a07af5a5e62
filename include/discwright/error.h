#pragma once
// The one exception type of discwright. An ErrorCode mirrors an IMAPI result code
// (imapi2fserror.h / imapi2error.h); its category decides the CLI exit status and the Python
// exception class. Messages read "what failed: why (where)", start in lower case and end
// without a period; the context names the path, item, LBA, drive or option involved.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace discwright {

enum class ErrorCategory : std::uint8_t {
    Usage,     // the caller asked for something impossible: exit status 1
    Input,     // bad file, image, name or option value: exit status 2
    Media,     // the medium is missing, full, unsupported: exit status 3
    Device,    // the drive or transport failed: exit status 3
    Cancelled, // the caller cancelled: exit status 4
    Internal,  // a bug in discwright: exit status 70
};

/// Result codes. Each line names the IMAPI code it mirrors and what the user should do.
enum class ErrorCode : std::uint16_t {
    // Usage
    InvalidParam,       // IMAPI_E_INVALID_PARAM: fix the named option or argument.
    ReadOnly,           // IMAPI_E_READONLY: the object cannot change any more.
    NoOutput,           // IMAPI_E_NO_OUTPUT: choose at least one file system.
    FileSystemNotEmpty, // IMAPI_E_FILE_SYSTEM_NOT_EMPTY: set it before adding items.
    NotInFileSystem,    // IMAPI_E_NOT_IN_FILE_SYSTEM: add the item to the image first.
    ChangePointLocked,  // rollback behind LockInChangePoint: pick a later change point.
    // Input
    InvalidVolumeName,       // IMAPI_E_INVALID_VOLUME_NAME: shorten it or drop bad characters.
    InvalidDate,             // IMAPI_E_INVALID_DATE: give times inside the recordable range.
    NotFile,                 // IMAPI_E_NOT_FILE: the path names a directory.
    NotDir,                  // IMAPI_E_NOT_DIR: the path names a file.
    DirNotEmpty,             // IMAPI_E_DIR_NOT_EMPTY: remove the contents first (remove_tree).
    InvalidPath,             // IMAPI_E_INVALID_PATH: use '/'-separated names without '..'.
    RestrictedNameViolation, // IMAPI_E_RESTRICTED_NAME_VIOLATION: rename, or turn strict off.
    DupName,                 // IMAPI_E_DUP_NAME: the name is taken in that directory.
    NoUniqueName,            // IMAPI_E_NO_UNIQUE_NAME: too many colliding names in a directory.
    ItemNotFound,            // IMAPI_E_ITEM_NOT_FOUND: check the path inside the image.
    FileNotFound,            // IMAPI_E_FILE_NOT_FOUND: check the path inside the image.
    DirNotFound,             // IMAPI_E_DIR_NOT_FOUND: create the parent directory first.
    ImageSizeLimit,          // IMAPI_E_IMAGE_SIZE_LIMIT: the item would overflow the medium.
    ImageTooBig,             // IMAPI_E_IMAGE_TOO_BIG: pick larger media or fewer files.
    DataStreamInconsistency, // IMAPI_E_DATA_STREAM_INCONSISTENCY: a source changed; stage again.
    DataStreamReadFailure,   // IMAPI_E_DATA_STREAM_READ_FAILURE: a source became unreadable.
    DataStreamCreateFailure, // IMAPI_E_DATA_STREAM_CREATE_FAILURE: a source cannot be opened.
    DirectoryReadFailure,    // IMAPI_E_DIRECTORY_READ_FAILURE: a source folder cannot be listed.
    TooManyDirs,             // IMAPI_E_TOO_MANY_DIRS: the tree exceeds a path table's 65,535.
    Iso9660Levels,           // IMAPI_E_ISO9660_LEVELS: deeper than 8 levels (strict mode).
    DataTooBig,              // IMAPI_E_DATA_TOO_BIG: use ISO level 3 or UDF for >= 4 GiB files.
    SymlinkLoop,             // a source tree links back into itself: exclude the link.
    OutputWriteFailure,      // writing the output file failed: check space and permissions.
    // Input: reading, importing and validating images
    ImageNotAligned,         // IMAPI_E_IMAGEMANAGER_IMAGE_NOT_ALIGNED: not whole 2048-byte blocks.
    NoValidVolumeDescriptor, // IMAPI_E_IMAGEMANAGER_NO_VALID_VD_FOUND: not an ISO 9660 image.
    NoImage,                 // IMAPI_E_IMAGEMANAGER_NO_IMAGE: give a path or a stream first.
    FileSystemNotFound,      // IMAPI_E_FILE_SYSTEM_NOT_FOUND: the image lacks that namespace.
    NoSupportedFileSystem,   // IMAPI_E_NO_SUPPORTED_FILE_SYSTEM: nothing discwright can read.
    FileSystemReadConsistency, // IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR: the image is damaged.
    FileSystemFeatureNotSupported, // IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED: e.g. zisofs.
    ImportReadFailure,             // IMAPI_E_IMPORT_READ_FAILURE: a block could not be read.
    ImportFileExistsAsDirectory,   // IMAPI_E_IMPORT_TYPE_COLLISION_FILE_EXISTS_AS_DIRECTORY.
    ImportDirectoryExistsAsFile,   // IMAPI_E_IMPORT_TYPE_COLLISION_DIRECTORY_EXISTS_AS_FILE.
    FileExists,                    // extraction would overwrite a file: pass --overwrite.
    UnsafePath,                    // an image name would leave the extraction folder.
    // Media
    MediaIncompatible,     // E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE: unknown media type.
    MediaNoMedia,          // E_IMAPI_RECORDER_MEDIA_NO_MEDIA: insert a disc.
    MediaUpsideDown,       // E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN: turn the disc over.
    MediaBecomingReady,    // E_IMAPI_RECORDER_MEDIA_BECOMING_READY: wait and retry.
    MediaFormatInProgress, // E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS: wait for the format.
    MediaBusy,             // E_IMAPI_RECORDER_MEDIA_BUSY: a long operation runs; wait.
    MediaWriteProtected,   // E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED: use a writable disc.
    MediaNotFormatted,     // E_IMAPI_RECORDER_MEDIA_NOT_FORMATTED: format the disc first.
    MediaSpeedMismatch,    // E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH: the disc is too fast.
    InvalidMediaState,     // E_IMAPI_DF2DATA_INVALID_MEDIA_STATE: the disc is closed or damaged.
    MediaCapacityExceeded, // writing past the end of the medium: use a larger disc.
    MediaReadError,        // the medium could not be read at an LBA (sense 03h).
    MediaWriteError,       // the medium could not be written at an LBA (sense 03h).
    // Media: the writers (burn/)
    MediaNotBlank,         // E_IMAPI_DF2DATA_MEDIA_NOT_BLANK: erase it, or force overwrite.
    MediaNotSupported,     // E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED: this writer cannot use it.
    MediaNotErasable,      // E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE: not a rewritable disc.
    StreamNotSupported,    // E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED: not whole 2048-byte blocks.
    StreamTooLarge,        // E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA: larger disc.
    SessionStartMismatch,  // the image was laid out for another LBA than the disc's next one.
    BurnVerificationFailed, // E_IMAPI_BURN_VERIFICATION_FAILED: the disc differs from the source.
    // Device
    RecorderNotFound,             // no drive at that address or index: see `discwright drives`.
    RecorderLocked,               // E_IMAPI_RECORDER_LOCKED: context().owner holds the drive.
    ClientNameIsNotValid,         // E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID: use [A-Za-z0-9_].
    NoSuchModePage,               // E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE: the drive lacks it.
    InvalidModeParameters,        // E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS: check the page.
    NoSuchFeature,                // E_IMAPI_RECORDER_NO_SUCH_FEATURE: the drive lacks it.
    FeatureIsNotCurrent,          // E_IMAPI_RECORDER_FEATURE_IS_NOT_CURRENT: other media needed.
    GetConfigurationNotSupported, // E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED: pre-MMC-2.
    CommandTimeout,               // E_IMAPI_RECORDER_COMMAND_TIMEOUT: the drive did not answer.
    DvdStructureNotPresent,       // E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT.
    InvalidResponseFromDevice,    // E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE: a bad reply.
    UnexpectedResponseFromDevice, // E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE: see the sense.
    LossOfStreaming,              // E_IMAPI_LOSS_OF_STREAMING: buffer underrun; lower the speed.
    CommandNotSupported,          // the drive refused the command (sense 05h/20h): a quirk.
    DeviceCommandFailed,          // the drive ended the command with CHECK CONDITION.
    TransportFailure,             // the ioctl, socket or file under the drive failed.
    RecorderNotSupported,         // E_IMAPI_DF2DATA_RECORDER_NOT_SUPPORTED: the drive cannot write.
    WriteInProgress,              // E_IMAPI_DF2DATA_WRITE_IN_PROGRESS: one write at a time.
    WriteNotInProgress,           // E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS: nothing to cancel.
    EraseFailed,                  // E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND: see the sense.
    // Cancelled
    RequestCancelled, // E_IMAPI_REQUEST_CANCELLED: the operation was cancelled.
    // Internal
    Internal, // IMAPI_E_FSI_INTERNAL_ERROR: always a bug; please report it.
};

[[nodiscard]] ErrorCategory category_of(ErrorCode code);
/// The IMAPI symbol this code mirrors, e.g. "IMAPI_E_IMAGE_TOO_BIG".
[[nodiscard]] std::string_view imapi_name(ErrorCode code);
/// Our own name of the code, e.g. "ImageTooBig".
[[nodiscard]] std::string_view to_string(ErrorCode code);
/// CLI exit status for a category (DESIGN.md section 10).
[[nodiscard]] int exit_status(ErrorCategory category);

/// SCSI sense (SPC-4 4.5) of a failed device command, decoded by scsi::decode_sense.
struct SenseCode {
    std::uint8_t key = 0;
    std::uint8_t asc = 0;
    std::uint8_t ascq = 0;
    std::string description; // e.g. "MEDIUM NOT PRESENT - TRAY OPEN"
};

/// What the error is about. Each field is optional; the CLI and Python expose them.
struct ErrorContext {
    std::string path;   // a host file or an image path
    std::string option; // an option name, e.g. "--iso-level"
    std::optional<std::uint64_t> lba;
    std::string drive;
    /// For device errors: the sense key, ASC and ASCQ and their meaning in words.
    std::optional<SenseCode> sense;
    /// For RecorderLocked: the client name of the holder.
    std::string owner;
};

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, std::string message);

    [[nodiscard]] ErrorCode code() const { return m_code; }
    [[nodiscard]] ErrorCategory category() const { return category_of(m_code); }
    [[nodiscard]] const ErrorContext& context() const { return m_context; }
    /// The message without frames.
    [[nodiscard]] const std::string& message() const { return m_message; }
    /// Frames added by callers on the way up, innermost first ("while writing out.iso").
    [[nodiscard]] const std::vector<std::string>& frames() const { return m_frames; }

    Error& with_path(std::string path);
    Error& with_option(std::string option);
    Error& with_lba(std::uint64_t lba);
    Error& with_drive(std::string drive);
    Error& with_sense(SenseCode sense);
    Error& with_owner(std::string owner);
    Error& add_frame(std::string frame);

private:
    void refresh_what();
    ErrorCode m_code;
    std::string m_message;
    ErrorContext m_context;
    std::vector<std::string> m_frames;
    std::string m_what;
};

} // namespace discwright

template <> struct fmt::formatter<discwright::ErrorCode> : fmt::formatter<std::string_view> {
    auto format(discwright::ErrorCode c, fmt::format_context& ctx) const {
        return fmt::formatter<std::string_view>::format(discwright::to_string(c), ctx);
    }
};
