#include "scsi/inquiry.h"

#include <algorithm>
#include <string>

namespace discwright::scsi {

namespace {

constexpr std::string_view what = "inquiry data";

template <std::size_t N> std::string field_text(const std::array<char, N>& field) {
    return trim_identifier(std::string(field.begin(), field.end()));
}

template <std::size_t N>
std::array<char, N> pad_field(std::string_view text, std::string_view name) {
    if (text.size() > N)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("encoding inquiry data: {} '{}' is longer than {} characters", name,
                                text, N));
    std::array<char, N> field;
    field.fill(' ');
    std::copy(text.begin(), text.end(), field.begin());
    return field;
}

} // namespace

u32 reported_inquiry_length(std::span<const std::byte> reply) {
    require_reply_header(what, reply, inquiry_header_size);
    return u32{read_padded<StandardInquiryData>(reply).additional_length} + inquiry_header_size;
}

InquiryData decode_inquiry(std::span<const std::byte> reply) {
    const auto bytes = clamp_reply(reply, reported_inquiry_length(reply));
    const auto raw = read_padded<StandardInquiryData>(bytes);
    return {
        .peripheral_qualifier = bits(raw.peripheral, 5, 3),
        .peripheral_device_type = bits(raw.peripheral, 0, 5),
        .removable = bit(raw.rmb, 7),
        .version = raw.version,
        .response_data_format = bits(raw.response_data_format, 0, 4),
        .additional_length = raw.additional_length,
        .vendor = field_text(raw.vendor),
        .product = field_text(raw.product),
        .revision = field_text(raw.revision),
    };
}

std::vector<std::byte> encode_inquiry(const InquiryData& data) {
    StandardInquiryData raw{};
    raw.peripheral = static_cast<u8>(place(data.peripheral_qualifier, 5, 3) |
                                     place(data.peripheral_device_type, 0, 5));
    raw.rmb = bit_if(data.removable, 7);
    raw.version = data.version;
    raw.response_data_format = place(data.response_data_format, 0, 4);
    raw.additional_length = sizeof(StandardInquiryData) - inquiry_header_size;
    raw.vendor = pad_field<8>(data.vendor, "vendor");
    raw.product = pad_field<16>(data.product, "product");
    raw.revision = pad_field<4>(data.revision, "revision");
    return encode_to_vector([&](auto& out) { out.put(raw); });
}

} // namespace discwright::scsi
