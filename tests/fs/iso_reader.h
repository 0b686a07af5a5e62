#pragma once
// A small, independent ECMA-119 reader for the byte-level tests of tests/fs/: it reads an image
// through its Stream with read_at, copies every structure out with ByteReader (STYLE.md 2) and
// reports layout violations as test failures. It knows nothing of how the writer works.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/byte_io.h"
#include "discwright/stream.h"
#include "fs/iso9660/on_disk.h"

namespace discwright::fs::test {

inline std::vector<std::byte> read_range(const Stream& s, u64 offset, std::size_t n) {
    std::vector<std::byte> out(n);
    const std::size_t got = s.read_at(offset, out);
    EXPECT_EQ(got, n) << "short read at offset " << offset;
    out.resize(got);
    return out;
}

inline std::vector<std::byte> read_all(const Stream& s) {
    return read_range(s, 0, static_cast<std::size_t>(s.size()));
}

inline std::string as_string(std::span<const std::byte> b) {
    std::string out;
    out.reserve(b.size());
    for (std::byte c : b)
        out += static_cast<char>(c);
    return out;
}

inline std::vector<std::byte> as_bytes_vec(std::string_view s) {
    std::vector<std::byte> out;
    out.reserve(s.size());
    for (char c : s)
        out.push_back(static_cast<std::byte>(c));
    return out;
}

/// An image seen through its stream: `start` is the LBA of the stream's first block
/// (SessionStartBlock), so absolute addresses recorded in the image can be followed.
class IsoView {
public:
    IsoView(const Stream& s, u64 start = 0) : m_s(&s), m_start(start) {}

    [[nodiscard]] std::vector<std::byte> block_bytes(u64 lba, u64 blocks = 1) const {
        EXPECT_GE(lba, m_start) << "address below the session start";
        return read_range(*m_s, (lba - m_start) * block_size,
                          static_cast<std::size_t>(blocks * block_size));
    }
    [[nodiscard]] std::vector<std::byte> bytes_at(u64 lba, std::size_t offset,
                                                  std::size_t n) const {
        return read_range(*m_s, (lba - m_start) * block_size + offset, n);
    }

    /// The volume descriptor at stream block `index` (16 is the PVD, ECMA-119 6.2.1).
    [[nodiscard]] iso9660::VolumeDescriptor descriptor_at_stream_block(u64 index) const {
        auto b = read_range(*m_s, index * block_size, block_size);
        core::ByteReader r(b, {index, "volume descriptor"});
        return r.read<iso9660::VolumeDescriptor>();
    }

    [[nodiscard]] const Stream& stream() const { return *m_s; }
    [[nodiscard]] u64 start() const { return m_start; }

private:
    const Stream* m_s;
    u64 m_start;
};

/// One directory record (ECMA-119 9.1), copied out.
struct Record {
    u64 lba = 0;            // block of the directory extent holding it
    std::size_t offset = 0; // offset within that block
    u8 length = 0;
    u32 extent = 0;
    u32 extent_be = 0;
    u32 data_length = 0;
    u32 data_length_be = 0;
    u8 flags = 0;
    std::string identifier;
    std::vector<std::byte> system_use;
    iso9660::RecordingDateTime recorded{};
    [[nodiscard]] bool is_dir() const { return flags & iso9660::flag_directory; }
};

/// Decodes the record at the start of `in` (which must hold at least `length` bytes).
inline Record decode_record(std::span<const std::byte> in, u64 lba, std::size_t offset) {
    core::ByteReader r(in, {lba, "directory record"});
    auto hdr = r.read<iso9660::DirectoryRecordHeader>();
    Record rec;
    rec.lba = lba;
    rec.offset = offset;
    rec.length = hdr.length;
    rec.extent = hdr.extent_location.le;
    rec.extent_be = hdr.extent_location.be;
    rec.data_length = hdr.data_length.le;
    rec.data_length_be = hdr.data_length.be;
    rec.flags = hdr.flags;
    rec.recorded = hdr.recorded;
    EXPECT_GE(hdr.length, sizeof hdr + hdr.file_identifier_length)
        << "record at LBA " << lba << " offset " << offset << " shorter than its identifier";
    rec.identifier = r.read_text(hdr.file_identifier_length);
    // ECMA-119 9.1.12: a padding byte follows an identifier of even length.
    if (hdr.file_identifier_length % 2 == 0) r.skip(1);
    const std::size_t su = hdr.length - r.position();
    auto rest = r.read_text(su);
    rec.system_use = as_bytes_vec(rest);
    return rec;
}

/// Every record of a directory extent, in recorded order. Checks ECMA-119 6.8.1.1 (a record
/// never crosses a logical sector boundary) and that every record length is even.
inline std::vector<Record> read_directory(const IsoView& v, u32 lba, u32 data_length) {
    std::vector<Record> out;
    EXPECT_EQ(data_length % block_size, 0u)
        << "directory extent at LBA " << lba << " is not a whole number of blocks";
    const u64 blocks = (data_length + block_size - 1) / block_size;
    auto bytes = v.block_bytes(lba, blocks);
    for (u64 b = 0; b < blocks; ++b) {
        std::size_t at = 0;
        const std::span<const std::byte> block(bytes.data() + b * block_size, block_size);
        while (at < block_size) {
            const auto len = static_cast<u8>(block[at]);
            if (len == 0) break; // the rest of the sector is unused (ECMA-119 6.8.1.1)
            EXPECT_LE(at + len, block_size)
                << "record at LBA " << lba + b << " offset " << at << " crosses the sector end";
            if (at + len > block_size) break;
            EXPECT_EQ(len % 2, 0) << "odd record length " << int(len) << " at LBA " << lba + b
                                  << " offset " << at;
            out.push_back(decode_record(block.subspan(at, len), lba + b, at));
            at += len;
        }
        // After the first zero byte the sector holds nothing but zeros.
        for (std::size_t i = at; i < block_size; ++i)
            if (block[i] != std::byte{0}) {
                ADD_FAILURE() << "non-zero byte after the last record of LBA " << lba + b
                              << " at offset " << i;
                break;
            }
    }
    return out;
}

/// Records named `identifier` (several for a multi-extent file).
inline std::vector<Record> find_records(const std::vector<Record>& dir,
                                        std::string_view identifier) {
    std::vector<Record> out;
    for (const auto& r : dir)
        if (r.identifier == identifier) out.push_back(r);
    return out;
}

/// The root directory record of a volume descriptor (BP 157-190).
inline Record root_record(const iso9660::VolumeDescriptor& vd) {
    return decode_record(std::as_bytes(std::span(vd.root_directory_record)), 0, 0);
}

/// One SUSP entry (SUSP 1.12 4.1): signature, version, and the bytes after the 4-byte header.
struct SuspEntry {
    std::string signature;
    u8 version = 0;
    std::vector<std::byte> data;
};

inline u32 le32_at(std::span<const std::byte> b, std::size_t at) {
    core::ByteReader r(b);
    r.seek(at);
    return r.read<core::Le32>();
}
inline u32 be32_at(std::span<const std::byte> b, std::size_t at) {
    core::ByteReader r(b);
    r.seek(at);
    return r.read<core::Be32>();
}

/// The entries of a system use area, following CE continuation areas (SUSP 5.1).
inline std::vector<SuspEntry> susp_entries(const IsoView& v, std::span<const std::byte> area,
                                           int depth = 0) {
    std::vector<SuspEntry> out;
    std::size_t at = 0;
    while (at + 4 <= area.size()) {
        const std::string sig = as_string(area.subspan(at, 2));
        const auto len = static_cast<u8>(area[at + 2]);
        if (len < 4 || at + len > area.size()) break; // padding or garbage ends the area
        SuspEntry e{sig,
                    static_cast<u8>(area[at + 3]),
                    {area.begin() + static_cast<std::ptrdiff_t>(at + 4),
                     area.begin() + static_cast<std::ptrdiff_t>(at + len)}};
        at += len;
        if (sig == "ST") break;
        if (sig == "CE") {
            EXPECT_EQ(len, 28) << "CE entry length (SUSP 5.1)";
            if (len == 28 && depth < 16) {
                const u32 block = le32_at(e.data, 0);
                const u32 offset = le32_at(e.data, 8);
                const u32 length = le32_at(e.data, 16);
                EXPECT_EQ(block, be32_at(e.data, 4));
                EXPECT_LE(offset + length, block_size) << "CE area crosses a block";
                auto more = v.bytes_at(block, offset, length);
                for (auto& m : susp_entries(v, more, depth + 1))
                    out.push_back(std::move(m));
            }
            continue;
        }
        out.push_back(std::move(e));
    }
    return out;
}

inline const SuspEntry* find_entry(const std::vector<SuspEntry>& entries, std::string_view sig) {
    for (const auto& e : entries)
        if (e.signature == sig) return &e;
    return nullptr;
}

/// Path table records (ECMA-119 9.4), decoded from either byte order.
struct PathRecord {
    std::string identifier;
    u32 extent = 0;
    u16 parent = 0;
};

inline std::vector<PathRecord> read_path_table(std::span<const std::byte> table, bool big_endian) {
    std::vector<PathRecord> out;
    core::ByteReader r(table, {std::nullopt, "path table"});
    while (r.remaining() >= 8) {
        PathRecord p;
        u8 len = 0;
        if (big_endian) {
            auto h = r.read<iso9660::MPathTableRecordHeader>();
            len = h.directory_identifier_length;
            p.extent = h.extent_location;
            p.parent = h.parent_directory_number;
        } else {
            auto h = r.read<iso9660::LPathTableRecordHeader>();
            len = h.directory_identifier_length;
            p.extent = h.extent_location;
            p.parent = h.parent_directory_number;
        }
        if (len == 0) break;
        p.identifier = r.read_text(len);
        if (len % 2) r.skip(1); // ECMA-119 9.4.6
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace discwright::fs::test
