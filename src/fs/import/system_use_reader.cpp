#include "fs/import/system_use_reader.h"

#include <cstring>

#include "fs/iso9660/dates.h"

namespace discwright::fs::import {

namespace {

u32 le32(const std::byte* p) {
    return static_cast<u32>(p[0]) | static_cast<u32>(p[1]) << 8 | static_cast<u32>(p[2]) << 16 |
           static_cast<u32>(p[3]) << 24;
}

bool sig(std::span<const std::byte> e, const char* s) {
    return static_cast<char>(e[0]) == s[0] && static_cast<char>(e[1]) == s[1];
}

std::string text(std::span<const std::byte> b) {
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

} // namespace

std::optional<SpEntry> find_sp(std::span<const std::byte> su) {
    // SUSP 5.3: "SP", length 7, version 1, check bytes BE EF, then LEN_SKP.
    if (su.size() < 7) return std::nullopt;
    if (!sig(su, "SP") || static_cast<u8>(su[2]) != 7 || static_cast<u8>(su[4]) != 0xBE ||
        static_cast<u8>(su[5]) != 0xEF)
        return std::nullopt;
    return SpEntry{static_cast<u8>(su[6])};
}

RockRidge SystemUseReader::read(std::span<const std::byte> su, u8 skip, const RecordPath& path,
                                u64 lba) {
    RockRidge rr;
    m_symlink_open = false;
    m_record_continuation = 0;
    if (su.size() > skip) parse(su.subspan(skip), rr, path, lba, 0);
    return rr;
}

std::span<const std::byte> SystemUseReader::continuation(u64 lba, u64 offset, u64 length,
                                                         const RecordPath& path, u64 from_lba) {
    // SUSP 5.1: the CE at `from_lba` names `length` bytes at `offset` into block `lba`.
    m_record_continuation += length;
    if (m_record_continuation > max_continuation_bytes)
        damaged(fmt::format("'{}': continuation areas from LBA {} add up to {} bytes (at most {}); "
                            "the last is {} bytes at LBA {}",
                            path, from_lba, m_record_continuation, max_continuation_bytes, length,
                            lba),
                from_lba, path.str());
    const u64 first = lba + offset / block_size;
    const u64 in_block = offset % block_size;
    const u64 blocks = (in_block + length + block_size - 1) / block_size;
    const bool cached = m_cached_lba == first && m_cached.size() >= blocks * block_size;
    // A hop that chains on holds a CE (28 bytes), so the hops are bounded too.
    const u64 cost = length + (cached ? 0 : blocks * block_size);
    if (cost > m_continuation_budget)
        damaged(fmt::format("'{}': continuation area of {} bytes at LBA {} (named at LBA {}) is "
                            "more than the image holds: continuation areas shared or looping",
                            path, length, first, from_lba),
                from_lba, path.str());
    m_continuation_budget -= cost;
    if (!cached) {
        if (!m_image->contains(first, blocks * block_size))
            damaged(fmt::format("'{}': Rock Ridge continuation area (named at LBA {}) at LBA {} "
                                "({} bytes) lies past the end of the image ({} blocks)",
                                path, from_lba, first, blocks * block_size, m_image->blocks()),
                    first, path.str());
        m_cached_lba = ~u64{0}; // nothing cached if the read fails
        try {
            m_cached = m_image->read(first, blocks * block_size, "Rock Ridge continuation area");
        } catch (Error& e) {
            e.with_path(path.str());
            throw;
        }
        m_cached_lba = first;
    }
    return std::span<const std::byte>(m_cached).subspan(in_block, length);
}

void SystemUseReader::parse(std::span<const std::byte> area, RockRidge& rr, const RecordPath& path,
                            u64 lba, int depth) {
    std::optional<std::array<u32, 3>> ce;
    std::size_t pos = 0;
    while (pos + 4 <= area.size()) {
        const auto e = area.subspan(pos);
        const u8 len = static_cast<u8>(e[2]);
        if (len == 0 && static_cast<u8>(e[0]) == 0) break; // padding
        if (len < 4 || len > e.size())
            damaged(fmt::format("'{}': system use entry '{}{}' at LBA {} has length {} with {} "
                                "bytes left",
                                path, static_cast<char>(e[0]), static_cast<char>(e[1]), lba, len,
                                e.size()),
                    lba, path.str());
        const auto d = e.subspan(4, len - 4); // the entry's data
        const auto need = [&](std::size_t n) {
            if (d.size() < n)
                damaged(fmt::format("'{}': {}{} entry at LBA {} is {} bytes, {} needed", path,
                                    static_cast<char>(e[0]), static_cast<char>(e[1]), lba, len,
                                    n + 4),
                        lba, path.str());
        };
        if (sig(e, "ST")) break;
        if (sig(e, "CE")) {
            need(24);
            ce = std::array<u32, 3>{le32(d.data()), le32(d.data() + 8), le32(d.data() + 16)};
        } else if (sig(e, "PX")) {
            need(32);
            rr.present = true;
            rr.mode = le32(d.data());
            rr.links = le32(d.data() + 8);
            rr.uid = le32(d.data() + 16);
            rr.gid = le32(d.data() + 24);
            if (d.size() >= 40) rr.serial = le32(d.data() + 32);
        } else if (sig(e, "PN")) {
            need(16);
            rr.present = true;
            rr.device = u64{le32(d.data())} << 32 | le32(d.data() + 8);
        } else if (sig(e, "NM")) {
            need(1);
            rr.present = true;
            const u8 flags = static_cast<u8>(d[0]);
            if (!(flags & 0x06)) { // not "." or ".."
                if (!rr.name) rr.name.emplace();
                if (rr.name->size() + d.size() - 1 > max_rock_ridge_name_bytes)
                    damaged(fmt::format("'{}': Rock Ridge name (NM) at LBA {} is longer than {} "
                                        "bytes",
                                        path, lba, max_rock_ridge_name_bytes),
                            lba, path.str());
                *rr.name += text(d.subspan(1));
            }
        } else if (sig(e, "SL")) {
            need(1);
            rr.present = true;
            if (!rr.symlink) rr.symlink.emplace();
            std::string& t = *rr.symlink;
            std::size_t c = 1;
            while (c + 2 <= d.size()) {
                const u8 cflags = static_cast<u8>(d[c]);
                const u8 clen = static_cast<u8>(d[c + 1]);
                if (c + 2 + clen > d.size())
                    damaged(fmt::format("'{}': SL component of {} bytes overruns its entry at "
                                        "LBA {}",
                                        path, clen, lba),
                            lba, path.str());
                const bool separate = !m_symlink_open && !t.empty() && t.back() != '/';
                if (cflags & 0x08) { // ROOT
                    t = "/";
                } else {
                    if (separate) t += '/';
                    if (cflags & 0x02)
                        t += '.';
                    else if (cflags & 0x04)
                        t += "..";
                    else
                        t += text(d.subspan(c + 2, clen));
                }
                if (t.size() > max_symlink_target_bytes)
                    damaged(fmt::format("'{}': symlink target (SL) at LBA {} is longer than {} "
                                        "bytes",
                                        path, lba, max_symlink_target_bytes),
                            lba, path.str());
                m_symlink_open = cflags & 0x01;
                c += 2 + clen;
            }
        } else if (sig(e, "CL")) {
            need(8);
            rr.present = true;
            rr.child_link = le32(d.data());
        } else if (sig(e, "PL")) {
            need(8);
            rr.present = true;
            rr.parent_link = le32(d.data());
        } else if (sig(e, "RE")) {
            rr.present = true;
            rr.relocated = true;
        } else if (sig(e, "TF")) {
            need(1);
            rr.present = true;
            const u8 flags = static_cast<u8>(d[0]);
            const std::size_t width = (flags & 0x80) ? 17 : 7;
            std::size_t at = 1;
            std::optional<UnixTime>* slots[7] = {
                &rr.creation, &rr.modify, &rr.access, &rr.attributes, nullptr, nullptr, nullptr};
            for (int bit = 0; bit < 7; ++bit) {
                if (!(flags & (1u << bit))) continue;
                need(at + width);
                if (slots[bit]) {
                    if (width == 7) {
                        iso9660::RecordingDateTime t;
                        std::memcpy(&t, d.data() + at, 7);
                        *slots[bit] = iso9660::unix_time(t);
                    } else {
                        iso9660::VolumeDateTime t;
                        std::memcpy(&t, d.data() + at, 17);
                        *slots[bit] = iso9660::unix_time(t);
                    }
                }
                at += width;
            }
        } else if (sig(e, "ZF")) {
            rr.present = true;
            rr.zisofs = true;
        }
        pos += len;
    }
    if (ce) {
        if (depth >= max_continuations)
            damaged(fmt::format("'{}': more than {} continuation areas (a CE loop?) from LBA {}",
                                path, max_continuations, lba),
                    lba, path.str());
        const auto [ce_lba, ce_offset, ce_length] = *ce;
        const auto next = continuation(ce_lba, ce_offset, ce_length, path, lba);
        // parse() may refill the cache: work on a copy.
        const std::vector<std::byte> copy(next.begin(), next.end());
        parse(copy, rr, path, ce_lba, depth + 1);
    }
}

} // namespace discwright::fs::import
