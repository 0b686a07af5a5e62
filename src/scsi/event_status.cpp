#include "scsi/event_status.h"

#include <limits>

namespace discwright::scsi {

namespace {

constexpr std::string_view what = "get event status notification";

/// The descriptor bytes encode_event_status writes for `s`.
std::vector<std::byte> descriptor_of(const EventStatus& s) {
    if (s.nea) return {};
    if (s.notification_class == NotificationClass::Media && s.media) {
        const auto& m = *s.media;
        return encode_to_vector([&](auto& out) {
            out.put(MediaEventData{
                place(static_cast<u8>(m.event_code), 0, 4),
                static_cast<u8>(bit_if(m.media_present, 1) | bit_if(m.door_or_tray_open, 0)),
                m.start_slot, m.end_slot});
        });
    }
    if (s.notification_class == NotificationClass::OperationalChange && s.operational_change) {
        const auto& o = *s.operational_change;
        return encode_to_vector([&](auto& out) {
            out.put(OperationalChangeEventData{place(o.event_code, 0, 4),
                                               static_cast<u8>(bit_if(o.persistent_prevented, 7) |
                                                               place(o.operational_status, 0, 4)),
                                               o.operational_change});
        });
    }
    return s.other_event;
}

} // namespace

u32 reported_event_status_length(std::span<const std::byte> reply) {
    require_reply_header(what, reply, 2);
    return u32{read_padded<Be16>(reply).value()} + 2;
}

EventStatus decode_event_status(std::span<const std::byte> reply) {
    require_reply_header(what, reply, sizeof(EventHeader));
    const auto bytes = clamp_reply(reply, reported_event_status_length(reply));
    const auto h = read_padded<EventHeader>(reply);
    EventStatus out;
    out.nea = bit(h.notification, 7);
    out.notification_class = static_cast<NotificationClass>(bits(h.notification, 0, 3));
    out.supported_event_classes = h.supported_event_classes;
    if (out.nea) return out;
    constexpr std::size_t at = sizeof(EventHeader);
    const bool whole = received(bytes, at, sizeof(MediaEventData));
    if (out.notification_class == NotificationClass::Media) {
        if (whole) {
            const auto m = read_padded<MediaEventData>(bytes, at);
            out.media = MediaEvent{static_cast<MediaEventCode>(bits(m.event_code, 0, 4)),
                                   bit(m.media_status, 1), bit(m.media_status, 0), m.start_slot,
                                   m.end_slot};
        }
    } else if (out.notification_class == NotificationClass::OperationalChange) {
        if (whole) {
            const auto o = read_padded<OperationalChangeEventData>(bytes, at);
            out.operational_change =
                OperationalChangeEvent{bits(o.event_code, 0, 4), bit(o.status, 7),
                                       bits(o.status, 0, 4), o.operational_change};
        }
    } else {
        out.other_event = copy_received(bytes, at, bytes.size());
    }
    return out;
}

std::vector<std::byte> encode_event_status(const EventStatus& s) {
    const auto descriptor = descriptor_of(s);
    const std::size_t length = sizeof(EventHeader) - 2 + descriptor.size();
    if (length > std::numeric_limits<u16>::max())
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("encoding event status: {} bytes do not fit in 65535", length));
    return encode_to_vector([&](auto& out) {
        out.put(EventHeader{
            static_cast<u16>(length),
            static_cast<u8>(bit_if(s.nea, 7) | place(static_cast<u8>(s.notification_class), 0, 3)),
            s.supported_event_classes});
        out.bytes(descriptor);
    });
}

} // namespace discwright::scsi
