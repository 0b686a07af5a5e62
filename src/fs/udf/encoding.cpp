#include "fs/udf/encoding.h"

#include <algorithm>
#include <array>

#include "core/byte_io.h"
#include "fs/iso9660/dates.h"

namespace discwright::fs::udf {

namespace {

constexpr std::array<u16, 256> crc_table = [] {
    std::array<u16, 256> t{};
    for (unsigned i = 0; i < 256; ++i) {
        u16 c = static_cast<u16>(i << 8);
        for (int b = 0; b < 8; ++b)
            c = static_cast<u16>(c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1);
        t[i] = c;
    }
    return t;
}();

u8 tag_checksum(std::span<const std::byte> tag) {
    unsigned sum = 0;
    for (std::size_t i = 0; i < 16; ++i)
        if (i != 4) sum += static_cast<u8>(tag[i]);
    return static_cast<u8>(sum);
}

template <std::size_t N> void fill_chars(std::array<char, N>& field, std::string_view s) {
    field.fill(0);
    std::copy_n(s.begin(), std::min(N, s.size()), field.begin());
}

/// OS class 4 (UNIX), OS identifier 5 (Linux): UDF 6.3.
constexpr u8 os_class_unix = 4;
constexpr u8 os_identifier_linux = 5;

} // namespace

u16 crc_itu_t(std::span<const std::byte> bytes) {
    u16 crc = 0;
    for (std::byte b : bytes)
        crc = static_cast<u16>((crc << 8) ^ crc_table[((crc >> 8) ^ static_cast<u8>(b)) & 0xff]);
    return crc;
}

void seal_tag(std::span<std::byte> bytes, TagId id, u16 version, u32 location) {
    if (bytes.size() < sizeof(DescriptorTag) || bytes.size() - 16 > 0xffff)
        throw Error(ErrorCode::Internal, fmt::format("UDF descriptor of {} bytes", bytes.size()));
    DescriptorTag tag{};
    tag.tag_identifier = static_cast<u16>(id);
    tag.descriptor_version = version;
    tag.descriptor_crc = crc_itu_t(bytes.subspan(16));
    tag.descriptor_crc_length = static_cast<u16>(bytes.size() - 16);
    tag.tag_location = location;
    core::ByteWriter(bytes.first(16)).put(tag);
    bytes[4] = static_cast<std::byte>(tag_checksum(bytes));
}

bool verify_tag(std::span<const std::byte> bytes, TagId id) {
    if (bytes.size() < sizeof(DescriptorTag)) return false;
    core::ByteReader in(bytes);
    const auto tag = in.read<DescriptorTag>();
    if (tag.tag_checksum != tag_checksum(bytes)) return false;
    if (tag.tag_identifier != static_cast<u16>(id)) return false;
    const std::size_t crc_length = tag.descriptor_crc_length;
    if (crc_length > bytes.size() - 16) return false;
    return crc_itu_t(bytes.subspan(16, crc_length)) == tag.descriptor_crc;
}

std::string encode_cs0(std::u16string_view text) {
    if (text.empty()) return {};
    const bool narrow = std::all_of(text.begin(), text.end(), [](char16_t c) { return c < 256; });
    std::string out;
    out.reserve(1 + text.size() * (narrow ? 1 : 2));
    out += static_cast<char>(narrow ? 8 : 16);
    for (char16_t c : text) {
        if (!narrow) out += static_cast<char>(c >> 8);
        out += static_cast<char>(c & 0xff);
    }
    return out;
}

std::optional<std::u16string> decode_cs0(std::string_view bytes) {
    if (bytes.empty()) return std::u16string{};
    const auto id = static_cast<u8>(bytes[0]);
    std::u16string out;
    if (id == 8 || id == 254) {
        for (std::size_t i = 1; i < bytes.size(); ++i)
            out += static_cast<char16_t>(static_cast<u8>(bytes[i]));
    } else if (id == 16 || id == 255) {
        if ((bytes.size() - 1) % 2) return std::nullopt;
        for (std::size_t i = 1; i + 1 < bytes.size(); i += 2)
            out += static_cast<char16_t>(static_cast<u8>(bytes[i]) << 8 |
                                         static_cast<u8>(bytes[i + 1]));
    } else {
        return std::nullopt;
    }
    return out;
}

void fill_dstring(std::span<u8> field, std::u16string_view text) {
    std::fill(field.begin(), field.end(), u8{0});
    if (text.empty() || field.size() < 3) return;
    const bool narrow = std::all_of(text.begin(), text.end(), [](char16_t c) { return c < 256; });
    std::size_t fits = narrow ? field.size() - 2 : (field.size() - 2) / 2;
    if (text.size() > fits) {
        if (fits > 0 && text[fits - 1] >= 0xd800 && text[fits - 1] < 0xdc00) --fits;
        text = text.substr(0, fits);
    }
    const std::string cs0 = encode_cs0(text);
    std::copy(cs0.begin(), cs0.end(), reinterpret_cast<char*>(field.data()));
    field[field.size() - 1] = static_cast<u8>(cs0.size());
}

CharSpec cs0_charspec() {
    CharSpec c{};
    c.character_set_type = 0;
    fill_chars(c.character_set_info, "OSTA Compressed Unicode");
    return c;
}

Timestamp timestamp(UnixTime t) {
    const iso9660::Civil c = iso9660::civil_utc(t);
    Timestamp ts{};
    ts.type_and_timezone = 0x1000; // type 1, 0 minutes from UTC
    ts.year = static_cast<u16>(std::clamp<i64>(c.year, 1, 9999));
    ts.month = static_cast<u8>(c.month);
    ts.day = static_cast<u8>(c.day);
    ts.hour = static_cast<u8>(c.hour);
    ts.minute = static_cast<u8>(c.minute);
    ts.second = static_cast<u8>(c.second);
    return ts;
}

EntityId domain_identifier(Revision r) {
    EntityId e{};
    fill_chars(e.identifier, "*OSTA UDF Compliant");
    e.identifier_suffix[0] = static_cast<u8>(r & 0xff);
    e.identifier_suffix[1] = static_cast<u8>(r >> 8);
    return e;
}

EntityId udf_identifier(std::string_view id, Revision r) {
    EntityId e{};
    fill_chars(e.identifier, id);
    e.identifier_suffix[0] = static_cast<u8>(r & 0xff);
    e.identifier_suffix[1] = static_cast<u8>(r >> 8);
    e.identifier_suffix[2] = os_class_unix;
    e.identifier_suffix[3] = os_identifier_linux;
    return e;
}

EntityId implementation_identifier() {
    EntityId e{};
    fill_chars(e.identifier, "*discwright");
    e.identifier_suffix[0] = os_class_unix;
    e.identifier_suffix[1] = os_identifier_linux;
    return e;
}

EntityId nsr_identifier(Revision r) {
    EntityId e{};
    fill_chars(e.identifier, r >= 0x0200 ? "+NSR03" : "+NSR02");
    return e;
}

} // namespace discwright::fs::udf
