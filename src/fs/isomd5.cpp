// isomd5sum's implant, computed and checked from a Stream. The rules (what is hashed, where the
// fragment sums are taken, the text's fields) follow the isomd5sum tools so that their checker
// accepts our implants and ours accepts theirs; include/discwright/isomd5.h says them in words.

#include "discwright/isomd5.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "discwright/error.h"

namespace discwright {

namespace {

constexpr u64 pvd_offset = 16 * u64{block_size};
constexpr u64 area_offset = pvd_offset + 883; // ECMA-119 8.4.32: BP 884
constexpr std::size_t area_size = 512;
/// isomd5sum reads in steps of 16 sectors and looks for fragment boundaries after each.
constexpr u64 step_bytes = 16 * u64{block_size};
constexpr u64 read_bytes = 64 * step_bytes; // 2 MiB per read_at
constexpr u32 fragment_count = 20;
constexpr u32 fragment_digits = 3;
constexpr u32 skip_sectors = 15;
constexpr std::string_view trailer = "THIS IS NOT THE SAME AS RUNNING MD5SUM ON THIS ISO!!";

struct MdDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdContext = std::unique_ptr<EVP_MD_CTX, MdDeleter>;

MdContext new_md5() {
    MdContext c(EVP_MD_CTX_new());
    if (!c || EVP_DigestInit_ex(c.get(), EVP_md5(), nullptr) != 1)
        throw Error(ErrorCode::Internal, "MD5 is not available from OpenSSL");
    return c;
}

std::array<unsigned char, 16> digest_of(const EVP_MD_CTX* running) {
    MdContext copy(EVP_MD_CTX_new());
    std::array<unsigned char, 16> d{};
    unsigned int n = 0;
    if (!copy || EVP_MD_CTX_copy_ex(copy.get(), running) != 1 ||
        EVP_DigestFinal_ex(copy.get(), d.data(), &n) != 1)
        throw Error(ErrorCode::Internal, "MD5 digest failed");
    return d;
}

std::string hex(const std::array<unsigned char, 16>& d) {
    std::string s;
    for (unsigned char b : d)
        s += fmt::format("{:02x}", b);
    return s;
}

/// The volume's end in bytes: the PVD's volume space size (big-endian copy, byte 84).
u64 volume_bytes(const Stream& image) {
    std::array<std::byte, block_size> pvd{};
    if (image.size() < pvd_offset + block_size || image.read_at(pvd_offset, pvd) != pvd.size() ||
        pvd[0] != std::byte{1} || std::memcmp(pvd.data() + 1, "CD001", 5) != 0)
        throw Error(
            ErrorCode::NoValidVolumeDescriptor,
            fmt::format("{}: no ISO 9660 primary volume descriptor at LBA 16", image.description()))
            .with_path(image.description())
            .with_lba(16);
    const auto b = [&](int i) { return static_cast<u64>(pvd[84 + i]); };
    return (b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3)) * block_size;
}

std::string area_text(const Stream& image) {
    std::string area(area_size, ' ');
    if (image.read_at(area_offset, std::as_writable_bytes(std::span(area))) != area_size) return {};
    return area;
}

/// The value after `key` up to the next ';', if the key is there.
std::optional<std::string> field(const std::string& area, std::string_view key) {
    const auto at = area.find(key);
    if (at == std::string::npos) return std::nullopt;
    const auto from = at + key.size();
    const auto end = area.find(';', from);
    if (end == std::string::npos) return std::nullopt;
    return area.substr(from, end - from);
}

bool blank(const std::string& area) {
    return std::all_of(area.begin(), area.end(), [](char c) { return c == ' '; });
}

} // namespace

namespace {

IsoMd5Implant compute(const Stream& image, u32 skip, bool supported_media,
                      const IsoMd5Progress& progress, const CancellationToken& cancel) {
    const u64 volume = volume_bytes(image);
    const u64 skipped = u64{skip} * block_size;
    const u64 total = volume > skipped ? volume - skipped : 0;
    if (image.size() < total)
        throw Error(ErrorCode::DataStreamInconsistency,
                    fmt::format("{} is {} bytes, shorter than its volume ({} bytes)",
                                image.description(), image.size(), volume))
            .with_path(image.description());
    IsoMd5Implant implant;
    implant.supported_media = supported_media;
    implant.skip_sectors = skip;
    auto md5 = new_md5();
    std::vector<std::byte> buffer(read_bytes);
    u64 previous_fragment = 0;
    for (u64 offset = 0; offset < total;) {
        cancel.throw_if_cancelled();
        const u64 n = std::min(read_bytes, total - offset);
        if (image.read_at(offset, std::span(buffer).first(n)) != n)
            throw Error(ErrorCode::DataStreamReadFailure,
                        fmt::format("{} ended at byte {}", image.description(), offset))
                .with_path(image.description());
        // The application use area is hashed as the spaces it held before the implant.
        if (offset < area_offset + area_size && area_offset < offset + n) {
            const u64 from = std::max(offset, area_offset),
                      to = std::min(offset + n, area_offset + area_size);
            std::memset(buffer.data() + (from - offset), ' ', to - from);
        }
        for (u64 step = 0; step < n; step += step_bytes) {
            const u64 at = offset + step;
            const u64 len = std::min(step_bytes, n - step);
            EVP_DigestUpdate(md5.get(), buffer.data() + step, len);
            // A fragment ends with the first step that starts in the next one.
            const u64 fragment = at * (fragment_count + 1) / total;
            if (fragment != previous_fragment) {
                const auto d = digest_of(md5.get());
                for (u32 i = 0; i < fragment_digits; ++i)
                    implant.fragment_sums += fmt::format("{:x}", d[i]).front();
                previous_fragment = fragment;
            }
        }
        offset += n;
        if (progress) progress(offset, total);
    }
    implant.md5 = hex(digest_of(md5.get()));
    return implant;
}

} // namespace

IsoMd5Implant compute_isomd5(const Stream& image, bool supported_media,
                             const IsoMd5Progress& progress, CancellationToken cancel) {
    return compute(image, skip_sectors, supported_media, progress, cancel);
}

std::array<std::byte, 512> isomd5_application_use(const IsoMd5Implant& implant) {
    const std::string text = fmt::format(
        "ISO MD5SUM = {};SKIPSECTORS = {};RHLISOSTATUS={};FRAGMENT SUMS = {};FRAGMENT COUNT = "
        "{};{}",
        implant.md5, implant.skip_sectors, implant.supported_media ? 1 : 0, implant.fragment_sums,
        implant.fragment_count, trailer);
    std::array<std::byte, 512> area;
    area.fill(std::byte{' '});
    std::memcpy(area.data(), text.data(), std::min(text.size(), area.size() - 1));
    return area;
}

std::optional<IsoMd5Implant> read_isomd5(const Stream& image) {
    (void)volume_bytes(image); // an ISO 9660 image, or NoValidVolumeDescriptor
    const std::string area = area_text(image);
    const auto md5 = field(area, "ISO MD5SUM = ");
    if (!md5 || md5->size() != 32) return std::nullopt;
    IsoMd5Implant implant;
    implant.md5 = *md5;
    implant.fragment_sums = field(area, "FRAGMENT SUMS = ").value_or("");
    try {
        if (auto s = field(area, "SKIPSECTORS = "))
            implant.skip_sectors = static_cast<u32>(std::stoul(*s));
        if (auto s = field(area, "FRAGMENT COUNT = "))
            implant.fragment_count = static_cast<u32>(std::stoul(*s));
        if (auto s = field(area, "RHLISOSTATUS=")) implant.supported_media = std::stoul(*s) != 0;
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return implant;
}

namespace {

/// `image` with 512 bytes replaced at the application use area.
class PatchedStream final : public Stream {
public:
    PatchedStream(StreamPtr image, std::array<std::byte, 512> area)
        : m_image(std::move(image)), m_area(area) {}
    u64 size() const override { return m_image->size(); }
    std::size_t read_at(u64 offset, std::span<std::byte> buffer) const override {
        const std::size_t n = m_image->read_at(offset, buffer);
        if (offset < area_offset + area_size && area_offset < offset + n) {
            const u64 from = std::max(offset, area_offset),
                      to = std::min(offset + n, area_offset + area_size);
            std::memcpy(buffer.data() + (from - offset), m_area.data() + (from - area_offset),
                        to - from);
        }
        return n;
    }
    std::string description() const override { return m_image->description(); }

private:
    StreamPtr m_image;
    std::array<std::byte, 512> m_area;
};

void check_area_free(const Stream& image, bool force) {
    const std::string area = area_text(image);
    if (force || blank(area)) return;
    throw Error(
        ErrorCode::InvalidParam,
        fmt::format("{}: the primary volume descriptor's application use area is in use "
                    "({}); implanting would replace it (force to do so)",
                    image.description(),
                    read_isomd5(image) ? "an MD5 is implanted already" : "by another program"))
        .with_path(image.description());
}

} // namespace

StreamPtr with_isomd5(StreamPtr image, bool force, const IsoMd5Progress& progress,
                      CancellationToken cancel) {
    (void)volume_bytes(*image);
    // An implant already there is recomputed: the image may have changed since.
    if (!read_isomd5(*image)) check_area_free(*image, force);
    const auto implant = compute_isomd5(*image, false, progress, std::move(cancel));
    return std::make_shared<PatchedStream>(std::move(image), isomd5_application_use(implant));
}

void implant_isomd5_file(const std::string& path, bool force, const IsoMd5Progress& progress,
                         CancellationToken cancel) {
    const FileStream image(path);
    check_area_free(image, force);
    const auto area =
        isomd5_application_use(compute_isomd5(image, false, progress, std::move(cancel)));
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 ||
        ::pwrite(fd, area.data(), area.size(), static_cast<off_t>(area_offset)) !=
            static_cast<ssize_t>(area.size()) ||
        ::fsync(fd) != 0) {
        const int err = errno;
        if (fd >= 0) ::close(fd);
        throw Error(ErrorCode::OutputWriteFailure,
                    fmt::format("cannot write the MD5 into '{}': {}", path, std::strerror(err)))
            .with_path(path);
    }
    ::close(fd);
}

IsoMd5Check check_isomd5(const Stream& image, const IsoMd5Progress& progress,
                         CancellationToken cancel) {
    IsoMd5Check check;
    const auto stored = read_isomd5(image);
    if (!stored) return check;
    check.stored = stored->md5;
    check.computed =
        compute(image, stored->skip_sectors, stored->supported_media, progress, cancel).md5;
    check.status = check.computed == check.stored ? IsoMd5Status::Passed : IsoMd5Status::Failed;
    return check;
}

} // namespace discwright
