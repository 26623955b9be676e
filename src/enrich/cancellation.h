#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace tracker {

// Lets the loop thread abort the calls a client has in flight on its worker
// threads (when enrichment is turned off or reconfigured), instead of
// waiting for their deadlines.
class Cancellation {
 public:
  // While it lives, cancel() runs `abort` (at once if cancelled already).
  class Hook {
   public:
    Hook() = default;
    Hook(Hook&& other) noexcept;
    Hook& operator=(Hook&& other) noexcept;
    ~Hook();

   private:
    friend class Cancellation;
    Hook(Cancellation* owner, std::uint64_t id) : owner_(owner), id_(id) {}
    Cancellation* owner_ = nullptr;
    std::uint64_t id_ = 0;
  };

  Hook on_cancel(std::function<void()> abort);
  void cancel();
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  void forget(std::uint64_t id);

  std::atomic<bool> cancelled_{false};
  std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::function<void()>> hooks_;
};

}  // namespace tracker
