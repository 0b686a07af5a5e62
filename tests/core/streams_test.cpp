#include <algorithm>
#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "discwright/error.h"
#include "discwright/stream.h"

namespace discwright {
namespace {

std::vector<std::byte> bytes(std::string_view s) {
    auto b = std::as_bytes(std::span(s.data(), s.size()));
    return {b.begin(), b.end()};
}

std::vector<std::byte> pattern(std::size_t n, u8 salt) {
    std::vector<std::byte> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<std::byte>((i * 7 + salt) & 0xff);
    return v;
}

/// The whole stream, read in one call.
std::vector<std::byte> read_all(const Stream& s) {
    std::vector<std::byte> out(s.size());
    EXPECT_EQ(s.read_at(0, out), s.size()) << s.description();
    return out;
}

/// Reads [offset, offset + n) and returns what came back.
std::vector<std::byte> read_some(const Stream& s, u64 offset, std::size_t n) {
    std::vector<std::byte> out(n, std::byte{0xee});
    out.resize(s.read_at(offset, out));
    return out;
}

/// Every offset and several lengths, including reads that run past the end, agree with the
/// expected bytes: exactly min(n, size - offset) bytes come back.
void expect_reads_match(const Stream& s, const std::vector<std::byte>& expected) {
    ASSERT_EQ(s.size(), expected.size());
    for (u64 off = 0; off <= expected.size() + 1; ++off) {
        for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7},
                              std::size_t{97}, expected.size() + 5}) {
            auto got = read_some(s, off, n);
            const std::size_t want =
                off >= expected.size() ? 0 : std::min<std::size_t>(n, expected.size() - off);
            ASSERT_EQ(got.size(), want) << s.description() << " at " << off << " len " << n;
            ASSERT_TRUE(std::equal(got.begin(), got.end(), expected.begin() + off))
                << s.description() << " at " << off << " len " << n;
        }
    }
}

class TempFile {
public:
    explicit TempFile(const std::vector<std::byte>& content) {
        std::string tmpl = testing::TempDir() + "discwright_stream_XXXXXX";
        int fd = ::mkstemp(tmpl.data());
        if (fd < 0) throw std::runtime_error("mkstemp failed");
        m_path = tmpl;
        if (!content.empty() &&
            ::write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size()))
            throw std::runtime_error("write failed");
        ::close(fd);
    }
    ~TempFile() { ::unlink(m_path.c_str()); }
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

// MemoryStream

TEST(MemoryStream, ReadsBoundsChecked) {
    MemoryStream m(pattern(50, 3));
    EXPECT_EQ(m.size(), 50u);
    EXPECT_EQ(m.description(), "memory");
    expect_reads_match(m, pattern(50, 3));
}

TEST(MemoryStream, FromStringKeepsTheText) {
    auto m = MemoryStream::from_string("hello");
    EXPECT_EQ(m->size(), 5u);
    EXPECT_EQ(read_some(*m, 1, 3), bytes("ell"));
    EXPECT_EQ(read_some(*m, 5, 3).size(), 0u);
    EXPECT_EQ(MemoryStream(bytes("x"), "boot image").description(), "boot image");
}

TEST(MemoryStream, EmptyReadsNothing) {
    MemoryStream m({});
    EXPECT_EQ(m.size(), 0u);
    EXPECT_EQ(read_some(m, 0, 4).size(), 0u);
    EXPECT_EQ(m.read_at(0, {}), 0u);
}

// ZeroStream

TEST(ZeroStream, ReadsZerosUpToItsSize) {
    ZeroStream z(100);
    EXPECT_EQ(z.size(), 100u);
    EXPECT_EQ(z.description(), "zero stream");
    std::vector<std::byte> buf(40, std::byte{0xff});
    EXPECT_EQ(z.read_at(77, buf), 23u);
    for (std::size_t i = 0; i < 23; ++i)
        ASSERT_EQ(buf[i], std::byte{0}) << i;
    EXPECT_EQ(buf[23], std::byte{0xff}); // bytes past the count are untouched
    EXPECT_EQ(z.read_at(100, buf), 0u);
    EXPECT_EQ(z.read_at(~u64{0}, buf), 0u);
    z.set_size(5);
    EXPECT_EQ(z.size(), 5u);
    EXPECT_EQ(z.read_at(0, buf), 5u);
}

TEST(ZeroStream, MatchesZerosEverywhere) {
    expect_reads_match(ZeroStream(33), std::vector<std::byte>(33));
}

// PseudoRandomStream

TEST(PseudoRandomStream, GoldenFirstBytesForSeedOne) {
    // Pins the algorithm documented in pseudo_random_stream.cpp: splitmix64 from the key
    // derived from {1}, outputs little-endian. Test burns must verify in every release.
    PseudoRandomStream p(16, 1);
    const std::array<u8, 16> golden{0x95, 0x27, 0x2a, 0x43, 0x73, 0x9b, 0x15, 0xd5,
                                    0x7f, 0xf5, 0xc2, 0xb6, 0x31, 0x23, 0xad, 0x93};
    auto got = read_all(p);
    ASSERT_EQ(got.size(), 16u);
    for (std::size_t i = 0; i < 16; ++i)
        EXPECT_EQ(static_cast<u8>(got[i]), golden[i]) << "byte " << i;
}

TEST(PseudoRandomStream, GoldenFirstBytesForExtendedSeeds) {
    PseudoRandomStream p(8);
    p.set_extended_seed({1, 2});
    auto got = read_all(p);
    const std::array<u8, 8> golden{0x1c, 0x38, 0xb1, 0x1a, 0x4f, 0x7d, 0xd5, 0x43};
    for (std::size_t i = 0; i < 8; ++i)
        EXPECT_EQ(static_cast<u8>(got[i]), golden[i]) << "byte " << i;
    p.set_extended_seed({});
    EXPECT_EQ(static_cast<u8>(read_all(p)[0]), 0x6f);
}

TEST(PseudoRandomStream, SameSeedSameBytes) {
    PseudoRandomStream a(4096, 77), b(4096, 77);
    EXPECT_EQ(read_all(a), read_all(b));
    PseudoRandomStream c(4096);
    c.set_seed(77);
    EXPECT_EQ(read_all(a), read_all(c));
    PseudoRandomStream d(4096);
    d.set_extended_seed({77}); // set_seed(s) is set_extended_seed({s})
    EXPECT_EQ(read_all(a), read_all(d));
}

TEST(PseudoRandomStream, DifferentSeedsDiffer) {
    PseudoRandomStream a(64, 1), b(64, 2), c(64, 0);
    EXPECT_NE(read_all(a), read_all(b));
    EXPECT_NE(read_all(a), read_all(c));
    PseudoRandomStream e(64), f(64), g(64);
    e.set_extended_seed({1, 2});
    f.set_extended_seed({2, 1});
    g.set_extended_seed({1, 2, 0});
    EXPECT_NE(read_all(e), read_all(f));
    EXPECT_NE(read_all(e), read_all(g));
    EXPECT_NE(read_all(e), read_all(a));
}

TEST(PseudoRandomStream, BytesLookRandom) {
    // Not a randomness test; catches a generator that degenerated into a constant or a ramp.
    PseudoRandomStream p(1 << 16, 5);
    auto all = read_all(p);
    std::array<std::size_t, 256> counts{};
    for (auto b : all)
        ++counts[static_cast<u8>(b)];
    for (std::size_t v = 0; v < 256; ++v) {
        EXPECT_GT(counts[v], 160u) << v; // 256 expected for each value
        EXPECT_LT(counts[v], 360u) << v;
    }
}

TEST(PseudoRandomStream, SliceEqualsTheSameSliceOfAWholeRead) {
    PseudoRandomStream p(1000, 9);
    auto all = read_all(p);
    for (u64 off : {0u, 1u, 7u, 8u, 9u, 333u, 995u}) {
        for (std::size_t n : {1u, 5u, 8u, 13u, 64u}) {
            auto part = read_some(p, off, n);
            const std::size_t want = std::min<std::size_t>(n, 1000 - off);
            ASSERT_EQ(part.size(), want);
            EXPECT_TRUE(std::equal(part.begin(), part.end(), all.begin() + off)) << off << "+" << n;
        }
    }
    expect_reads_match(PseudoRandomStream(40, 9),
                       std::vector<std::byte>(all.begin(), all.begin() + 40));
}

TEST(PseudoRandomStream, ByteDependsOnlyOnSeedAndOffset) {
    PseudoRandomStream small(100, 4), large(1'000'000, 4);
    EXPECT_EQ(read_all(small), read_some(large, 0, 100));
    // Far offsets cost nothing and agree with themselves.
    PseudoRandomStream huge(u64{1} << 50, 4);
    EXPECT_EQ(read_some(huge, (u64{1} << 49) + 3, 20), read_some(huge, (u64{1} << 49) + 3, 20));
    EXPECT_EQ(read_some(huge, (u64{1} << 50) - 2, 20).size(), 2u);
}

TEST(PseudoRandomStream, SeedAndDescription) {
    PseudoRandomStream p(10, 42);
    EXPECT_EQ(p.seed(), 42u);
    EXPECT_EQ(p.extended_seed(), std::vector<u32>{42});
    EXPECT_EQ(p.description(), "pseudo-random stream (seed 42)");
    p.set_extended_seed({3, 4});
    EXPECT_EQ(p.seed(), 3u);
    EXPECT_EQ(p.description(), "pseudo-random stream (seed 3, 4)");
    p.set_extended_seed({});
    EXPECT_EQ(p.seed(), 0u);
    p.set_size(3);
    EXPECT_EQ(p.size(), 3u);
    EXPECT_EQ(read_some(p, 0, 10).size(), 3u);
}

// ConcatStream

TEST(ConcatStream, ThreePartsReadAcrossBoundaries) {
    auto a = std::make_shared<MemoryStream>(pattern(10, 1));
    auto b = std::make_shared<ZeroStream>(7);
    auto c = std::make_shared<MemoryStream>(pattern(13, 100));
    ConcatStream s({a, b, c});
    EXPECT_EQ(s.size(), 30u);
    EXPECT_EQ(s.part_count(), 3u);
    EXPECT_EQ(s.description(), "concatenation of 3 streams");
    std::vector<std::byte> expected = pattern(10, 1);
    expected.resize(17);
    auto tail = pattern(13, 100);
    expected.insert(expected.end(), tail.begin(), tail.end());
    expect_reads_match(s, expected);
    // One read spanning all three parts.
    auto mid = read_some(s, 9, 10);
    ASSERT_EQ(mid.size(), 10u);
    EXPECT_EQ(mid[0], std::byte{(9 * 7 + 1) & 0xff});
    EXPECT_EQ(mid[1], std::byte{0});
    EXPECT_EQ(mid[7], std::byte{0});
    EXPECT_EQ(mid[8], std::byte{100});
    EXPECT_EQ(mid[9], std::byte{107});
}

TEST(ConcatStream, EmptyPartsAnywhere) {
    ConcatStream s;
    EXPECT_EQ(s.size(), 0u);
    EXPECT_EQ(read_some(s, 0, 4).size(), 0u);
    s.append(std::make_shared<ZeroStream>(0));
    s.append(MemoryStream::from_string("ab"));
    s.append(std::make_shared<ZeroStream>(0));
    s.append(std::make_shared<ZeroStream>(0));
    s.append(MemoryStream::from_string("cde"));
    s.append(std::make_shared<ZeroStream>(0));
    EXPECT_EQ(s.part_count(), 6u);
    expect_reads_match(s, bytes("abcde"));
}

TEST(ConcatStream, NullPartIsInvalidParam) {
    ConcatStream s;
    s.append(MemoryStream::from_string("a"));
    try {
        s.append(nullptr);
        FAIL() << "a null part was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidParam);
        EXPECT_EQ(e.message(), "concatenated stream: part 1 is null");
    }
}

TEST(ConcatStream, PartThatShrankIsInconsistency) {
    auto z = std::make_shared<ZeroStream>(10);
    ConcatStream s({MemoryStream::from_string("abc"), z});
    z->set_size(4);
    try {
        (void)read_some(s, 2, 20);
        FAIL() << "a short part read was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::DataStreamInconsistency);
        EXPECT_EQ(e.message(), "concatenated stream: part 1 ('zero stream') gave 4 bytes at "
                               "offset 0: 10 bytes expected");
    }
}

// InterleaveStream

TEST(InterleaveStream, MainChannelAndSubcodeFrames) {
    constexpr std::size_t frames = 3;
    auto main = std::make_shared<PseudoRandomStream>(frames * 2352, 11);
    auto sub = std::make_shared<MemoryStream>(pattern(frames * 96, 50), "subcode");
    InterleaveStream s({main, sub}, {2352, 96});
    EXPECT_EQ(s.size(), frames * 2448);
    auto m = read_all(*main);
    auto q = pattern(frames * 96, 50);
    std::vector<std::byte> expected;
    for (std::size_t f = 0; f < frames; ++f) {
        expected.insert(expected.end(), m.begin() + f * 2352, m.begin() + (f + 1) * 2352);
        expected.insert(expected.end(), q.begin() + f * 96, q.begin() + (f + 1) * 96);
    }
    EXPECT_EQ(read_all(s), expected);
    // Frame 1's subcode starts at 2448 + 2352.
    auto sc = read_some(s, 2448 + 2352, 96);
    EXPECT_TRUE(std::equal(sc.begin(), sc.end(), q.begin() + 96));
    // Odd offsets and every chunk boundary.
    for (u64 off : {0u, 1u, 2351u, 2352u, 2447u, 2448u, 4799u, 4800u, 7343u}) {
        for (std::size_t n : {1u, 2u, 97u, 2449u, 5000u}) {
            auto got = read_some(s, off, n);
            ASSERT_EQ(got.size(), std::min<std::size_t>(n, expected.size() - off));
            ASSERT_TRUE(std::equal(got.begin(), got.end(), expected.begin() + off))
                << off << "+" << n;
        }
    }
    EXPECT_EQ(read_some(s, 3 * 2448, 10).size(), 0u);
    EXPECT_EQ(s.description(),
              "interleave of 2352 bytes of 'pseudo-random stream (seed 11)', 96 bytes of "
              "'subcode'");
}

TEST(InterleaveStream, EveryOffsetOfSmallRounds) {
    auto a = std::make_shared<MemoryStream>(bytes("AAaaBBbb"));
    auto b = std::make_shared<MemoryStream>(bytes("1234"));
    auto c = std::make_shared<MemoryStream>(bytes("xyz"));
    expect_reads_match(InterleaveStream({a, b, c}, {8, 4, 3}), bytes("AAaaBBbb1234xyz"));
    expect_reads_match(InterleaveStream({a, b}, {2, 1}), bytes("AA1aa2BB3bb4"));
}

TEST(InterleaveStream, EmptyStreamsGiveAnEmptyStream) {
    InterleaveStream s({std::make_shared<ZeroStream>(0), std::make_shared<ZeroStream>(0)}, {4, 2});
    EXPECT_EQ(s.size(), 0u);
    EXPECT_EQ(read_some(s, 0, 8).size(), 0u);
}

TEST(InterleaveStream, DifferentChunkCountsNameTheStream) {
    auto main = std::make_shared<ZeroStream>(2 * 2352);
    auto sub = std::make_shared<MemoryStream>(pattern(3 * 96, 0), "sub.bin");
    try {
        InterleaveStream s({main, sub}, {2352, 96});
        FAIL() << "mismatched chunk counts were accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidParam);
        EXPECT_EQ(e.message(), "interleave stream: stream 1 ('sub.bin') holds 288 bytes, 2 chunks "
                               "of 96 bytes expected");
    }
}

TEST(InterleaveStream, PartialChunkIsInvalidParam) {
    auto main = std::make_shared<ZeroStream>(2 * 2352 + 1);
    auto sub = std::make_shared<ZeroStream>(2 * 96);
    try {
        InterleaveStream s({main, sub}, {2352, 96});
        FAIL() << "a partial chunk was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidParam);
        EXPECT_NE(e.message().find("stream 0 ('zero stream') holds 4705 bytes"), std::string::npos)
            << e.message();
    }
}

TEST(InterleaveStream, BadArgumentsAreInvalidParam) {
    auto z = std::make_shared<ZeroStream>(8);
    auto code_of = [](auto make) {
        try {
            make();
        } catch (const Error& e) {
            return e.code();
        }
        return ErrorCode::Internal;
    };
    EXPECT_EQ(code_of([&] { InterleaveStream({}, {}); }), ErrorCode::InvalidParam);
    EXPECT_EQ(code_of([&] { InterleaveStream({z, z}, {4}); }), ErrorCode::InvalidParam);
    EXPECT_EQ(code_of([&] { InterleaveStream({z}, {0}); }), ErrorCode::InvalidParam);
    EXPECT_EQ(code_of([&] { InterleaveStream({z, nullptr}, {4, 4}); }), ErrorCode::InvalidParam);
    EXPECT_EQ(code_of([&] { InterleaveStream({z, z}, {4, 4}); }), ErrorCode::Internal); // valid
}

TEST(InterleaveStream, StreamThatShrankIsInconsistency) {
    auto a = std::make_shared<ZeroStream>(8);
    auto b = std::make_shared<ZeroStream>(4);
    InterleaveStream s({a, b}, {4, 2});
    b->set_size(3);
    EXPECT_EQ(read_some(s, 0, 5).size(), 5u); // untouched bytes still read
    try {
        (void)read_some(s, 10, 2);
        FAIL() << "a short read was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::DataStreamInconsistency);
        EXPECT_EQ(e.message(), "interleave stream: stream 1 ('zero stream') gave 1 bytes at "
                               "offset 2: 2 bytes expected");
    }
}

// FileStream

TEST(FileStream, ReadsAHostFile) {
    auto content = pattern(5000, 9);
    TempFile f(content);
    FileStream s(f.path());
    EXPECT_EQ(s.size(), 5000u);
    EXPECT_EQ(s.path(), f.path());
    EXPECT_EQ(s.description(), f.path());
    EXPECT_GE(s.native_fd(), 0);
    EXPECT_EQ(read_all(s), content);
    auto mid = read_some(s, 4097, 3);
    EXPECT_EQ(mid, std::vector<std::byte>(content.begin() + 4097, content.begin() + 4100));
    EXPECT_EQ(read_some(s, 4990, 100).size(), 10u);
    EXPECT_EQ(read_some(s, 5000, 100).size(), 0u);
}

TEST(FileStream, EveryOffsetOfASmallFile) {
    TempFile f(bytes("the quick brown fox"));
    expect_reads_match(FileStream(f.path()), bytes("the quick brown fox"));
}

TEST(FileStream, EmptyFile) {
    TempFile f({});
    FileStream s(f.path());
    EXPECT_EQ(s.size(), 0u);
    EXPECT_EQ(read_some(s, 0, 10).size(), 0u);
}

TEST(FileStream, SizeIsFixedWhenOpened) {
    TempFile f(pattern(100, 0));
    FileStream s(f.path());
    {
        int fd = ::open(f.path().c_str(), O_WRONLY | O_APPEND);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::write(fd, "more", 4), 4);
        ::close(fd);
    }
    EXPECT_EQ(s.size(), 100u);
    EXPECT_EQ(read_some(s, 0, 200).size(), 100u);
}

TEST(FileStream, FileTruncatedAfterOpeningIsInconsistency) {
    TempFile f(pattern(10000, 0));
    FileStream s(f.path());
    ASSERT_EQ(::truncate(f.path().c_str(), 5000), 0);
    EXPECT_EQ(read_some(s, 0, 5000).size(), 5000u); // the bytes still there read fine
    try {
        (void)read_some(s, 4000, 2000);
        FAIL() << "a short read was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::DataStreamInconsistency);
        EXPECT_EQ(e.message(), fmt::format("'{}' shrank after staging: 10000 bytes expected, 5000 "
                                           "found",
                                           f.path()));
        EXPECT_EQ(e.context().path, f.path());
    }
}

TEST(FileStream, MissingFileIsCreateFailure) {
    const std::string path = testing::TempDir() + "discwright_no_such_file";
    try {
        FileStream s(path);
        FAIL() << "opening a missing file succeeded";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::DataStreamCreateFailure);
        EXPECT_EQ(e.message(), fmt::format("cannot open '{}': No such file or directory", path));
        EXPECT_EQ(e.context().path, path);
    }
}

TEST(FileStream, DirectoryIsCreateFailure) {
    try {
        FileStream s(testing::TempDir());
        FAIL() << "opening a directory succeeded";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::DataStreamCreateFailure);
        EXPECT_NE(e.message().find("not a regular file or block device"), std::string::npos);
    }
}

TEST(FileStream, ConcurrentReadsAgree) {
    auto content = pattern(1 << 16, 4);
    TempFile f(content);
    FileStream s(f.path());
    std::vector<std::thread> threads;
    std::array<bool, 8> ok{};
    for (std::size_t t = 0; t < ok.size(); ++t)
        threads.emplace_back([&, t] {
            bool good = true;
            for (u64 off = t * 131; off < content.size(); off += 4099) {
                std::array<std::byte, 1000> buf;
                const std::size_t n = s.read_at(off, buf);
                good = good && n == std::min<u64>(1000, content.size() - off) &&
                       std::equal(buf.begin(), buf.begin() + n, content.begin() + off);
            }
            ok[t] = good;
        });
    for (auto& t : threads)
        t.join();
    for (std::size_t t = 0; t < ok.size(); ++t)
        EXPECT_TRUE(ok[t]) << "thread " << t;
}

// StreamReader

TEST(StreamReader, ReadsSequentiallyToTheEnd) {
    MemoryStream m(pattern(30, 2));
    StreamReader r(m);
    std::vector<std::byte> got;
    std::array<std::byte, 7> buf;
    std::vector<std::size_t> counts;
    while (std::size_t n = r.read(buf)) {
        counts.push_back(n);
        got.insert(got.end(), buf.begin(), buf.begin() + n);
    }
    EXPECT_EQ(counts, (std::vector<std::size_t>{7, 7, 7, 7, 2}));
    EXPECT_EQ(got, pattern(30, 2));
    EXPECT_EQ(r.position(), 30u);
    EXPECT_EQ(r.read(buf), 0u);
    EXPECT_EQ(r.position(), 30u);
}

TEST(StreamReader, StartsAtTheGivenOffset) {
    auto m = MemoryStream::from_string("0123456789");
    StreamReader r(*m, 6);
    std::array<std::byte, 3> buf;
    EXPECT_EQ(r.read(buf), 3u);
    EXPECT_EQ(buf[0], std::byte{'6'});
    EXPECT_EQ(r.position(), 9u);
    EXPECT_EQ(r.read(buf), 1u);
    EXPECT_EQ(buf[0], std::byte{'9'});
}

} // namespace
} // namespace discwright
