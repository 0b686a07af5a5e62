#pragma once
// From a drive address to the transport that reaches it (DESIGN.md section 5).

#include <memory>
#include <string_view>

#include "device/drive_address.h"
#include "device/sg_io_transport.h"
#include "device/transport.h"

namespace discwright::device {

/// Opens the transport `address` names: SgIoTransport for /dev nodes (opened with `mode`),
/// IscsiTransport (logged in), TargetTransport over open_virtual_drive(path) or
/// open_pseudo_drive(path). `mode` matters to device nodes only: the other kinds share
/// through ExclusiveAccess's lock file. Errors are those of the transport's constructor.
[[nodiscard]] std::unique_ptr<Transport> open_transport(const DriveAddress& address,
                                                        OpenMode mode = OpenMode::Shared);
/// parse_drive_address, then the above.
[[nodiscard]] std::unique_ptr<Transport> open_transport(std::string_view address,
                                                        OpenMode mode = OpenMode::Shared);

} // namespace discwright::device
