// Judged tests (DESIGN.md 9): images made by the discwright CLI are read back by independent
// readers — xorriso (osirrox), 7-Zip, bsdtar (libarchive), pycdlib, isoinfo (genisoimage) and
// iso-info (libcdio) — and what each reader sees is compared with a Manifest of the source tree.
//
// What each reader can be judged on was calibrated against an image made by
// `xorriso -as mkisofs -R -J` of the same kind of tree:
//   xorriso extraction  Rock Ridge names, data, mode, owner, mtime (neither of symlinks),
//                       symlinks, fifos
//   bsdtar extraction   Rock Ridge (Joliet without it) names, data, mode, owner, mtime, symlinks,
//                       hard links (restored as links, so nlink is judged)
//   7z extraction       Joliet names (it ignores Rock Ridge), data, mtime
//   pycdlib rr          names, data, mode, owner, mtime, symlink targets, PX link counts
//   pycdlib joliet      names, data, mtime
//   pycdlib iso9660     ISO 9660 names (with ";1"), data
// A Rock Ridge view may show an empty hidden ".rr_moved" at the root; it is filtered out.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/isoinfo_listing.h"
#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kImageDate = 1'700'000'000;
const std::string kImageDateArg = std::to_string(kImageDate);

// ---------------------------------------------------------------------------------------------
// Making images

/// `discwright image create -o OUT --date kImageDate OPTIONS... SOURCES...`
RunResult create_image(const fs::path& out, const std::vector<std::string>& sources,
                       const std::vector<std::string>& options = {}) {
    std::vector<std::string> args{"image", "create", "-o", out.string(), "--date", kImageDateArg};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), sources.begin(), sources.end());
    return run_discwright(args);
}

std::vector<char> read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool folder_is_empty(const fs::path& dir) {
    return fs::is_empty(dir);
}

std::string listing_of(const fs::path& dir) {
    std::string out;
    for (const auto& e : fs::directory_iterator(dir))
        out += "  " + e.path().filename().string() + "\n";
    return out;
}

// ---------------------------------------------------------------------------------------------
// Reader views

enum class View { Xorriso, SevenZip, Bsdtar, PycdlibRr, PycdlibJoliet };

std::string_view to_string(View v) {
    switch (v) {
    case View::Xorriso:
        return "xorriso extraction";
    case View::SevenZip:
        return "7z extraction";
    case View::Bsdtar:
        return "bsdtar extraction";
    case View::PycdlibRr:
        return "pycdlib rr";
    case View::PycdlibJoliet:
        return "pycdlib joliet";
    }
    return "?";
}

bool is_rock_ridge_view(View v) {
    return v == View::Xorriso || v == View::Bsdtar || v == View::PycdlibRr;
}

/// What a reader saw: its manifest, or why it could not read the image.
struct Seen {
    std::string problem;
    Manifest manifest;
};

Seen look(View v, const fs::path& image, const fs::path& scratch) {
    Seen seen;
    if (v == View::PycdlibRr || v == View::PycdlibJoliet) {
        PycdlibView pv =
            pycdlib_view(image, v == View::PycdlibRr ? Namespace::RockRidge : Namespace::Joliet);
        if (!pv.ok()) seen.problem = pv.error + "\n" + pv.run.describe();
        seen.manifest = std::move(pv.manifest);
    } else {
        const Reader r = v == View::Xorriso    ? Reader::Xorriso
                         : v == View::SevenZip ? Reader::SevenZip
                                               : Reader::Bsdtar;
        const fs::path dir = scratch / ("x-" + std::string(test::to_string(r)));
        fs::remove_all(dir);
        RunResult rr = extract_with(r, image, dir);
        if (!rr.ok()) seen.problem = rr.describe();
        seen.manifest = Manifest::of_tree(dir);
    }
    if (is_rock_ridge_view(v)) seen.manifest = seen.manifest.without(".rr_moved");
    return seen;
}

/// The fields a view is judged on, with both manifests brought to what the view can show.
struct Judgement {
    Fields fields;
    Manifest expected;
    Manifest actual;
};

Judgement prepare(View v, const Manifest& expected, const Manifest& actual) {
    Judgement j{{}, expected, actual};
    const auto files_and_folders = [](const std::string&, const ManifestEntry& e) {
        return e.type == EntryType::File || e.type == EntryType::Directory;
    };
    switch (v) {
    case View::Xorriso: {
        j.fields = kPosixFields;
        // osirrox sets neither the time nor the owner of a symlink it creates (calibrated).
        const auto drop_link_time = [](const Manifest& m) {
            Manifest out;
            for (auto [p, e] : m.entries()) {
                if (e.type == EntryType::Symlink) e.mtime = 0, e.uid = 0, e.gid = 0;
                out.add(p, e);
            }
            return out;
        };
        j.expected = drop_link_time(expected);
        j.actual = drop_link_time(actual);
        break;
    }
    case View::Bsdtar:
    case View::PycdlibRr:
        j.fields = kPosixFields;
        j.fields.push_back(Field::Nlink);
        break;
    case View::SevenZip:
    case View::PycdlibJoliet:
        j.fields = {Field::Type, Field::Size, Field::Sha256, Field::Mtime};
        j.expected = expected.filtered(files_and_folders);
        break;
    }
    return j;
}

/// Reads `image` with view `v` and compares what it shows with `expected`.
testing::AssertionResult judged_by(View v, const fs::path& image, const Manifest& expected,
                                   const fs::path& scratch) {
    Seen seen = look(v, image, scratch);
    if (!seen.problem.empty())
        return testing::AssertionFailure() << to_string(v) << " could not read " << image << ":\n"
                                           << seen.problem;
    Judgement j = prepare(v, expected, seen.manifest);
    return manifests_match(to_string(v), j.expected, j.actual, j.fields);
}

const std::vector<View> kRockRidgeViews = {View::Xorriso, View::Bsdtar, View::PycdlibRr};
const std::vector<View> kAllViews = {View::Xorriso, View::Bsdtar, View::PycdlibRr, View::SevenZip,
                                     View::PycdlibJoliet};

// ---------------------------------------------------------------------------------------------
// Listings by isoinfo (genisoimage) and iso-info (libcdio)

struct Listed {
    char type = '-'; ///< 'd' folder, '-' file, 'l' symlink, ...
    std::uint64_t size = 0;
    std::uint64_t lba = 0;
};
using Listing = std::map<std::string, Listed>; ///< by path without leading slash

/// Parses `isoinfo -i IMG -l [-R|-J]`: "Directory listing of /D/" headers, then lines like
/// "----------   0    0    0            3 Nov 14 2023 [     30 00]  A.TXT;1 ".
Listing parse_isoinfo(const std::string& out) {
    Listing listing;
    for (const IsoinfoLine& line : parse_isoinfo_lines(out)) {
        Listed l;
        l.type = line.perms.empty() ? '?' : line.perms[0];
        l.size = line.size;
        l.lba = line.lba;
        listing[line.folder + line.name] = l;
    }
    return listing;
}

/// Parses `iso-info -i IMG -l --no-header`: "/d/:" headers, then lines like
/// "  - [LSN     33]         3 Sep 13 2020 12:26:40  a.txt".
Listing parse_iso_info(const std::string& out) {
    Listing listing;
    std::string folder;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.front() == '/' && line.back() == ':') {
            folder = line.substr(1, line.size() - 2);
            continue;
        }
        const auto lsn = line.find("[LSN");
        const auto close = line.find(']', lsn);
        if (lsn == std::string::npos || close == std::string::npos || lsn < 2) continue;
        std::istringstream rest(line.substr(close + 1));
        std::string size, mon, day, year, time;
        rest >> size >> mon >> day >> year >> time;
        std::string name;
        std::getline(rest, name);
        name.erase(0, std::min(name.size(), std::size_t{2}));
        if (name == "." || name == ".." || name.empty()) continue;
        Listed l;
        l.type = line[2];
        l.size = std::stoull(size);
        l.lba = std::stoull(line.substr(lsn + 4, close - lsn - 4));
        listing[folder + name] = l;
    }
    return listing;
}

std::string last_component(const std::string& path) {
    return path.substr(path.rfind('/') + 1);
}

std::size_t utf16_units(const std::string& utf8) {
    std::size_t units = 0;
    for (std::size_t i = 0; i < utf8.size();) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        units += len == 4 ? 2 : 1;
        i += len;
    }
    return units;
}

/// Content of regular files as a multiset of "size:sha256", for views whose names are mapped.
std::multiset<std::string> file_contents(const Manifest& m) {
    std::multiset<std::string> out;
    for (const auto& [p, e] : m.entries())
        if (e.type == EntryType::File) out.insert(std::to_string(e.size) + ":" + e.sha256);
    return out;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string regex_escape(const std::string& s) {
    static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
    return std::regex_replace(s, special, R"(\$&)");
}

// ---------------------------------------------------------------------------------------------

class JudgedImage : public testing::Test {
protected:
    TempDir m_work{"discwright-judged"};
    fs::path image(std::string_view name = "out.iso") const { return m_work / name; }
    fs::path scratch() const { return m_work.path(); }

    /// Makes `out` from `tree` (a folder argument: its contents go to the image root).
    void make(const fs::path& out, const TempTree& tree,
              const std::vector<std::string>& options = {}) {
        RunResult r = create_image(out, {tree.path().string()}, options);
        ASSERT_EQ(r.exit_status, 0) << r.describe();
        ASSERT_TRUE(fs::is_regular_file(out)) << r.describe();
        ASSERT_EQ(fs::file_size(out) % 2048, 0u)
            << "an image is a whole number of 2048-byte blocks";
    }
};

TEST_F(JudgedImage, EmptyFilesAndSizesAroundBlockBoundaries) {
    std::vector<TreeEntry> spec{
        {"empty", ""},
        {"empty folder", Folder{}},
        {"sub/also empty.txt", ""},
        {"sub/deeper/empty.bin", ""},
        {"one byte", "x"},
    };
    std::uint64_t seed = 1;
    for (std::uint64_t k : {1, 2, 3, 16, 513}) {
        for (std::int64_t delta : {-1, 0, 1}) {
            const std::uint64_t size = 2048 * k + delta;
            spec.push_back({"sizes/f" + std::to_string(size), PseudoRandom{size, seed++}});
        }
    }
    TempTree tree(spec);
    ASSERT_NO_FATAL_FAILURE(make(image(), tree));
    const Manifest expected = Manifest::of_tree(tree.path());
    ASSERT_EQ(expected.count(EntryType::File), 19u);
    for (View v : kAllViews)
        EXPECT_TRUE(judged_by(v, image(), expected, scratch()));
}

TEST_F(JudgedImage, TenThousandFiles) {
    TempTree tree;
    for (int d = 0; d < 100; ++d) {
        for (int f = 0; f < 100; ++f) {
            const int n = d * 100 + f;
            // Sizes vary from 0 to ~4 KiB so files straddle block boundaries.
            std::string content = "file " + std::to_string(n) + "\n";
            content.append(static_cast<std::size_t>((n * 37) % 4100),
                           static_cast<char>('a' + n % 26));
            tree.add({"dir" + std::to_string(d) + "/file" + std::to_string(f) + ".txt", content});
        }
    }
    tree.finish();
    ASSERT_NO_FATAL_FAILURE(make(image(), tree));
    const Manifest expected = Manifest::of_tree(tree.path());
    ASSERT_EQ(expected.count(EntryType::File), 10'000u);
    ASSERT_EQ(expected.count(EntryType::Directory), 100u);
    EXPECT_TRUE(judged_by(View::Xorriso, image(), expected, scratch()));
    EXPECT_TRUE(judged_by(View::Bsdtar, image(), expected, scratch()));
    EXPECT_TRUE(judged_by(View::PycdlibRr, image(), expected, scratch()));
}

/// Five names that collide in ISO 9660 (uppercase d-characters) and four that collide in Joliet
/// (case-insensitive): every file must still be there with its own content in every view.
class CollidingNames : public JudgedImage {
protected:
    TempTree m_tree{{"docs/ReadMe.txt", "one\n"},    {"docs/readme.TXT", "two\n"},
                    {"docs/read me.txt", "three\n"}, {"docs/README.TXT", "four\n"},
                    {"docs/readme.txt", "five\n"},   {"docs/other.txt", "six\n"}};
};

TEST_F(CollidingNames, RockRidgeKeepsEveryName) {
    ASSERT_NO_FATAL_FAILURE(make(image(), m_tree));
    const Manifest expected = Manifest::of_tree(m_tree.path());
    for (View v : kRockRidgeViews)
        EXPECT_TRUE(judged_by(v, image(), expected, scratch()));
}

/// Checks a Joliet view of docs/: same contents, names unique case-insensitively, each either
/// the original or the original with a " (N)" suffix before the extension.
void expect_joliet_collisions_resolved(std::string_view who, const Manifest& source,
                                       const Manifest& seen) {
    EXPECT_EQ(file_contents(seen), file_contents(source)) << who << " sees:\n" << seen.dump();
    std::set<std::string> folded;
    for (const auto& [path, e] : seen.entries()) {
        if (e.type != EntryType::File) continue;
        EXPECT_TRUE(folded.insert(lower(path)).second)
            << who << ": '" << path << "' collides case-insensitively with another name";
        // Which source file is this? Its content says.
        std::string original;
        for (const auto& [sp, se] : source.entries())
            if (se.type == EntryType::File && se.sha256 == e.sha256) original = sp;
        ASSERT_FALSE(original.empty()) << who << ": '" << path << "' has no source";
        const std::string name = last_component(original);
        const auto dot = name.rfind('.');
        const std::string stem = name.substr(0, dot), ext = name.substr(dot);
        const std::regex allowed("docs/" + regex_escape(stem) + R"(( \([0-9]+\))?)" +
                                 regex_escape(ext));
        EXPECT_TRUE(std::regex_match(path, allowed))
            << who << ": '" << path << "' holds the data of '" << original
            << "' but is neither its name nor its name with a \" (N)\" suffix";
    }
}

TEST_F(CollidingNames, JolietGetsNumberedSuffixes) {
    ASSERT_NO_FATAL_FAILURE(make(image(), m_tree));
    const Manifest source = Manifest::of_tree(m_tree.path());
    PycdlibView pj = pycdlib_view(image(), Namespace::Joliet);
    ASSERT_TRUE(pj.ok()) << pj.error << pj.run.describe();
    expect_joliet_collisions_resolved("pycdlib joliet", source, pj.manifest);

    // 7-Zip reads Joliet; without Rock Ridge, bsdtar does too.
    ASSERT_NO_FATAL_FAILURE(make(image("joliet.iso"), m_tree, {"--fs", "iso9660,joliet"}));
    for (Reader r : {Reader::SevenZip, Reader::Bsdtar}) {
        const fs::path dir = scratch() / ("x-" + std::string(test::to_string(r)));
        RunResult x = extract_with(r, image("joliet.iso"), dir);
        ASSERT_EQ(x.exit_status, 0) << x.describe();
        expect_joliet_collisions_resolved(test::to_string(r), source, Manifest::of_tree(dir));
    }
}

TEST_F(CollidingNames, Iso9660NamesAreUniqueAndLegal) {
    ASSERT_NO_FATAL_FAILURE(make(image(), m_tree));
    const Manifest source = Manifest::of_tree(m_tree.path());
    PycdlibView pi = pycdlib_view(image(), Namespace::Iso9660);
    ASSERT_TRUE(pi.ok()) << pi.error << pi.run.describe();
    EXPECT_EQ(file_contents(pi.manifest), file_contents(source)) << pi.manifest.dump();
    // ECMA-119 7.5.1 / 7.4.2: d-characters, one separator, version ";1"; level 3: <= 30 chars.
    const std::regex legal(R"(DOCS/[A-Z0-9_]*\.[A-Z0-9_]*;1)");
    for (const auto& [path, e] : pi.manifest.entries()) {
        if (e.type != EntryType::File) continue;
        EXPECT_TRUE(std::regex_match(path, legal)) << "'" << path << "' is not a legal name";
        EXPECT_LE(last_component(path).size(), 32u) << path;
    }

    RunResult listing = run({"isoinfo", "-i", image().string(), "-l"});
    ASSERT_EQ(listing.exit_status, 0) << listing.describe();
    const Listing names = parse_isoinfo(listing.out);
    std::size_t files = 0;
    for (const auto& [path, l] : names)
        if (path.rfind("DOCS/", 0) == 0 && l.type == '-') ++files;
    EXPECT_EQ(files, 6u) << listing.out;
}

TEST_F(JudgedImage, UnicodeNames) {
    TempTree tree{
        {"日本語のファイル.txt", "nihongo\n"},        {"😀 emoji 🎉.txt", "emoji\n"},
        {"café crème/naïve résumé.txt", "accents\n"}, {"Ünïcödé folder/ß straße.txt", "german\n"},
        {"Ελληνικά/Русский/中文.md", "mixed\n"},      {"mixed 日本 😀 é.dat", PseudoRandom{5000, 9}},
    };
    ASSERT_NO_FATAL_FAILURE(make(image(), tree));
    const Manifest expected = Manifest::of_tree(tree.path());
    for (View v : kAllViews)
        EXPECT_TRUE(judged_by(v, image(), expected, scratch()));

    ASSERT_NO_FATAL_FAILURE(make(image("joliet.iso"), tree, {"--fs", "iso9660,joliet"}));
    for (View v : {View::SevenZip, View::Bsdtar, View::PycdlibJoliet}) {
        // bsdtar reads Joliet when there is no Rock Ridge: names and data only.
        Seen seen = look(v, image("joliet.iso"), scratch());
        ASSERT_TRUE(seen.problem.empty()) << seen.problem;
        EXPECT_TRUE(manifests_match(std::string(to_string(v)) + " (joliet-only image)", expected,
                                    seen.manifest, {Field::Type, Field::Size, Field::Sha256}));
    }
}

TEST_F(JudgedImage, FoldersDeeperThanEightLevels) {
    std::vector<TreeEntry> spec;
    std::string path;
    for (int depth = 1; depth <= 12; ++depth) {
        path += (path.empty() ? "" : "/") + std::string("level") + std::to_string(depth);
        spec.push_back({path + "/file" + std::to_string(depth) + ".txt",
                        "at depth " + std::to_string(depth) + "\n"});
    }
    spec.push_back({"level1/side/a/b/c/d/e/f/g/h/i/j.txt", "side branch\n"});
    TempTree tree(spec);
    ASSERT_NO_FATAL_FAILURE(make(image(), tree));
    const Manifest expected = Manifest::of_tree(tree.path());
    for (View v : kAllViews)
        EXPECT_TRUE(judged_by(v, image(), expected, scratch()))
            << "RR and Joliet see the real tree";

    // The plain ISO 9660 tree of the same image keeps at most 8 levels (ECMA-119 6.8.2.1):
    // isoinfo without -R lists it as recorded (pycdlib would follow the RRIP CL links).
    RunResult listing = run({"isoinfo", "-i", image().string(), "-l"});
    ASSERT_EQ(listing.exit_status, 0) << listing.describe();
    const Listing plain = parse_isoinfo(listing.out);
    ASSERT_FALSE(plain.empty()) << listing.out;
    EXPECT_TRUE(plain.count("RR_MOVED")) << listing.out;
    for (const auto& [p, l] : plain) {
        const auto levels = std::count(p.begin(), p.end(), '/') + (l.type == 'd');
        EXPECT_LE(levels, 8) << "'" << p << "' is deeper than 8 levels in ISO 9660";
    }

    // ISO 9660 alone: relocated to RR_MOVED, no file lost.
    ASSERT_NO_FATAL_FAILURE(make(image("plain.iso"), tree, {"--fs", "iso9660"}));
    PycdlibView pi = pycdlib_view(image("plain.iso"), Namespace::Iso9660);
    ASSERT_TRUE(pi.ok()) << pi.error << pi.run.describe();
    EXPECT_EQ(file_contents(pi.manifest), file_contents(expected)) << pi.manifest.dump(100);
    EXPECT_TRUE(pi.manifest.contains("RR_MOVED")) << pi.manifest.dump(100);
    for (const auto& [p, e] : pi.manifest.entries()) {
        const auto levels = std::count(p.begin(), p.end(), '/') + (e.type == EntryType::Directory);
        EXPECT_LE(levels, 8) << "'" << p << "' is deeper than 8 levels in ISO 9660";
    }
    for (Reader r : {Reader::SevenZip, Reader::Bsdtar}) {
        const fs::path dir = scratch() / ("plain-" + std::string(test::to_string(r)));
        RunResult x = extract_with(r, image("plain.iso"), dir);
        ASSERT_EQ(x.exit_status, 0) << x.describe();
        const Manifest seen = Manifest::of_tree(dir);
        EXPECT_EQ(file_contents(seen), file_contents(expected))
            << test::to_string(r) << " on the iso9660-only image sees:\n"
            << seen.dump(100);
    }

    // Rock Ridge over ISO 9660 only: relocation is hidden by CL/PL/RE (RRIP 4.1.5).
    ASSERT_NO_FATAL_FAILURE(make(image("rr.iso"), tree, {"--fs", "iso9660,rockridge"}));
    for (View v : kRockRidgeViews)
        EXPECT_TRUE(judged_by(v, image("rr.iso"), expected, scratch()));
}

TEST_F(JudgedImage, PathsLongerThan255Bytes) {
    const std::string name60(60, 'n');
    const std::string folder =
        "a" + name60 + "/b" + name60 + "/c" + name60 + "/d" + name60 + "/e" + name60;
    const std::string long_name = std::string(200, 'L') + ".txt"; // one long NM, continued
    const std::string max_name(255, 'M');                         // NAME_MAX
    TempTree tree{
        {folder + "/f" + name60 + ".txt", "deep and long\n"},
        {folder + "/" + long_name, PseudoRandom{3000, 3}},
        {max_name, "255-byte name\n"},
        {"日本語" + std::string(60, 'x') + "/" + std::string(80, 'y') + "ファイル.txt", "utf8\n"},
    };
    const Manifest expected = Manifest::of_tree(tree.path());
    ASSERT_GT((folder + "/" + long_name).size(), 255u);
    ASSERT_NO_FATAL_FAILURE(make(image(), tree));
    for (View v : kRockRidgeViews)
        EXPECT_TRUE(judged_by(v, image(), expected, scratch()));

    // Joliet: every file kept (never dropped), names <= 64 units, paths <= 240 units.
    PycdlibView pj = pycdlib_view(image(), Namespace::Joliet);
    ASSERT_TRUE(pj.ok()) << pj.error << pj.run.describe();
    EXPECT_EQ(file_contents(pj.manifest), file_contents(expected)) << pj.manifest.dump();
    for (const auto& [p, e] : pj.manifest.entries()) {
        EXPECT_LE(utf16_units(last_component(p)), 64u) << "Joliet name too long: " << p;
        EXPECT_LE(utf16_units(p), 240u) << "Joliet path too long: " << p;
    }
    // A truncated long name keeps its extension.
    bool found_txt = false;
    for (const auto& [p, e] : pj.manifest.entries())
        if (e.type == EntryType::File && e.size == 3000) found_txt = p.ends_with(".txt");
    EXPECT_TRUE(found_txt) << "the 204-byte '*.txt' name lost its extension in Joliet:\n"
                           << pj.manifest.dump();

    // --joliet-long: up to 103 units.
    ASSERT_NO_FATAL_FAILURE(make(image("long.iso"), tree, {"--joliet-long"}));
    PycdlibView pl = pycdlib_view(image("long.iso"), Namespace::Joliet);
    ASSERT_TRUE(pl.ok()) << pl.error << pl.run.describe();
    EXPECT_EQ(file_contents(pl.manifest), file_contents(expected)) << pl.manifest.dump();
    std::size_t longest = 0;
    for (const auto& [p, e] : pl.manifest.entries())
        longest = std::max(longest, utf16_units(last_component(p)));
    EXPECT_EQ(longest, 103u) << "--joliet-long names should use all 103 units:\n"
                             << pl.manifest.dump();
}

TEST_F(JudgedImage, Symlinks) {
    TempTree tree{
        {"a.txt", "target\n"},
        {"d/inner.txt", "inner\n"},
        {"rel", Symlink{"a.txt"}, {.mtime = 1'500'000'000}},
        {"to folder", Symlink{"d"}, {.mtime = 1'500'000'001}},
        {"abs", Symlink{"/etc/passwd"}},
        {"dangling", Symlink{"nowhere/at/all"}},
        {"d/up", Symlink{"../a.txt"}},
        {"d/dots", Symlink{"./../d/./inner.txt"}},
        {"long", Symlink{std::string(150, 't') + "/" + std::string(150, 'u') + "/v"}},
        {"uni", Symlink{"日本語/😀"}},
        {"owned", Symlink{"a.txt"}, {.uid = 1001, .gid = 1002}},
    };
    ASSERT_NO_FATAL_FAILURE(make(image(), tree));
    const Manifest expected = Manifest::of_tree(tree.path());
    ASSERT_EQ(expected.count(EntryType::Symlink), 9u);
    for (View v : kRockRidgeViews)
        EXPECT_TRUE(judged_by(v, image(), expected, scratch()));
}

TEST_F(JudgedImage, HardLinksShareDataAndCountLinks) {
    TempTree tree{
        {"orig",
         PseudoRandom{10000, 5},
         {.mode = 0640, .uid = 7, .gid = 8, .mtime = 1'234'567'890}},
        {"d/second", HardLink{"orig"}},
        {"d/e/third", HardLink{"orig"}},
        {"pair1", "pair\n"},
        {"pair2", HardLink{"pair1"}},
        {"single", "pair\n"}, // same bytes, not a link: nlink stays 1
    };
    ASSERT_NO_FATAL_FAILURE(make(image(), tree));
    const Manifest expected = Manifest::of_tree(tree.path());
    ASSERT_EQ(expected.at("d/e/third").nlink, 3u);
    for (View v : kRockRidgeViews)
        EXPECT_TRUE(judged_by(v, image(), expected, scratch()));

    PycdlibView pr = pycdlib_view(image(), Namespace::RockRidge);
    ASSERT_TRUE(pr.ok()) << pr.error << pr.run.describe();
    for (const char* p : {"orig", "d/second", "d/e/third"})
        EXPECT_EQ(pr.manifest.at(p).nlink, 3u) << p << " (RRIP PX file links)";
    EXPECT_EQ(pr.manifest.at("pair2").nlink, 2u);
    EXPECT_EQ(pr.manifest.at("single").nlink, 1u);

    // Shared data: every name of a link points at one extent (libcdio's listing).
    RunResult info = run({"iso-info", "--no-header", "-i", image().string(), "-l"});
    ASSERT_EQ(info.exit_status, 0) << info.describe();
    const Listing l = parse_iso_info(info.out);
    ASSERT_TRUE(l.count("orig") && l.count("d/second") && l.count("d/e/third")) << info.out;
    EXPECT_EQ(l.at("d/second").lba, l.at("orig").lba) << info.out;
    EXPECT_EQ(l.at("d/e/third").lba, l.at("orig").lba) << info.out;
    ASSERT_TRUE(l.count("pair1") && l.count("pair2")) << info.out;
    EXPECT_EQ(l.at("pair2").lba, l.at("pair1").lba) << info.out;
}

TEST_F(JudgedImage, RockRidgeModesOwnersAndTimes) {
    TempTree tree{
        {"private.txt", "p\n", {.mode = 0600, .uid = 1000, .gid = 1000, .mtime = 1'000'000'000}},
        {"exec", "#!/bin/sh\n", {.mode = 0755, .uid = 65534, .gid = 65534, .mtime = 0}},
        {"setuid", "s\n", {.mode = 04755, .uid = 0, .gid = 0, .mtime = 2'147'483'647}},
        {"setgid", "g\n", {.mode = 02711, .uid = 1234, .gid = 5678, .mtime = 4'102'444'800}},
        {"odd", "o\n", {.mode = 0401, .uid = 4'000'000'000u, .gid = 3, .mtime = -86'400}},
        {"tmp", Folder{}, {.mode = 01777, .mtime = 1'111'111'111}},
        {"locked", Folder{}, {.mode = 0700, .uid = 1000, .gid = 100, .mtime = 1'222'222'222}},
        {"locked/inside.txt", "i\n", {.mode = 0444, .uid = 1000, .gid = 100}},
        {"weird dir", Folder{}, {.mode = 0555, .uid = 3, .gid = 4, .mtime = 946'684'800}},
        {"weird dir/x", "x\n"},
        {"pipe", Fifo{}, {.mode = 0620, .uid = 5, .gid = 6, .mtime = 1'300'000'000}},
    };
    ASSERT_NO_FATAL_FAILURE(make(image(), tree));
    const Manifest expected = Manifest::of_tree(tree.path());
    ASSERT_EQ(expected.at("setuid").mode, 04755u);
    ASSERT_EQ(expected.at("odd").mtime, -86'400);
    for (View v : kRockRidgeViews)
        EXPECT_TRUE(judged_by(v, image(), expected, scratch()));
}

TEST_F(JudgedImage, JolietNamesWithoutRockRidge) {
    TempTree tree{
        {"Mixed Case Name.TXT", "1\n"},
        {"spaces and  double  spaces.doc", "2\n"},
        {"many.dots.in.name.tar.gz", "3\n"},
        {"no_extension", "4\n"},
        {".hidden", "5\n"},
        {"Folder With Spaces/Sub.Folder/file, comma.txt", "6\n"},
        {"exactly 64 units " + std::string(43, 'x') + ".txt", "7\n"}, // 64 units
        {"café/日本語/emoji 😀.txt", "8\n"},
        {"brackets [1] {2} (3) #4 & 5 + 6 = 7 ' , !.txt", "9\n"},
    };
    ASSERT_EQ(utf16_units("exactly 64 units " + std::string(43, 'x') + ".txt"), 64u);
    ASSERT_NO_FATAL_FAILURE(make(image(), tree, {"--fs", "iso9660,joliet"}));
    const Manifest expected = Manifest::of_tree(tree.path());
    EXPECT_TRUE(judged_by(View::SevenZip, image(), expected, scratch()));
    EXPECT_TRUE(judged_by(View::PycdlibJoliet, image(), expected, scratch()));

    // Joliet forbids * / : ; ? \ (Joliet 1995 spec, 2.4.1): such a name is mapped, not dropped.
    TempTree odd{{"semi;colon.txt", "semicolon\n"}, {"what?.txt", "question\n"}};
    ASSERT_NO_FATAL_FAILURE(make(image("odd.iso"), odd, {"--fs", "iso9660,joliet"}));
    PycdlibView po = pycdlib_view(image("odd.iso"), Namespace::Joliet);
    ASSERT_TRUE(po.ok()) << po.error << po.run.describe();
    EXPECT_EQ(file_contents(po.manifest), file_contents(Manifest::of_tree(odd.path())))
        << po.manifest.dump();
    for (const auto& [p, e] : po.manifest.entries())
        EXPECT_EQ(p.find_first_of("*:;?\\"), std::string::npos) << "illegal Joliet name " << p;

    // No Rock Ridge was asked for: pycdlib must not find any.
    PycdlibView pr = pycdlib_view(image(), Namespace::RockRidge);
    EXPECT_FALSE(pr.run.ok()) << "pycdlib found Rock Ridge in an iso9660,joliet image\n"
                              << pr.run.describe();

    // libcdio lists the same Joliet names.
    RunResult info =
        run({"iso-info", "--no-header", "--no-rock-ridge", "-i", image().string(), "-l"},
            {.cwd = {}, .extra_env = {"LC_ALL=C.UTF-8"}});
    ASSERT_EQ(info.exit_status, 0) << info.describe();
    // libcdio 2.1 mis-decodes multi-byte Joliet names (it shows "日本語" as "日本" in an
    // xorriso image too), so only ASCII paths are held against it.
    const Listing l = parse_iso_info(info.out);
    for (const auto& [p, e] : expected.entries()) {
        const bool ascii = std::all_of(p.begin(), p.end(),
                                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        if (ascii) {
            EXPECT_TRUE(l.count(p)) << "iso-info does not list '" << p << "':\n" << info.out;
        }
    }
}

TEST_F(JudgedImage, SameInputAndDateGiveIdenticalBytes) {
    std::vector<TreeEntry> spec{
        {"b/z.txt", "z\n"},           {"a/y.bin", PseudoRandom{70000, 11}}, {"日本.txt", "u\n"},
        {"link", Symlink{"a/y.bin"}}, {"hard", HardLink{"b/z.txt"}},        {"Collide.txt", "c1\n"},
        {"collide.TXT", "c2\n"},
    };
    for (int i = 0; i < 12; ++i)
        spec.push_back({"deep" + std::string(i, '/') + "x" + std::to_string(i) + "/f", "d\n"});
    TempTree tree(spec);
    ASSERT_NO_FATAL_FAILURE(make(image("first.iso"), tree));
    // Reading the files may have moved their access times; under --date that must not matter.
    ASSERT_NO_FATAL_FAILURE(make(image("second.iso"), tree));
    const auto first = read_bytes(image("first.iso"));
    const auto second = read_bytes(image("second.iso"));
    ASSERT_EQ(first.size(), second.size());
    const auto mismatch = std::mismatch(first.begin(), first.end(), second.begin());
    EXPECT_TRUE(mismatch.first == first.end())
        << "images differ first at byte " << (mismatch.first - first.begin()) << " (block "
        << (mismatch.first - first.begin()) / 2048 << ")";

    // A copy of the tree elsewhere: the source location is not part of the image.
    TempTree copy(spec);
    ASSERT_NO_FATAL_FAILURE(make(image("copy.iso"), copy));
    EXPECT_TRUE(read_bytes(image("copy.iso")) == first) << "image depends on the source folder";

    // Another --date gives another image (the date is really used).
    RunResult other = run_discwright({"image", "create", "-o", image("other.iso").string(),
                                      "--date", "1600000000", tree.path().string()});
    ASSERT_EQ(other.exit_status, 0) << other.describe();
    EXPECT_FALSE(read_bytes(image("other.iso")) == first);
}

// ---------------------------------------------------------------------------------------------

class IsoLevel : public JudgedImage, public testing::WithParamInterface<int> {};

TEST_P(IsoLevel, ReadersAgreeAndPlainNamesFollowTheLevel) {
    const int level = GetParam();
    TempTree tree{
        {"short.txt", "s\n"},
        {"a_rather_long_file_name_for_level_one.data", PseudoRandom{5000, 1}},
        {"MixedCase Name.TXT", "m\n"},
        {"sub folder/x.y.z.tar.gz", "x\n"},
        {"sub folder/a deeper folder with a long name/file", "f\n"},
        {"noext", "n\n"},
        {"UPPER.C", "c\n"},
        {"big.bin", PseudoRandom{3 * kMiB + 5, 2}},
    };
    ASSERT_NO_FATAL_FAILURE(make(image(), tree, {"--iso-level", std::to_string(level)}));
    const Manifest expected = Manifest::of_tree(tree.path());
    for (View v : kAllViews)
        EXPECT_TRUE(judged_by(v, image(), expected, scratch())) << "--iso-level " << level;

    // The plain ISO 9660 tree holds every file too.
    PycdlibView pi = pycdlib_view(image(), Namespace::Iso9660);
    ASSERT_TRUE(pi.ok()) << pi.error << pi.run.describe();
    EXPECT_EQ(file_contents(pi.manifest), file_contents(expected)) << pi.manifest.dump();

    if (level == 4) return; // ISO 9660:1999 names are not bound by d-characters
    RunResult listing = run({"isoinfo", "-i", image().string(), "-l"});
    ASSERT_EQ(listing.exit_status, 0) << listing.describe();
    const Listing names = parse_isoinfo(listing.out);
    ASSERT_EQ(names.size(), expected.size()) << listing.out;
    // ECMA-119 7.5.1 (file: name SEPARATOR-1 extension SEPARATOR-2 version), 7.6.1 (folder),
    // 10.1 (level 1: name <= 8, extension <= 3, folder <= 8), 7.5.1/7.6.3 (otherwise 30 and 31).
    const std::regex file_name(level == 1 ? R"([A-Z0-9_]{0,8}\.[A-Z0-9_]{0,3};1)"
                                          : R"([A-Z0-9_]*\.[A-Z0-9_]*;1)");
    const std::regex folder_name(level == 1 ? R"([A-Z0-9_]{1,8})" : R"([A-Z0-9_]{1,31})");
    for (const auto& [path, l] : names) {
        const std::string name = last_component(path);
        if (l.type == 'd') {
            EXPECT_TRUE(std::regex_match(name, folder_name))
                << "level " << level << " folder name '" << name << "' (" << path << ")";
        } else {
            EXPECT_TRUE(std::regex_match(name, file_name))
                << "level " << level << " file name '" << name << "' (" << path << ")";
            EXPECT_NE(name.substr(0, 2), ".;") << "name and extension both empty: " << path;
            if (level != 1) {
                EXPECT_LE(name.size() - 2, 31u) << path;
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Levels, IsoLevel, testing::Values(1, 2, 3, 4),
                         [](const auto& info) { return "Level" + std::to_string(info.param); });

// ---------------------------------------------------------------------------------------------
// Bad input: the documented exit status, a message naming the problem, and no file under the
// output name (nor a temporary one beside it).

class BadInput : public testing::Test {
protected:
    void SetUp() override { fs::create_directory(m_work / "out"); }
    fs::path out() const { return m_work / "out" / "image.iso"; }
    void expect_no_output(const RunResult& r) const {
        EXPECT_FALSE(fs::exists(out())) << "a failed run left " << out() << "\n" << r.describe();
        EXPECT_TRUE(folder_is_empty(m_work / "out"))
            << "a failed run left files beside the output:\n"
            << listing_of(m_work / "out");
    }
    /// The final --json line, which must be an error event.
    static nlohmann::json final_error(const RunResult& r) {
        const auto lines = json_lines(r.out);
        if (lines.empty()) return nlohmann::json::object();
        return lines.back();
    }

    TempDir m_work{"discwright-bad-input"};
};

TEST_F(BadInput, MissingSourceExitsWithTwoAndWritesNothing) {
    const std::string missing = (m_work / "does-not-exist").string();
    RunResult r = create_image(out(), {missing});
    EXPECT_EQ(r.exit_status, 2) << r.describe();
    EXPECT_NE(r.err.find("does-not-exist"), std::string::npos) << r.describe();
    expect_no_output(r);

    RunResult j = create_image(out(), {missing}, {"--json"});
    EXPECT_EQ(j.exit_status, 2) << j.describe();
    const auto e = final_error(j);
    EXPECT_EQ(e.value("event", ""), "error") << j.describe();
    EXPECT_EQ(e.value("exit_status", -1), 2) << j.describe();
    EXPECT_NE(e.value("message", "").find("does-not-exist"), std::string::npos) << j.describe();
    expect_no_output(j);
}

TEST_F(BadInput, StrictRefusesCollidingNamesAndNamesTheFile) {
    TempTree tree{{"ReadMe.txt", "1\n"}, {"readme.TXT", "2\n"}, {"read me.txt", "3\n"}};
    RunResult r = create_image(out(), {tree.path().string()}, {"--strict"});
    EXPECT_EQ(r.exit_status, 2) << r.describe();
    const bool names_one = r.err.find("readme.TXT") != std::string::npos ||
                           r.err.find("ReadMe.txt") != std::string::npos ||
                           r.err.find("read me.txt") != std::string::npos;
    EXPECT_TRUE(names_one) << "the message should name a colliding file\n" << r.describe();
    expect_no_output(r);

    RunResult j = create_image(out(), {tree.path().string()}, {"--strict", "--json"});
    EXPECT_EQ(j.exit_status, 2) << j.describe();
    EXPECT_EQ(final_error(j).value("exit_status", -1), 2) << j.describe();
    expect_no_output(j);

    // Without --strict the same tree is fine (the refusal above is --strict's doing).
    RunResult ok = create_image(out(), {tree.path().string()});
    EXPECT_EQ(ok.exit_status, 0) << ok.describe();
}

TEST_F(BadInput, TreeLargerThanCdRIsImageTooBig) {
    TempTree tree{{"a.bin", Sparse{400 * kMiB}}, {"b.bin", Sparse{400 * kMiB}}};
    RunResult r = create_image(out(), {tree.path().string()}, {"--media", "cd-r", "--json"});
    EXPECT_EQ(r.exit_status, 2) << r.describe();
    const auto e = final_error(r);
    EXPECT_EQ(e.value("event", ""), "error") << r.describe();
    EXPECT_EQ(e.value("code", ""), "ImageTooBig") << r.describe();
    EXPECT_EQ(e.value("exit_status", -1), 2) << r.describe();
    expect_no_output(r);

    // A small tree fits the same media.
    TempTree small{{"a.bin", Sparse{1 * kMiB}}};
    RunResult ok = create_image(out(), {small.path().string()}, {"--media", "cd-r"});
    EXPECT_EQ(ok.exit_status, 0) << ok.describe();
    EXPECT_TRUE(fs::exists(out()));
}

TEST_F(BadInput, IsoLevelSevenIsRefused) {
    TempTree tree{{"a.txt", "a\n"}};
    RunResult r = create_image(out(), {tree.path().string()}, {"--iso-level", "7"});
    EXPECT_TRUE(r.exit_status == 1 || r.exit_status == 2) << r.describe();
    EXPECT_NE(r.err.find("iso-level"), std::string::npos) << r.describe();
    expect_no_output(r);
}

} // namespace
} // namespace discwright::test
