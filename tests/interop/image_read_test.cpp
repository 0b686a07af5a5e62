// Judged tests of the reading side (DESIGN.md 9): images made by OTHER tools — xorriso,
// genisoimage and pycdlib — are listed with `discwright image ls -R --json` and extracted with
// `discwright image extract`, and what discwright sees is compared with what the independent
// readers report of the same image (xorriso -lsdl, bsdtar -tv, 7z l -slt, isoinfo -l, pycdlib):
// the same paths, types, file sizes and symlink targets, and in Rock Ridge trees the same modes.
// Extractions are compared with a Manifest of the source folder.
//
// What each listing can be judged on (calibrated on `xorriso -as mkisofs -R -J`):
//   xorriso -find -exec lsdl  Rock Ridge: type, file size, mode, target (folders show size 0)
//   bsdtar -tv                Rock Ridge, else Joliet: type, size, mode, target; the second
//                             name of a hard link shows size 0 ("link to")
//   isoinfo -R -l / -J -l / -l  type, size; with -R mode and target (a fifo shows as 'f');
//                             -J prints non-ASCII names in another encoding
//   7z l -slt                 Joliet (it ignores Rock Ridge): folder or not, file size
// A Rock Ridge view may show a relocation folder ("rr_moved"); it is left out of comparisons.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/isoinfo_listing.h"
#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Listings

/// One item as a listing shows it.
struct Item {
    char type = '-';                   ///< 'd', '-', 'l', 'p', 'c', 'b', 's'
    std::uint64_t size = 0;            ///< files
    std::optional<std::uint32_t> mode; ///< permission bits, when the listing shows them
    std::string target;                ///< symlinks
};
using Listing = std::map<std::string, Item>; ///< by path, relative, without a leading slash

std::string dump(const Listing& l) {
    std::string out;
    for (const auto& [p, i] : l)
        out += "  " + std::string(1, i.type) + " " + std::to_string(i.size) + " " + p +
               (i.target.empty() ? "" : " -> " + i.target) + "\n";
    return out;
}

char type_char(const std::string& json_type) {
    static const std::map<std::string, char> types{
        {"directory", 'd'},   {"file", '-'},         {"symlink", 'l'}, {"fifo", 'p'},
        {"char_device", 'c'}, {"block_device", 'b'}, {"socket", 's'}};
    auto it = types.find(json_type);
    return it == types.end() ? '?' : it->second;
}

/// Permission bits of an "-rwxr-sr-t" string.
std::uint32_t parse_mode(const std::string& perms) {
    std::uint32_t mode = 0;
    for (std::size_t i = 0; i < 9 && i + 1 < perms.size(); ++i) {
        const char c = perms[i + 1];
        if (c != '-' && c != 'S' && c != 'T') mode |= 0400u >> i;
    }
    if (perms.size() >= 10) {
        if (perms[3] == 's' || perms[3] == 'S') mode |= 04000;
        if (perms[6] == 's' || perms[6] == 'S') mode |= 02000;
        if (perms[9] == 't' || perms[9] == 'T') mode |= 01000;
    }
    return mode;
}

char listing_type(char c) {
    return c == 'f' ? 'p' : c; // isoinfo shows a fifo as 'f'
}

/// `discwright image ls -R --json [ARGS] IMAGE`, every entry line.
Listing discwright_ls(const fs::path& image, const std::vector<std::string>& args = {}) {
    std::vector<std::string> argv{"image", "ls", "-R", "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(image.string());
    RunResult r = run_discwright(argv);
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    Listing out;
    bool result_seen = false;
    for (const auto& j : json_lines(r.out)) {
        if (j.value("event", "") == "result") {
            result_seen = true;
            continue;
        }
        EXPECT_EQ(j.value("event", ""), "entry") << j.dump();
        if (!j.contains("path")) continue;
        Item item;
        item.type = type_char(j["type"].get<std::string>());
        item.size = j["size"].get<std::uint64_t>();
        item.mode = j["mode"].get<std::uint32_t>();
        if (j["target"].is_string()) item.target = j["target"].get<std::string>();
        out[j["path"].get<std::string>().substr(1)] = item;
    }
    EXPECT_TRUE(result_seen) << r.out;
    return out;
}

/// `xorriso -indev IMAGE -find / -exec lsdl`: lines like
/// "-rw-r--r--    1 0        0               6 Nov 22 06:00 '/a b.txt'" (+ " -> 'target'").
Listing xorriso_lsdl(const fs::path& image) {
    RunResult r = run({"xorriso", "-indev", image.string(), "-find", "/", "-exec", "lsdl"});
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    Listing out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        const auto quote = line.find(" '/");
        if (line.size() < 10 || quote == std::string::npos) continue;
        std::istringstream fields(line.substr(0, quote));
        std::string perms, links, uid, gid, size;
        fields >> perms >> links >> uid >> gid >> size;
        const auto end = line.find('\'', quote + 2);
        std::string path = line.substr(quote + 3, end - quote - 3);
        if (path.empty()) continue; // the root
        Item item;
        item.type = listing_type(perms[0]);
        item.size = std::stoull(size);
        item.mode = parse_mode(perms);
        if (const auto arrow = line.find(" -> '", end); arrow != std::string::npos)
            item.target = line.substr(arrow + 5, line.rfind('\'') - arrow - 5);
        out[path] = item;
    }
    return out;
}

/// `bsdtar -tvf IMAGE`: "-rw-r--r--  1 0      0           6 Nov 22 06:00 a b.txt".
Listing bsdtar_tv(const fs::path& image) {
    RunResult r = run({"bsdtar", "-tvf", image.string()});
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    Listing out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string perms, links, uid, gid, size, month, day, time;
        if (!(fields >> perms >> links >> uid >> gid >> size >> month >> day >> time)) continue;
        std::string name;
        std::getline(fields, name);
        if (!name.empty() && name.front() == ' ') name.erase(0, 1);
        Item item;
        item.type = listing_type(perms[0]);
        item.size = std::stoull(size);
        item.mode = parse_mode(perms);
        if (item.type == 'l') {
            const auto arrow = name.find(" -> ");
            item.target = name.substr(arrow + 4);
            name.resize(arrow);
        } else if (const auto hard = name.find(" link to "); hard != std::string::npos) {
            name.resize(hard);
            item.size = ~std::uint64_t{0}; // not shown: the other name has it
        }
        while (!name.empty() && name.back() == '/')
            name.pop_back();
        if (name == "." || name.empty()) continue;
        out[name] = item;
    }
    return out;
}

/// `7z l -slt IMAGE`: "Path = a/b", "Folder = +", "Size = 6" blocks after a "----------" line.
Listing sevenzip_slt(const fs::path& image) {
    RunResult r = run({"7z", "l", "-slt", image.string()});
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    Listing out;
    std::istringstream in(r.out);
    bool entries = false;
    std::string path;
    Item item;
    const auto flush = [&] {
        if (!path.empty()) out[path] = item;
        path.clear();
        item = Item{};
    };
    for (std::string line; std::getline(in, line);) {
        if (line == "----------") {
            entries = true;
            continue;
        }
        if (!entries) continue;
        if (line.empty()) flush();
        if (line.rfind("Path = ", 0) == 0) path = line.substr(7);
        if (line == "Folder = +") item.type = 'd';
        if (line.rfind("Size = ", 0) == 0 && line.size() > 7)
            item.size = std::stoull(line.substr(7));
    }
    flush();
    return out;
}

/// `isoinfo -i IMAGE -l [FLAG]`: "Directory listing of /D/" headers, then lines like
/// "-rw-r--r--   1    0    0       6 Nov 22 2026 [     36 00]  read me.txt ". ISO 9660 names
/// lose ";1" and a dot before it, as discwright shows them.
Listing isoinfo_l(const fs::path& image, const std::string& flag) {
    std::vector<std::string> argv{"isoinfo", "-i", image.string(), "-l"};
    if (!flag.empty()) argv.push_back(flag);
    RunResult r = run(argv);
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    Listing out;
    for (IsoinfoLine& line : parse_isoinfo_lines(r.out)) {
        std::string name = std::move(line.name);
        Item item;
        item.type = listing_type(line.perms[0]);
        item.size = line.size;
        if (flag == "-R") item.mode = parse_mode(line.perms);
        if (item.type == 'l') {
            const auto arrow = name.find(" -> ");
            item.target = name.substr(arrow + 4);
            name.resize(arrow);
        }
        if (flag.empty() && item.type != 'd') {
            if (const auto semi = name.rfind(';'); semi != std::string::npos) name.resize(semi);
            if (name.size() > 1 && name.back() == '.') name.pop_back();
        }
        out[line.folder + name] = item;
    }
    return out;
}

enum class Compare { Size, Mode, Target };

/// Same paths and types; file sizes, modes (when both show one) and link targets as asked.
testing::AssertionResult same_listing(const std::string& who, const Listing& ours,
                                      const Listing& theirs, std::vector<Compare> what) {
    std::string problems;
    const auto wants = [&](Compare c) {
        return std::find(what.begin(), what.end(), c) != what.end();
    };
    for (const auto& [p, mine] : ours) {
        auto it = theirs.find(p);
        if (it == theirs.end()) {
            problems += "  only discwright lists '" + p + "'\n";
            continue;
        }
        const Item& other = it->second;
        if (mine.type != other.type)
            problems += "  '" + p + "': type " + mine.type + " vs " + other.type + "\n";
        if (wants(Compare::Size) && mine.type == '-' && other.size != ~std::uint64_t{0} &&
            mine.size != other.size)
            problems += "  '" + p + "': size " + std::to_string(mine.size) + " vs " +
                        std::to_string(other.size) + "\n";
        if (wants(Compare::Mode) && mine.mode && other.mode && *mine.mode != *other.mode)
            problems += "  '" + p + "': mode " + std::to_string(*mine.mode) + " vs " +
                        std::to_string(*other.mode) + "\n";
        if (wants(Compare::Target) && mine.target != other.target)
            problems += "  '" + p + "': target '" + mine.target + "' vs '" + other.target + "'\n";
    }
    for (const auto& [p, other] : theirs)
        if (!ours.count(p)) problems += "  only " + who + " lists '" + p + "'\n";
    if (problems.empty()) return testing::AssertionSuccess();
    return testing::AssertionFailure() << "discwright and " << who << " disagree:\n"
                                       << problems << "discwright:\n"
                                       << dump(ours) << who << ":\n"
                                       << dump(theirs);
}

/// A copy without `top` and everything under it.
Listing without(Listing l, const std::string& top) {
    for (auto it = l.begin(); it != l.end();)
        it = it->first == top || it->first.rfind(top + "/", 0) == 0 ? l.erase(it) : std::next(it);
    return l;
}

/// A copy keeping only paths that are plain ASCII (isoinfo -J re-encodes the others).
Listing ascii_only(Listing l) {
    for (auto it = l.begin(); it != l.end();)
        it = std::any_of(it->first.begin(), it->first.end(),
                         [](char c) { return static_cast<unsigned char>(c) >= 0x80; })
                 ? l.erase(it)
                 : std::next(it);
    return l;
}

// ---------------------------------------------------------------------------------------------

class ReadForeignImage : public testing::Test {
protected:
    TempDir m_work{"discwright-read"};
    fs::path path(std::string_view name) const { return m_work / name; }

    static void made(const RunResult& r, const fs::path& image) {
        ASSERT_EQ(r.exit_status, 0) << r.describe();
        ASSERT_TRUE(fs::is_regular_file(image)) << r.describe();
    }

    /// `discwright image extract IMAGE DIR ARGS...` into a fresh DIR; its manifest.
    Manifest extract(const fs::path& image, const std::string& dir_name,
                     const std::vector<std::string>& args = {}) {
        const fs::path dir = path(dir_name);
        fs::remove_all(dir);
        std::vector<std::string> argv{"image", "extract", image.string(), dir.string()};
        argv.insert(argv.end(), args.begin(), args.end());
        RunResult r = run_discwright(argv);
        EXPECT_EQ(r.exit_status, 0) << r.describe();
        return Manifest::of_tree(dir);
    }
};

/// The tree most tests master: names with spaces and UTF-8, sizes around block boundaries,
/// modes, a relative and an absolute symlink, a fifo, a hard link and empty items.
std::vector<TreeEntry> posix_tree() {
    return {
        {"My Docs/read me.txt", "hello\n", {.mode = 0640}},
        {"My Docs/sub/empty folder", Folder{}, {.mode = 0750}},
        {"data/2047.bin", PseudoRandom{2047, 1}},
        {"data/2048.bin", PseudoRandom{2048, 2}, {.mode = 0600}},
        {"data/4097.bin", PseudoRandom{4097, 3}, {.mode = 0755}},
        {"data/same.bin", HardLink{"data/2047.bin"}},
        {"empty", ""},
        {"café/naïve.txt", "utf-8\n"},
        {"link", Symlink{"My Docs/read me.txt"}},
        {"abs link", Symlink{"/etc/hostname"}},
        {"pipe", Fifo{}, {.mode = 0620}},
        {"private", Folder{}, {.mode = 0700}},
    };
}

/// What every Rock Ridge image of posix_tree() must show, by every reader.
void judge_rock_ridge_image(const fs::path& image, const fs::path& work, const Manifest& source) {
    const Listing ours = discwright_ls(image);
    ASSERT_FALSE(ours.empty());
    EXPECT_EQ(ours.size(), source.size()) << dump(ours);
    const std::vector<Compare> all{Compare::Size, Compare::Mode, Compare::Target};
    EXPECT_TRUE(same_listing("xorriso -lsdl", ours, xorriso_lsdl(image), all));
    EXPECT_TRUE(same_listing("bsdtar -tv", ours, bsdtar_tv(image), all));
    EXPECT_TRUE(same_listing("isoinfo -R -l", ours, isoinfo_l(image, "-R"), all));

    // Joliet: 7z reads it whole; isoinfo -J for the ASCII names.
    const Listing joliet = discwright_ls(image, {"--fs", "joliet"});
    EXPECT_TRUE(same_listing("7z -slt", joliet, sevenzip_slt(image), {Compare::Size}));
    EXPECT_TRUE(same_listing("isoinfo -J -l", ascii_only(joliet),
                             ascii_only(isoinfo_l(image, "-J")), {Compare::Size}));

    // The extraction is the source tree: data, modes, owners, times, links, the fifo.
    const fs::path dir = work / "extracted";
    RunResult x = run_discwright({"image", "extract", image.string(), dir.string()});
    ASSERT_EQ(x.exit_status, 0) << x.describe();
    EXPECT_TRUE(
        manifests_match("discwright extraction", source, Manifest::of_tree(dir), kPosixFields));
}

TEST_F(ReadForeignImage, XorrisoRockRidgeAndJoliet) {
    TempTree tree(posix_tree());
    const fs::path image = path("xorriso.iso");
    made(run({"xorriso", "-as", "mkisofs", "-R", "-J", "-o", image.string(), tree.path().string()}),
         image);
    judge_rock_ridge_image(image, m_work.path(), Manifest::of_tree(tree.path()));
}

TEST_F(ReadForeignImage, GenisoimageRockRidgeAndJoliet) {
    TempTree tree(posix_tree());
    const fs::path image = path("genisoimage.iso");
    made(run({"genisoimage", "-quiet", "-R", "-J", "-o", image.string(), tree.path().string()}),
         image);
    judge_rock_ridge_image(image, m_work.path(), Manifest::of_tree(tree.path()));
}

TEST_F(ReadForeignImage, ZisofsCompressedFilesAreListedButNotExtracted) {
    TempTree tree{{"z/big.txt", std::string(200000, 'z')}, {"z/small.txt", "plain\n"}};
    const fs::path image = path("zisofs.iso");
    made(run({"xorriso", "-outdev", image.string(), "-map", tree.path().string() + "/z", "/z",
              "-zisofs", "default", "-set_filter_r", "--zisofs", "/z/big.txt", "--", "-commit"}),
         image);
    const Listing ours = discwright_ls(image);
    ASSERT_TRUE(ours.count("z/big.txt")) << dump(ours);
    const fs::path dir = m_work.path() / "z-out";
    RunResult x = run_discwright({"image", "extract", image.string(), dir.string()});
    EXPECT_EQ(x.exit_status, 2) << x.describe();
    EXPECT_NE(x.err.find("zisofs"), std::string::npos) << x.err;
    EXPECT_NE(x.err.find("/z/big.txt"), std::string::npos) << x.err;
    EXPECT_FALSE(fs::exists(dir / "z" / "big.txt")) << "compressed bytes must not be written";
}

TEST_F(ReadForeignImage, ExtractingAgainRefusesExistingFilesUnlessOverwriting) {
    TempTree tree{{"a.txt", "new\n"}, {"sub/b.txt", "b\n"}};
    const fs::path image = path("x.iso");
    made(run({"xorriso", "-as", "mkisofs", "-R", "-o", image.string(), tree.path().string()}),
         image);
    const fs::path dir = path("out");
    fs::create_directories(dir);
    std::ofstream(dir / "a.txt") << "old\n";
    RunResult refused = run_discwright({"image", "extract", image.string(), dir.string()});
    EXPECT_EQ(refused.exit_status, 2) << refused.describe();
    EXPECT_NE(refused.err.find((dir / "a.txt").string()), std::string::npos) << refused.err;
    std::ifstream kept(dir / "a.txt");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "old\n");

    RunResult json = run_discwright({"--json", "image", "extract", image.string(), dir.string()});
    const auto lines = json_lines(json.out);
    ASSERT_FALSE(lines.empty()) << json.describe();
    EXPECT_EQ(lines.back().value("code", ""), "FileExists") << json.out;

    RunResult replaced =
        run_discwright({"image", "extract", "--overwrite", image.string(), dir.string()});
    EXPECT_EQ(replaced.exit_status, 0) << replaced.describe();
    EXPECT_TRUE(manifests_match("extraction with --overwrite", Manifest::of_tree(tree.path()),
                                Manifest::of_tree(dir), kPosixFields));
}

TEST_F(ReadForeignImage, GenisoimageLevelOneWithoutRockRidge) {
    // 8.3 upper-case names, so the ISO 9660 names are the source names.
    TempTree tree{{"README.TXT", "read me\n"},
                  {"DATA/BLOCK.BIN", PseudoRandom{6000, 4}},
                  {"DATA/EMPTY.DAT", ""},
                  {"DATA/SUB/NOTES", "no extension\n"}};
    const fs::path image = path("level1.iso");
    made(run({"genisoimage", "-quiet", "-iso-level", "1", "-o", image.string(),
              tree.path().string()}),
         image);
    RunResult info = run_discwright({"--json", "image", "info", image.string()});
    ASSERT_EQ(info.exit_status, 0) << info.describe();
    const auto result = json_lines(info.out).back();
    EXPECT_EQ(result.value("file_systems", ""), "iso9660") << info.out;
    EXPECT_EQ(result.value("default_file_system", ""), "iso9660") << info.out;

    const Listing ours = discwright_ls(image);
    EXPECT_TRUE(same_listing("isoinfo -l", ours, isoinfo_l(image, ""), {Compare::Size}));
    EXPECT_TRUE(same_listing("bsdtar -tv", ours, bsdtar_tv(image), {Compare::Size}));
    EXPECT_TRUE(same_listing("7z -slt", ours, sevenzip_slt(image), {Compare::Size}));

    const Manifest seen = extract(image, "out");
    EXPECT_TRUE(manifests_match("discwright extraction", Manifest::of_tree(tree.path()), seen,
                                kContentFields));
    // No Rock Ridge: the 0444 / 0555 a plain tree implies are not imposed on the host.
    for (const auto& [p, e] : seen.entries())
        EXPECT_NE(e.mode & 0200, 0u) << "'" << p << "' is not writable by its owner";
}

TEST_F(ReadForeignImage, GenisoimageJolietWithoutRockRidge) {
    TempTree tree{{"Mixed Case Name.txt", "joliet keeps case\n"},
                  {"Folder With Spaces/inner file.data", PseudoRandom{3000, 5}},
                  {"Folder With Spaces/empty", ""},
                  {"lower.md", "md\n"}};
    const fs::path image = path("joliet.iso");
    made(run({"genisoimage", "-quiet", "-J", "-o", image.string(), tree.path().string()}), image);
    RunResult info = run_discwright({"--json", "image", "info", image.string()});
    ASSERT_EQ(info.exit_status, 0) << info.describe();
    EXPECT_EQ(json_lines(info.out).back().value("default_file_system", ""), "joliet") << info.out;

    const Listing ours = discwright_ls(image);
    EXPECT_TRUE(same_listing("7z -slt", ours, sevenzip_slt(image), {Compare::Size}));
    EXPECT_TRUE(same_listing("isoinfo -J -l", ours, isoinfo_l(image, "-J"), {Compare::Size}));
    EXPECT_TRUE(same_listing("bsdtar -tv", ours, bsdtar_tv(image), {Compare::Size}));
    EXPECT_TRUE(manifests_match("discwright extraction", Manifest::of_tree(tree.path()),
                                extract(image, "out"), kContentFields));
}

TEST_F(ReadForeignImage, GenisoimageLongJolietNames) {
    const std::string long_name = std::string(90, 'j') + " long.txt"; // 99 UTF-16 units
    TempTree tree{{long_name, "long joliet name\n"},
                  {"dir/" + std::string(80, 'k') + ".bin", PseudoRandom{100, 6}}};
    const fs::path image = path("joliet-long.iso");
    made(run({"genisoimage", "-quiet", "-J", "-joliet-long", "-o", image.string(),
              tree.path().string()}),
         image);
    const Listing ours = discwright_ls(image, {"--fs", "joliet"});
    EXPECT_TRUE(ours.count(long_name)) << dump(ours);
    EXPECT_TRUE(same_listing("7z -slt", ours, sevenzip_slt(image), {Compare::Size}));
    EXPECT_TRUE(manifests_match("discwright extraction", Manifest::of_tree(tree.path()),
                                extract(image, "out", {"--fs", "joliet"}), kContentFields));
}

TEST_F(ReadForeignImage, GenisoimageDeepTreeIsReadThroughTheRelocations) {
    std::vector<TreeEntry> spec;
    std::string dir;
    for (int depth = 1; depth <= 11; ++depth) {
        dir += (dir.empty() ? "" : "/") + std::string("level") + std::to_string(depth);
        spec.push_back({dir + "/file" + std::to_string(depth) + ".txt",
                        "depth " + std::to_string(depth) + "\n",
                        {.mode = 0600}});
    }
    spec.push_back({"level1/level2/side/a/b/c/d/e/f/g.txt", "side\n"});
    TempTree tree(spec);
    const fs::path image = path("deep.iso");
    made(run({"genisoimage", "-quiet", "-R", "-J", "-o", image.string(), tree.path().string()}),
         image);
    const Listing ours = discwright_ls(image);
    EXPECT_TRUE(ours.count("level1/level2/level3/level4/level5/level6/level7/level8/level9/"
                           "level10/level11/file11.txt"))
        << dump(ours);
    // genisoimage marks the relocated folders RE, not rr_moved itself: discwright shows it
    // empty, as xorriso and isoinfo do (bsdtar leaves it out). Nothing relocated is in it.
    ASSERT_TRUE(ours.count("rr_moved")) << dump(ours);
    for (const auto& [p, item] : ours)
        EXPECT_NE(p.rfind("rr_moved/", 0), 0u) << "'" << p << "' is shown twice";
    const std::vector<Compare> all{Compare::Size, Compare::Mode, Compare::Target};
    EXPECT_TRUE(same_listing("xorriso -lsdl", ours, xorriso_lsdl(image), all));
    EXPECT_TRUE(same_listing("bsdtar -tv", without(ours, "rr_moved"), bsdtar_tv(image), all));
    EXPECT_TRUE(manifests_match("discwright extraction", Manifest::of_tree(tree.path()),
                                extract(image, "out").without("rr_moved"), kPosixFields));
}

/// Builds an image with pycdlib: Rock Ridge 1.09 and Joliet over interchange level 3.
const char* const kPycdlibMaker = R"(
import io, sys
import pycdlib
iso = pycdlib.PyCdlib()
iso.new(interchange_level=3, rock_ridge='1.09', joliet=3, vol_ident='PYCDLIB_VOL')
iso.add_directory('/DOCS', rr_name='Docs', joliet_path='/Docs', file_mode=0o40750)
data = b'pycdlib data\n' * 300
iso.add_fp(io.BytesIO(data), len(data), '/DOCS/NOTES.TXT;1', rr_name='Notes.txt',
           joliet_path='/Docs/Notes.txt', file_mode=0o100640)
iso.add_fp(io.BytesIO(b''), 0, '/EMPTY.;1', rr_name='empty', joliet_path='/empty')
iso.add_fp(io.BytesIO(b'x' * 2048), 2048, '/BLOCK.BIN;1', rr_name='block.bin',
           joliet_path='/block.bin')
iso.add_symlink('/LINK.;1', 'link', 'Docs/Notes.txt')
iso.write(sys.argv[1])
iso.close()
)";

TEST_F(ReadForeignImage, PycdlibImage) {
    const fs::path image = path("pycdlib.iso");
    made(run({"/usr/bin/python3", "-c", kPycdlibMaker, image.string()}), image);

    const Listing ours = discwright_ls(image);
    PycdlibView rr = pycdlib_view(image, Namespace::RockRidge);
    ASSERT_TRUE(rr.ok()) << rr.error << rr.run.describe();
    Listing theirs;
    for (const auto& [p, e] : rr.manifest.entries()) {
        Item item;
        item.type = e.type == EntryType::Directory ? 'd' : e.type == EntryType::Symlink ? 'l' : '-';
        item.size = e.size;
        item.mode = e.mode;
        item.target = e.link_target;
        theirs[p] = item;
    }
    EXPECT_TRUE(
        same_listing("pycdlib rr", ours, theirs, {Compare::Size, Compare::Mode, Compare::Target}));
    EXPECT_EQ(ours.at("Docs").mode, 0750u);
    EXPECT_EQ(ours.at("link").target, "Docs/Notes.txt");
    EXPECT_TRUE(same_listing("xorriso -lsdl", ours, xorriso_lsdl(image),
                             {Compare::Size, Compare::Mode, Compare::Target}));

    // Extraction: pycdlib's view of the data, names, modes and link (Linux gives every
    // symlink mode 0777, whatever PX says).
    const auto link_modes_ignored = [](const Manifest& m) {
        Manifest out;
        for (auto [p, e] : m.entries()) {
            if (e.type == EntryType::Symlink) e.mode = 0;
            out.add(p, e);
        }
        return out;
    };
    EXPECT_TRUE(
        manifests_match("discwright extraction", link_modes_ignored(rr.manifest),
                        link_modes_ignored(extract(image, "out")),
                        {Field::Type, Field::Size, Field::Sha256, Field::LinkTarget, Field::Mode}));

    // Joliet and the plain tree name the same files.
    PycdlibView joliet = pycdlib_view(image, Namespace::Joliet);
    ASSERT_TRUE(joliet.ok()) << joliet.error << joliet.run.describe();
    EXPECT_TRUE(manifests_match("discwright joliet extraction", joliet.manifest,
                                extract(image, "joliet", {"--fs", "joliet"}), kContentFields));
    PycdlibView plain = pycdlib_view(image, Namespace::Iso9660);
    ASSERT_TRUE(plain.ok()) << plain.error << plain.run.describe();
    const Manifest plain_names = plain.manifest.renamed([](const std::string& p) {
        std::string out = p.substr(0, p.rfind(';'));
        if (out.size() > 1 && out.back() == '.') out.pop_back();
        return out;
    });
    EXPECT_TRUE(manifests_match("discwright iso9660 extraction", plain_names,
                                extract(image, "plain", {"--fs", "iso9660"}), kContentFields));
}

TEST_F(ReadForeignImage, InfoAgreesWithIsoinfoAndFindsTheBootCatalog) {
    TempTree tree{{"boot/boot.img", PseudoRandom{4 * 2048, 7}}, {"readme.txt", "hi\n"}};
    const fs::path image = path("boot.iso");
    made(run({"xorriso",
              "-as",
              "mkisofs",
              "-R",
              "-J",
              "-V",
              "MY_VOLUME",
              "-publisher",
              "The Publisher",
              "-p",
              "The Preparer",
              "-A",
              "The Application",
              "-sysid",
              "THE_SYSTEM",
              "-b",
              "boot/boot.img",
              "-c",
              "boot/boot.cat",
              "-no-emul-boot",
              "-o",
              image.string(),
              tree.path().string()}),
         image);
    RunResult info = run_discwright({"--json", "image", "info", image.string()});
    ASSERT_EQ(info.exit_status, 0) << info.describe();
    const auto result = json_lines(info.out).back();
    ASSERT_EQ(result.value("event", ""), "result") << info.out;
    EXPECT_EQ(result["file_systems"], "iso9660,joliet,rockridge");
    EXPECT_EQ(result["sessions"].size(), 1u);
    const auto& primary = result["volumes"].at(0);
    EXPECT_EQ(primary["type"], "iso9660");

    // isoinfo -d says what the primary volume descriptor holds.
    RunResult d = run({"isoinfo", "-d", "-i", image.string()});
    ASSERT_EQ(d.exit_status, 0) << d.describe();
    const auto field = [&](const std::string& label) {
        const auto at = d.out.find(label + ": ");
        if (at == std::string::npos) return std::string("<missing>");
        std::string v = d.out.substr(at + label.size() + 2);
        v.resize(v.find('\n'));
        while (!v.empty() && v.back() == ' ')
            v.pop_back();
        return v;
    };
    EXPECT_EQ(primary["volume_id"], field("Volume id"));
    EXPECT_EQ(primary["system_id"], field("System id"));
    EXPECT_EQ(primary["publisher_id"], field("Publisher id"));
    EXPECT_EQ(primary["data_preparer_id"], field("Data preparer id"));
    EXPECT_EQ(primary["application_id"], field("Application id"));
    EXPECT_EQ(std::to_string(primary["volume_space_blocks"].get<std::uint64_t>()),
              field("Volume size is"));
    EXPECT_EQ(primary["volume_id"], "MY_VOLUME");

    // The boot catalog's LBA is where isoinfo finds boot.cat.
    const Listing files = isoinfo_l(image, "-R");
    ASSERT_TRUE(files.count("boot/boot.cat")) << dump(files);
    RunResult l = run({"isoinfo", "-R", "-l", "-i", image.string()});
    const auto line_at = l.out.find("boot.cat");
    ASSERT_NE(line_at, std::string::npos);
    const auto open = l.out.rfind('[', line_at);
    const std::uint64_t catalog = std::stoull(l.out.substr(open + 1));
    EXPECT_EQ(result["boot_catalog_lba"], catalog) << info.out;

    RunResult text = run_discwright({"image", "info", image.string()});
    ASSERT_EQ(text.exit_status, 0) << text.describe();
    EXPECT_NE(text.out.find("boot catalog: LBA " + std::to_string(catalog)), std::string::npos)
        << text.out;
    EXPECT_NE(text.out.find("The Publisher"), std::string::npos) << text.out;
}

TEST_F(ReadForeignImage, MultisessionImageGrownByXorriso) {
    TempTree a{{"one.txt", "first session\n"}, {"sub/two.txt", "also first\n"}};
    TempTree b{{"three.txt", "second session\n"}};
    const fs::path image = path("grown.iso");
    made(run({"xorriso", "-dev", image.string(), "-map", a.path().string(), "/a", "-commit"}),
         image);
    made(run({"xorriso", "-dev", image.string(), "-map", b.path().string(), "/b", "-commit"}),
         image);

    // xorriso's own table of contents: "ISO session  :   1 ,        32 ,        25s , ..."
    RunResult toc = run({"xorriso", "-indev", image.string(), "-toc"});
    ASSERT_EQ(toc.exit_status, 0) << toc.describe();
    std::vector<std::uint64_t> starts;
    std::istringstream in(toc.out + toc.err);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("ISO session", 0) != 0) continue;
        const auto comma = line.find(',');
        starts.push_back(std::stoull(line.substr(comma + 1)));
    }
    ASSERT_EQ(starts.size(), 2u) << toc.out << toc.err;

    RunResult info = run_discwright({"--json", "image", "info", image.string()});
    ASSERT_EQ(info.exit_status, 0) << info.describe();
    const auto result = json_lines(info.out).back();
    ASSERT_EQ(result["sessions"].size(), 2u) << info.out;
    EXPECT_EQ(result["sessions"][0]["start_block"], starts[0]) << info.out;
    EXPECT_EQ(result["sessions"][1]["start_block"], starts[1]) << info.out;
    EXPECT_EQ(result["session"]["start_block"], starts[1]) << "the newest is read by default";

    const Listing newest = discwright_ls(image);
    for (const char* p : {"a", "a/one.txt", "a/sub", "a/sub/two.txt", "b", "b/three.txt"})
        EXPECT_TRUE(newest.count(p)) << p << " is missing from the newest tree:\n" << dump(newest);
    EXPECT_TRUE(same_listing("xorriso -lsdl", newest, xorriso_lsdl(image),
                             {Compare::Size, Compare::Mode, Compare::Target}));

    const Listing first = discwright_ls(image, {"--session", std::to_string(starts[0])});
    EXPECT_TRUE(first.count("a/one.txt")) << dump(first);
    EXPECT_FALSE(first.count("b")) << "the first session's tree has no /b:\n" << dump(first);
    EXPECT_EQ(first.size(), 4u) << dump(first);

    // Extracting /a from the first session: its files, and nothing of the second.
    const Manifest whole = extract(image, "first", {"--session", std::to_string(starts[0]), "/a"});
    EXPECT_EQ(whole.paths(),
              (std::vector<std::string>{"a", "a/one.txt", "a/sub", "a/sub/two.txt"}));
    const Manifest a_seen = Manifest::of_tree(path("first") / "a");
    EXPECT_TRUE(
        manifests_match("first session's /a", Manifest::of_tree(a.path()), a_seen, kContentFields));
    EXPECT_FALSE(fs::exists(path("first") / "b"));
}

/// Replaces every occurrence of `from` in the file by `to` (same length); returns the count.
int patch_all(const fs::path& file, const std::string& from, const std::string& to) {
    std::string bytes;
    {
        std::ifstream in(file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    int count = 0;
    for (auto at = bytes.find(from); at != std::string::npos; at = bytes.find(from, at + 1)) {
        bytes.replace(at, to.size(), to);
        ++count;
    }
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    return count;
}

/// Rock Ridge names are whatever the NM entries say. An image whose names climb out of the
/// destination, or that holds a symlink and a folder of the same name (so that a file in the
/// folder would be written through the link), must extract nothing outside it.
TEST_F(ReadForeignImage, HostileRockRidgeNamesAreRefused) {
    const fs::path outside = path("outside");
    fs::create_directories(outside);
    TempTree tree{{"zzzzzzzzzzzzzzzz", "escape attempt\n"}, {"fine.txt", "fine\n"}};
    const fs::path image = path("climb.iso");
    made(run({"xorriso", "-as", "mkisofs", "-R", "-o", image.string(), tree.path().string()}),
         image);
    ASSERT_EQ(patch_all(image, "zzzzzzzzzzzzzzzz", "../../outside/xx"), 1);
    const fs::path dest = path("dest") / "inner";
    fs::create_directories(dest.parent_path());
    RunResult r = run_discwright({"--json", "image", "extract", image.string(), dest.string()});
    EXPECT_EQ(r.exit_status, 2) << r.describe();
    ASSERT_FALSE(json_lines(r.out).empty()) << r.describe();
    EXPECT_EQ(json_lines(r.out).back().value("code", ""), "UnsafePath") << r.out;
    EXPECT_EQ(json_lines(r.out).back().value("path", ""), "/../../outside/xx") << r.out;
    EXPECT_TRUE(fs::is_empty(outside));
    EXPECT_FALSE(fs::exists(dest / "fine.txt")) << "nothing is written";

    // A symlink "linkname -> OUTSIDE" and a folder renamed to "linkname" holding "passwd".
    TempTree twins{{"linkname", Symlink{outside.string()}}, {"dirxname/passwd", "root::0:0\n"}};
    const fs::path twin_image = path("twins.iso");
    made(run({"xorriso", "-as", "mkisofs", "-R", "-o", twin_image.string(), twins.path().string()}),
         twin_image);
    ASSERT_EQ(patch_all(twin_image, "dirxname", "linkname"), 1);
    const Listing listed = discwright_ls(twin_image);
    ASSERT_TRUE(listed.count("linkname/passwd")) << dump(listed);
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{}, std::vector<std::string>{"--overwrite"}}) {
        const fs::path twin_dest = path(extra.empty() ? "twins" : "twins-overwrite");
        std::vector<std::string> argv{"image", "extract", twin_image.string(), twin_dest.string()};
        argv.insert(argv.end(), extra.begin(), extra.end());
        RunResult x = run_discwright(argv);
        EXPECT_TRUE(fs::is_empty(outside)) << "written through the image's symlink";
        if (extra.empty()) {
            EXPECT_EQ(x.exit_status, 2) << x.describe();
        } else if (x.exit_status == 0) {
            // The link came first and gave way to the folder.
            EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(twin_dest / "linkname/passwd")));
        } else {
            // The folder came first: a folder is never replaced by the link.
            EXPECT_EQ(x.exit_status, 2) << x.describe();
            EXPECT_NE(x.err.find("never replaced"), std::string::npos) << x.describe();
        }
    }
}

TEST_F(ReadForeignImage, VerifyPassesAGoodImageAndNamesTheBlockOfADamagedOne) {
    TempTree tree{{"a.txt", "a\n"}, {"dir/b.txt", "b\n"}};
    const fs::path image = path("good.iso");
    made(run({"xorriso", "-as", "mkisofs", "-R", "-o", image.string(), tree.path().string()}),
         image);
    RunResult good = run_discwright({"--json", "image", "verify", image.string()});
    EXPECT_EQ(good.exit_status, 0) << good.describe();
    const auto good_lines = json_lines(good.out);
    ASSERT_FALSE(good_lines.empty()) << good.describe();
    EXPECT_EQ(good_lines.back().value("event", ""), "result");
    EXPECT_EQ(good_lines.back().value("errors", -1), 0) << good.out;

    // The root's extent location (ECMA-119 9.1.3, BP 3-6 little-endian) no longer agrees with
    // its big-endian copy.
    RunResult info = run_discwright({"--json", "image", "info", image.string()});
    ASSERT_EQ(info.exit_status, 0) << info.describe();
    const std::uint64_t root = json_lines(info.out).back()["volumes"][0]["root_lba"];
    {
        std::fstream f(image, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(root * 2048 + 2));
        f.write("\xff\xff\xff\x7f", 4);
    }
    RunResult bad = run_discwright({"--json", "image", "verify", image.string()});
    EXPECT_EQ(bad.exit_status, 2) << bad.describe();
    bool named = false;
    for (const auto& j : json_lines(bad.out))
        if (j.value("event", "") == "problem" && j.value("severity", "") == "error" &&
            j["lba"] == root)
            named = true;
    EXPECT_TRUE(named) << "no error names LBA " << root << ":\n" << bad.out;
    EXPECT_EQ(json_lines(bad.out).back().value("clean", true), false) << bad.out;
    RunResult text = run_discwright({"image", "verify", image.string()});
    EXPECT_EQ(text.exit_status, 2) << text.describe();
    EXPECT_NE(text.out.find("LBA " + std::to_string(root)), std::string::npos) << text.out;

    RunResult not_image = run_discwright({"image", "verify", (tree / "a.txt").string()});
    EXPECT_EQ(not_image.exit_status, 2) << not_image.describe();
}

TEST_F(ReadForeignImage, LsOfOneFolderAndLongFormat) {
    TempTree tree{{"dir/file.txt", "12345", {.mode = 0640, .mtime = 1'700'000'000}},
                  {"dir/link", Symlink{"file.txt"}},
                  {"top.txt", "top"}};
    const fs::path image = path("ls.iso");
    made(run({"xorriso", "-as", "mkisofs", "-R", "-o", image.string(), tree.path().string()}),
         image);
    RunResult names = run_discwright({"image", "ls", image.string(), "/dir"});
    ASSERT_EQ(names.exit_status, 0) << names.describe();
    EXPECT_EQ(names.out, "file.txt\nlink\n");

    RunResult long_form = run_discwright({"image", "ls", "-l", image.string(), "dir"});
    ASSERT_EQ(long_form.exit_status, 0) << long_form.describe();
    EXPECT_NE(long_form.out.find("-rw-r-----"), std::string::npos) << long_form.out;
    EXPECT_NE(long_form.out.find(" 5 2023-11-14T22:13:20Z file.txt\n"), std::string::npos)
        << long_form.out;
    EXPECT_NE(long_form.out.find("link -> file.txt\n"), std::string::npos) << long_form.out;

    RunResult missing = run_discwright({"image", "ls", image.string(), "/nope"});
    EXPECT_EQ(missing.exit_status, 2) << missing.describe();
    EXPECT_NE(missing.err.find("'/nope'"), std::string::npos) << missing.err;

    RunResult bad_fs = run_discwright({"image", "ls", "--fs", "hfs", image.string()});
    EXPECT_EQ(bad_fs.exit_status, 1) << bad_fs.describe();
    RunResult no_udf = run_discwright({"image", "ls", "--fs", "udf", image.string()});
    EXPECT_EQ(no_udf.exit_status, 2) << no_udf.describe();
    RunResult absent = run_discwright({"image", "ls", "--fs", "joliet", image.string()});
    EXPECT_EQ(absent.exit_status, 2) << absent.describe();
    RunResult not_image = run_discwright({"image", "ls", (tree / "top.txt").string()});
    EXPECT_EQ(not_image.exit_status, 2) << not_image.describe();
}

} // namespace
} // namespace discwright::test
