#include "discwright/error.h"

namespace discwright {

namespace {

struct CodeInfo {
    ErrorCode code;
    ErrorCategory category;
    std::string_view name;
    std::string_view imapi;
};

using C = ErrorCode;
using K = ErrorCategory;

// One table: the code, its category, our name and the IMAPI symbol it mirrors.
constexpr CodeInfo code_table[] = {
    {C::InvalidParam, K::Usage, "InvalidParam", "IMAPI_E_INVALID_PARAM"},
    {C::ReadOnly, K::Usage, "ReadOnly", "IMAPI_E_READONLY"},
    {C::NoOutput, K::Usage, "NoOutput", "IMAPI_E_NO_OUTPUT"},
    {C::FileSystemNotEmpty, K::Usage, "FileSystemNotEmpty", "IMAPI_E_FILE_SYSTEM_NOT_EMPTY"},
    {C::NotInFileSystem, K::Usage, "NotInFileSystem", "IMAPI_E_NOT_IN_FILE_SYSTEM"},
    {C::ChangePointLocked, K::Usage, "ChangePointLocked", "IMAPI_E_INVALID_PARAM"},
    {C::InvalidVolumeName, K::Input, "InvalidVolumeName", "IMAPI_E_INVALID_VOLUME_NAME"},
    {C::InvalidDate, K::Input, "InvalidDate", "IMAPI_E_INVALID_DATE"},
    {C::NotFile, K::Input, "NotFile", "IMAPI_E_NOT_FILE"},
    {C::NotDir, K::Input, "NotDir", "IMAPI_E_NOT_DIR"},
    {C::DirNotEmpty, K::Input, "DirNotEmpty", "IMAPI_E_DIR_NOT_EMPTY"},
    {C::InvalidPath, K::Input, "InvalidPath", "IMAPI_E_INVALID_PATH"},
    {C::RestrictedNameViolation, K::Input, "RestrictedNameViolation",
     "IMAPI_E_RESTRICTED_NAME_VIOLATION"},
    {C::DupName, K::Input, "DupName", "IMAPI_E_DUP_NAME"},
    {C::NoUniqueName, K::Input, "NoUniqueName", "IMAPI_E_NO_UNIQUE_NAME"},
    {C::ItemNotFound, K::Input, "ItemNotFound", "IMAPI_E_ITEM_NOT_FOUND"},
    {C::FileNotFound, K::Input, "FileNotFound", "IMAPI_E_FILE_NOT_FOUND"},
    {C::DirNotFound, K::Input, "DirNotFound", "IMAPI_E_DIR_NOT_FOUND"},
    {C::ImageSizeLimit, K::Input, "ImageSizeLimit", "IMAPI_E_IMAGE_SIZE_LIMIT"},
    {C::ImageTooBig, K::Input, "ImageTooBig", "IMAPI_E_IMAGE_TOO_BIG"},
    {C::DataStreamInconsistency, K::Input, "DataStreamInconsistency",
     "IMAPI_E_DATA_STREAM_INCONSISTENCY"},
    {C::DataStreamReadFailure, K::Input, "DataStreamReadFailure",
     "IMAPI_E_DATA_STREAM_READ_FAILURE"},
    {C::DataStreamCreateFailure, K::Input, "DataStreamCreateFailure",
     "IMAPI_E_DATA_STREAM_CREATE_FAILURE"},
    {C::DirectoryReadFailure, K::Input, "DirectoryReadFailure", "IMAPI_E_DIRECTORY_READ_FAILURE"},
    {C::TooManyDirs, K::Input, "TooManyDirs", "IMAPI_E_TOO_MANY_DIRS"},
    {C::Iso9660Levels, K::Input, "Iso9660Levels", "IMAPI_E_ISO9660_LEVELS"},
    {C::DataTooBig, K::Input, "DataTooBig", "IMAPI_E_DATA_TOO_BIG"},
    {C::SymlinkLoop, K::Input, "SymlinkLoop", "IMAPI_E_DIRECTORY_READ_FAILURE"},
    {C::OutputWriteFailure, K::Input, "OutputWriteFailure", "IMAPI_E_STASHFILE_WRITE_FAILURE"},
    {C::ImageNotAligned, K::Input, "ImageNotAligned", "IMAPI_E_IMAGEMANAGER_IMAGE_NOT_ALIGNED"},
    {C::NoValidVolumeDescriptor, K::Input, "NoValidVolumeDescriptor",
     "IMAPI_E_IMAGEMANAGER_NO_VALID_VD_FOUND"},
    {C::NoImage, K::Usage, "NoImage", "IMAPI_E_IMAGEMANAGER_NO_IMAGE"},
    {C::FileSystemNotFound, K::Input, "FileSystemNotFound", "IMAPI_E_FILE_SYSTEM_NOT_FOUND"},
    {C::NoSupportedFileSystem, K::Input, "NoSupportedFileSystem",
     "IMAPI_E_NO_SUPPORTED_FILE_SYSTEM"},
    {C::FileSystemReadConsistency, K::Input, "FileSystemReadConsistency",
     "IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR"},
    {C::FileSystemFeatureNotSupported, K::Input, "FileSystemFeatureNotSupported",
     "IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED"},
    {C::ImportReadFailure, K::Input, "ImportReadFailure", "IMAPI_E_IMPORT_READ_FAILURE"},
    {C::ImportFileExistsAsDirectory, K::Input, "ImportFileExistsAsDirectory",
     "IMAPI_E_IMPORT_TYPE_COLLISION_FILE_EXISTS_AS_DIRECTORY"},
    {C::ImportDirectoryExistsAsFile, K::Input, "ImportDirectoryExistsAsFile",
     "IMAPI_E_IMPORT_TYPE_COLLISION_DIRECTORY_EXISTS_AS_FILE"},
    {C::FileExists, K::Input, "FileExists", "IMAPI_E_DUP_NAME"},
    {C::UnsafePath, K::Input, "UnsafePath", "IMAPI_E_INVALID_PATH"},
    {C::MediaIncompatible, K::Media, "MediaIncompatible", "E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE"},
    {C::MediaNoMedia, K::Media, "MediaNoMedia", "E_IMAPI_RECORDER_MEDIA_NO_MEDIA"},
    {C::MediaUpsideDown, K::Media, "MediaUpsideDown", "E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN"},
    {C::MediaBecomingReady, K::Media, "MediaBecomingReady",
     "E_IMAPI_RECORDER_MEDIA_BECOMING_READY"},
    {C::MediaFormatInProgress, K::Media, "MediaFormatInProgress",
     "E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS"},
    {C::MediaBusy, K::Media, "MediaBusy", "E_IMAPI_RECORDER_MEDIA_BUSY"},
    {C::MediaWriteProtected, K::Media, "MediaWriteProtected",
     "E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED"},
    {C::MediaNotFormatted, K::Media, "MediaNotFormatted", "E_IMAPI_RECORDER_MEDIA_NOT_FORMATTED"},
    {C::MediaSpeedMismatch, K::Media, "MediaSpeedMismatch",
     "E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH"},
    {C::InvalidMediaState, K::Media, "InvalidMediaState", "E_IMAPI_DF2DATA_INVALID_MEDIA_STATE"},
    {C::MediaCapacityExceeded, K::Media, "MediaCapacityExceeded",
     "E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA"},
    {C::MediaReadError, K::Media, "MediaReadError", "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE"},
    {C::MediaWriteError, K::Media, "MediaWriteError", "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE"},
    {C::MediaNotBlank, K::Media, "MediaNotBlank", "E_IMAPI_DF2DATA_MEDIA_NOT_BLANK"},
    {C::MediaNotSupported, K::Media, "MediaNotSupported", "E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED"},
    {C::MediaNotErasable, K::Media, "MediaNotErasable", "E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE"},
    {C::StreamNotSupported, K::Input, "StreamNotSupported", "E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED"},
    {C::StreamTooLarge, K::Media, "StreamTooLarge",
     "E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA"},
    {C::SessionStartMismatch, K::Input, "SessionStartMismatch", "IMAPI_E_DISC_MISMATCH"},
    {C::BurnVerificationFailed, K::Media, "BurnVerificationFailed",
     "E_IMAPI_BURN_VERIFICATION_FAILED"},
    {C::RecorderNotFound, K::Device, "RecorderNotFound", "E_IMAPI_RECORDER_REQUIRED"},
    {C::RecorderLocked, K::Device, "RecorderLocked", "E_IMAPI_RECORDER_LOCKED"},
    {C::ClientNameIsNotValid, K::Usage, "ClientNameIsNotValid",
     "E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID"},
    {C::NoSuchModePage, K::Device, "NoSuchModePage", "E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE"},
    {C::InvalidModeParameters, K::Device, "InvalidModeParameters",
     "E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS"},
    {C::NoSuchFeature, K::Device, "NoSuchFeature", "E_IMAPI_RECORDER_NO_SUCH_FEATURE"},
    {C::FeatureIsNotCurrent, K::Device, "FeatureIsNotCurrent",
     "E_IMAPI_RECORDER_FEATURE_IS_NOT_CURRENT"},
    {C::GetConfigurationNotSupported, K::Device, "GetConfigurationNotSupported",
     "E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED"},
    {C::CommandTimeout, K::Device, "CommandTimeout", "E_IMAPI_RECORDER_COMMAND_TIMEOUT"},
    {C::DvdStructureNotPresent, K::Device, "DvdStructureNotPresent",
     "E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT"},
    {C::InvalidResponseFromDevice, K::Device, "InvalidResponseFromDevice",
     "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE"},
    {C::UnexpectedResponseFromDevice, K::Device, "UnexpectedResponseFromDevice",
     "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE"},
    {C::LossOfStreaming, K::Device, "LossOfStreaming", "E_IMAPI_LOSS_OF_STREAMING"},
    {C::CommandNotSupported, K::Device, "CommandNotSupported",
     "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE"},
    {C::DeviceCommandFailed, K::Device, "DeviceCommandFailed",
     "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE"},
    {C::TransportFailure, K::Device, "TransportFailure", "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE"},
    {C::RecorderNotSupported, K::Device, "RecorderNotSupported",
     "E_IMAPI_DF2DATA_RECORDER_NOT_SUPPORTED"},
    {C::WriteInProgress, K::Usage, "WriteInProgress", "E_IMAPI_DF2DATA_WRITE_IN_PROGRESS"},
    {C::WriteNotInProgress, K::Usage, "WriteNotInProgress", "E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS"},
    {C::EraseFailed, K::Device, "EraseFailed", "E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND"},
    {C::RequestCancelled, K::Cancelled, "RequestCancelled", "E_IMAPI_REQUEST_CANCELLED"},
    {C::Internal, K::Internal, "Internal", "IMAPI_E_FSI_INTERNAL_ERROR"},
};

const CodeInfo& info(ErrorCode code) {
    for (const auto& i : code_table)
        if (i.code == code) return i;
    return code_table[std::size(code_table) - 1];
}

} // namespace

ErrorCategory category_of(ErrorCode code) {
    return info(code).category;
}
std::string_view imapi_name(ErrorCode code) {
    return info(code).imapi;
}
std::string_view to_string(ErrorCode code) {
    return info(code).name;
}

int exit_status(ErrorCategory category) {
    switch (category) {
    case ErrorCategory::Usage:
        return 1;
    case ErrorCategory::Input:
        return 2;
    case ErrorCategory::Media:
    case ErrorCategory::Device:
        return 3;
    case ErrorCategory::Cancelled:
        return 4;
    case ErrorCategory::Internal:
        return 70;
    }
    return 70;
}

Error::Error(ErrorCode code, std::string message)
    : std::runtime_error(message), m_code(code), m_message(std::move(message)) {
    refresh_what();
}

Error& Error::with_path(std::string path) {
    m_context.path = std::move(path);
    return *this;
}

Error& Error::with_option(std::string option) {
    m_context.option = std::move(option);
    return *this;
}

Error& Error::with_lba(std::uint64_t lba) {
    m_context.lba = lba;
    return *this;
}

Error& Error::with_drive(std::string drive) {
    m_context.drive = std::move(drive);
    return *this;
}

Error& Error::with_sense(SenseCode sense) {
    m_context.sense = std::move(sense);
    return *this;
}

Error& Error::with_owner(std::string owner) {
    m_context.owner = std::move(owner);
    return *this;
}

Error& Error::add_frame(std::string frame) {
    m_frames.push_back(std::move(frame));
    refresh_what();
    return *this;
}

void Error::refresh_what() {
    m_what = m_message;
    for (const auto& f : m_frames)
        m_what += fmt::format(" ({})", f);
    static_cast<std::runtime_error&>(*this) = std::runtime_error(m_what);
}

} // namespace discwright
