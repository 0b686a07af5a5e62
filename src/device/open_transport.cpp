#include "device/open_transport.h"

#include "device/iscsi_transport.h"
#include "device/target_transport.h"
#include "discwright/error.h"
#include "virtual/pseudo_drive.h"
#include "virtual/virtual_drive.h"

namespace discwright::device {

std::unique_ptr<Transport> open_transport(const DriveAddress& address, OpenMode mode) {
    switch (address.kind) {
    case TransportKind::SgIo:
        return std::make_unique<SgIoTransport>(address.path, mode);
    case TransportKind::Iscsi:
        if (!address.iscsi)
            throw Error(ErrorCode::Internal,
                        "open transport: iscsi address without its location (" +
                            address.normalised + ")");
        return std::make_unique<IscsiTransport>(*address.iscsi, address.normalised);
    case TransportKind::Virtual:
        return std::make_unique<TargetTransport>(virtual_recorder::open_virtual_drive(address.path),
                                                 address.normalised);
    case TransportKind::File:
        return std::make_unique<TargetTransport>(virtual_recorder::open_pseudo_drive(address.path),
                                                 address.normalised);
    }
    throw Error(ErrorCode::Internal, "open transport: unknown transport kind");
}

std::unique_ptr<Transport> open_transport(std::string_view address, OpenMode mode) {
    return open_transport(parse_drive_address(address), mode);
}

} // namespace discwright::device
