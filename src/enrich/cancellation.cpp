#include "enrich/cancellation.h"

#include <utility>

namespace tracker {

Cancellation::Hook::Hook(Hook&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), id_(other.id_) {}

Cancellation::Hook& Cancellation::Hook::operator=(Hook&& other) noexcept {
  if (this != &other) {
    if (owner_) owner_->forget(id_);
    owner_ = std::exchange(other.owner_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

Cancellation::Hook::~Hook() {
  if (owner_) owner_->forget(id_);
}

Cancellation::Hook Cancellation::on_cancel(std::function<void()> abort) {
  std::lock_guard lock(mutex_);
  if (cancelled()) {
    abort();
    return {};
  }
  auto id = next_id_++;
  hooks_.emplace(id, std::move(abort));
  return {this, id};
}

void Cancellation::cancel() {
  // Under the lock, so that no hook's call is destroyed while it is aborted.
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  for (auto& [id, abort] : hooks_) abort();
  hooks_.clear();
}

void Cancellation::forget(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  hooks_.erase(id);
}

}  // namespace tracker
