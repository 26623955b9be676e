#pragma once

// What the D-Bus service tests share: a private dbus-daemon, the service on an
// event loop thread of its own over FakeBackend, a fake polkit, a recorder of
// signals, and child processes (trackerctl).

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "service/bus_driver.h"
#include "service/dbus_service.h"
#include "tests/unit/service_fake_backend.h"
#include "util/event_loop.h"

namespace tracker::testing {

using namespace std::chrono_literals;

// dbus-daemon with a configuration of its own (everyone may own and call
// anything), started for one test and stopped by PID.
class PrivateBus {
 public:
  PrivateBus();
  ~PrivateBus();
  PrivateBus(const PrivateBus&) = delete;
  PrivateBus& operator=(const PrivateBus&) = delete;
  const std::string& address() const { return address_; }  // "" if it did not start
  const std::string& error() const { return error_; }
  // The address without the server's guid: it stays valid across restart().
  std::string socket_address() const { return "unix:path=" + dir_ + "/bus"; }
  // SIGKILL, as a crashed bus daemon; every connection is cut.
  void crash();
  // A new bus daemon at the same socket; false (see error()) if it did not start.
  bool restart();

 private:
  void launch();
  void stop(int signal);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string dir_;
  std::string address_;
  std::string error_;
};

// An EventLoop on a thread of its own; post() runs work there and waits.
class LoopThread {
 public:
  // `setup` and `teardown` run on the loop thread, before and after the loop.
  LoopThread(std::function<void(EventLoop&)> setup, std::function<void()> teardown);
  ~LoopThread();
  void post(const std::function<void()>& work);

 private:
  void drain();

  EventLoop* loop_ = nullptr;
  int wake_fd_ = -1;
  std::mutex mutex_;
  std::vector<std::function<void()>> queue_;
  std::thread thread_;
};

// DbusService over a FakeBackend (filled with fill_sample unless `setup`
// says otherwise), serving on its own loop thread.
class ServiceHarness {
 public:
  ServiceHarness(const std::string& address, AuthorizerOptions authorization,
                 const std::function<void(FakeBackend&)>& setup = fill_sample,
                 std::size_t max_reply_bytes = DbusServiceOptions{}.max_reply_bytes);
  ~ServiceHarness();
  const std::string& start_error() const { return start_error_; }
  // Runs `work` on the service's loop thread and waits for it.
  void run(const std::function<void(FakeBackend&, DbusService&)>& work);

 private:
  FakeBackend backend_;
  std::unique_ptr<DbusService> service_;
  std::string start_error_;
  std::unique_ptr<LoopThread> thread_;
};

// org.freedesktop.PolicyKit1 on the bus: answers CheckAuthorization as told,
// after `delay`, and records what it was asked. Checks of a subject named in
// never_answer() are recorded and never answered, as by an agent that waits
// for a password no one types.
class FakePolkit {
 public:
  struct Request {
    std::string subject_kind;
    std::string subject_name;
    std::string action;
    uint32_t flags = 0;
  };
  struct Decision {
    bool authorized = false;
    bool challenge = false;
  };

  explicit FakePolkit(const std::string& address);
  ~FakePolkit();
  bool ready() const { return ready_; }
  void decide(const std::string& action, Decision decision);
  void delay(std::chrono::milliseconds delay);
  void never_answer(const std::string& subject_name);
  std::vector<Request> requests();

 private:
  void serve(sdbus::MethodCall call);

  std::mutex mutex_;
  std::map<std::string, Decision> decisions_;
  std::chrono::milliseconds delay_{0};
  std::set<std::string> unanswered_subjects_;
  std::vector<Request> requests_;
  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<sdbus::IObject> object_;
  std::unique_ptr<BusDriver> driver_;
  EventLoop* loop_ = nullptr;
  std::vector<int> timers_;
  bool ready_ = false;
  std::unique_ptr<LoopThread> thread_;
};

// Every signal the service sends, decoded enough to check.
struct RecordedSignal {
  std::string interface;
  std::string member;
  std::string path;
  std::string arg0;  // id (Container*), object path (InterfacesAdded/Removed), interface
                     // (PropertiesChanged)
  std::string arg1;  // object path (Container*)
  std::vector<std::string>
      names;  // interfaces (InterfacesAdded/Removed), properties (PropertiesChanged)
  std::map<std::string, sdbus::Variant>
      values;  // PropertiesChanged values, InterfacesAdded Container properties
  std::vector<std::string> invalidated;  // PropertiesChanged
  int32_t exit_code = 0;                 // ContainerExited
  int32_t exit_signal = 0;
  bool oom_killed = false;
};

class SignalRecorder {
 public:
  explicit SignalRecorder(const std::string& address);
  ~SignalRecorder();
  // The first signal matching, waiting up to `timeout`.
  std::optional<RecordedSignal> wait_for(const std::function<bool(const RecordedSignal&)>& match,
                                         std::chrono::milliseconds timeout = 5s);
  std::vector<RecordedSignal> all();

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<RecordedSignal> signals_;
  std::unique_ptr<sdbus::IConnection> connection_;
  sdbus::Slot match_;
};

// A client connection; calls block the test thread, not the service.
std::unique_ptr<sdbus::IConnection> client_connection(const std::string& address);
std::unique_ptr<sdbus::IProxy> manager_proxy(sdbus::IConnection& connection);

// A finished child process.
struct ProcessResult {
  int status = -1;  // exit status; -1 when it did not exit normally in time
  std::string out;
  std::string err;
};
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::string>& env = {},
                          std::chrono::milliseconds timeout = 20s);

// A child process whose stdout and stderr are read line by line as they come.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  ~ChildProcess();
  // Waits for a line of stdout (or of stderr) containing `text`.
  std::optional<std::string> wait_for_line(const std::string& text, bool on_stderr = false,
                                           std::chrono::milliseconds timeout = 10s);
  std::vector<std::string> lines() const { return out_lines_; }
  // Sends `signal`, returns the exit status (-1 if it did not exit normally).
  int stop(int signal);

 private:
  void pump(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_partial_, err_partial_;
  std::vector<std::string> out_lines_, err_lines_;
};

std::string trackerctl_path();

}  // namespace tracker::testing
