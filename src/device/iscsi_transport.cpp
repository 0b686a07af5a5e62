// iSCSI transport. libiscsi's synchronous calls wait in a poll loop that never looks at the
// clock (1.19 lib/sync.c: a poll timeout just polls again, so iscsi_set_timeout is never
// acted on there); a dead target would hang us. Commands therefore go through the async API
// and our own loop, which owns the deadline. On a timeout the whole session is dropped: the
// target aborts what the session had in flight, and no late answer can reach a callback whose
// state is gone.

#include "device/iscsi_transport.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <system_error>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <poll.h>

#include <fmt/format.h>

#include "core/byte_io.h"
#include "core/endian.h"
#include "discwright/error.h"
#include "scsi/opcodes.h"

namespace discwright::device {

namespace {

using Clock = std::chrono::steady_clock;

// libiscsi moves any length in PDUs of the negotiated size; this bounds our buffers.
constexpr u32 iscsi_max_transfer = 256 * 1024;

struct Completion {
    bool finished = false;
    int status = 0;
};

void on_complete(iscsi_context*, int status, void*, void* private_data) {
    auto* done = static_cast<Completion*>(private_data);
    done->status = status;
    done->finished = true;
}

struct TaskDeleter {
    void operator()(scsi_task* task) const { scsi_free_scsi_task(task); }
};
using TaskPtr = std::unique_ptr<scsi_task, TaskDeleter>;

std::string initiator_name() {
    if (const char* env = std::getenv("DISCWRIGHT_ISCSI_INITIATOR"); env != nullptr && *env)
        return env;
    return std::string(default_iscsi_initiator);
}

std::string command_label(u8 opcode) {
    return fmt::format("{} (0x{:02X})", scsi::command_name(opcode), opcode);
}

std::string libiscsi_error(iscsi_context* context) {
    const char* text = context != nullptr ? iscsi_get_error(context) : nullptr;
    return text != nullptr && *text ? std::string(text) : std::string("no reason given");
}

/// Services the connection until `done` or `deadline`. False on timeout; throws
/// TransportFailure when poll or libiscsi fails.
bool wait_for(iscsi_context* context, const Completion& done, Clock::time_point deadline,
              const std::string& address) {
    while (!done.finished) {
        const auto now = Clock::now();
        if (now >= deadline) return false;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
        pollfd pfd{iscsi_get_fd(context), static_cast<short>(iscsi_which_events(context)), 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long>(left.count(), 1000)));
        if (ready < 0) {
            const int err = errno;
            if (err == EINTR) continue;
            throw Error(ErrorCode::TransportFailure,
                        fmt::format("iscsi connection failed: poll: {} ({})",
                                    std::generic_category().message(err), address))
                .with_drive(address);
        }
        // With no events libiscsi only checks its own timers; that is harmless.
        if (iscsi_service(context, ready > 0 ? pfd.revents : 0) < 0) {
            throw Error(ErrorCode::TransportFailure, fmt::format("iscsi connection failed: {} ({})",
                                                                 libiscsi_error(context), address))
                .with_drive(address);
        }
    }
    return true;
}

/// SPC-4 4.5.3 fixed-format sense rebuilt from what libiscsi decoded, for a target that sent
/// CHECK CONDITION without sense bytes we can read back.
std::vector<std::byte> rebuild_fixed_sense(const scsi_sense& sense) {
    std::vector<std::byte> bytes(18);
    core::ByteWriter out(bytes);
    out.u8(0x70);                                      // current error, fixed format
    out.u8(0);                                         // obsolete
    out.u8(static_cast<u8>(sense.key) & 0x0f);         // sense key
    out.zeros(4);                                      // information
    out.u8(10);                                        // additional sense length
    out.zeros(4);                                      // command-specific information
    out.u8(static_cast<u8>((sense.ascq >> 8) & 0xff)); // libiscsi keeps ASC << 8 | ASCQ
    out.u8(static_cast<u8>(sense.ascq & 0xff));
    out.u8(0); // field replaceable unit code
    if (sense.sense_specific) {
        // SPC-4 4.5.2.4.2 field pointer: SKSV, C/D, BPV and bit pointer, then the field.
        out.u8(static_cast<u8>(0x80 | (sense.ill_param_in_cdb ? 0x40 : 0) |
                               (sense.bit_pointer_valid ? 0x08 | (sense.bit_pointer & 0x07) : 0)));
        out.put(core::Be16(sense.field_pointer));
    } else {
        out.zeros(3);
    }
    return bytes;
}

/// RFC 7143 11.4.7.2: a SCSI Response with CHECK CONDITION carries SenseLength (2 bytes) and
/// the sense data; libiscsi leaves that data segment in task->datain.
std::vector<std::byte> sense_of(const scsi_task& task) {
    if (task.datain.data == nullptr || task.datain.size < 2) return rebuild_fixed_sense(task.sense);
    std::span<const std::byte> segment{reinterpret_cast<const std::byte*>(task.datain.data),
                                       static_cast<std::size_t>(task.datain.size)};
    core::ByteReader in(segment, {.lba = std::nullopt, .what = "iscsi sense segment"});
    const std::size_t length = std::min<std::size_t>(in.read<core::Be16>(), in.remaining());
    if (length == 0) return rebuild_fixed_sense(task.sense);
    auto sense = segment.subspan(2, length);
    return {sense.begin(), sense.end()};
}

} // namespace

IscsiTransport::IscsiTransport(IscsiLocation where, std::string address,
                               std::chrono::milliseconds connect_timeout)
    : m_where(std::move(where)), m_address(std::move(address)), m_connect_timeout(connect_timeout) {
    connect();
}

IscsiTransport::~IscsiTransport() {
    if (m_context == nullptr) return;
    // A polite logout, bounded: a target that does not answer is simply disconnected.
    Completion done;
    if (iscsi_logout_async(m_context, on_complete, &done) == 0) {
        try {
            (void)wait_for(m_context, done, Clock::now() + std::chrono::seconds(2), m_address);
        } catch (const Error&) {
            // The session ends either way; the destructor has no one to tell.
        }
    }
    drop_session();
}

void IscsiTransport::drop_session() {
    if (m_context == nullptr) return;
    // Cancels every outstanding task; their callbacks run now, while their state still lives.
    iscsi_destroy_context(m_context);
    m_context = nullptr;
}

void IscsiTransport::connect() {
    const std::string initiator = initiator_name();
    m_context = iscsi_create_context(initiator.c_str());
    if (m_context == nullptr)
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("cannot open drive: no iscsi context for initiator '{}' ({})",
                                initiator, m_address))
            .with_drive(m_address);
    auto fail = [&](ErrorCode code, std::string why) {
        drop_session();
        throw Error(code, fmt::format("cannot open drive: {} ({})", why, m_address))
            .with_drive(m_address);
    };
    iscsi_set_targetname(m_context, m_where.target.c_str());
    iscsi_set_session_type(m_context, ISCSI_SESSION_NORMAL);
    iscsi_set_header_digest(m_context, ISCSI_HEADER_DIGEST_NONE_CRC32C);
    // Reconnecting would silently replay commands; a failed session is reported instead and the
    // next command logs in afresh.
    iscsi_set_noautoreconnect(m_context, 1);
    if (!m_where.user.empty() && iscsi_set_initiator_username_pwd(m_context, m_where.user.c_str(),
                                                                  m_where.password.c_str()) != 0)
        fail(ErrorCode::InvalidParam,
             fmt::format("iscsi CHAP setup failed: {}", libiscsi_error(m_context)));

    const std::string portal = m_where.host.find(':') != std::string::npos
                                   ? fmt::format("[{}]:{}", m_where.host, m_where.port)
                                   : fmt::format("{}:{}", m_where.host, m_where.port);
    Completion done;
    if (iscsi_full_connect_async(m_context, portal.c_str(), m_where.lun, on_complete, &done) != 0)
        fail(ErrorCode::RecorderNotFound,
             fmt::format("iscsi connect failed: {}", libiscsi_error(m_context)));
    bool finished = false;
    try {
        finished = wait_for(m_context, done, Clock::now() + m_connect_timeout, m_address);
    } catch (const Error& e) {
        fail(ErrorCode::RecorderNotFound, fmt::format("iscsi login failed: {}", e.message()));
    }
    if (!finished)
        fail(ErrorCode::CommandTimeout,
             fmt::format("iscsi login got no answer within {} ms", m_connect_timeout.count()));
    if (done.status != SCSI_STATUS_GOOD)
        fail(ErrorCode::RecorderNotFound,
             fmt::format("iscsi login failed: {}", libiscsi_error(m_context)));
}

TransferLimits IscsiTransport::limits() const {
    return {.max_transfer_bytes = iscsi_max_transfer, .byte_alignment_mask = 0};
}

scsi::CommandResult IscsiTransport::execute(const scsi::Cdb& cdb, std::span<std::byte> data,
                                            std::chrono::milliseconds timeout) {
    if (data.size() < cdb.transfer_length)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("{} needs a {}-byte buffer, {} given ({})",
                                command_label(cdb.opcode()), cdb.transfer_length, data.size(),
                                m_address))
            .with_drive(m_address);
    if (m_context == nullptr) connect();

    int direction = SCSI_XFER_NONE;
    if (cdb.transfer_length > 0 && cdb.direction == DataDirection::FromDevice)
        direction = SCSI_XFER_READ;
    else if (cdb.transfer_length > 0 && cdb.direction == DataDirection::ToDevice)
        direction = SCSI_XFER_WRITE;
    const int expected = direction == SCSI_XFER_NONE ? 0 : static_cast<int>(cdb.transfer_length);

    std::array<unsigned char, 16> cdb_bytes{};
    for (std::size_t i = 0; i < cdb.length; ++i)
        cdb_bytes[i] = cdb.byte(i);
    TaskPtr task(scsi_create_task(cdb.length, cdb_bytes.data(), direction, expected));
    if (!task)
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("{} failed: cannot allocate an iscsi task ({})",
                                command_label(cdb.opcode()), m_address))
            .with_drive(m_address);

    iscsi_data out{};
    if (direction == SCSI_XFER_WRITE) {
        out.size = cdb.transfer_length;
        out.data = reinterpret_cast<unsigned char*>(data.data());
    }
    Completion done;
    if (iscsi_scsi_command_async(m_context, m_where.lun, task.get(), on_complete,
                                 direction == SCSI_XFER_WRITE ? &out : nullptr, &done) != 0) {
        const std::string why = libiscsi_error(m_context);
        drop_session();
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("{} failed: cannot send it: {} ({})", command_label(cdb.opcode()),
                                why, m_address))
            .with_drive(m_address);
    }
    bool finished = false;
    try {
        finished = wait_for(m_context, done, Clock::now() + timeout, m_address);
    } catch (const Error&) {
        drop_session();
        throw;
    }
    if (!finished) {
        drop_session();
        throw Error(ErrorCode::CommandTimeout,
                    fmt::format("{} timed out: no answer within {} ms ({})",
                                command_label(cdb.opcode()), timeout.count(), m_address))
            .with_drive(m_address);
    }
    if (done.status == SCSI_STATUS_CANCELLED || done.status == SCSI_STATUS_ERROR ||
        done.status == SCSI_STATUS_TIMEOUT || done.status < 0 || done.status > 0xff) {
        const std::string why = libiscsi_error(m_context);
        drop_session();
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("{} failed in the iscsi session: {} ({})",
                                command_label(cdb.opcode()), why, m_address))
            .with_drive(m_address);
    }

    scsi::CommandResult result;
    result.status = static_cast<scsi::ScsiStatus>(done.status);
    if (result.status == scsi::ScsiStatus::CheckCondition) {
        result.sense = sense_of(*task);
        return result;
    }
    if (direction == SCSI_XFER_READ) {
        const std::size_t got = std::min<std::size_t>(
            {task->datain.data != nullptr ? static_cast<std::size_t>(task->datain.size) : 0,
             cdb.transfer_length, data.size()});
        std::span<const std::byte> in{reinterpret_cast<const std::byte*>(task->datain.data), got};
        std::copy(in.begin(), in.end(), data.begin());
        result.transferred = static_cast<u32>(got);
    } else if (direction == SCSI_XFER_WRITE) {
        const std::size_t residual =
            task->residual_status == SCSI_RESIDUAL_UNDERFLOW ? task->residual : 0;
        result.transferred = cdb.transfer_length -
                             static_cast<u32>(std::min<std::size_t>(residual, cdb.transfer_length));
    }
    return result;
}

} // namespace discwright::device
