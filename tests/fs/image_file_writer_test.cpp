// FileSystemImageResult::write_to_file: the image into a host file through a temporary that is
// renamed at the end. A source that changed since staging is IMAPI_E_DATA_STREAM_INCONSISTENCY
// naming it (STYLE.md 7: never a silently wrong image); a failure or a cancel leaves nothing.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "discwright/cancellation.h"
#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "support/expect_error.h"
#include "support/temp_tree.h"

using discwright::test::expect_error;

namespace discwright {
namespace {

namespace stdfs = std::filesystem;
using test::kMiB;
using test::PseudoRandom;
using test::TempDir;
using test::TempTree;

constexpr UnixTime kNow = 1'700'000'000;

std::vector<std::string> folder_listing(const stdfs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : stdfs::directory_iterator(dir))
        out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::byte> file_bytes(const stdfs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(chars.size());
    std::transform(chars.begin(), chars.end(), out.begin(),
                   [](char c) { return static_cast<std::byte>(c); });
    return out;
}

std::vector<std::byte> stream_bytes(const Stream& s) {
    std::vector<std::byte> out(s.size());
    EXPECT_EQ(s.read_at(0, out), out.size());
    return out;
}

void write_text(const stdfs::path& p, std::string_view text, std::ios::openmode mode = {}) {
    std::ofstream out(p, std::ios::binary | std::ios::out | mode);
    out << text;
}

ImageOptions options() {
    ImageOptions o;
    o.volume_name = "WRITER";
    return o;
}

TEST(ImageFileWriter, WritesExactlyTheStreamsBytes) {
    TempTree src{{"host.bin", PseudoRandom{100'000, 5}},
                 {"tree/a.txt", std::string("aaa")},
                 {"tree/sub/b.bin", PseudoRandom{70'000, 6}}};
    TempDir out;
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_file_from("host.bin", (src / "host.bin").string());
    img.root().add_file("mem.txt", MemoryStream::from_string("in memory"));
    img.root().add_directory("tree");
    FsiDirectoryItem tree(img, img.root().item("tree").id());
    tree.add_tree((src / "tree").string());
    auto result = img.create_result_image();
    const stdfs::path iso = out / "image.iso";
    result.write_to_file(iso.string());

    const u64 expected_size = result.total_blocks().value * 2048;
    EXPECT_EQ(stdfs::file_size(iso), expected_size);
    const auto written = file_bytes(iso);
    const auto streamed = stream_bytes(*result.image_stream());
    ASSERT_EQ(written.size(), streamed.size());
    EXPECT_TRUE(written == streamed) << "the file differs from image_stream()";
    EXPECT_EQ(folder_listing(out.path()), (std::vector<std::string>{"image.iso"}));
}

TEST(ImageFileWriter, ManySmallFilesAroundBigOnesAndStreams) {
    // Small host files go through the read-ahead workers in batches, big ones and streams do
    // not: thousands of files of every small size (more batches than the read-ahead window,
    // across folders) with big files and streams between them must land byte for byte where
    // image_stream() puts them.
    std::vector<test::TreeEntry> entries;
    for (int i = 0; i < 3000; ++i)
        entries.push_back({fmt::format("d{:02}/f{:04}.bin", i % 37, i),
                           PseudoRandom{static_cast<std::uint64_t>((i * 7919) % 9000),
                                        static_cast<std::uint64_t>(i)}});
    entries.push_back({"d05/big.bin", PseudoRandom{600'000, 99}});
    entries.push_back({"d20/edge.bin", PseudoRandom{256 << 10, 98}});       // the largest small
    entries.push_back({"d20/over.bin", PseudoRandom{(256 << 10) + 1, 97}}); // the smallest big
    TempTree src(entries);
    TempDir out;
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_tree(src.path().string());
    img.root().add_file("d05/mem.txt", MemoryStream::from_string("a stream among files"));
    auto result = img.create_result_image();
    const stdfs::path iso = out / "image.iso";
    result.write_to_file(iso.string());
    const auto written = file_bytes(iso);
    const auto streamed = stream_bytes(*result.image_stream());
    ASSERT_EQ(written.size(), streamed.size());
    EXPECT_TRUE(written == streamed) << "the file differs from image_stream()";
}

TEST(ImageFileWriter, ASourceThatGrewIsAnInconsistency) {
    TempTree src{{"grow.bin", std::string(5000, 'g')}};
    TempDir out;
    const std::string host = (src / "grow.bin").string();
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_file_from("grow.bin", host);
    auto result = img.create_result_image();
    write_text(host, std::string(100, '+'), std::ios::app);

    auto e = expect_error(ErrorCode::DataStreamInconsistency,
                          [&] { result.write_to_file((out / "image.iso").string()); });
    EXPECT_EQ(e.context().path, host);
    EXPECT_NE(e.message().find(host), std::string::npos) << e.message();
    EXPECT_TRUE(folder_listing(out.path()).empty()) << "no output and no temporary file";
}

TEST(ImageFileWriter, ASourceThatShrankIsAnInconsistency) {
    TempTree src{{"shrink.bin", std::string(5000, 's')}};
    TempDir out;
    const std::string host = (src / "shrink.bin").string();
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_file_from("shrink.bin", host);
    auto result = img.create_result_image();
    stdfs::resize_file(host, 1000);

    auto e = expect_error(ErrorCode::DataStreamInconsistency,
                          [&] { result.write_to_file((out / "image.iso").string()); });
    EXPECT_EQ(e.context().path, host);
    EXPECT_TRUE(folder_listing(out.path()).empty());
    // Reading the stream finds the same problem: no zero-filled file data.
    std::vector<std::byte> all(result.image_stream()->size());
    expect_error(ErrorCode::DataStreamInconsistency,
                 [&] { (void)result.image_stream()->read_at(0, all); });
}

TEST(ImageFileWriter, ADeletedSourceIsNamed) {
    TempTree src{{"gone.bin", std::string(3000, 'x')}};
    TempDir out;
    const std::string host = (src / "gone.bin").string();
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_file_from("gone.bin", host);
    auto result = img.create_result_image();
    stdfs::remove(host);

    auto e = expect_error(ErrorCode::DataStreamCreateFailure,
                          [&] { result.write_to_file((out / "image.iso").string()); });
    EXPECT_EQ(e.context().path, host);
    EXPECT_TRUE(folder_listing(out.path()).empty());
}

TEST(ImageFileWriter, CancelFromTheProgressCallback) {
    // E_IMAPI_REQUEST_CANCELLED; a cancel from inside an event handler stops at the next safe
    // point and leaves no file behind.
    TempTree src{{"big.bin", PseudoRandom{3 * kMiB, 1}}};
    TempDir out;
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_file_from("big.bin", (src / "big.bin").string());
    auto result = img.create_result_image();
    CancellationSource cancel;
    int file_events = 0;
    EventHandler handler = [&](const Event& e) {
        if (std::holds_alternative<FileProgressEvent>(e)) {
            ++file_events;
            cancel.cancel();
        }
    };
    expect_error(ErrorCode::RequestCancelled, [&] {
        result.write_to_file((out / "image.iso").string(), handler, cancel.token());
    });
    EXPECT_EQ(file_events, 1);
    EXPECT_TRUE(folder_listing(out.path()).empty());
}

TEST(ImageFileWriter, RefuseLeavesAnExistingFileUntouched) {
    TempDir out;
    const stdfs::path iso = out / "image.iso";
    write_text(iso, "precious");
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_file("a.txt", MemoryStream::from_string("a"));
    auto result = img.create_result_image();

    auto e = expect_error(ErrorCode::InvalidParam,
                          [&] { result.write_to_file(iso.string(), {}, {}, Overwrite::Refuse); });
    EXPECT_EQ(e.context().path, iso.string());
    EXPECT_EQ(stdfs::file_size(iso), 8u);
    const auto kept = file_bytes(iso);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(kept.data()), kept.size()), "precious");
    EXPECT_EQ(folder_listing(out.path()), (std::vector<std::string>{"image.iso"}));

    // Replace (the default) does overwrite it.
    result.write_to_file(iso.string());
    EXPECT_EQ(stdfs::file_size(iso), result.total_blocks().value * 2048);
}

/// The FileProgressEvents of one write, as (copied, total) pairs.
std::vector<std::pair<u64, u64>> file_events_of_write(const FileSystemImageResult& result,
                                                      const stdfs::path& iso,
                                                      const std::string& image_path,
                                                      ProgressEvent* last_progress) {
    std::vector<std::pair<u64, u64>> out;
    EventHandler handler = [&](const Event& e) {
        if (auto* f = std::get_if<FileProgressEvent>(&e)) {
            EXPECT_EQ(f->path, image_path);
            out.emplace_back(f->copied_sectors, f->total_sectors);
        } else if (auto* p = std::get_if<ProgressEvent>(&e)) {
            *last_progress = *p;
        }
    };
    result.write_to_file(iso.string(), handler);
    return out;
}

TEST(ImageFileWriter, FileProgressCadenceForAHostFile) {
    // IMAPI DFileSystemImageEvents::Update: once at 0 sectors, then every MiB (512 sectors),
    // then once at the end. 3.5 MiB = 1792 sectors.
    TempTree src{{"big.bin", PseudoRandom{3 * kMiB + kMiB / 2, 4}}};
    TempDir out;
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_file_from("big.bin", (src / "big.bin").string());
    auto result = img.create_result_image();
    ProgressEvent last;
    auto events = file_events_of_write(result, out / "image.iso", "/big.bin", &last);
    const std::vector<std::pair<u64, u64>> expected{
        {0, 1792}, {512, 1792}, {1024, 1792}, {1536, 1792}, {1792, 1792}};
    EXPECT_EQ(events, expected);
    EXPECT_EQ(last.action, ProgressAction::WritingImage);
    EXPECT_EQ(last.total, result.total_blocks().value * 2048);
    EXPECT_EQ(last.done, last.total);
}

TEST(ImageFileWriter, FileProgressCadenceForAStream) {
    // The same cadence when the data comes from a caller's stream (no copy_file_range).
    TempDir out;
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_file("big.bin", std::make_shared<ZeroStream>(3 * kMiB + kMiB / 2));
    auto result = img.create_result_image();
    ProgressEvent last;
    auto events = file_events_of_write(result, out / "image.iso", "/big.bin", &last);
    const std::vector<std::pair<u64, u64>> expected{
        {0, 1792}, {512, 1792}, {1024, 1792}, {1536, 1792}, {1792, 1792}};
    EXPECT_EQ(events, expected);
}

} // namespace
} // namespace discwright
