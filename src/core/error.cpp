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
