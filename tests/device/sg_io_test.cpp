#include "device/sg_io_transport.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <initializer_list>
#include <vector>

#include <linux/fs.h>

#include <gtest/gtest.h>

#include "support/expect_error.h"

namespace discwright::device {
namespace {

using namespace std::chrono_literals;
using test::expect_error;

scsi::Cdb make_cdb(std::initializer_list<u8> bytes, DataDirection direction, u32 length) {
    scsi::Cdb cdb;
    std::size_t i = 0;
    for (u8 b : bytes)
        cdb.bytes[i++] = std::byte{b};
    cdb.length = static_cast<u8>(bytes.size());
    cdb.direction = direction;
    cdb.transfer_length = length;
    return cdb;
}

// SPC-4 6.4.1 INQUIRY, allocation length 96.
scsi::Cdb inquiry_cdb() {
    return make_cdb({0x12, 0, 0, 0, 96, 0}, DataDirection::FromDevice, 96);
}
// MMC-6 6.44 WRITE(10) of one 2048-byte block at LBA 0.
scsi::Cdb write_cdb() {
    return make_cdb({0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0}, DataDirection::ToDevice, 2048);
}
// SPC-4 6.47 TEST UNIT READY.
scsi::Cdb tur_cdb() {
    return make_cdb({0, 0, 0, 0, 0, 0}, DataDirection::None, 0);
}

// SPC-4 4.5.3 fixed-format sense: ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE (20h/00h).
std::vector<std::byte> invalid_opcode_sense() {
    std::vector<std::byte> s(18);
    s[0] = std::byte{0x70};
    s[2] = std::byte{0x05};
    s[7] = std::byte{10};
    s[12] = std::byte{0x20};
    return s;
}

TEST(SgIoRequest, DataInCommand) {
    auto cdb = inquiry_cdb();
    std::vector<std::byte> data(96);
    std::array<std::byte, 64> sense{};
    auto req = make_sg_io_request(cdb, data, sense, 10s);
    const sg_io_hdr& h = req.header;
    EXPECT_EQ(h.interface_id, 'S');
    EXPECT_EQ(h.dxfer_direction, SG_DXFER_FROM_DEV);
    EXPECT_EQ(h.cmd_len, 6);
    EXPECT_EQ(static_cast<const void*>(h.cmdp), static_cast<const void*>(cdb.bytes.data()));
    EXPECT_EQ(h.cmdp[0], 0x12);
    EXPECT_EQ(h.dxfer_len, 96u);
    EXPECT_EQ(h.dxferp, data.data());
    EXPECT_EQ(h.timeout, 10000u);
    EXPECT_EQ(h.mx_sb_len, 64);
    EXPECT_EQ(static_cast<void*>(h.sbp), static_cast<void*>(sense.data()));
}

TEST(SgIoRequest, DataOutCommand) {
    auto cdb = write_cdb();
    std::vector<std::byte> data(4096);
    std::array<std::byte, 32> sense{};
    auto req = make_sg_io_request(cdb, data, sense, 60s);
    EXPECT_EQ(req.header.dxfer_direction, SG_DXFER_TO_DEV);
    EXPECT_EQ(req.header.cmd_len, 10);
    // The Cdb's length, not the buffer's, is what moves.
    EXPECT_EQ(req.header.dxfer_len, 2048u);
    EXPECT_EQ(req.header.timeout, 60000u);
}

TEST(SgIoRequest, NoDataCommandHasNoBuffer) {
    auto cdb = tur_cdb();
    std::array<std::byte, 32> sense{};
    auto req = make_sg_io_request(cdb, {}, sense, 1s);
    EXPECT_EQ(req.header.dxfer_direction, SG_DXFER_NONE);
    EXPECT_EQ(req.header.dxfer_len, 0u);
    EXPECT_EQ(req.header.dxferp, nullptr);
}

TEST(SgIoRequest, ZeroLengthDataInIsNoData) {
    auto cdb = make_cdb({0x12, 0, 0, 0, 0, 0}, DataDirection::FromDevice, 0);
    std::array<std::byte, 32> sense{};
    auto req = make_sg_io_request(cdb, {}, sense, 1s);
    EXPECT_EQ(req.header.dxfer_direction, SG_DXFER_NONE);
}

TEST(SgIoRequest, SenseBufferIsCappedAt255AndTimeoutSaturates) {
    auto cdb = tur_cdb();
    std::vector<std::byte> sense(1000);
    auto req = make_sg_io_request(cdb, {}, sense, std::chrono::milliseconds(1LL << 40));
    EXPECT_EQ(req.header.mx_sb_len, 255);
    EXPECT_EQ(req.header.timeout, UINT_MAX);
}

TEST(SgIoRequest, ShortBufferIsRefused) {
    auto cdb = inquiry_cdb();
    std::vector<std::byte> data(95);
    std::array<std::byte, 32> sense{};
    auto e = expect_error(ErrorCode::InvalidParam,
                          [&] { (void)make_sg_io_request(cdb, data, sense, 1s); });
    EXPECT_NE(e.message().find("96"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("95"), std::string::npos) << e.message();
}

sg_io_hdr reply_for(u32 dxfer_len) {
    sg_io_hdr h{};
    h.interface_id = 'S';
    h.dxfer_len = dxfer_len;
    h.mx_sb_len = 64;
    h.timeout = 10000;
    return h;
}

TEST(SgIoReply, GoodWithResidual) {
    auto h = reply_for(96);
    h.resid = 30;
    auto r = interpret_sg_io_reply(h, {}, "/dev/sr0");
    EXPECT_TRUE(r.good());
    EXPECT_EQ(r.transferred, 66u);
    EXPECT_TRUE(r.sense.empty());
}

TEST(SgIoReply, ResidualIsClamped) {
    auto h = reply_for(96);
    h.resid = 200;
    EXPECT_EQ(interpret_sg_io_reply(h, {}, "/dev/sr0").transferred, 0u);
    h.resid = -5;
    EXPECT_EQ(interpret_sg_io_reply(h, {}, "/dev/sr0").transferred, 96u);
}

TEST(SgIoReply, CheckConditionCarriesTheSenseWritten) {
    auto sense = invalid_opcode_sense();
    sense.resize(64);
    auto h = reply_for(0);
    h.status = 0x02;
    h.masked_status = 0x01;
    h.driver_status = 0x08; // DRIVER_SENSE
    h.sb_len_wr = 18;
    auto r = interpret_sg_io_reply(h, sense, "/dev/sr0");
    EXPECT_EQ(r.status, scsi::ScsiStatus::CheckCondition);
    ASSERT_EQ(r.sense.size(), 18u);
    EXPECT_EQ(r.sense[2], std::byte{0x05});
    EXPECT_EQ(r.sense[12], std::byte{0x20});
}

TEST(SgIoReply, SenseLengthIsBoundedByTheBuffer) {
    auto sense = invalid_opcode_sense(); // 18 bytes given
    auto h = reply_for(0);
    h.status = 0x02;
    h.driver_status = 0x08;
    h.sb_len_wr = 40; // the kernel claims more than the buffer holds
    auto r = interpret_sg_io_reply(h, sense, "/dev/sr0");
    EXPECT_EQ(r.sense.size(), 18u);
}

TEST(SgIoReply, SenseWithGoodStatusIsACheckCondition) {
    auto sense = invalid_opcode_sense();
    auto h = reply_for(0);
    h.driver_status = 0x08;
    h.sb_len_wr = 18;
    auto r = interpret_sg_io_reply(h, sense, "/dev/sr0");
    EXPECT_EQ(r.status, scsi::ScsiStatus::CheckCondition);
}

TEST(SgIoReply, OtherStatusesPassThrough) {
    auto h = reply_for(0);
    h.status = 0x08;
    EXPECT_EQ(interpret_sg_io_reply(h, {}, "/dev/sr0").status, scsi::ScsiStatus::Busy);
    h.status = 0x40;
    EXPECT_EQ(interpret_sg_io_reply(h, {}, "/dev/sr0").status, scsi::ScsiStatus::TaskAborted);
}

TEST(SgIoReply, HostErrorIsTransportFailure) {
    auto cdb = inquiry_cdb();
    auto h = reply_for(96);
    h.cmdp = reinterpret_cast<unsigned char*>(cdb.bytes.data());
    h.cmd_len = 6;
    h.host_status = 0x01; // DID_NO_CONNECT
    auto e = expect_error(ErrorCode::TransportFailure,
                          [&] { (void)interpret_sg_io_reply(h, {}, "/dev/sr7"); });
    EXPECT_NE(e.message().find("DID_NO_CONNECT"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("(/dev/sr7)"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("INQUIRY"), std::string::npos) << e.message();
    EXPECT_EQ(e.context().drive, "/dev/sr7");
}

TEST(SgIoReply, DriverErrorIsTransportFailure) {
    auto h = reply_for(0);
    h.driver_status = 0x04; // DRIVER_ERROR
    auto e = expect_error(ErrorCode::TransportFailure,
                          [&] { (void)interpret_sg_io_reply(h, {}, "/dev/sg2"); });
    EXPECT_NE(e.message().find("DRIVER_ERROR"), std::string::npos) << e.message();
}

TEST(SgIoReply, TimeoutIsCommandTimeout) {
    auto h = reply_for(0);
    h.host_status = 0x03; // DID_TIME_OUT
    auto e = expect_error(ErrorCode::CommandTimeout,
                          [&] { (void)interpret_sg_io_reply(h, {}, "/dev/sr0"); });
    EXPECT_NE(e.message().find("10000 ms"), std::string::npos) << e.message();
    EXPECT_EQ(e.context().drive, "/dev/sr0");

    auto d = reply_for(0);
    d.driver_status = 0x06; // DRIVER_TIMEOUT (older kernels)
    expect_error(ErrorCode::CommandTimeout, [&] { (void)interpret_sg_io_reply(d, {}, "x"); });
}

/// Plays a drive behind the ioctl seam. /dev/null stands in for the node: it opens O_RDWR and
/// is a character device, like /dev/sg*.
struct FakeDrive {
    int version = 30527;
    int blksectget_bytes = 128 * 1024;
    int reserved_size = 32 * 1024;
    int sg_io_errno = 0;
    std::vector<std::byte> reply_data;
    std::vector<std::byte> reply_sense;
    unsigned char reply_status = 0;
    int reply_resid = 0;
    std::vector<sg_io_hdr> requests;
    std::vector<std::vector<std::byte>> written;

    IoctlFn ioctl() {
        return [this](int, unsigned long request, void* arg) -> int {
            if (request == SG_GET_VERSION_NUM) {
                if (version == 0) return errno = ENOTTY, -1;
                *static_cast<int*>(arg) = version;
                return 0;
            }
            if (request == BLKSECTGET) {
                if (blksectget_bytes == 0) return errno = ENOTTY, -1;
                *static_cast<int*>(arg) = blksectget_bytes;
                return 0;
            }
            if (request == SG_GET_RESERVED_SIZE) {
                if (reserved_size == 0) return errno = ENOTTY, -1;
                *static_cast<int*>(arg) = reserved_size;
                return 0;
            }
            if (request == SG_IO) {
                auto& h = *static_cast<sg_io_hdr*>(arg);
                requests.push_back(h);
                if (sg_io_errno != 0) return errno = sg_io_errno, -1;
                auto* bytes = static_cast<std::byte*>(h.dxferp);
                if (h.dxfer_direction == SG_DXFER_FROM_DEV) {
                    const auto n = std::min<std::size_t>(reply_data.size(), h.dxfer_len);
                    std::copy_n(reply_data.begin(), n, bytes);
                } else if (h.dxfer_direction == SG_DXFER_TO_DEV) {
                    written.emplace_back(bytes, bytes + h.dxfer_len);
                }
                const auto s = std::min<std::size_t>(reply_sense.size(), h.mx_sb_len);
                std::copy_n(reply_sense.begin(), s, reinterpret_cast<std::byte*>(h.sbp));
                h.sb_len_wr = static_cast<unsigned char>(s);
                h.status = reply_status;
                h.driver_status = s > 0 ? 0x08 : 0;
                h.resid = reply_resid;
                return 0;
            }
            return errno = ENOTTY, -1;
        };
    }
};

TEST(SgIoTransport, ExecuteRunsTheCommandThroughTheIoctl) {
    FakeDrive drive;
    drive.reply_data.assign(66, std::byte{0x5A});
    drive.reply_resid = 30;
    SgIoTransport t("/dev/null", OpenMode::Shared, drive.ioctl());
    EXPECT_EQ(t.address(), "/dev/null");
    EXPECT_EQ(t.limits().max_transfer_bytes, 128u * 1024);

    auto cdb = inquiry_cdb();
    std::vector<std::byte> data(96);
    auto r = t.execute(cdb, data, 5s);
    ASSERT_EQ(drive.requests.size(), 1u);
    EXPECT_EQ(drive.requests[0].dxfer_direction, SG_DXFER_FROM_DEV);
    EXPECT_EQ(drive.requests[0].timeout, 5000u);
    EXPECT_EQ(drive.requests[0].cmd_len, 6);
    EXPECT_TRUE(r.good());
    EXPECT_EQ(r.transferred, 66u);
    EXPECT_EQ(data[0], std::byte{0x5A});
    EXPECT_EQ(data[65], std::byte{0x5A});
    EXPECT_EQ(data[66], std::byte{0});
}

TEST(SgIoTransport, ExecuteSendsDataOut) {
    FakeDrive drive;
    SgIoTransport t("/dev/null", OpenMode::Shared, drive.ioctl());
    std::vector<std::byte> block(2048, std::byte{0xC3});
    auto r = t.execute(write_cdb(), block, 60s);
    EXPECT_TRUE(r.good());
    EXPECT_EQ(r.transferred, 2048u);
    ASSERT_EQ(drive.written.size(), 1u);
    EXPECT_EQ(drive.written[0], block);
}

TEST(SgIoTransport, ExecuteReportsCheckConditionWithoutThrowing) {
    FakeDrive drive;
    drive.reply_status = 0x02;
    drive.reply_sense = invalid_opcode_sense();
    SgIoTransport t("/dev/null", OpenMode::Shared, drive.ioctl());
    auto r = t.execute(tur_cdb(), {}, 1s);
    EXPECT_EQ(r.status, scsi::ScsiStatus::CheckCondition);
    EXPECT_EQ(r.sense, invalid_opcode_sense());
}

TEST(SgIoTransport, IoctlFailureIsTransportFailure) {
    FakeDrive drive;
    drive.sg_io_errno = EIO;
    SgIoTransport t("/dev/null", OpenMode::Shared, drive.ioctl());
    auto e = expect_error(ErrorCode::TransportFailure, [&] { (void)t.execute(tur_cdb(), {}, 1s); });
    EXPECT_NE(e.message().find("SG_IO"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("(/dev/null)"), std::string::npos) << e.message();
}

TEST(SgIoTransport, LimitsFallBackToReservedSizeThen64KiB) {
    FakeDrive drive;
    drive.blksectget_bytes = 0;
    EXPECT_EQ(
        SgIoTransport("/dev/null", OpenMode::Shared, drive.ioctl()).limits().max_transfer_bytes,
        32u * 1024);
    drive.reserved_size = 0;
    EXPECT_EQ(
        SgIoTransport("/dev/null", OpenMode::Shared, drive.ioctl()).limits().max_transfer_bytes,
        64u * 1024);
}

TEST(SgIoTransport, NodeWithoutSgIoIsNotADrive) {
    FakeDrive drive;
    drive.version = 0;
    auto e = expect_error(ErrorCode::RecorderNotFound,
                          [&] { SgIoTransport t("/dev/null", OpenMode::Shared, drive.ioctl()); });
    EXPECT_NE(e.message().find("SG_IO"), std::string::npos) << e.message();
    EXPECT_EQ(e.context().drive, "/dev/null");
}

TEST(SgIoTransport, MissingNodeIsRecorderNotFound) {
    FakeDrive drive;
    auto e = expect_error(ErrorCode::RecorderNotFound, [&] {
        SgIoTransport t("/dev/discwright-no-such-drive", OpenMode::Exclusive, drive.ioctl());
    });
    EXPECT_NE(e.message().find("/dev/discwright-no-such-drive"), std::string::npos);
}

} // namespace
} // namespace discwright::device
