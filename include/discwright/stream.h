#pragma once
// Streams: the unit of data exchange (IMAPI's IStream). A stream has a fixed size and answers
// positional reads; read_at is safe to call from several threads at once. File-backed streams
// read with pread and copy nothing into memory. DESIGN.md section 4.

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "discwright/types.h"

namespace discwright {

class Stream {
public:
    virtual ~Stream() = default;

    /// Size in bytes.
    [[nodiscard]] virtual u64 size() const = 0;

    /// Reads min(buffer.size(), size() - offset) bytes at `offset` and returns that count; 0 at
    /// or past the end. Anything less is an error: throws Error(DataStreamReadFailure) naming the
    /// stream, or DataStreamInconsistency when the source shrank.
    virtual std::size_t read_at(u64 offset, std::span<std::byte> buffer) const = 0;

    /// What the stream reads from, for messages: a path, "zero stream", ...
    [[nodiscard]] virtual std::string description() const = 0;

    /// A host file descriptor and offset holding the bytes of this stream unchanged, when there
    /// is one; writers use it for copy_file_range. -1 when the stream is synthetic.
    [[nodiscard]] virtual int native_fd() const { return -1; }
};

using StreamPtr = std::shared_ptr<const Stream>;

/// A host file, opened once; its size is fixed when it is opened. A read that finds the file
/// shorter than that is DataStreamInconsistency naming the path.
class FileStream final : public Stream {
public:
    /// Throws Error(DataStreamCreateFailure) naming the path when it cannot be opened.
    explicit FileStream(std::string path);
    ~FileStream() override;
    FileStream(const FileStream&) = delete;
    FileStream& operator=(const FileStream&) = delete;

    u64 size() const override { return m_size; }
    std::size_t read_at(u64 offset, std::span<std::byte> buffer) const override;
    std::string description() const override { return m_path; }
    int native_fd() const override { return m_fd; }
    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    std::string m_path;
    int m_fd = -1;
    u64 m_size = 0;
};

/// Bytes held in memory.
class MemoryStream final : public Stream {
public:
    explicit MemoryStream(std::vector<std::byte> bytes, std::string description = "memory");
    static std::shared_ptr<MemoryStream> from_string(std::string_view text);
    u64 size() const override { return m_bytes.size(); }
    std::size_t read_at(u64 offset, std::span<std::byte> buffer) const override;
    std::string description() const override { return m_description; }
    [[nodiscard]] std::span<const std::byte> bytes() const { return m_bytes; }

private:
    std::vector<std::byte> m_bytes;
    std::string m_description;
};

/// MsftStreamZero: `size` zero bytes.
class ZeroStream final : public Stream {
public:
    explicit ZeroStream(u64 size = 0) : m_size(size) {}
    void set_size(u64 size) { m_size = size; }
    u64 size() const override { return m_size; }
    std::size_t read_at(u64 offset, std::span<std::byte> buffer) const override;
    std::string description() const override { return "zero stream"; }

private:
    u64 m_size;
};

/// MsftStreamPrng001: deterministic pseudo-random bytes for test burns. The same seed(s) and
/// offset always give the same bytes, on every platform and in every release: byte i is a
/// function of the seed and i alone (a counter-based generator), so reads at any offset and
/// from several threads are cheap and agree.
class PseudoRandomStream final : public Stream {
public:
    explicit PseudoRandomStream(u64 size = 0, u32 seed = 0);
    void set_size(u64 size) { m_size = size; }
    void set_seed(u32 seed);
    [[nodiscard]] u32 seed() const { return m_seed.empty() ? 0 : m_seed.front(); }
    /// IMAPI's ExtendedSeed: several 32-bit words that together select the sequence.
    void set_extended_seed(std::vector<u32> seed);
    [[nodiscard]] const std::vector<u32>& extended_seed() const { return m_seed; }

    u64 size() const override { return m_size; }
    std::size_t read_at(u64 offset, std::span<std::byte> buffer) const override;
    std::string description() const override;

private:
    u64 m_size;
    std::vector<u32> m_seed;
    u64 m_key = 0; // derived from m_seed
};

/// MsftStreamConcatenate: several streams presented end to end.
class ConcatStream final : public Stream {
public:
    ConcatStream() = default;
    explicit ConcatStream(std::vector<StreamPtr> parts);
    void append(StreamPtr part);
    [[nodiscard]] std::size_t part_count() const { return m_parts.size(); }

    u64 size() const override { return m_size; }
    std::size_t read_at(u64 offset, std::span<std::byte> buffer) const override;
    std::string description() const override;

private:
    std::vector<StreamPtr> m_parts;
    std::vector<u64> m_starts; // m_starts[i] = offset of part i
    u64 m_size = 0;
};

/// MsftStreamInterleave: round robin of `interleave_sizes[i]` bytes from stream i, e.g. 2352
/// bytes of main channel then 96 bytes of subcode per 2448-byte frame. The result ends with the
/// last complete round; every stream must hold the same number of chunks (else InvalidParam).
class InterleaveStream final : public Stream {
public:
    InterleaveStream(std::vector<StreamPtr> streams, std::vector<u32> interleave_sizes);

    u64 size() const override { return m_size; }
    std::size_t read_at(u64 offset, std::span<std::byte> buffer) const override;
    std::string description() const override;

private:
    std::vector<StreamPtr> m_streams;
    std::vector<u32> m_sizes;
    std::vector<u32> m_offsets_in_round; // m_offsets_in_round[i] = start of stream i's chunk
    u64 m_round = 0;                     // bytes per round
    u64 m_size = 0;
};

/// A cheap sequential reader over any stream.
class StreamReader {
public:
    explicit StreamReader(const Stream& s, u64 start = 0) : m_stream(&s), m_pos(start) {}
    /// Reads up to buffer.size() bytes; returns the count (0 at the end).
    std::size_t read(std::span<std::byte> buffer);
    [[nodiscard]] u64 position() const { return m_pos; }

private:
    const Stream* m_stream;
    u64 m_pos;
};

} // namespace discwright
