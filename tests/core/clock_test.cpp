#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "discwright/clock.h"
#include "discwright/error.h"

namespace discwright {
namespace {

/// Saves SOURCE_DATE_EPOCH and restores it after each test.
class ClockTest : public testing::Test {
protected:
    void SetUp() override {
        if (const char* v = std::getenv("SOURCE_DATE_EPOCH")) m_saved = v;
        ::unsetenv("SOURCE_DATE_EPOCH");
    }
    void TearDown() override {
        if (m_saved)
            ::setenv("SOURCE_DATE_EPOCH", m_saved->c_str(), 1);
        else
            ::unsetenv("SOURCE_DATE_EPOCH");
    }
    static void set_epoch(const char* v) { ::setenv("SOURCE_DATE_EPOCH", v, 1); }

    /// The error from_environment() throws for the current variable.
    static Error malformed() {
        try {
            (void)Clock::from_environment();
        } catch (const Error& e) {
            return e;
        }
        return Error(ErrorCode::Internal, "from_environment() did not throw");
    }

private:
    std::optional<std::string> m_saved;
};

TEST_F(ClockTest, FixedTimeIsReturned) {
    auto c = Clock::fixed(1234567890);
    EXPECT_TRUE(c.is_fixed());
    EXPECT_EQ(c.now(), 1234567890);
    EXPECT_EQ(Clock::fixed(-1).now(), -1);
}

TEST_F(ClockTest, WithoutSourceDateEpochUsesSystemTime) {
    auto seconds = [] {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    };
    const auto before = seconds();
    auto c = Clock::from_environment();
    const auto t = c.now();
    const auto after = seconds();
    EXPECT_FALSE(c.is_fixed());
    EXPECT_LE(before, t);
    EXPECT_LE(t, after);
}

TEST_F(ClockTest, SourceDateEpochWins) {
    set_epoch("1700000000");
    auto c = Clock::from_environment();
    EXPECT_TRUE(c.is_fixed());
    EXPECT_EQ(c.now(), 1700000000);
    set_epoch("0");
    EXPECT_EQ(Clock::from_environment().now(), 0);
    set_epoch("0000042");
    EXPECT_EQ(Clock::from_environment().now(), 42);
    set_epoch("253402300799"); // 9999-12-31T23:59:59Z
    EXPECT_EQ(Clock::from_environment().now(), 253402300799);
}

TEST_F(ClockTest, ExplicitTimeWinsOverSourceDateEpoch) {
    set_epoch("1700000000");
    EXPECT_EQ(Clock::fixed(5).now(), 5);
}

TEST_F(ClockTest, MalformedSourceDateEpochIsInvalidParam) {
    for (const char* bad : {"", "12a", " 12", "12 ", "-5", "+5", "1.5", "0x10", "1e9", "abc"}) {
        set_epoch(bad);
        auto e = malformed();
        EXPECT_EQ(e.code(), ErrorCode::InvalidParam) << "'" << bad << "'";
        EXPECT_EQ(e.message(),
                  fmt::format("SOURCE_DATE_EPOCH: '{}' is not a decimal number of seconds", bad));
        EXPECT_EQ(e.context().option, "SOURCE_DATE_EPOCH");
    }
}

TEST_F(ClockTest, OutOfRangeSourceDateEpochIsInvalidParam) {
    set_epoch("99999999999999999999");
    auto e = malformed();
    EXPECT_EQ(e.code(), ErrorCode::InvalidParam);
    EXPECT_EQ(e.message(),
              "SOURCE_DATE_EPOCH: '99999999999999999999' is too large for seconds since 1970");
    EXPECT_EQ(e.context().option, "SOURCE_DATE_EPOCH");
}

} // namespace
} // namespace discwright
