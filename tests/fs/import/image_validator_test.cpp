// ImageValidator: images made by FileSystemImage check clean in every combination of file
// systems and levels; copies damaged byte by byte report the check that names the damage, at
// the block that holds it. (Images of other writers are judged in tests/interop.)

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/byte_io.h"
#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "discwright/image_reader.h"
#include "discwright/image_validator.h"
#include "fs/iso_reader.h"
#include "support/expect_error.h"
#include "support/temp_tree.h"

namespace discwright {
namespace {

using fs::test::IsoView;
using fs::test::Record;
namespace iso9660 = fs::iso9660;

constexpr UnixTime kNow = 1'700'000'000;

/// An image with some of its bytes replaced: damage without copying the image.
class PatchedStream final : public Stream {
public:
    explicit PatchedStream(StreamPtr base) : m_base(std::move(base)), m_size(m_base->size()) {}

    void patch(u64 offset, std::span<const std::byte> bytes) {
        for (std::size_t i = 0; i < bytes.size(); ++i)
            m_patches[offset + i] = bytes[i];
    }
    template <core::OnDisk T> void put(u64 offset, const T& value) {
        std::array<std::byte, sizeof(T)> b{};
        core::ByteWriter w(b);
        w.put(value);
        patch(offset, b);
    }
    void put_text(u64 offset, std::string_view s) { patch(offset, std::as_bytes(std::span(s))); }
    void set_size(u64 size) { m_size = size; }

    u64 size() const override { return m_size; }
    std::size_t read_at(u64 offset, std::span<std::byte> buffer) const override {
        if (offset >= m_size) return 0;
        const std::size_t n =
            static_cast<std::size_t>(std::min<u64>(buffer.size(), m_size - offset));
        std::size_t got = 0;
        if (offset < m_base->size()) got = m_base->read_at(offset, buffer.first(n));
        std::fill(buffer.begin() + static_cast<long>(got), buffer.begin() + static_cast<long>(n),
                  std::byte{0});
        for (auto it = m_patches.lower_bound(offset);
             it != m_patches.end() && it->first < offset + n; ++it)
            buffer[it->first - offset] = it->second;
        return n;
    }
    std::string description() const override { return "patched image"; }

private:
    StreamPtr m_base;
    u64 m_size;
    std::map<u64, std::byte> m_patches;
};

StreamPtr text(std::string_view t) {
    return MemoryStream::from_string(t);
}

/// Names, links, hidden files, deep folders, long names and targets (continuation areas), a
/// folder of more than one block.
void populate(FileSystemImage& img) {
    auto root = img.root();
    root.add_directory("Docs");
    root.add_file("Docs/Read Me.txt", text("hello\n"));
    auto secret = root.add_file("Docs/secret.bin", text(std::string(5000, 'x')));
    secret.set_hidden(true);
    secret.set_mode(0600);
    root.add_file("empty", text(""));
    root.add_symlink("link", "Docs/Read Me.txt");
    root.add_symlink("far", std::string(120, 'a') + "/" + std::string(150, 'b') + "/target");
    root.add_file(std::string(180, 'n') + ".txt", text("long name\n"));
    root.add_directory("many");
    for (int i = 0; i < 80; ++i)
        root.add_file(fmt::format("many/file number {:03}.txt", i), text(fmt::format("{}\n", i)));
    std::string deep;
    for (int i = 0; i < 10; ++i) {
        deep += "/d" + std::to_string(i);
        root.add_directory(deep);
    }
    root.add_file(deep + "/bottom.txt", text("deep\n"));
}

StreamPtr make_image(ImageOptions options = {}) {
    FileSystemImage img(options, Clock::fixed(kNow));
    populate(img);
    return img.create_result_image().image_stream();
}

ValidationReport check(StreamPtr image) {
    ImageValidator v;
    v.set_stream(std::move(image));
    return v.check();
}

std::string describe(const ValidationReport& r) {
    std::string out = fmt::format("{} errors, {} warnings", r.errors(), r.warnings());
    for (const auto& p : r.problems)
        out += fmt::format("\n  {} {} (LBA {}) '{}': {}",
                           p.severity == ValidationProblem::Severity::Error ? "error" : "warning",
                           p.check, p.lba ? std::to_string(*p.lba) : "-", p.path, p.message);
    return out;
}

const ValidationProblem* find(const ValidationReport& r, std::string_view id) {
    for (const auto& p : r.problems)
        if (p.check == id) return &p;
    return nullptr;
}

/// Expects `id` reported (as an error or a warning) at `lba`.
void expect_problem(const ValidationReport& r, std::string_view id, std::optional<u64> lba,
                    ValidationProblem::Severity severity = ValidationProblem::Severity::Error) {
    const auto it = std::find_if(r.problems.begin(), r.problems.end(), [&](const auto& p) {
        return p.check == id && (!lba || p.lba == lba);
    });
    ASSERT_NE(it, r.problems.end())
        << "expected '" << id << "' at LBA " << (lba ? std::to_string(*lba) : "any") << "\n"
        << describe(r);
    EXPECT_EQ(it->severity, severity) << describe(r);
}

/// The image's structures, found with the test suite's own reader.
struct Layout {
    explicit Layout(StreamPtr image) : stream(std::move(image)), view(*stream) {
        pvd = view.descriptor_at_stream_block(16);
        for (u64 b = 17; b < 32; ++b) {
            auto vd = view.descriptor_at_stream_block(b);
            if (vd.type == 255) {
                terminator = b;
                break;
            }
            if (vd.type == 2 && vd.escape_sequences[0] == '%') {
                joliet = vd;
                joliet_lba = b;
            }
        }
    }
    /// The records of the folder at `path` ("/" or "/DOCS") of the primary (or Joliet) tree.
    std::vector<Record> folder(std::string_view path, bool in_joliet = false) const {
        Record dir = fs::test::root_record(in_joliet ? *joliet : pvd);
        auto records = fs::test::read_directory(view, dir.extent, dir.data_length);
        std::string_view rest = path;
        while (!rest.empty()) {
            if (rest.front() == '/') {
                rest.remove_prefix(1);
                continue;
            }
            const auto name = rest.substr(0, rest.find('/'));
            rest.remove_prefix(name.size());
            const std::string id = in_joliet ? utf16(name) : std::string(name);
            auto found = fs::test::find_records(records, id);
            EXPECT_EQ(found.size(), 1u) << "no folder " << name;
            if (found.empty()) return {};
            records = fs::test::read_directory(view, found[0].extent, found[0].data_length);
        }
        return records;
    }
    Record record(std::string_view folder_path, std::string_view id, bool in_joliet = false) const {
        auto found = fs::test::find_records(folder(folder_path, in_joliet),
                                            in_joliet ? utf16(id) : std::string(id));
        EXPECT_FALSE(found.empty()) << "no record " << id << " in " << folder_path;
        return found.empty() ? Record{} : found[0];
    }
    static std::string utf16(std::string_view ascii) {
        std::string out;
        for (char c : ascii) {
            out += '\0';
            out += c;
        }
        return out;
    }
    static u64 at(const Record& r) { return r.lba * block_size + r.offset; }
    /// Offset of the system use entry `sig` inside the record's own area.
    static u64 entry_at(const Record& r, std::string_view sig) {
        const std::size_t su = r.length - r.system_use.size();
        for (std::size_t i = 0; i + 4 <= r.system_use.size();) {
            const auto len = static_cast<u8>(r.system_use[i + 2]);
            if (static_cast<char>(r.system_use[i]) == sig[0] &&
                static_cast<char>(r.system_use[i + 1]) == sig[1])
                return at(r) + su + i;
            if (len < 4) break;
            i += len;
        }
        ADD_FAILURE() << "no " << sig << " entry in '" << r.identifier << "'";
        return 0;
    }

    StreamPtr stream;
    IsoView view;
    iso9660::VolumeDescriptor pvd;
    std::optional<iso9660::VolumeDescriptor> joliet;
    u64 joliet_lba = 0;
    u64 terminator = 0;
};

// ---- images of our writer ------------------------------------------------------------------

struct Combination {
    FsType file_systems;
    int level;
};

class OurImages : public testing::TestWithParam<Combination> {};

TEST_P(OurImages, CheckWithoutAnyProblem) {
    ImageOptions o;
    o.file_systems = GetParam().file_systems;
    o.iso_level = GetParam().level;
    const auto report = check(make_image(o));
    EXPECT_TRUE(report.problems.empty()) << describe(report);
}

std::vector<Combination> combinations() {
    std::vector<Combination> out;
    for (FsType fs : {FsType::Iso9660, FsType::Joliet, FsType::RockRidge,
                      FsType::Iso9660 | FsType::Joliet, FsType::Iso9660 | FsType::RockRidge,
                      FsType::Iso9660 | FsType::Joliet | FsType::RockRidge, FsType::Iso9660_1999,
                      FsType::Iso9660 | FsType::Joliet | FsType::RockRidge | FsType::Iso9660_1999})
        for (int level = 1; level <= 4; ++level)
            out.push_back({fs, level});
    return out;
}

INSTANTIATE_TEST_SUITE_P(ImageValidator, OurImages, testing::ValuesIn(combinations()),
                         [](const testing::TestParamInfo<Combination>& info) {
                             std::string name = to_string(info.param.file_systems);
                             std::replace_if(
                                 name.begin(), name.end(),
                                 [](char c) {
                                     return !std::isalnum(static_cast<unsigned char>(c));
                                 },
                                 '_');
                             return fmt::format("{}_level{}", name, info.param.level);
                         });

TEST(ImageValidator, TheSampleHasWhatTheChecksNeed) {
    // The damage tests below rely on these; if the writer changes, they must still be there.
    Layout l(make_image());
    ASSERT_TRUE(l.joliet);
    const auto root = l.folder("/");
    EXPECT_TRUE(std::any_of(root.begin(), root.end(),
                            [](const Record& r) { return r.identifier == "RR_MOVED"; }));
    EXPECT_GT(fs::test::root_record(l.pvd).data_length, 0u);
    EXPECT_GT(l.record("/", "MANY").data_length, block_size) << "a folder of several blocks";
    const Record far = l.record("/", "FAR.;1");
    EXPECT_NE(Layout::entry_at(far, "CE"), 0u) << "a symlink continued in a CE area";
}

TEST(ImageValidator, HardLinksFifosAndSymlinksFromAHostTreeCheckClean) {
    test::TempTree tree{{"a.txt", "shared\n"},
                        {"b.txt", test::HardLink{"a.txt"}},
                        {"pipe", test::Fifo{}},
                        {"sub/link", test::Symlink{"../a.txt"}}};
    FileSystemImage img({}, Clock::fixed(kNow));
    img.root().add_tree(tree.path().string());
    const auto image = img.create_result_image().image_stream();
    Layout l(image);
    const Record a = l.record("/", "A.TXT;1"), b = l.record("/", "B.TXT;1");
    EXPECT_EQ(a.extent, b.extent) << "hard links share their data, which is no overlap";
    const auto report = check(image);
    EXPECT_TRUE(report.problems.empty()) << describe(report);
}

TEST(ImageValidator, AFileOfSeveralExtentsChecksClean) {
    ImageOptions o;
    o.max_media_blocks = 0;
    FileSystemImage img(o, Clock::fixed(kNow));
    img.root().add_file("big.bin", std::make_shared<ZeroStream>(u64{5} << 30));
    const auto image = img.create_result_image().image_stream();
    const auto report = check(image);
    EXPECT_TRUE(report.problems.empty()) << describe(report);

    // ECMA-119 6.5.1: every extent but the last is a whole number of blocks.
    Layout l(image);
    const auto parts = fs::test::find_records(l.folder("/"), "BIG.BIN;1");
    ASSERT_GE(parts.size(), 2u);
    auto bad = std::make_shared<PatchedStream>(image);
    bad->put(Layout::at(parts[0]) + 10, core::LeBe32(parts[0].data_length - 1)); // BP 11-18
    expect_problem(check(bad), "multi-extent", parts[0].lba);
}

TEST(ImageValidator, TwoSessionsAreBothChecked) {
    const auto first = make_image();
    ImageReader reader(first);
    FileSystemImage next({}, Clock::fixed(kNow));
    next.import_file_system(reader);
    next.root().add_file("added.txt", text("second session\n"));
    const auto second = next.create_result_image().image_stream();
    ASSERT_EQ(next.options().session_start_block * u64{block_size}, first->size());
    const auto both = std::make_shared<ConcatStream>(std::vector<StreamPtr>{first, second});
    ASSERT_EQ(ImageReader::find_sessions(*both).size(), 2u);
    auto report = check(both);
    EXPECT_TRUE(report.problems.empty()) << describe(report);

    // Damage in the first session is found, and named by its session.
    Layout l(first);
    auto bad = std::make_shared<PatchedStream>(both);
    const Record readme = l.record("/DOCS", "READ_ME.TXT;1");
    bad->put(Layout::at(readme) + 6, core::Be32(readme.extent + 1)); // BP 7-10, M half
    report = check(bad);
    expect_problem(report, "record-both-byte-order", readme.lba);
    EXPECT_NE(find(report, "record-both-byte-order")->message.find("session 1 of 2"),
              std::string::npos)
        << describe(report);
}

// ---- damage ----------------------------------------------------------------------------------

class Damaged : public testing::Test {
protected:
    Damaged() : image(make_image()), layout(image), bad(std::make_shared<PatchedStream>(image)) {}
    ValidationReport report() const { return check(bad); }

    StreamPtr image;
    Layout layout;
    std::shared_ptr<PatchedStream> bad;
};

TEST_F(Damaged, NothingChangedIsClean) {
    const auto r = report();
    EXPECT_TRUE(r.clean() && r.problems.empty()) << describe(r);
}

TEST_F(Damaged, WrongLPathTableEntry) {
    // Record 2 of the L table (after the root's 10 bytes): its extent location (BP 3-6).
    const u64 table = layout.pvd.type_l_path_table;
    const auto records = fs::test::read_path_table(layout.view.block_bytes(table), false);
    ASSERT_GE(records.size(), 2u);
    bad->put(table * block_size + 10 + 2, core::Le32(records[1].extent + 3));
    const auto r = report();
    expect_problem(r, "path-table-entry", table);
    expect_problem(r, "path-table-mismatch", std::nullopt);
}

TEST_F(Damaged, MPathTableDiffers) {
    const u64 table = layout.pvd.type_m_path_table;
    const auto records = fs::test::read_path_table(layout.view.block_bytes(table), true);
    ASSERT_GE(records.size(), 3u);
    // Record 3's parent number (BP 7-8): the second record instead of the root.
    bad->put(table * block_size + 10 + 8 + records[1].identifier.size() +
                 records[1].identifier.size() % 2 + 6,
             core::Be16(2));
    const auto r = report();
    expect_problem(r, "path-table-mismatch", table);
    EXPECT_FALSE(find(r, "path-table-entry") &&
                 find(r, "path-table-entry")->lba == layout.pvd.type_l_path_table.value())
        << "the L table is right\n"
        << describe(r);
}

TEST_F(Damaged, PathTableOutOfOrder) {
    // "DOCS" renamed "ZOCS" in both tables: it now sorts after "MANY", which follows it.
    for (bool big_endian : {false, true}) {
        const u64 table =
            big_endian ? u64(layout.pvd.type_m_path_table) : u64(layout.pvd.type_l_path_table);
        const auto records = fs::test::read_path_table(layout.view.block_bytes(table), big_endian);
        u64 offset = 0;
        for (const auto& p : records) {
            if (p.identifier == "DOCS") bad->put_text(table * block_size + offset + 8, "ZOCS");
            offset += 8 + p.identifier.size() + p.identifier.size() % 2;
        }
    }
    const auto r = report();
    expect_problem(r, "path-table-order", layout.pvd.type_l_path_table.value());
    expect_problem(r, "path-table-entry", std::nullopt); // "/DOCS" is not listed any more
    EXPECT_FALSE(find(r, "path-table-mismatch")) << describe(r);
}

TEST_F(Damaged, RecordCrossingABlock) {
    const auto many = layout.folder("/MANY");
    // The last record of the folder's first block.
    const Record* last = nullptr;
    for (const auto& rec : many)
        if (rec.lba == many.front().lba) last = &rec;
    ASSERT_TRUE(last);
    ASSERT_GT(last->offset + 255, block_size) << "the block is nearly full";
    bad->put(Layout::at(*last), u8(block_size - last->offset + 2));
    expect_problem(report(), "record-length", last->lba);
}

TEST_F(Damaged, UnsortedRecords) {
    // Two neighbours of the same length swap identifiers: out of order by any rule.
    const Record a = layout.record("/MANY", "FILE_NUMBER_001.TXT;1");
    const Record b = layout.record("/MANY", "FILE_NUMBER_002.TXT;1");
    bad->put_text(Layout::at(a) + 33, "FILE_NUMBER_002.TXT;1");
    bad->put_text(Layout::at(b) + 33, "FILE_NUMBER_001.TXT;1");
    const auto r = report();
    expect_problem(r, "record-order", b.lba);
    EXPECT_FALSE(find(r, "duplicate-name")) << describe(r);
}

TEST_F(Damaged, DuplicateIdentifiers) {
    const Record b = layout.record("/MANY", "FILE_NUMBER_002.TXT;1");
    bad->put_text(Layout::at(b) + 33, "FILE_NUMBER_001.TXT;1");
    expect_problem(report(), "duplicate-name", b.lba);
}

TEST_F(Damaged, VolumeSpaceLargerThanTheStream) {
    const u32 blocks = static_cast<u32>(image->size() / block_size);
    bad->put(16 * block_size + 80, core::LeBe32(blocks + 10)); // ECMA-119 8.4.8, BP 81-88
    const auto r = report();
    expect_problem(r, "vd-volume-space", 16);
    EXPECT_EQ(r.problems.size(), 2u) << "and the Joliet volume disagrees\n" << describe(r);
    expect_problem(r, "vd-volume-space-mismatch", layout.joliet_lba,
                   ValidationProblem::Severity::Warning);
}

TEST_F(Damaged, AnImageLongerThanItsVolumeIsFine) {
    bad->set_size(image->size() + 64 * block_size);
    const auto r = report();
    EXPECT_TRUE(r.problems.empty()) << describe(r);
}

TEST_F(Damaged, LyingBothByteOrderHalves) {
    const Record readme = layout.record("/DOCS", "READ_ME.TXT;1");
    bad->put(Layout::at(readme) + 14, core::Be32(readme.data_length + 1)); // BP 15-18
    bad->put(16 * block_size + 122, core::Be16(2)); // volume set size, BP 123-124
    const auto r = report();
    expect_problem(r, "record-both-byte-order", readme.lba);
    expect_problem(r, "vd-both-byte-order", 16);
}

TEST_F(Damaged, ContinuationAreaPastTheEnd) {
    const Record far = layout.record("/", "FAR.;1");
    const u64 ce = Layout::entry_at(far, "CE");
    bad->put(ce + 4, core::LeBe32(static_cast<u32>(image->size() / block_size) + 5));
    expect_problem(report(), "susp-ce", far.lba);
}

TEST_F(Damaged, ContinuationAreaPointingAtItself) {
    // The CE sends the reader back to the start of the record's own system use area.
    const Record far = layout.record("/", "FAR.;1");
    const u64 ce = Layout::entry_at(far, "CE");
    const u64 area = Layout::at(far) + far.length - far.system_use.size();
    bad->put(ce + 4, core::LeBe32(static_cast<u32>(far.lba)));
    bad->put(ce + 12, core::LeBe32(static_cast<u32>(area % block_size)));
    bad->put(ce + 20, core::LeBe32(static_cast<u32>(far.system_use.size())));
    expect_problem(report(), "susp-ce-loop", far.lba);
}

TEST_F(Damaged, FolderPointingAtItsParent) {
    const Record d0 = layout.record("/", "D0");
    const Record d1 = layout.record("/D0", "D1");
    bad->put(Layout::at(d1) + 2, core::LeBe32(d0.extent)); // BP 3-10
    const auto r = report();
    expect_problem(r, "directory-loop", d1.lba);
    EXPECT_NE(find(r, "directory-loop")->message.find("ancestors"), std::string::npos)
        << describe(r);
}

TEST_F(Damaged, PxSayingFolderOnAFile) {
    const Record empty = layout.record("/", "EMPTY.;1");
    bad->put(Layout::entry_at(empty, "PX") + 4, core::LeBe32(S_IFDIR | 0755));
    expect_problem(report(), "rrip-px", empty.lba);
}

TEST_F(Damaged, FileDataPastTheVolume) {
    const Record readme = layout.record("/DOCS", "READ_ME.TXT;1");
    bad->put(Layout::at(readme) + 2,
             core::LeBe32(layout.pvd.volume_space_size.value() + 1)); // BP 3-10
    expect_problem(report(), "extent-outside-volume", readme.lba);
}

TEST_F(Damaged, FilesSharingBlocks) {
    // A file made to start inside another one's data; and a file placed on a folder.
    const Record secret = layout.record("/DOCS", "SECRET.BIN;1");
    const Record readme = layout.record("/DOCS", "READ_ME.TXT;1");
    const Record docs = layout.record("/", "DOCS");
    bad->put(Layout::at(readme) + 2, core::LeBe32(secret.extent + 1));
    const Record on_folder = layout.record("/MANY", "FILE_NUMBER_000.TXT;1");
    bad->put(Layout::at(on_folder) + 2, core::LeBe32(docs.extent));
    const auto r = report();
    expect_problem(r, "extent-overlap", secret.extent + 1, ValidationProblem::Severity::Warning);
    expect_problem(r, "extent-overlaps-metadata", docs.extent);
}

TEST_F(Damaged, RelocatedFolderWithoutRe) {
    // The folder placed in RR_MOVED loses its RE: the CL placeholder now points at a folder
    // that Rock Ridge readers would also show in the relocation folder.
    const auto moved = layout.folder("/RR_MOVED");
    ASSERT_GE(moved.size(), 3u);
    const Record& relocated = moved[2];
    bad->put_text(Layout::entry_at(relocated, "RE"), "XX"); // an unknown entry now
    const Record placeholder = layout.record("/D0/D1/D2/D3/D4/D5/D6", "D7");
    expect_problem(report(), "rrip-cl", placeholder.lba);
}

TEST_F(Damaged, WrongParentLink) {
    const auto moved = layout.folder("/RR_MOVED");
    ASSERT_GE(moved.size(), 3u);
    const auto inside =
        fs::test::read_directory(layout.view, moved[2].extent, moved[2].data_length);
    bad->put(Layout::entry_at(inside[1], "PL") + 4, core::LeBe32(inside[1].extent));
    expect_problem(report(), "rrip-pl", moved[2].extent);
}

TEST_F(Damaged, BrokenSpEntry) {
    const auto root = layout.folder("/");
    bad->put(Layout::entry_at(root[0], "SP") + 4, u8(0xBF)); // SUSP 5.3: BE EF
    const auto r = report();
    expect_problem(r, "susp-sp", root[0].lba);
}

TEST_F(Damaged, NmWithASlash) {
    const Record readme = layout.record("/DOCS", "READ_ME.TXT;1");
    bad->put_text(Layout::entry_at(readme, "NM") + 5 + 4, "/"); // "Read/Me.txt"
    expect_problem(report(), "rrip-nm", readme.lba);
}

TEST_F(Damaged, TfLengthNotMatchingItsFlags) {
    const Record readme = layout.record("/DOCS", "READ_ME.TXT;1");
    bad->put(Layout::entry_at(readme, "TF") + 4, u8(0x0f)); // four stamps flagged, three there
    expect_problem(report(), "rrip-tf", readme.lba);
}

TEST_F(Damaged, FirstRecordNotDot) {
    const auto docs = layout.folder("/DOCS");
    bad->put(Layout::at(docs[0]) + 2, core::LeBe32(docs[0].extent + 1));
    expect_problem(report(), "record-dot", docs[0].lba);
}

TEST_F(Damaged, JolietNameThatIsNotUtf16) {
    const Record readme = layout.record("/Docs", "Read Me.txt;1", true);
    bad->put(Layout::at(readme) + 33, core::Be16(0xDC00)); // a low surrogate alone
    expect_problem(report(), "joliet-name-utf16", readme.lba);
}

TEST_F(Damaged, MissingTerminator) {
    bad->put_text(layout.terminator * block_size + 1, "XXXXX");
    expect_problem(report(), "vd-terminator", layout.terminator);
}

TEST_F(Damaged, DescriptorVersionAndDates) {
    bad->put(16 * block_size + 6, u8(2));              // BP 7
    bad->put_text(16 * block_size + 813 + 4, "13");    // creation month 13, BP 814
    bad->put_text(16 * block_size + 40, "lower case"); // volume identifier, BP 41
    const auto r = report();
    expect_problem(r, "vd-version", 16);
    expect_problem(r, "vd-date", 16, ValidationProblem::Severity::Warning);
    expect_problem(r, "vd-identifier", 16, ValidationProblem::Severity::Warning);
}

TEST_F(Damaged, NothingBreaksTheCheckItself) {
    // Every block of metadata overwritten with a pattern: many problems, no exception.
    const u64 end = layout.view.descriptor_at_stream_block(16).volume_space_size.value();
    for (u64 lba = 17; lba < std::min<u64>(end, 80); ++lba)
        for (u64 i = 0; i < block_size; i += 7)
            bad->put(lba * block_size + i, u8(lba + i));
    const auto r = report();
    EXPECT_FALSE(r.clean());
}

// ---- validate() and the object -------------------------------------------------------------

TEST(ImageValidator, ValidatePassesOurImage) {
    ImageValidator v;
    v.set_stream(make_image());
    EXPECT_NO_THROW(v.validate());
    EXPECT_TRUE(v.path().empty());
}

TEST(ImageValidator, ValidateWithoutAnImageIsNoImage) {
    ImageValidator v;
    test::expect_error(ErrorCode::NoImage, [&] { v.validate(); });
    test::expect_error(ErrorCode::NoImage, [&] { (void)v.check(); });
}

TEST(ImageValidator, ValidateAPartialBlockIsImageNotAligned) {
    auto image = std::make_shared<PatchedStream>(make_image());
    image->set_size(image->size() + 100);
    ImageValidator v;
    v.set_stream(image);
    auto e = test::expect_error(ErrorCode::ImageNotAligned, [&] { v.validate(); });
    EXPECT_NE(e.message().find("patched image"), std::string::npos) << e.message();
    const auto r = v.check();
    expect_problem(r, "image-alignment", std::nullopt);
    EXPECT_EQ(r.errors(), 1u) << describe(r);
}

TEST(ImageValidator, ValidateSomethingElseIsNoValidVolumeDescriptor) {
    ImageValidator v;
    v.set_stream(
        std::make_shared<MemoryStream>(std::vector<std::byte>(40 * block_size), "zeros.bin"));
    auto e = test::expect_error(ErrorCode::NoValidVolumeDescriptor, [&] { v.validate(); });
    EXPECT_NE(e.message().find("zeros.bin"), std::string::npos) << e.message();
    EXPECT_EQ(e.context().lba, 16u);
    expect_problem(v.check(), "volume-recognition", 16);

    v.set_stream(std::make_shared<MemoryStream>(std::vector<std::byte>{}, "empty.iso"));
    test::expect_error(ErrorCode::NoValidVolumeDescriptor, [&] { v.validate(); });
}

TEST(ImageValidator, SetPathOpensTheFile) {
    test::TempDir dir;
    const auto path = (dir / "image.iso").string();
    {
        const auto image = make_image();
        std::vector<std::byte> bytes(image->size());
        ASSERT_EQ(image->read_at(0, bytes), bytes.size());
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()), static_cast<long>(bytes.size()));
    }
    ImageValidator v;
    v.set_path(path);
    EXPECT_EQ(v.path(), path);
    EXPECT_NO_THROW(v.validate());
    const auto r = v.check();
    EXPECT_TRUE(r.problems.empty()) << describe(r);
    auto e = test::expect_error(ErrorCode::DataStreamCreateFailure,
                                [&] { v.set_path((dir / "missing.iso").string()); });
    EXPECT_NE(std::string(e.what()).find("missing.iso"), std::string::npos);
}

TEST(ImageValidator, CheckStopsWhenCancelled) {
    ImageValidator v;
    v.set_stream(make_image());
    CancellationSource source;
    source.cancel();
    test::expect_error(ErrorCode::RequestCancelled, [&] { (void)v.check(source.token()); });
}

TEST(ImageValidator, ChecksHaveUniqueIdsAndAreDocumented) {
    std::set<std::string_view> ids;
    for (const auto& c : validation_checks()) {
        EXPECT_TRUE(ids.insert(c.id).second) << "duplicate id " << c.id;
        EXPECT_FALSE(c.summary.empty());
    }
    const auto doc =
        std::filesystem::path(__FILE__).parent_path() / "../../../docs/image-validation.md";
    std::ifstream in(doc);
    ASSERT_TRUE(in) << doc;
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::size_t previous = 0;
    for (const auto& c : validation_checks()) {
        const bool error = c.severity == ValidationProblem::Severity::Error;
        const auto at = text.find(fmt::format("| `{}` | {} |", c.id, error ? "error" : "warning"));
        EXPECT_NE(at, std::string::npos)
            << c.id << " is not in the tables of docs/image-validation.md with its severity";
        if (at == std::string::npos) continue;
        EXPECT_GT(at, previous) << c.id << " is out of validation_checks() order in the docs";
        previous = at;
    }
}

} // namespace
} // namespace discwright
