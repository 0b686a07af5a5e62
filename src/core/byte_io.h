#pragma once
// The one serialisation mechanism (STYLE.md section 2). ByteWriter writes on-disk structs and
// raw bytes into a bounds-checked span; SizeCounter counts what a writer would write, so that a
// record's size always comes from its encoder. ByteReader copies structs out of untrusted
// bytes, checking every bound, and names the LBA and offset when it fails.

#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/endian.h"
#include "discwright/error.h"

namespace discwright::core {

class ByteWriter {
public:
    explicit ByteWriter(std::span<std::byte> out) : m_out(out) {}

    template <OnDisk T> void put(const T& value) { bytes(as_bytes_of(value)); }
    void bytes(std::span<const std::byte> b) {
        need(b.size());
        if (!b.empty()) std::memcpy(m_out.data() + m_pos, b.data(), b.size());
        m_pos += b.size();
    }
    void text(std::string_view s) { bytes(std::as_bytes(std::span(s.data(), s.size()))); }
    void u8(discwright::u8 v) { put(v); }
    void zeros(std::size_t n) {
        need(n);
        std::memset(m_out.data() + m_pos, 0, n);
        m_pos += n;
    }
    void fill(std::size_t n, discwright::u8 value) {
        need(n);
        std::memset(m_out.data() + m_pos, value, n);
        m_pos += n;
    }
    /// Overwrites already written bytes (for a length known only at the end of a record).
    template <OnDisk T> void patch(std::size_t at, const T& value) {
        if (at + sizeof(T) > m_pos)
            throw Error(ErrorCode::Internal, "byte writer: patch outside the written bytes");
        std::memcpy(m_out.data() + at, &value, sizeof(T));
    }
    [[nodiscard]] std::size_t bytes_written() const { return m_pos; }
    [[nodiscard]] std::size_t remaining() const { return m_out.size() - m_pos; }

private:
    template <class T> static std::span<const std::byte> as_bytes_of(const T& v) {
        return {reinterpret_cast<const std::byte*>(&v), sizeof(T)};
    }
    void need(std::size_t n) const {
        if (n > m_out.size() - m_pos)
            throw Error(ErrorCode::Internal,
                        fmt::format("byte writer overflow: {} bytes do not fit in {} left", n,
                                    m_out.size() - m_pos));
    }
    std::span<std::byte> m_out;
    std::size_t m_pos = 0;
};

/// Has ByteWriter's interface and counts bytes instead of writing them.
class SizeCounter {
public:
    template <OnDisk T> void put(const T&) { m_n += sizeof(T); }
    void bytes(std::span<const std::byte> b) { m_n += b.size(); }
    void text(std::string_view s) { m_n += s.size(); }
    void u8(discwright::u8) { m_n += 1; }
    void zeros(std::size_t n) { m_n += n; }
    void fill(std::size_t n, discwright::u8) { m_n += n; }
    template <OnDisk T> void patch(std::size_t, const T&) {}
    [[nodiscard]] std::size_t bytes_written() const { return m_n; }
    [[nodiscard]] std::size_t bytes() const { return m_n; }

private:
    std::size_t m_n = 0;
};

/// Where the bytes came from, for messages.
struct ByteOrigin {
    std::optional<u64> lba;
    std::string what; // e.g. "directory record"
};

class ByteReader {
public:
    ByteReader(std::span<const std::byte> in, ByteOrigin origin = {})
        : m_in(in), m_origin(std::move(origin)) {}

    template <OnDisk T> T read() {
        need(sizeof(T));
        T v;
        std::memcpy(&v, m_in.data() + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return v;
    }
    /// Copies n bytes out.
    std::string read_text(std::size_t n) {
        need(n);
        std::string s(reinterpret_cast<const char*>(m_in.data() + m_pos), n);
        m_pos += n;
        return s;
    }
    void skip(std::size_t n) {
        need(n);
        m_pos += n;
    }
    void seek(std::size_t pos) {
        if (pos > m_in.size())
            fail(fmt::format("offset {} past the end ({} bytes)", pos, m_in.size()));
        m_pos = pos;
    }
    [[nodiscard]] std::size_t position() const { return m_pos; }
    [[nodiscard]] std::size_t remaining() const { return m_in.size() - m_pos; }
    [[noreturn]] void fail(std::string_view why) const {
        auto e = Error(ErrorCode::InvalidParam,
                       fmt::format("{}: {} (offset {}{})",
                                   m_origin.what.empty() ? "bytes" : m_origin.what, why, m_pos,
                                   m_origin.lba ? fmt::format(", LBA {}", *m_origin.lba) : ""));
        if (m_origin.lba) e.with_lba(*m_origin.lba);
        throw e;
    }

private:
    void need(std::size_t n) const {
        if (n > m_in.size() - m_pos)
            fail(fmt::format("{} bytes wanted, {} left", n, m_in.size() - m_pos));
    }
    std::span<const std::byte> m_in;
    ByteOrigin m_origin;
    std::size_t m_pos = 0;
};

} // namespace discwright::core
