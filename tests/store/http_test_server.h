// A tiny HTTP/1.1 server on 127.0.0.1 for the download tests: it serves one body and can
// honour or ignore Range requests, drop the connection half-way, or answer 404. Python's
// http.server knows neither Range nor dropped connections, hence this.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ls::test {

class HttpTestServer {
  public:
    // Stall: half of the body, then nothing for up to 10 s (a connection that hangs).
    enum class Mode { Normal, DropHalf, IgnoreRange, NotFound, Stall };

    explicit HttpTestServer(std::vector<uint8_t> body);
    ~HttpTestServer();
    HttpTestServer(const HttpTestServer&) = delete;
    HttpTestServer& operator=(const HttpTestServer&) = delete;

    std::string url() const;
    void set_mode(Mode mode) { mode_ = mode; }
    // The Range header of each request so far ("" for none).
    std::vector<std::string> ranges_seen() const;

  private:
    void serve();
    void answer(int fd);
    void send_body(int fd, uint64_t from, uint64_t count);

    std::vector<uint8_t> body_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<Mode> mode_{Mode::Normal};
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> ranges_;
    std::thread thread_;
};

// A port on 127.0.0.1 where nothing listens (bound, then closed).
int closed_port();

}  // namespace ls::test
