#include "service/pending_checks.h"

#include <fmt/format.h>

namespace tracker {

struct PendingChecks::Counts {
  struct Count {
    std::size_t pending = 0;
    bool refused = false;  // a check was refused since the count was last below the limit
  };
  std::unordered_map<std::string, Count> senders;
  std::unordered_map<uid_t, Count> users;
  Count all;

  void release(const std::string& sender, uid_t uid) {
    auto drop = [](auto& map, const auto& key) {
      auto found = map.find(key);
      if (found == map.end()) return;
      found->second.refused = false;
      if (--found->second.pending == 0) map.erase(found);
    };
    drop(senders, sender);
    drop(users, uid);
    --all.pending;
    all.refused = false;
  }
};

class PendingChecks::Ticket {
 public:
  Ticket(std::shared_ptr<Counts> counts, std::string sender, uid_t uid)
      : counts_(std::move(counts)), sender_(std::move(sender)), uid_(uid) {}
  ~Ticket() { counts_->release(sender_, uid_); }
  Ticket(const Ticket&) = delete;
  Ticket& operator=(const Ticket&) = delete;

 private:
  std::shared_ptr<Counts> counts_;
  std::string sender_;
  uid_t uid_;
};

PendingChecks::PendingChecks(CheckLimits limits)
    : limits_(limits), counts_(std::make_shared<Counts>()) {}

PendingChecks::~PendingChecks() = default;

PendingChecks::Admission PendingChecks::admit(const std::string& sender, uid_t uid) {
  auto refuse = [](Counts::Count& count, std::string why) {
    Admission refused;
    refused.refusal = std::move(why);
    refused.first_refusal = !count.refused;
    count.refused = true;
    return refused;
  };
  auto sender_count = counts_->senders.find(sender);
  if (sender_count != counts_->senders.end() && sender_count->second.pending >= limits_.per_sender)
    return refuse(sender_count->second,
                  fmt::format("{} already has {} authorization checks waiting for polkit; try "
                              "again once they are answered",
                              sender, limits_.per_sender));
  auto user_count = counts_->users.find(uid);
  if (user_count != counts_->users.end() && user_count->second.pending >= limits_.per_user)
    return refuse(user_count->second,
                  fmt::format("uid {} already has {} authorization checks waiting for polkit; "
                              "try again once they are answered",
                              uid, limits_.per_user));
  if (counts_->all.pending >= limits_.total)
    return refuse(counts_->all, fmt::format("{} authorization checks are waiting for polkit "
                                            "already; try again once they are answered",
                                            limits_.total));
  auto& by_sender = counts_->senders[sender];
  auto& by_user = counts_->users[uid];
  ++by_sender.pending;
  ++by_user.pending;
  ++counts_->all.pending;
  Admission admitted;
  admitted.ticket = std::make_shared<Ticket>(counts_, sender, uid);
  return admitted;
}

std::size_t PendingChecks::total() const {
  return counts_->all.pending;
}

std::size_t PendingChecks::of_sender(const std::string& sender) const {
  auto found = counts_->senders.find(sender);
  return found == counts_->senders.end() ? 0 : found->second.pending;
}

}  // namespace tracker
