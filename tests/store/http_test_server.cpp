#include "http_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace ls::test {

namespace {

int bound_socket(int* port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("bind() failed");
    }
    *port = ntohs(addr.sin_port);
    return fd;
}

void send_all(int fd, const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        const ssize_t sent = ::send(fd, p, n, MSG_NOSIGNAL);
        if (sent <= 0) return;  // the client went away: nothing more to do
        p += sent;
        n -= static_cast<size_t>(sent);
    }
}

std::string read_request(int fd) {
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) break;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
    }
    return request;
}

std::string header_value(const std::string& request, const std::string& name) {
    const auto at = request.find("\r\n" + name + ": ");
    if (at == std::string::npos) return {};
    const auto begin = at + name.size() + 4;
    return request.substr(begin, request.find("\r\n", begin) - begin);
}

}  // namespace

int closed_port() {
    int port = 0;
    ::close(bound_socket(&port));
    return port;
}

HttpTestServer::HttpTestServer(std::vector<uint8_t> body)
    : body_(std::make_shared<const std::vector<uint8_t>>(std::move(body))) {
    listener_ = bound_socket(&port_);
    if (::listen(listener_, 8) != 0) throw std::runtime_error("listen() failed");
    thread_ = std::thread([this] { serve(); });
}

HttpTestServer::~HttpTestServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
}

std::string HttpTestServer::url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/model.pt";
}

void HttpTestServer::set_body(std::vector<uint8_t> body, const std::string& etag) {
    std::lock_guard<std::mutex> lock(mutex_);
    body_ = std::make_shared<const std::vector<uint8_t>>(std::move(body));
    etag_ = etag;
}

std::vector<std::string> HttpTestServer::ranges_seen() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return ranges_;
}

void HttpTestServer::serve() {
    while (!stop_) {
        pollfd p{listener_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        answer(fd);
        ::close(fd);
    }
}

void HttpTestServer::answer(int fd) {
    const std::string request = read_request(fd);
    std::string range = header_value(request, "Range");
    std::shared_ptr<const std::vector<uint8_t>> body;
    std::string etag;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ranges_.push_back(range);
        body = body_;
        etag = etag_;
    }
    // If-Range naming another version: the Range is ignored and the whole file is sent.
    const std::string if_range = header_value(request, "If-Range");
    if (!if_range.empty() && if_range != etag) range.clear();
    const Mode mode = mode_;
    const uint64_t size = body->size();
    if (mode == Mode::NotFound) {
        const std::string h =
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        return send_all(fd, h.data(), h.size());
    }
    unsigned long long from = 0;
    const bool ranged = mode != Mode::IgnoreRange && !range.empty() &&
                        std::sscanf(range.c_str(), "bytes=%llu-", &from) == 1;
    std::string h;
    if (ranged && from >= size) {
        h = "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */" + std::to_string(size) +
            "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        return send_all(fd, h.data(), h.size());
    }
    if (!ranged) from = 0;
    const uint64_t count = size - from;
    h = ranged ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + std::to_string(from) +
                     "-" + std::to_string(size - 1) + "/" + std::to_string(size) + "\r\n"
               : "HTTP/1.1 200 OK\r\n";
    if (!etag.empty()) h += "ETag: " + etag + "\r\n";
    h += "Content-Length: " + std::to_string(count) +
         "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
    send_all(fd, h.data(), h.size());
    // DropHalf: the promised length, then only half of it, then the connection closes.
    const bool half = mode == Mode::DropHalf || mode == Mode::Stall;
    send_all(fd, body->data() + from, static_cast<size_t>(half ? count / 2 : count));
    for (int i = 0; mode == Mode::Stall && i < 200 && !stop_; ++i) ::usleep(50000);
}

}  // namespace ls::test
