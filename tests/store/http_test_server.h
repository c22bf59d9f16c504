// A tiny HTTP/1.1 server on 127.0.0.1 for the download tests: it serves one body and can
// honour or ignore Range requests, drop the connection half-way, or answer 404. Python's
// http.server knows neither Range nor dropped connections, hence this.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
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
    // Serves another file from now on; a non-empty `etag` is sent as ETag and honoured in
    // If-Range (a resume of another version gets the whole new file, as RFC 9110 says).
    void set_body(std::vector<uint8_t> body, const std::string& etag);
    void set_mode(Mode mode) { mode_ = mode; }
    // The Range header of each request so far ("" for none).
    std::vector<std::string> ranges_seen() const;

  private:
    void serve();
    void answer(int fd);

    std::shared_ptr<const std::vector<uint8_t>> body_;
    std::string etag_;
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
