#pragma once
// Cancellation: a long operation takes a CancellationToken and stops at its next safe point,
// throwing Error(RequestCancelled). A CancellationSource hands out tokens and cancels them;
// cancel() is safe from any thread, including from inside a progress callback.

#include <atomic>
#include <memory>

namespace discwright {

class CancellationToken {
public:
    /// A token that is never cancelled.
    CancellationToken() = default;
    [[nodiscard]] bool cancelled() const {
        return m_flag && m_flag->load(std::memory_order_relaxed);
    }
    /// Throws Error(RequestCancelled) if cancelled.
    void throw_if_cancelled() const;

private:
    friend class CancellationSource;
    explicit CancellationToken(std::shared_ptr<std::atomic<bool>> f) : m_flag(std::move(f)) {}
    std::shared_ptr<std::atomic<bool>> m_flag;
};

class CancellationSource {
public:
    CancellationSource() : m_flag(std::make_shared<std::atomic<bool>>(false)) {}
    void cancel() { m_flag->store(true); }
    [[nodiscard]] bool cancelled() const { return m_flag->load(); }
    [[nodiscard]] CancellationToken token() const { return CancellationToken(m_flag); }

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

} // namespace discwright
