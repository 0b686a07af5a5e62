#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "device/exclusive_access.h"
#include "support/expect_error.h"
#include "support/scoped_env.h"
#include "support/temp_tree.h"

namespace discwright::device {
namespace {

/// Every test gets its own lock folder through DISCWRIGHT_LOCK_DIR.
class ExclusiveAccessTest : public ::testing::Test {
protected:
    test::TempDir m_dir;
    test::ScopedEnv m_locks{"DISCWRIGHT_LOCK_DIR", (m_dir / "locks").string()};
};

/// What the holding child does after it has reported the lock taken.
enum class ChildEnd { ReleaseOnRequest, CrashOnRequest };

/// A child process that takes the lock of `id` as `name`, says so through a pipe, and waits
/// for the parent's word before it releases the lock or dies holding it.
class HoldingChild {
public:
    HoldingChild(const std::string& id, const std::string& name, ChildEnd end) {
        int up[2], down[2];
        if (pipe(up) != 0 || pipe(down) != 0) ADD_FAILURE() << "pipe";
        m_pid = fork();
        if (m_pid == 0) {
            close(up[0]);
            close(down[1]);
            char ok = 1;
            {
                ExclusiveAccess access(id);
                try {
                    access.acquire(ExclusiveAccessMode::Polite, name);
                } catch (...) {
                    ok = 0;
                }
                if (write(up[1], &ok, 1) != 1) _exit(3);
                char go = 0;
                if (read(down[0], &go, 1) != 1) _exit(4);
                if (end == ChildEnd::CrashOnRequest) _exit(0); // the destructor never runs
                access.release();
            }
            _exit(ok ? 0 : 2);
        }
        close(up[1]);
        close(down[0]);
        m_up = up[0];
        m_down = down[1];
        char ok = 0;
        m_holding = read(m_up, &ok, 1) == 1 && ok == 1;
    }
    /// Lets the child finish and waits for it; its exit status.
    int finish() {
        const char go = 1;
        if (write(m_down, &go, 1) != 1) ADD_FAILURE() << "write to child";
        int status = 0;
        waitpid(m_pid, &status, 0);
        close(m_up);
        close(m_down);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    [[nodiscard]] bool holding() const { return m_holding; }
    [[nodiscard]] pid_t pid() const { return m_pid; }

private:
    pid_t m_pid = -1;
    int m_up = -1;
    int m_down = -1;
    bool m_holding = false;
};

TEST(ClientName, FollowsTheRules) {
    validate_client_name("discwright-cli_1.0");
    validate_client_name(std::string(64, 'a'));
    for (std::string bad : {std::string(), std::string(65, 'a'), std::string("has space"),
                            std::string("a/b"), std::string("caf\xc3\xa9")}) {
        const Error e =
            test::expect_error(ErrorCode::ClientNameIsNotValid, [&] { validate_client_name(bad); });
        EXPECT_NE(e.message().find("client name"), std::string::npos) << e.message();
    }
}

TEST_F(ExclusiveAccessTest, LockIsCountedWithinTheHolder) {
    const std::string id = "virtual:/srv/d1";
    ExclusiveAccess access(id);
    EXPECT_EQ(ExclusiveAccess::owner(id), std::nullopt);
    access.acquire(ExclusiveAccessMode::Polite, "burner");
    access.acquire(ExclusiveAccessMode::Polite, "burner");
    EXPECT_EQ(access.lock_count(), 2u);
    EXPECT_EQ(ExclusiveAccess::owner(id), "burner");
    access.release();
    EXPECT_EQ(ExclusiveAccess::owner(id), "burner");
    access.release();
    EXPECT_EQ(access.lock_count(), 0u);
    EXPECT_EQ(ExclusiveAccess::owner(id), std::nullopt);
    test::expect_error(ErrorCode::InvalidParam, [&] { access.release(); });
}

TEST_F(ExclusiveAccessTest, SecondHolderInTheSameProcessIsRefused) {
    const std::string id = "virtual:/srv/d1";
    ExclusiveAccess first(id);
    ExclusiveAccess second(id);
    first.acquire(ExclusiveAccessMode::Polite, "alpha");
    const Error e = test::expect_error(ErrorCode::RecorderLocked,
                                       [&] { second.acquire(ExclusiveAccessMode::Force, "beta"); });
    EXPECT_EQ(e.context().owner, "alpha");
    EXPECT_EQ(e.context().drive, id);
    EXPECT_NE(e.message().find(fmt::format("'alpha' (pid {})", getpid())), std::string::npos)
        << e.message();
    EXPECT_EQ(second.lock_count(), 0u);
    first.release();
    second.acquire(ExclusiveAccessMode::Polite, "beta");
    EXPECT_EQ(ExclusiveAccess::owner(id), "beta");
}

TEST_F(ExclusiveAccessTest, DestructorReleasesEveryCount) {
    const std::string id = "file:/tmp/stick.img";
    {
        ExclusiveAccess access(id);
        access.acquire(ExclusiveAccessMode::Polite, "a");
        access.acquire(ExclusiveAccessMode::Polite, "a");
    }
    EXPECT_EQ(ExclusiveAccess::owner(id), std::nullopt);
    ExclusiveAccess again(id);
    again.acquire(ExclusiveAccessMode::Polite, "b");
}

TEST_F(ExclusiveAccessTest, DifferentDrivesDoNotConflict) {
    ExclusiveAccess a("virtual:/srv/a");
    ExclusiveAccess b("virtual:/srv/b");
    a.acquire(ExclusiveAccessMode::Polite, "one");
    b.acquire(ExclusiveAccessMode::Polite, "two");
    EXPECT_EQ(ExclusiveAccess::owner("virtual:/srv/a"), "one");
    EXPECT_EQ(ExclusiveAccess::owner("virtual:/srv/b"), "two");
}

TEST_F(ExclusiveAccessTest, AnotherProcessIsRefusedWithTheHoldersName) {
    const std::string id = "iscsi://host:3260/iqn.2020-01.x:y/0";
    HoldingChild child(id, "child-burner", ChildEnd::ReleaseOnRequest);
    ASSERT_TRUE(child.holding());
    EXPECT_EQ(ExclusiveAccess::owner(id), "child-burner");
    ExclusiveAccess mine(id);
    const Error e = test::expect_error(ErrorCode::RecorderLocked,
                                       [&] { mine.acquire(ExclusiveAccessMode::Force, "parent"); });
    EXPECT_EQ(e.context().owner, "child-burner");
    EXPECT_NE(e.message().find(fmt::format("(pid {})", child.pid())), std::string::npos)
        << e.message();
    EXPECT_EQ(child.finish(), 0);
    EXPECT_EQ(ExclusiveAccess::owner(id), std::nullopt);
    mine.acquire(ExclusiveAccessMode::Polite, "parent");
    EXPECT_EQ(ExclusiveAccess::owner(id), "parent");
}

TEST_F(ExclusiveAccessTest, CrashedHolderFreesTheDrive) {
    const std::string id = "virtual:/srv/crash";
    HoldingChild child(id, "doomed", ChildEnd::CrashOnRequest);
    ASSERT_TRUE(child.holding());
    EXPECT_EQ(ExclusiveAccess::owner(id), "doomed");
    EXPECT_EQ(child.finish(), 0);
    // The file still names the dead holder; the kernel dropped its flock, so nobody owns it.
    EXPECT_EQ(ExclusiveAccess::owner(id), std::nullopt);
    ExclusiveAccess mine(id);
    mine.acquire(ExclusiveAccessMode::Polite, "survivor");
    EXPECT_EQ(ExclusiveAccess::owner(id), "survivor");
}

TEST_F(ExclusiveAccessTest, BadNameIsRefusedBeforeLocking) {
    ExclusiveAccess access("virtual:/srv/d1");
    test::expect_error(ErrorCode::ClientNameIsNotValid,
                       [&] { access.acquire(ExclusiveAccessMode::Polite, "no spaces"); });
    EXPECT_EQ(access.lock_count(), 0u);
    EXPECT_EQ(ExclusiveAccess::owner("virtual:/srv/d1"), std::nullopt);
}

TEST_F(ExclusiveAccessTest, MissingDeviceNodeLeavesNothingLocked) {
    const std::string id = "udev:pci-0000:00:1f.2-ata-9";
    ExclusiveAccess access(id, m_dir / "no-such-node");
    test::expect_error(ErrorCode::RecorderNotFound,
                       [&] { access.acquire(ExclusiveAccessMode::Polite, "burner"); });
    EXPECT_EQ(access.lock_count(), 0u);
    EXPECT_EQ(ExclusiveAccess::owner(id), std::nullopt);
}

TEST_F(ExclusiveAccessTest, LockFileNamesAreDistinctAndSafe) {
    const auto a = ExclusiveAccess::lock_path("virtual:/a/b");
    const auto b = ExclusiveAccess::lock_path("virtual:/a_b");
    EXPECT_NE(a, b);
    EXPECT_EQ(a.parent_path(), m_dir / "locks");
    EXPECT_EQ(a.filename(), "virtual_3A_2Fa_2Fb.lock");
    const auto long_a = ExclusiveAccess::lock_path("virtual:/" + std::string(300, 'x') + "1");
    const auto long_b = ExclusiveAccess::lock_path("virtual:/" + std::string(300, 'x') + "2");
    EXPECT_NE(long_a, long_b);
    EXPECT_LT(long_a.filename().string().size(), 255u);
}

TEST(MountInfo, FindsTheMountPointOfADevice) {
    const std::string text =
        "22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
        "36 22 11:0 / /media/ann/My\\040Disc rw,nosuid shared:5 - iso9660 /dev/sr0 ro\n"
        "37 22 0:5 / /dev rw - devtmpfs udev rw\n";
    EXPECT_EQ(find_mount_point(text, 11, 0), "/media/ann/My Disc");
    EXPECT_EQ(find_mount_point(text, 253, 1), "/");
    EXPECT_EQ(find_mount_point(text, 11, 1), std::nullopt);
    EXPECT_EQ(find_mount_point("", 11, 0), std::nullopt);
    EXPECT_EQ(find_mount_point("garbage\n1 2\n", 11, 0), std::nullopt);
}

} // namespace
} // namespace discwright::device
