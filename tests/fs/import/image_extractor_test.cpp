// extract_image over hand-built trees: the hostile ones a crafted image can produce (names that
// climb out, symlinks to write through, extents past the end), and ordinary ones for what a
// good extraction keeps. Images built by other tools are judged in tests/interop.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "discwright/image_extractor.h"
#include "support/expect_error.h"
#include "support/temp_tree.h"

namespace discwright {
namespace {

namespace stdfs = std::filesystem;

constexpr UnixTime kFolderTime = 1'600'000'000;
constexpr UnixTime kFileTime = 1'500'000'000;

/// A tree built by hand, with any names, and an image holding its files' data.
class HandTree {
public:
    HandTree() {
        m_nodes.push_back({});
        m_nodes[0].entry.type = FsiItemType::Directory;
        m_nodes[0].entry.mode = S_IFDIR | 0755;
        m_image.resize(16 * block_size); // data starts at LBA 16, as in an image
    }

    int folder(int parent, std::string name, u32 mode = 0755, UnixTime mtime = kFolderTime) {
        ImageEntry e;
        e.name = std::move(name);
        e.type = FsiItemType::Directory;
        e.mode = S_IFDIR | mode;
        e.modify_time = e.access_time = mtime;
        return add(parent, std::move(e));
    }

    /// A file whose data is appended to the image as one extent.
    int file(int parent, std::string name, const std::string& content, u32 mode = 0644,
             UnixTime mtime = kFileTime) {
        ImageEntry e = file_entry(std::move(name), mode, mtime);
        e.size = content.size();
        if (!content.empty()) e.extents.push_back(append(content));
        return add(parent, std::move(e));
    }

    int entry(int parent, ImageEntry e) { return add(parent, std::move(e)); }

    int symlink(int parent, std::string name, std::string target) {
        ImageEntry e;
        e.name = std::move(name);
        e.type = FsiItemType::Symlink;
        e.mode = S_IFLNK | 0777;
        e.symlink_target = std::move(target);
        e.modify_time = e.access_time = kFileTime;
        return add(parent, std::move(e));
    }

    int special(int parent, std::string name, FsiItemType type, u32 mode, u64 device = 0) {
        ImageEntry e;
        e.name = std::move(name);
        e.type = type;
        e.mode = mode;
        e.device = device;
        e.modify_time = e.access_time = kFileTime;
        return add(parent, std::move(e));
    }

    static ImageEntry file_entry(std::string name, u32 mode = 0644, UnixTime mtime = kFileTime) {
        ImageEntry e;
        e.name = std::move(name);
        e.type = FsiItemType::File;
        e.mode = S_IFREG | mode;
        e.modify_time = e.access_time = mtime;
        return e;
    }

    /// Appends `content` at the next block of the image.
    ImageExtent append(const std::string& content) {
        const u64 lba = m_image.size() / block_size;
        const auto bytes = std::as_bytes(std::span(content));
        m_image.insert(m_image.end(), bytes.begin(), bytes.end());
        m_image.resize((m_image.size() + block_size - 1) / block_size * block_size);
        return {lba, content.size()};
    }

    /// Entries breadth first, each folder's children contiguous and in the order added.
    [[nodiscard]] ImageTree tree() const {
        std::vector<ImageEntry> out{m_nodes[0].entry};
        std::vector<int> order{0};
        for (std::size_t i = 0; i < order.size(); ++i) {
            const Node& n = m_nodes[static_cast<std::size_t>(order[i])];
            out[i].first_child = static_cast<u32>(out.size());
            out[i].child_count = static_cast<u32>(n.children.size());
            for (int c : n.children) {
                out.push_back(m_nodes[static_cast<std::size_t>(c)].entry);
                out.back().parent = static_cast<u32>(i);
                order.push_back(c);
            }
        }
        return ImageTree(std::move(out));
    }

    [[nodiscard]] std::shared_ptr<MemoryStream> image() const {
        return std::make_shared<MemoryStream>(m_image, "hand-built image");
    }

private:
    struct Node {
        ImageEntry entry;
        std::vector<int> children;
    };
    int add(int parent, ImageEntry e) {
        m_nodes.push_back({std::move(e), {}});
        const int index = static_cast<int>(m_nodes.size()) - 1;
        m_nodes[static_cast<std::size_t>(parent)].children.push_back(index);
        return index;
    }
    std::vector<Node> m_nodes;
    std::vector<std::byte> m_image;
};

std::string slurp(const stdfs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct stat lstat_of(const stdfs::path& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st;
}

/// Every name under `dir`, relative, sorted; symlinks are not followed.
std::vector<std::string> listing(const stdfs::path& dir) {
    std::vector<std::string> out;
    if (!stdfs::exists(dir)) return out;
    for (auto it = stdfs::recursive_directory_iterator(dir); it != decltype(it)(); ++it)
        out.push_back(it->path().lexically_relative(dir).string());
    std::sort(out.begin(), out.end());
    return out;
}

ExtractReport extract(const HandTree& t, const stdfs::path& dest, ExtractOptions options = {},
                      std::vector<std::string> paths = {}, const ExtractEventHandler& events = {},
                      CancellationToken cancel = {}) {
    const ImageTree tree = t.tree();
    return extract_image(*t.image(), tree, paths, dest.string(), options, events, cancel);
}

/// A stream that fails after `good` bytes, to break an extraction in the middle of a file.
class FailingStream final : public Stream {
public:
    FailingStream(StreamPtr inner, u64 good) : m_inner(std::move(inner)), m_good(good) {}
    u64 size() const override { return m_inner->size(); }
    std::size_t read_at(u64 offset, std::span<std::byte> buffer) const override {
        if (offset + buffer.size() > m_good)
            throw Error(ErrorCode::DataStreamReadFailure, "the medium went away");
        return m_inner->read_at(offset, buffer);
    }
    std::string description() const override { return "failing"; }

private:
    StreamPtr m_inner;
    u64 m_good;
};

class Extractor : public testing::Test {
protected:
    test::TempDir m_work{"discwright-extract"};
    stdfs::path dest() const { return m_work / "dest"; }
    stdfs::path outside() const { return m_work / "outside"; }
    void SetUp() override { stdfs::create_directory(outside()); }
};

TEST_F(Extractor, KeepsDataAttributesLinksAndFifos) {
    HandTree t;
    const int docs = t.folder(0, "docs", 0750);
    t.file(docs, "a.txt", "hello\n", 0640);
    t.file(0, "empty", "");
    t.symlink(0, "link", "docs/a.txt");
    t.special(0, "pipe", FsiItemType::Fifo, S_IFIFO | 0620);
    // Two extents, not adjacent, the second longer than the file needs.
    ImageEntry multi = HandTree::file_entry("multi.bin");
    multi.extents.push_back(t.append(std::string(3000, 'a')));
    t.append("gap");
    multi.extents.push_back(t.append(std::string(2000, 'b')));
    multi.size = 4000;
    t.entry(0, multi);

    const ExtractReport r = extract(t, dest());
    EXPECT_EQ(slurp(dest() / "docs/a.txt"), "hello\n");
    EXPECT_EQ(slurp(dest() / "multi.bin"), std::string(3000, 'a') + std::string(1000, 'b'));
    EXPECT_EQ(stdfs::file_size(dest() / "empty"), 0u);
    EXPECT_EQ(stdfs::read_symlink(dest() / "link"), "docs/a.txt");
    EXPECT_TRUE(S_ISFIFO(lstat_of(dest() / "pipe").st_mode));
    EXPECT_EQ(lstat_of(dest() / "pipe").st_mode & 07777, 0620u);
    EXPECT_EQ(lstat_of(dest() / "docs").st_mode & 07777, 0750u);
    EXPECT_EQ(lstat_of(dest() / "docs/a.txt").st_mode & 07777, 0640u);
    EXPECT_EQ(lstat_of(dest() / "docs/a.txt").st_mtime, kFileTime);
    EXPECT_EQ(lstat_of(dest() / "link").st_mtime, kFileTime);
    // The folder's time is set after its file was written into it.
    EXPECT_EQ(lstat_of(dest() / "docs").st_mtime, kFolderTime);
    EXPECT_EQ(r.directories, 1u);
    EXPECT_EQ(r.files, 3u);
    EXPECT_EQ(r.symlinks, 1u);
    EXPECT_EQ(r.specials, 1u);
    EXPECT_EQ(r.bytes, 6u + 4000u);
    EXPECT_EQ(listing(dest()), (std::vector<std::string>{"docs", "docs/a.txt", "empty", "link",
                                                         "multi.bin", "pipe"}))
        << "no temporary names are left";
}

TEST_F(Extractor, HardLinksBecomeCopies) {
    HandTree t;
    ImageEntry a = HandTree::file_entry("a");
    a.extents.push_back(t.append("shared"));
    a.size = 6;
    a.links = 2;
    ImageEntry b = a;
    b.name = "b";
    t.entry(0, a);
    t.entry(0, b);
    (void)extract(t, dest());
    EXPECT_EQ(slurp(dest() / "a"), "shared");
    EXPECT_EQ(slurp(dest() / "b"), "shared");
    EXPECT_EQ(lstat_of(dest() / "a").st_nlink, 1u);
}

TEST_F(Extractor, UnsafeNamesAreRefusedBeforeAnythingIsWritten) {
    const std::vector<std::string> names{"..",        ".",    "",
                                         "a/../../x", "../x", std::string("a\0b", 3)};
    for (const auto& name : names) {
        SCOPED_TRACE("name '" + name + "'");
        HandTree t;
        t.file(0, "first.txt", "written first?\n");
        const int sub = t.folder(0, "sub");
        t.file(sub, name, "escape\n");
        auto e = test::expect_error(ErrorCode::UnsafePath, [&] { (void)extract(t, dest()); });
        EXPECT_EQ(e.context().path, "/sub/" + name);
        EXPECT_NE(e.message().find("/sub/"), std::string::npos) << e.message();
        EXPECT_TRUE(listing(dest()).empty()) << "nothing is written";
        EXPECT_FALSE(stdfs::exists(m_work / "x"));
        EXPECT_TRUE(listing(outside()).empty());
    }
}

TEST_F(Extractor, UnsafeFolderNameIsRefusedToo) {
    HandTree t;
    const int up = t.folder(0, "..");
    t.file(up, "evil.txt", "escape\n");
    auto e = test::expect_error(ErrorCode::UnsafePath, [&] { (void)extract(t, dest()); });
    EXPECT_EQ(e.context().path, "/..");
    EXPECT_FALSE(stdfs::exists(m_work / "evil.txt"));
}

TEST_F(Extractor, EveryProblemIsListedInOneError) {
    HandTree t;
    t.file(0, "..", "a");
    t.file(0, "x/y", "b");
    ImageEntry past = HandTree::file_entry("past-the-end.bin");
    past.extents.push_back({100000, 4096});
    past.size = 4096;
    t.entry(0, past);
    ImageEntry odd;
    odd.name = "odd";
    odd.type = FsiItemType::NotFound; // not a type anything could be made of
    t.entry(0, odd);
    auto e = test::expect_error(ErrorCode::UnsafePath, [&] { (void)extract(t, dest()); });
    EXPECT_NE(e.message().find("4 problems"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("'/odd'"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("'/..'"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("'/x/y'"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("'/past-the-end.bin'"), std::string::npos) << e.message();
    EXPECT_TRUE(listing(dest()).empty());
}

TEST_F(Extractor, FileDataPastTheEndOfTheImageIsNamed) {
    HandTree t;
    t.file(0, "fine.txt", "fine\n");
    ImageEntry big = HandTree::file_entry("big.bin");
    big.extents.push_back(t.append("start"));
    big.extents.push_back({1'000'000, 2048});
    big.size = 2053;
    const int docs = t.folder(0, "docs");
    t.entry(docs, big);
    auto e =
        test::expect_error(ErrorCode::FileSystemReadConsistency, [&] { (void)extract(t, dest()); });
    EXPECT_EQ(e.context().path, "/docs/big.bin");
    EXPECT_EQ(e.context().lba, 1'000'000u);
    EXPECT_NE(e.message().find("past the end of the image"), std::string::npos) << e.message();
    EXPECT_TRUE(listing(dest()).empty());
}

TEST_F(Extractor, FileLargerThanItsExtentsIsRefused) {
    HandTree t;
    ImageEntry f = HandTree::file_entry("short.bin");
    f.extents.push_back(t.append("12345"));
    f.size = 10;
    t.entry(0, f);
    auto e =
        test::expect_error(ErrorCode::FileSystemReadConsistency, [&] { (void)extract(t, dest()); });
    EXPECT_EQ(e.context().path, "/short.bin");
    EXPECT_FALSE(stdfs::exists(dest() / "short.bin"));
}

/// An image holding a symlink "a -> OUTSIDE", then a folder "a" with a file "passwd": written
/// through the link, the file would land outside the destination.
TEST_F(Extractor, AbsoluteSymlinkThenAFileThroughIt) {
    HandTree t;
    t.symlink(0, "a", outside().string());
    const int a = t.folder(0, "a");
    t.file(a, "passwd", "root::0:0::/:/bin/sh\n");

    auto e = test::expect_error(ErrorCode::FileExists, [&] { (void)extract(t, dest()); });
    EXPECT_EQ(e.context().path, (dest() / "a").string());
    EXPECT_TRUE(listing(outside()).empty()) << "the link was followed";
    EXPECT_TRUE(stdfs::is_symlink(dest() / "a"));

    // Replacing: the link gives way to a real folder; still nothing outside.
    stdfs::remove_all(dest());
    (void)extract(t, dest(), {.existing = Overwrite::Replace});
    EXPECT_TRUE(listing(outside()).empty()) << "the link was followed";
    EXPECT_FALSE(stdfs::is_symlink(dest() / "a"));
    EXPECT_EQ(slurp(dest() / "a/passwd"), "root::0:0::/:/bin/sh\n");
}

TEST_F(Extractor, SymlinkAlreadyInTheDestinationIsNeverFollowed) {
    stdfs::create_directory(dest());
    stdfs::create_directory_symlink(outside(), dest() / "etc");
    stdfs::create_symlink(outside() / "motd", dest() / "motd");
    HandTree t;
    const int etc = t.folder(0, "etc");
    t.file(etc, "passwd", "x\n");
    t.file(0, "motd", "hi\n");

    test::expect_error(ErrorCode::FileExists, [&] { (void)extract(t, dest()); });
    EXPECT_TRUE(listing(outside()).empty());

    (void)extract(t, dest(), {.existing = Overwrite::Replace});
    EXPECT_TRUE(listing(outside()).empty()) << "a host symlink was followed";
    EXPECT_TRUE(stdfs::is_directory(stdfs::symlink_status(dest() / "etc")));
    EXPECT_TRUE(stdfs::is_regular_file(stdfs::symlink_status(dest() / "motd")));
    EXPECT_EQ(slurp(dest() / "motd"), "hi\n");
}

TEST_F(Extractor, ExistingFileIsKeptUnlessReplacing) {
    stdfs::create_directories(dest() / "docs");
    std::ofstream(dest() / "docs/a.txt") << "old\n";
    HandTree t;
    const int docs = t.folder(0, "docs");
    t.file(docs, "a.txt", "new\n");
    t.file(docs, "b.txt", "b\n");

    auto e = test::expect_error(ErrorCode::FileExists, [&] { (void)extract(t, dest()); });
    EXPECT_EQ(e.context().path, (dest() / "docs/a.txt").string());
    EXPECT_NE(std::string(e.what()).find("while extracting '/docs/a.txt'"), std::string::npos)
        << e.what();
    EXPECT_EQ(slurp(dest() / "docs/a.txt"), "old\n");
    EXPECT_EQ(listing(dest()), (std::vector<std::string>{"docs", "docs/a.txt"}));

    // The conflict is found before the file's data is read.
    FailingStream unreadable(t.image(), 0);
    const ImageTree tree = t.tree();
    test::expect_error(ErrorCode::FileExists,
                       [&] { (void)extract_image(unreadable, tree, {}, dest().string()); });

    const ExtractReport r = extract(t, dest(), {.existing = Overwrite::Replace});
    EXPECT_EQ(slurp(dest() / "docs/a.txt"), "new\n");
    EXPECT_EQ(slurp(dest() / "docs/b.txt"), "b\n");
    EXPECT_EQ(r.directories, 0u) << "the existing folder is merged into, not created";
    EXPECT_EQ(listing(dest()), (std::vector<std::string>{"docs", "docs/a.txt", "docs/b.txt"}));
}

TEST_F(Extractor, AFolderIsNeverReplacedByAFile) {
    stdfs::create_directories(dest() / "thing/inside");
    HandTree t;
    t.file(0, "thing", "file\n");
    test::expect_error(ErrorCode::ImportFileExistsAsDirectory,
                       [&] { (void)extract(t, dest(), {.existing = Overwrite::Replace}); });
    EXPECT_TRUE(stdfs::is_directory(dest() / "thing/inside"));
}

TEST_F(Extractor, ChosenPathsOnly) {
    HandTree t;
    const int docs = t.folder(0, "docs", 0700);
    t.file(docs, "a.txt", "a\n");
    t.file(docs, "b.txt", "b\n");
    const int pics = t.folder(0, "pics");
    t.file(pics, "p.png", "png");
    t.file(0, "top", "top");
    const std::vector<std::string> paths{"/docs/b.txt", "pics", "/pics/p.png"};
    const ImageTree tree = t.tree();
    const ExtractReport r = extract_image(*t.image(), tree, paths, dest().string());
    EXPECT_EQ(listing(dest()),
              (std::vector<std::string>{"docs", "docs/b.txt", "pics", "pics/p.png"}));
    EXPECT_EQ(r.files, 2u) << "a path under another chosen one is extracted once";
    // A folder leading to a chosen item is a plain folder, not the image's 0700 one.
    EXPECT_NE(lstat_of(dest() / "docs").st_mode & 07777, 0700u);

    const std::vector<std::string> missing{"/nope"};
    auto e = test::expect_error(ErrorCode::ItemNotFound, [&] {
        (void)extract_image(*t.image(), tree, missing, (m_work / "other").string());
    });
    EXPECT_EQ(e.context().path, "/nope");
}

TEST_F(Extractor, AFailureLeavesNoHalfWrittenFile) {
    HandTree t;
    t.file(0, "a.txt", "complete\n");
    const int big = t.file(0, "big.bin", std::string(3 << 20, 'z'));
    (void)big;
    const ImageTree tree = t.tree();
    FailingStream failing(t.image(), 18 * block_size + (2 << 20)); // inside big.bin
    auto e = test::expect_error(ErrorCode::DataStreamReadFailure,
                                [&] { (void)extract_image(failing, tree, {}, dest().string()); });
    EXPECT_NE(std::string(e.what()).find("while extracting '/big.bin'"), std::string::npos)
        << e.what();
    EXPECT_EQ(listing(dest()), std::vector<std::string>{"a.txt"})
        << "neither big.bin nor its temporary file is left";
}

TEST_F(Extractor, CancelStopsWithoutAPartialFile) {
    HandTree t;
    t.file(0, "big.bin", std::string(4 << 20, 'q'));
    CancellationSource cancel;
    int events = 0;
    const ExtractEventHandler on_event = [&](const ExtractEvent& ev) {
        if (const auto* p = std::get_if<ExtractProgressEvent>(&ev); p && p->bytes_done > 0) {
            EXPECT_EQ(p->bytes_total, 4u << 20);
            if (++events == 1) cancel.cancel();
        }
    };
    test::expect_error(ErrorCode::RequestCancelled,
                       [&] { (void)extract(t, dest(), {}, {}, on_event, cancel.token()); });
    EXPECT_EQ(events, 1);
    EXPECT_TRUE(listing(dest()).empty());
}

TEST_F(Extractor, ALoopInTheTreeIsAnErrorNotAHang) {
    std::vector<ImageEntry> entries(2);
    entries[0].type = entries[1].type = FsiItemType::Directory;
    entries[0].first_child = 1;
    entries[0].child_count = 1;
    entries[1].name = "again";
    entries[1].first_child = 1; // its own child
    entries[1].child_count = 1;
    const ImageTree tree(entries);
    MemoryStream image(std::vector<std::byte>(20 * block_size));
    test::expect_error(ErrorCode::FileSystemReadConsistency,
                       [&] { (void)extract_image(image, tree, {}, dest().string()); });
    EXPECT_TRUE(listing(dest()).empty());
}

TEST_F(Extractor, SetuidIsDroppedUnlessOwnersAreRestored) {
    HandTree t;
    t.file(0, "tool", "#!/bin/sh\n", 04755);
    (void)extract(t, dest());
    EXPECT_EQ(lstat_of(dest() / "tool").st_mode & 07777, 0755u);
}

TEST_F(Extractor, OwnersAreRestoredWhenAskedAsRoot) {
    if (::geteuid() != 0) GTEST_SKIP() << "only root may give files away";
    HandTree t;
    ImageEntry f = HandTree::file_entry("owned", 04750);
    f.uid = 1234;
    f.gid = 5678;
    t.entry(0, f);
    (void)extract(t, dest(), {.owners = Ownership::Image});
    const struct stat st = lstat_of(dest() / "owned");
    EXPECT_EQ(st.st_uid, 1234u);
    EXPECT_EQ(st.st_gid, 5678u);
    EXPECT_EQ(st.st_mode & 07777, 04750u) << "chown must not clear the setuid bit set after it";
}

TEST_F(Extractor, DefaultModesAndExtractionTimes) {
    HandTree t;
    const int ro = t.folder(0, "ro", 0555);
    t.file(ro, "f", "x", 0444);
    const mode_t mask = ::umask(022);
    (void)extract(t, dest(), {.times = Times::Extraction, .modes = Modes::Default});
    ::umask(mask);
    EXPECT_EQ(lstat_of(dest() / "ro").st_mode & 07777, 0755u);
    EXPECT_EQ(lstat_of(dest() / "ro/f").st_mode & 07777, 0644u);
    EXPECT_GT(lstat_of(dest() / "ro/f").st_mtime, kFolderTime);
}

TEST_F(Extractor, DevicesNeedRoot) {
    HandTree t;
    t.special(0, "null", FsiItemType::CharDevice, S_IFCHR | 0666, (u64{1} << 32) | 3);
    std::vector<std::string> warnings;
    const ExtractEventHandler on_event = [&](const ExtractEvent& ev) {
        if (const auto* w = std::get_if<WarningEvent>(&ev)) warnings.push_back(w->message);
    };
    const ExtractReport r = extract(t, dest(), {}, {}, on_event);
    struct stat st {};
    if (::lstat((dest() / "null").c_str(), &st) == 0) {
        ASSERT_EQ(::geteuid(), 0u) << "only root can make a device";
        EXPECT_TRUE(S_ISCHR(st.st_mode));
        EXPECT_EQ(major(st.st_rdev), 1u);
        EXPECT_EQ(minor(st.st_rdev), 3u);
        EXPECT_EQ(r.specials, 1u);
    } else {
        EXPECT_EQ(r.skipped, 1u);
        ASSERT_EQ(warnings.size(), 1u);
        EXPECT_NE(warnings[0].find("'/null'"), std::string::npos) << warnings[0];
    }
}

TEST_F(Extractor, CopiesFromAnImageFileByDescriptor) {
    HandTree t;
    std::string data(5 << 20, '\0');
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<char>((i * 131) >> 7);
    t.file(0, "big.bin", data);
    const stdfs::path file = m_work / "image.iso";
    {
        const auto memory = t.image();
        const auto bytes = memory->bytes();
        std::ofstream out(file, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
    }
    FileStream image(file.string());
    ASSERT_GE(image.native_fd(), 0);
    const ImageTree tree = t.tree();
    const ExtractReport r = extract_image(image, tree, {}, dest().string());
    EXPECT_EQ(r.bytes, data.size());
    EXPECT_TRUE(slurp(dest() / "big.bin") == data) << "the data differs";
}

} // namespace
} // namespace discwright
