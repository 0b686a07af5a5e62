#include "cli/image_reading.h"

#include <algorithm>
#include <filesystem>

#include "discwright/disc_recorder.h"
#include "discwright/disc_stream.h"
#include "discwright/multisession.h"

#include <csignal>
#include <ctime>

namespace discwright::cli {

namespace {

CancellationSource* g_cancel = nullptr;

extern "C" void cancel_on_signal(int) {
    if (g_cancel) g_cancel->cancel();
}

} // namespace

void add_read_options(CLI::App& cmd, ReadOptions& o, bool with_fs) {
    cmd.add_option_function<u64>(
        "--session", [&o](const u64& lba) { o.session = lba; },
        "Read the session starting at this block (see `image info`; default: the last)");
    if (with_fs)
        cmd.add_option("--fs", o.fs,
                       "Namespace to read: rockridge, joliet, iso9660:1999 or iso9660 (default: "
                       "the first of these the image has)");
}

bool names_drive(const std::string& arg) {
    if (arg.starts_with("virtual:") || arg.starts_with("file:") || arg.starts_with("iscsi://") ||
        arg.starts_with("/dev/"))
        return true;
    return !arg.empty() && arg.size() < 4 &&
           std::all_of(arg.begin(), arg.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
           !std::filesystem::exists(arg);
}

StreamPtr open_medium(const std::string& arg) {
    if (!names_drive(arg)) return std::make_shared<FileStream>(arg);
    return std::make_shared<DiscStream>(std::make_shared<DiscRecorder>(arg));
}

ImageReader open_image(const std::string& path, const ReadOptions& o) {
    if (!names_drive(path))
        return ImageReader(std::make_shared<FileStream>(path), ReaderOptions{o.session});
    auto recorder = std::make_shared<DiscRecorder>(path);
    auto session = o.session;
    if (!session) {
        session = last_session_start(*recorder);
        if (!session)
            throw Error(ErrorCode::NoValidVolumeDescriptor,
                        fmt::format("the disc in {} is blank", recorder->address()))
                .with_drive(recorder->address());
    }
    return ImageReader(std::make_shared<DiscStream>(recorder), ReaderOptions{session});
}

FsType chosen_namespace(const ImageReader& reader, const ReadOptions& o) {
    if (o.fs.empty()) {
        const FsType ns = ImageReader::default_file_system(reader.file_systems());
        if (ns == FsType::None)
            throw Error(ErrorCode::NoSupportedFileSystem,
                        fmt::format("{}: no file system discwright can read",
                                    reader.stream().description()));
        return ns;
    }
    const auto set = parse_fs_types(o.fs);
    if (!set || (*set != FsType::Iso9660 && *set != FsType::Joliet && *set != FsType::RockRidge &&
                 *set != FsType::Iso9660_1999 && *set != FsType::Udf))
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("--fs: '{}' is not one of rockridge, joliet, iso9660:1999, "
                                "iso9660, udf",
                                o.fs))
            .with_option("--fs");
    return *set;
}

SignalCancellation::SignalCancellation() {
    g_cancel = &m_source;
    std::signal(SIGINT, cancel_on_signal);
    std::signal(SIGTERM, cancel_on_signal);
}

SignalCancellation::~SignalCancellation() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_cancel = nullptr;
}

std::string format_iso_time(UnixTime t);

std::string iso_time(UnixTime t) {
    // Files of one folder mostly share a time: the last one formatted is kept.
    thread_local UnixTime last_time = 0;
    thread_local std::string last_text;
    if (t == last_time && !last_text.empty()) return last_text;
    last_time = t;
    last_text = format_iso_time(t);
    return last_text;
}

std::string format_iso_time(UnixTime t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    if (!::gmtime_r(&tt, &tm)) return std::to_string(t);
    char buf[32];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf, n);
}

const char* type_name(FsiItemType type) {
    switch (type) {
    case FsiItemType::Directory:
        return "directory";
    case FsiItemType::File:
        return "file";
    case FsiItemType::Symlink:
        return "symlink";
    case FsiItemType::CharDevice:
        return "char_device";
    case FsiItemType::BlockDevice:
        return "block_device";
    case FsiItemType::Fifo:
        return "fifo";
    case FsiItemType::Socket:
        return "socket";
    case FsiItemType::NotFound:
        break;
    }
    return "unknown";
}

} // namespace discwright::cli
