#pragma once
// isomd5sum-compatible checksums: an MD5 of an ISO 9660 image kept inside the image, in the
// primary volume descriptor's application use area (bytes 883-1394 of block 16), so that the
// image, or a disc burned from it, can be checked later by `checkisomd5` (Fedora, RHEL and
// their installers' media checks) or by `discwright image checkmd5`.
//
// What is hashed: every byte from 0 up to the volume's end minus 15 sectors (the last sectors
// of a burned CD may not read back), with the application use area read as 512 spaces. Twenty
// fragment sums (three hex digits each, taken from the running MD5 at 21 evenly spaced points,
// in 32 KiB steps) let a checker stop early on bad media. The volume's end is the PVD's volume
// space size, so a disc whose readable area is longer than the image checks the same.

#include <array>
#include <functional>
#include <optional>
#include <string>

#include "discwright/cancellation.h"
#include "discwright/stream.h"
#include "discwright/types.h"

namespace discwright {

/// What an implant records.
struct IsoMd5Implant {
    std::string md5;           // 32 lowercase hex digits
    std::string fragment_sums; // 3 hex digits per fragment
    u32 fragment_count = 20;
    u32 skip_sectors = 15;
    /// RHLISOSTATUS: the image is meant for "supported" (pressed) media; checkers may skip it.
    bool supported_media = false;
};

/// Bytes hashed so far of those to hash.
using IsoMd5Progress = std::function<void(u64 done, u64 total)>;

/// The implant for `image` as it is (its application use area read as spaces).
/// NoValidVolumeDescriptor when block 16 is not a primary volume descriptor; the image ending
/// before its volume's end is DataStreamInconsistency.
[[nodiscard]] IsoMd5Implant compute_isomd5(const Stream& image, bool supported_media = false,
                                           const IsoMd5Progress& progress = {},
                                           CancellationToken cancel = {});

/// The 512 bytes to put in the application use area for an implant.
[[nodiscard]] std::array<std::byte, 512> isomd5_application_use(const IsoMd5Implant& implant);

/// The implant in an image's application use area; nullopt when there is none.
[[nodiscard]] std::optional<IsoMd5Implant> read_isomd5(const Stream& image);

/// The image with its implant in place: computed now (one pass over `image`), the bytes are
/// `image`'s except for the application use area. For burning an implanted image without a
/// temporary copy. InvalidParam when the application use area holds something else than spaces
/// or an implant (another program's data), unless `force`.
[[nodiscard]] StreamPtr with_isomd5(StreamPtr image, bool force = false,
                                    const IsoMd5Progress& progress = {},
                                    CancellationToken cancel = {});

/// implantisomd5 on a file, in place: InvalidParam when the area is used (by an implant too)
/// unless `force`.
void implant_isomd5_file(const std::string& path, bool force = false,
                         const IsoMd5Progress& progress = {}, CancellationToken cancel = {});

enum class IsoMd5Status : u8 { NotPresent, Passed, Failed };

struct IsoMd5Check {
    IsoMd5Status status = IsoMd5Status::NotPresent;
    std::string stored;   // the implanted MD5 (empty when not present)
    std::string computed; // the MD5 of the image now
};

/// checkisomd5: recomputes the image's MD5 and compares it with its implant.
[[nodiscard]] IsoMd5Check check_isomd5(const Stream& image, const IsoMd5Progress& progress = {},
                                       CancellationToken cancel = {});

} // namespace discwright
