#pragma once
// MMC-6 6.7 GET EVENT STATUS NOTIFICATION: the event header and the descriptors of the two
// classes a recorder watches, media (class 4: disc inserted or removed, tray opened) and
// operational change (class 1). Other classes are kept raw.

#include <cstddef>
#include <span>
#include <vector>

#include "discwright/mmc.h"
#include "scsi/reply_bytes.h"

namespace discwright::scsi {

/// MMC-6 6.7: the 4-byte event status notification header.
struct EventHeader {
    Be16 event_data_length;     // bytes 0-1: the bytes after byte 1
    u8 notification;            // byte 2: NEA bit 7, notification class bits 2-0
    u8 supported_event_classes; // byte 3
};
static_assert(OnDisk<EventHeader> && sizeof(EventHeader) == 4);

/// MMC-6 6.7: media event descriptor (class 4).
struct MediaEventData {
    u8 event_code;   // byte 0 bits 3-0
    u8 media_status; // byte 1: Media Present bit 1, Door or Tray Open bit 0
    u8 start_slot;   // byte 2
    u8 end_slot;     // byte 3
};
static_assert(OnDisk<MediaEventData> && sizeof(MediaEventData) == 4);

/// MMC-6 6.7: operational change event descriptor (class 1).
struct OperationalChangeEventData {
    u8 event_code;           // byte 0 bits 3-0
    u8 status;               // byte 1: Persistent Prevented bit 7, operational status 3-0
    Be16 operational_change; // bytes 2-3
};
static_assert(OnDisk<OperationalChangeEventData> && sizeof(OperationalChangeEventData) == 4);

/// The length the reply claims: event data length + 2. Needs 2 bytes.
[[nodiscard]] u32 reported_event_status_length(std::span<const std::byte> reply);
/// Throws InvalidResponseFromDevice for fewer than 4 bytes. A media or operational change
/// descriptor that did not fully arrive is absent; other classes keep what arrived.
[[nodiscard]] EventStatus decode_event_status(std::span<const std::byte> reply);
/// The header, then (unless NEA) the descriptor of notification_class: `media`,
/// `operational_change` or `other_event`.
[[nodiscard]] std::vector<std::byte> encode_event_status(const EventStatus& status);

} // namespace discwright::scsi
