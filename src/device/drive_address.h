#pragma once
// A drive's address as the user types it (DESIGN.md section 5), parsed once into what the
// transport needs. The normalised form is what messages and Error::context().drive show:
// absolute paths, an explicit iSCSI port, and never a password.
//
//   /dev/sr0, /dev/sg1                      SgIo     a kernel SCSI device
//   iscsi://[user[%password]@]host[:port]/target-iqn/lun
//                                           Iscsi    port 3260 unless given
//   virtual:PATH                            Virtual  the in-process virtual recorder
//   file:PATH                               File     a file or block device as a medium

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "discwright/types.h"

namespace discwright::device {

enum class TransportKind { SgIo, Iscsi, Virtual, File };
[[nodiscard]] std::string_view to_string(TransportKind kind);

/// RFC 3720 3.2.6 names a target; the portal is host and TCP port.
struct IscsiLocation {
    std::string host;   ///< a name, an IPv4 address, or an IPv6 address without brackets
    u16 port = 3260;    ///< RFC 3720 13.1: the well-known iSCSI port
    std::string target; ///< the target name, %XX escapes decoded
    u16 lun = 0;
    std::string user;     ///< CHAP user name, empty without CHAP
    std::string password; ///< CHAP secret; never part of the normalised address
};

struct DriveAddress {
    TransportKind kind = TransportKind::SgIo;
    /// The address in canonical form: "/dev/sr0", "iscsi://host:3260/iqn.../1",
    /// "virtual:/abs/path", "file:/abs/path".
    std::string normalised;
    /// The device node (SgIo) or the medium's file (Virtual, File); empty for Iscsi.
    std::filesystem::path path;
    /// Set for Iscsi only.
    std::optional<IscsiLocation> iscsi;
};

/// Parses and normalises `address`. Relative virtual: and file: paths are made absolute against
/// the current directory. Anything malformed is InvalidParam naming the address and the fault,
/// e.g. "drive address 'iscsi://h/iqn.x' is invalid: iscsi address lacks a LUN".
[[nodiscard]] DriveAddress parse_drive_address(std::string_view address);

} // namespace discwright::device
