// Drive address parsing. The iSCSI form follows libiscsi's URL syntax (the one its tools and
// QEMU accept) so users can paste the same address into both; it is parsed here rather than by
// iscsi_parse_full_url so that a malformed address is reported before any context or socket
// exists, and in our own words.

#include "device/drive_address.h"

#include <charconv>
#include <system_error>

#include <fmt/format.h>

#include "discwright/error.h"

namespace discwright::device {

namespace {

constexpr std::string_view iscsi_scheme = "iscsi://";
constexpr std::string_view virtual_prefix = "virtual:";
constexpr std::string_view file_prefix = "file:";
constexpr std::string_view dev_prefix = "/dev/";

[[noreturn]] void fail(std::string_view address, std::string_view why) {
    throw Error(ErrorCode::InvalidParam,
                fmt::format("drive address '{}' is invalid: {}", address, why))
        .with_drive(std::string(address));
}

/// A decimal number in [0, max]; nullopt for anything else (signs, spaces, overflow).
std::optional<u32> parse_decimal(std::string_view text, u32 max) {
    if (text.empty()) return std::nullopt;
    u32 value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || value > max) return std::nullopt;
    return value;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// libiscsi decodes %XX in target names ("iqn.x%3Ay" is "iqn.x:y"); so do we.
std::string decode_percent(std::string_view address, std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        const int hi = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
        const int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
        if (hi < 0 || lo < 0) fail(address, "iscsi target name has an invalid %-escape");
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

/// The inverse for the characters that would change how the normalised address parses.
std::string encode_target(std::string_view target) {
    std::string out;
    for (char c : target) {
        if (c == '%' || c == '/' || c == '@')
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        else
            out.push_back(c);
    }
    return out;
}

DriveAddress parse_iscsi(std::string_view address) {
    std::string_view rest = address.substr(iscsi_scheme.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) fail(address, "iscsi address lacks a target name");
    std::string_view authority = rest.substr(0, slash);
    std::string_view path = rest.substr(slash + 1);

    IscsiLocation where;
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        // libiscsi separates user and password with '%', not ':'.
        const auto pct = userinfo.find('%');
        where.user = std::string(userinfo.substr(0, pct));
        if (pct != std::string_view::npos) where.password = std::string(userinfo.substr(pct + 1));
        if (where.user.empty()) fail(address, "iscsi address has an empty user name before '@'");
    }

    std::string_view port_text;
    bool bracketed = false;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) fail(address, "iscsi IPv6 host lacks its ']'");
        where.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (!after.starts_with(':')) fail(address, "iscsi host is followed by junk");
            port_text = after.substr(1);
            if (port_text.empty()) fail(address, "iscsi address has an empty port");
        }
        bracketed = true;
    } else {
        const auto colon = authority.find(':');
        where.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
            if (port_text.empty()) fail(address, "iscsi address has an empty port");
        }
    }
    if (where.host.empty()) fail(address, "iscsi address lacks a host");
    if (!port_text.empty()) {
        auto port = parse_decimal(port_text, 65535);
        if (!port || *port == 0)
            fail(address, fmt::format("iscsi port '{}' is not a number in 1..65535", port_text));
        where.port = static_cast<u16>(*port);
    }

    const auto last = path.rfind('/');
    if (path.empty() || last == 0) fail(address, "iscsi address lacks a target name");
    if (last == std::string_view::npos || last + 1 == path.size())
        fail(address, "iscsi address lacks a LUN");
    std::string_view target = path.substr(0, last);
    std::string_view lun_text = path.substr(last + 1);
    if (target.find('/') != std::string_view::npos)
        fail(address, "iscsi address has more than a target name and a LUN after the host");
    where.target = decode_percent(address, target);
    auto lun = parse_decimal(lun_text, 65535);
    if (!lun) fail(address, fmt::format("iscsi LUN '{}' is not a number in 0..65535", lun_text));
    where.lun = static_cast<u16>(*lun);

    DriveAddress out;
    out.kind = TransportKind::Iscsi;
    out.normalised =
        fmt::format("iscsi://{}{}{}:{}/{}/{}", bracketed ? "[" : "", where.host,
                    bracketed ? "]" : "", where.port, encode_target(where.target), where.lun);
    out.iscsi = std::move(where);
    return out;
}

DriveAddress parse_path(std::string_view address, std::string_view prefix, TransportKind kind) {
    std::string_view text = address.substr(prefix.size());
    if (text.empty()) fail(address, fmt::format("'{}' is not followed by a path", prefix));
    std::error_code ec;
    std::filesystem::path path = std::filesystem::absolute(std::filesystem::path(text), ec);
    if (ec) fail(address, fmt::format("cannot make the path absolute: {}", ec.message()));
    path = path.lexically_normal();
    DriveAddress out;
    out.kind = kind;
    out.normalised = fmt::format("{}{}", prefix, path.string());
    out.path = std::move(path);
    return out;
}

} // namespace

std::string_view to_string(TransportKind kind) {
    switch (kind) {
    case TransportKind::SgIo:
        return "sg_io";
    case TransportKind::Iscsi:
        return "iscsi";
    case TransportKind::Virtual:
        return "virtual";
    case TransportKind::File:
        return "file";
    }
    return "unknown";
}

DriveAddress parse_drive_address(std::string_view address) {
    if (address.empty()) fail(address, "the address is empty");
    if (address.starts_with(iscsi_scheme)) return parse_iscsi(address);
    if (address.starts_with(virtual_prefix))
        return parse_path(address, virtual_prefix, TransportKind::Virtual);
    if (address.starts_with(file_prefix))
        return parse_path(address, file_prefix, TransportKind::File);
    if (address.starts_with(dev_prefix)) {
        std::filesystem::path path = std::filesystem::path(address).lexically_normal();
        if (!path.string().starts_with(dev_prefix) || path.filename().empty())
            fail(address, "a device path must name a node under /dev");
        DriveAddress out;
        out.kind = TransportKind::SgIo;
        out.normalised = path.string();
        out.path = std::move(path);
        return out;
    }
    fail(address, "expected /dev/..., iscsi://host/target/lun, virtual:PATH or file:PATH");
}

} // namespace discwright::device
