// Docker's and Podman's event streams against fake servers on unix sockets:
// lines as they arrive, in pieces, broken, oversized, and every way a stream
// ends.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "enrich/line_splitter.h"
#include "enrich/runtime_event_json.h"
#include "enrich/runtime_events.h"
#include "fake_http_server.h"

namespace tracker {

void PrintTo(RuntimeEvent::Kind kind, std::ostream* os) {
  *os << to_string(kind);
}

namespace {

using namespace std::chrono_literals;
using test_support::FakeServer;
using test_support::http_response;
using test_support::never_answer;
using test_support::reply_with;
using test_support::send_all;
using test_support::send_chunk;
using test_support::send_stream_head;
using Kind = RuntimeEvent::Kind;

const std::string kId = "3d5d2a2c0bbf7b8a3a4c3c1f0b1e6c1f9b5d7e8a2f4c6d8e0a1b3c5d7e9f1a2b";

std::string docker_line(const std::string& action, const std::string& attributes = "") {
  return R"({"status":")" + action + R"(","id":")" + kId +
         R"(","from":"localhost/tracker-test/busybox:latest","Type":"container","Action":")" +
         action + R"(","Actor":{"ID":")" + kId +
         R"(","Attributes":{"image":"localhost/tracker-test/busybox:latest","name":"web")" +
         attributes + R"(}},"scope":"local","time":1700000000,"timeNano":1700000000123456789})" +
         "\n";
}

struct Followed {
  StreamEnd end;
  std::vector<RuntimeEvent> events;
  std::uint64_t skipped = 0;
};

// follow() until the stream ends, or until `stop_after` events came (then
// cancelled from the callback).
Followed follow(RuntimeEventStream& stream, std::size_t stop_after = SIZE_MAX) {
  Followed result;
  Cancellation cancel;
  result.end = stream.follow(
      [&](RuntimeEvent event) {
        result.events.push_back(std::move(event));
        if (result.events.size() >= stop_after) cancel.cancel();
      },
      cancel);
  result.skipped = stream.skipped;
  return result;
}

std::vector<Kind> kinds(const std::vector<RuntimeEvent>& events) {
  std::vector<Kind> all;
  for (const auto& event : events) all.push_back(event.kind);
  return all;
}

TEST(EventStream, EventsArriveInOrderAsTheyAreSent) {
  FakeServer server([](int fd, const std::string&, const std::atomic<bool>& stopping) {
    if (!send_stream_head(fd)) return;
    auto die = docker_line("die", R"(,"exitCode":"7")");
    for (const auto& piece :
         {docker_line("create"), docker_line("start"), die.substr(0, 40), die.substr(40),
          std::string(R"({"Type":"network","Action":"connect","Actor":{"ID":"n1"}})") + "\n",
          docker_line("destroy")}) {
      if (!send_chunk(fd, piece)) return;
      std::this_thread::sleep_for(20ms);
    }
    while (!stopping) std::this_thread::sleep_for(10ms);
  });
  auto stream = make_docker_event_stream(server.path());
  EXPECT_EQ(stream->runtime(), Runtime::docker);
  EXPECT_EQ(stream->socket_path(), server.path());
  auto followed = follow(*stream, 4);
  EXPECT_EQ(followed.end.why, StreamEnd::Why::cancelled);
  EXPECT_EQ(kinds(followed.events),
            (std::vector<Kind>{Kind::created, Kind::started, Kind::exited, Kind::destroyed}));
  ASSERT_EQ(followed.events.size(), 4u);
  EXPECT_EQ(followed.events[0].info.name, "web");
  EXPECT_EQ(followed.events[2].exit_code, 7);
  EXPECT_EQ(followed.skipped, 0u) << "another type's event is not malformed";
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0],
            "GET /events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D HTTP/1.1");
}

TEST(EventStream, PodmanAsksLibpodsStream) {
  FakeServer server(reply_with(http_response(200, "")));
  auto stream = make_podman_event_stream(server.path());
  EXPECT_EQ(stream->runtime(), Runtime::podman);
  follow(*stream);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(
      server.requests()[0],
      "GET /v4.0.0/libpod/events?stream=true&filters=%7B%22type%22%3A%5B%22container%22%5D%7D "
      "HTTP/1.1");
}

TEST(EventStream, MalformedLinesAreSkippedAndCounted) {
  FakeServer server([](int fd, const std::string&, const std::atomic<bool>&) {
    send_stream_head(fd);
    send_chunk(fd, "not json\n");
    send_chunk(fd, docker_line("create"));
    send_chunk(fd, R"({"Type":"container","Actor":{"ID":"x"}})"
                   "\n");  // no action
    send_chunk(fd, R"({"Type":"container","Action":"start"})"
                   "\r\n\n");  // no id; an empty line is nothing
    send_chunk(fd, "[1,2]\n");
    send_chunk(fd, docker_line("start"));
    send_all(fd, "0\r\n\r\n");  // the end of the body
  });
  auto stream = make_docker_event_stream(server.path());
  auto followed = follow(*stream);
  EXPECT_EQ(kinds(followed.events), (std::vector<Kind>{Kind::created, Kind::started}));
  EXPECT_EQ(followed.skipped, 4u);
  EXPECT_EQ(followed.end.why, StreamEnd::Why::broken) << "a stream that ends is broken";
  EXPECT_NE(followed.end.error.find(server.path()), std::string::npos) << followed.end.error;
}

TEST(EventStream, OversizedLineIsSkippedWithoutBufferingIt) {
  FakeServer server([](int fd, const std::string&, const std::atomic<bool>& stopping) {
    send_stream_head(fd);
    std::string piece(64 * 1024, 'x');
    for (int i = 0; i < 40; ++i) {  // a 2.5 MiB line
      if (!send_chunk(fd, piece)) return;
    }
    send_chunk(fd, "\n" + docker_line("create"));
    while (!stopping) std::this_thread::sleep_for(10ms);
  });
  auto stream = make_docker_event_stream(server.path());
  auto followed = follow(*stream, 1);
  EXPECT_EQ(kinds(followed.events), std::vector<Kind>{Kind::created});
  EXPECT_EQ(followed.skipped, 1u);
}

TEST(EventStream, NotFoundIsUnsupported) {
  FakeServer server(reply_with(http_response(404, R"({"message":"page not found"})")));
  auto followed = follow(*make_podman_event_stream(server.path()));
  EXPECT_EQ(followed.end.why, StreamEnd::Why::unsupported);
  EXPECT_NE(followed.end.error.find(server.path()), std::string::npos) << followed.end.error;
  EXPECT_NE(followed.end.error.find("page not found"), std::string::npos) << followed.end.error;
}

TEST(EventStream, ServerErrorIsBroken) {
  FakeServer server(reply_with(http_response(500, R"({"message":"events backend broken"})")));
  auto followed = follow(*make_podman_event_stream(server.path()));
  EXPECT_EQ(followed.end.why, StreamEnd::Why::broken);
  EXPECT_NE(followed.end.error.find("HTTP 500: events backend broken"), std::string::npos)
      << followed.end.error;
}

TEST(EventStream, EndlessErrorReplyIsCutShort) {
  // A 503 whose body never ends: kept up to a bound, then the stream is broken.
  FakeServer endless([](int fd, const std::string&, const std::atomic<bool>& stopping) {
    send_all(fd, "HTTP/1.1 503 X\r\nTransfer-Encoding: chunked\r\n\r\n");
    std::string piece(64 * 1024, 'e');
    while (!stopping && send_chunk(fd, piece)) {
    }
  });
  auto followed = follow(*make_docker_event_stream(endless.path()));
  EXPECT_EQ(followed.end.why, StreamEnd::Why::broken);
  EXPECT_NE(followed.end.error.find("HTTP 503"), std::string::npos) << followed.end.error;
}

TEST(EventStream, ServerHangingUpIsBroken) {
  FakeServer server([](int fd, const std::string&, const std::atomic<bool>&) {
    send_stream_head(fd);
    send_chunk(fd, docker_line("create"));
    send_chunk(fd, R"({"Type":"container","Action":"st)");  // then gone, mid-line
  });
  auto followed = follow(*make_docker_event_stream(server.path()));
  EXPECT_EQ(kinds(followed.events), std::vector<Kind>{Kind::created});
  EXPECT_EQ(followed.end.why, StreamEnd::Why::broken);
  EXPECT_NE(followed.end.error.find(server.path()), std::string::npos) << followed.end.error;
  EXPECT_EQ(followed.skipped, 0u) << "an unfinished line is not passed on";
}

TEST(EventStream, MissingSocketIsBrokenAndNamed) {
  test_support::TempDir dir;
  auto path = dir.file("docker.sock");
  auto followed = follow(*make_docker_event_stream(path));
  EXPECT_EQ(followed.end.why, StreamEnd::Why::broken);
  EXPECT_NE(followed.end.error.find(path), std::string::npos) << followed.end.error;
  EXPECT_NE(followed.end.error.find("No such file"), std::string::npos) << followed.end.error;
}

// Cancelled while connected and waiting: before the reply's head, and in a
// silent stream. Prints how long follow() took to return.
TEST(EventStream, CancelEndsFollowPromptly) {
  auto silent_stream = [](int fd, const std::string&, const std::atomic<bool>& stopping) {
    send_stream_head(fd);
    while (!stopping) std::this_thread::sleep_for(10ms);
  };
  for (auto handler : {never_answer(), FakeServer::Handler(silent_stream)}) {
    FakeServer server(handler);
    auto stream = make_podman_event_stream(server.path());
    Cancellation cancel;
    auto ended =
        std::async(std::launch::async, [&] { return stream->follow([](RuntimeEvent) {}, cancel); });
    std::this_thread::sleep_for(300ms);
    auto start = std::chrono::steady_clock::now();
    cancel.cancel();
    ASSERT_EQ(ended.wait_for(10s), std::future_status::ready) << "follow() ignores cancel()";
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(ended.get().why, StreamEnd::Why::cancelled);
    std::printf("follow() returned %lld ms after cancel()\n",
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  }
}

// ---- LineSplitter -----------------------------------------------------------

struct SplitCase {
  const char* what;
  std::vector<std::string> pieces;
  std::vector<std::string> lines;
  std::uint64_t oversized = 0;
};

class Splits : public ::testing::TestWithParam<SplitCase> {};

TEST_P(Splits, Lines) {
  const auto& param = GetParam();
  LineSplitter splitter(8);
  std::vector<std::string> lines;
  for (const auto& piece : param.pieces)
    splitter.feed(piece, [&](std::string_view line) { lines.emplace_back(line); });
  EXPECT_EQ(lines, param.lines);
  EXPECT_EQ(splitter.oversized(), param.oversized);
}

INSTANTIATE_TEST_SUITE_P(
    LineSplitter, Splits,
    ::testing::Values(
        SplitCase{"one_piece", {"a\nbb\n"}, {"a", "bb"}},
        SplitCase{"across_pieces", {"ab", "c", "d\ne", "f\n"}, {"abcd", "ef"}},
        SplitCase{"crlf", {"a\r\nb\r", "\n"}, {"a", "b"}},
        SplitCase{"empty_lines_too", {"\n\n"}, {"", ""}},
        SplitCase{"unfinished_is_kept_back", {"a\nbcd"}, {"a"}},
        SplitCase{"exactly_the_bound", {"12345678\n"}, {"12345678"}},
        SplitCase{"over_in_one_piece", {"123456789\nok\n"}, {"ok"}, 1},
        SplitCase{"over_across_pieces", {"12345", "6789", "abcdefgh", "xyz\nok\n"}, {"ok"}, 1},
        SplitCase{"over_then_line_end_later", {"123456789", "\n", "ok\n"}, {"ok"}, 1},
        SplitCase{"two_oversized", {"123456789\n123456789\n"}, {}, 2}),
    [](const auto& info) { return std::string(info.param.what); });

}  // namespace
}  // namespace tracker
