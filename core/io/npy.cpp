// NumPy .npy files, and the whole-file reads and atomic writes the readers share.
//
// Format: "\x93NUMPY", major, minor, header length (uint16 in 1.0, uint32 in 2.0 and 3.0),
// then a Python dict literal such as
//     {'descr': '<f4', 'fortran_order': False, 'shape': (4, 64), }
// padded with spaces and ended by '\n', then the raw elements.
#include "io/npy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <random>
#include <string_view>

#include "io/internal.h"

namespace ls::io {
namespace {

using detail::printable;

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

[[noreturn]] void fail(const std::string& what) {
    throw FormatError(what);
}

// ----- header ---------------------------------------------------------------------------

struct Header {
    std::string descr;
    bool fortran_order = false;
    std::vector<int64_t> shape;
};

// A strict parser for exactly the dict literal that NumPy writes.
class HeaderParser {
  public:
    explicit HeaderParser(std::string_view text) : text_(text) {}

    Header parse() {
        Header h;
        bool seen[3] = {false, false, false};
        expect('{');
        while (!eat('}')) {
            const std::string key = string_literal();
            expect(':');
            if (key == "descr" && !seen[0]) {
                if (peek() == '[') bad("structured dtypes are not supported");
                h.descr = string_literal();
                seen[0] = true;
            } else if (key == "fortran_order" && !seen[1]) {
                h.fortran_order = boolean();
                seen[1] = true;
            } else if (key == "shape" && !seen[2]) {
                h.shape = shape_tuple();
                seen[2] = true;
            } else {
                bad("unexpected or repeated key '" + printable(key, 40) + "'");
            }
            if (!eat(',')) {
                expect('}');
                break;
            }
        }
        skip_space();
        if (pos_ != text_.size()) bad("text after the closing brace");
        if (!seen[0] || !seen[1] || !seen[2]) bad("a key is missing");
        return h;
    }

  private:
    [[noreturn]] void bad(const std::string& why) const {
        fail("bad .npy header (" + why + "): " + printable(text_, 100));
    }
    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    }
    char peek() {
        skip_space();
        return pos_ < text_.size() ? text_[pos_] : '\0';
    }
    bool eat(char c) {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }
    void expect(char c) {
        if (!eat(c)) bad(std::string("expected '") + c + "'");
    }
    std::string string_literal() {
        const char quote = peek();
        if (quote != '\'' && quote != '"') bad("expected a string");
        const size_t end = text_.find(quote, ++pos_);
        if (end == std::string_view::npos) bad("unterminated string");
        std::string s(text_.substr(pos_, end - pos_));
        if (s.find('\\') != std::string::npos) bad("escapes in a string");
        pos_ = end + 1;
        return s;
    }
    bool boolean() {
        skip_space();
        for (auto [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
            const std::string_view w = word;
            if (text_.substr(pos_, w.size()) == w) {
                pos_ += w.size();
                return value;
            }
        }
        bad("expected True or False");
    }
    std::vector<int64_t> shape_tuple() {
        std::vector<int64_t> shape;
        expect('(');
        while (!eat(')')) {
            skip_space();
            int64_t v = -1;
            const char* begin = text_.data() + pos_;
            auto [end, ec] = std::from_chars(begin, text_.data() + text_.size(), v);
            if (ec != std::errc() || v < 0) bad("bad dimension");
            pos_ += static_cast<size_t>(end - begin);
            if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2's long
            shape.push_back(v);
            if (shape.size() > 64) bad("too many dimensions");
            if (!eat(',')) {
                expect(')');
                break;
            }
        }
        return shape;
    }

    std::string_view text_;
    size_t pos_ = 0;
};

// ----- elements ---------------------------------------------------------------------------

template <typename T>
void convert(const uint8_t* src, size_t n, bool swap, float* out) {
    for (size_t i = 0; i < n; ++i) {
        uint8_t raw[sizeof(T)];
        std::memcpy(raw, src + i * sizeof(T), sizeof(T));
        if (swap) detail::swap_byte_order(raw, sizeof(T), sizeof(T));
        T v;
        std::memcpy(&v, raw, sizeof(T));
        out[i] = static_cast<float>(v);
    }
}

void convert_half(const uint8_t* src, size_t n, bool swap, float* out) {
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* p = src + 2 * i;
        const uint16_t bits = swap ? static_cast<uint16_t>(p[0] << 8 | p[1])
                                   : static_cast<uint16_t>(p[1] << 8 | p[0]);
        out[i] = detail::half_to_float(bits);
    }
}

void convert_elements(const detail::NumpyDescr& d, const uint8_t* src, size_t n, float* out) {
    const bool swap = d.big_endian;
    switch (d.kind) {
        case 'f':
            if (d.size == 2) return convert_half(src, n, swap, out);
            if (d.size == 4) return convert<float>(src, n, swap, out);
            return convert<double>(src, n, swap, out);
        case 'i':
            if (d.size == 1) return convert<int8_t>(src, n, swap, out);
            if (d.size == 2) return convert<int16_t>(src, n, swap, out);
            if (d.size == 4) return convert<int32_t>(src, n, swap, out);
            return convert<int64_t>(src, n, swap, out);
        case 'u':
            if (d.size == 1) return convert<uint8_t>(src, n, swap, out);
            if (d.size == 2) return convert<uint16_t>(src, n, swap, out);
            if (d.size == 4) return convert<uint32_t>(src, n, swap, out);
            return convert<uint64_t>(src, n, swap, out);
        case 'b':
            for (size_t i = 0; i < n; ++i) out[i] = src[i] != 0 ? 1.0f : 0.0f;
            return;
    }
}

// Column-major elements to row-major.
std::vector<float> fortran_to_c(const std::vector<float>& f, const std::vector<int64_t>& shape) {
    const size_t ndim = shape.size();
    std::vector<int64_t> strides(ndim);
    int64_t stride = 1;
    for (size_t d = 0; d < ndim; ++d) {
        strides[d] = stride;
        stride *= shape[d];
    }
    std::vector<float> c(f.size());
    std::vector<int64_t> index(ndim, 0);
    int64_t src = 0;
    for (size_t out = 0; out < c.size(); ++out) {
        c[out] = f[static_cast<size_t>(src)];
        for (size_t d = ndim; d-- > 0;) {
            src += strides[d];
            if (++index[d] < shape[d]) break;
            src -= strides[d] * shape[d];
            index[d] = 0;
        }
    }
    return c;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "(";
    for (size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

// ----- files ------------------------------------------------------------------------------

[[noreturn]] void fail_errno(const std::string& prefix, int error) {
    switch (error) {
        case ENOENT:
        case ENOTDIR:
            fail(prefix + "no such file");
        case EACCES:
        case EPERM:
            fail(prefix + "permission denied");
        case EISDIR:
            fail(prefix + "it is a directory");
        default:
            fail(prefix + std::strerror(error));
    }
}

class FileHandle {
  public:
    explicit FileHandle(int fd) : fd_(fd) {}
    ~FileHandle() {
        if (fd_ >= 0) ::close(fd_);
    }
    FileHandle(const FileHandle&) = delete;
    FileHandle& operator=(const FileHandle&) = delete;
    int get() const { return fd_; }
    int release() {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

  private:
    int fd_;
};

// Opens a file for reading and checks that it is not a directory.
int open_for_reading(const std::string& path, struct stat* st) {
    const std::string prefix = "cannot read " + detail::quoted_path(path) + ": ";
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail_errno(prefix, errno);
    FileHandle handle(fd);
    if (::fstat(fd, st) != 0) fail_errno(prefix, errno);
    if (S_ISDIR(st->st_mode)) fail(prefix + "it is a directory");
    return handle.release();
}

// Reads up to `limit` bytes; returns how many were read before the end of the file.
size_t read_up_to(int fd, uint8_t* out, size_t limit, const std::string& path) {
    size_t done = 0;
    while (done < limit) {
        const ssize_t n = ::read(fd, out + done, limit - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail_errno("cannot read " + detail::quoted_path(path) + ": ", errno);
        if (n == 0) break;
        done += static_cast<size_t>(n);
    }
    return done;
}

std::string parent_folder(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string temporary_name(const std::string& path) {
    static const char hex[] = "0123456789abcdef";
    std::random_device device;
    std::string name = path + ".tmp-" + std::to_string(::getpid()) + "-";
    for (int k = 0; k < 4; ++k) {
        const unsigned r = device();
        for (int b = 0; b < 4; ++b) name += hex[(r >> (4 * b)) & 15];
    }
    return name;
}

void write_all(int fd, const std::vector<uint8_t>& bytes, const std::string& prefix) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail(prefix + std::strerror(n < 0 ? errno : EIO));
        done += static_cast<size_t>(n);
    }
}

}  // namespace

// ----- .npy -------------------------------------------------------------------------------

NpyArray parse_npy(const std::vector<uint8_t>& bytes) {
    const size_t n = bytes.size();
    if (n == 0) fail("the file is empty");
    if (n < kMagicSize + 2 || std::memcmp(bytes.data(), kMagic, kMagicSize) != 0)
        fail("not a .npy file (the magic string is missing)");
    const int major = bytes[6];
    const int minor = bytes[7];
    if ((major != 1 && major != 2 && major != 3) || minor != 0)
        fail("unsupported .npy format version " + std::to_string(major) + "." +
             std::to_string(minor));
    const size_t len_size = major == 1 ? 2 : 4;
    if (n < 8 + len_size) fail("truncated .npy header");
    uint64_t header_len = 0;
    for (size_t k = 0; k < len_size; ++k) header_len |= uint64_t{bytes[8 + k]} << (8 * k);
    const size_t start = 8 + len_size;
    if (header_len > n - start) fail("truncated .npy header");
    std::string_view text(reinterpret_cast<const char*>(bytes.data() + start), header_len);
    if (text.empty() || text.back() != '\n') fail("bad .npy header (it does not end a line)");
    text.remove_suffix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    const Header header = HeaderParser(text).parse();
    const detail::NumpyDescr descr = detail::parse_numpy_descr(header.descr);

    std::optional<int64_t> numel = 1;
    for (int64_t d : header.shape) numel = numel ? detail::checked_mul(*numel, d) : std::nullopt;
    const auto need = numel ? detail::checked_mul(*numel, descr.size) : std::nullopt;
    const size_t data_start = start + static_cast<size_t>(header_len);
    const size_t have = n - data_start;
    if (!need || static_cast<uint64_t>(*need) != have)
        fail("the .npy header's shape " + shape_text(header.shape) + " needs " +
             (need ? std::to_string(*need) : std::string("too many")) +
             " bytes of data, but the file holds " + std::to_string(have));

    NpyArray array;
    array.shape = header.shape;
    array.data.resize(static_cast<size_t>(*numel));
    convert_elements(descr, bytes.data() + data_start, array.data.size(), array.data.data());
    if (header.fortran_order && header.shape.size() > 1)
        array.data = fortran_to_c(array.data, header.shape);
    return array;
}

NpyArray read_npy(const std::string& path) {
    const std::vector<uint8_t> bytes = read_file_bytes(path, 1ull << 34);
    try {
        return parse_npy(bytes);
    } catch (const FormatError& e) {
        fail("cannot read " + detail::quoted_path(path) + ": " + e.what());
    }
}

std::vector<uint8_t> serialize_npy(const NpyArray& array) {
    std::optional<int64_t> numel = 1;
    for (int64_t d : array.shape)
        numel = numel && d >= 0 ? detail::checked_mul(*numel, d) : std::nullopt;
    if (!numel || static_cast<uint64_t>(*numel) != array.data.size())
        fail("cannot write an array of shape " + shape_text(array.shape) + " with " +
             std::to_string(array.data.size()) + " elements");
    std::string header =
        "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_text(array.shape) + ", }";
    // NumPy pads the header so that the data starts on a 64-byte boundary.
    const bool v1 = header.size() + 1 + 10 <= 65535;
    const size_t prefix = v1 ? 10 : 12;
    const size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
    header.append(total - prefix - header.size() - 1, ' ');
    header += '\n';

    std::vector<uint8_t> out(kMagic, kMagic + kMagicSize);
    out.push_back(v1 ? 1 : 2);
    out.push_back(0);
    for (size_t k = 0; k < (v1 ? 2u : 4u); ++k)
        out.push_back(static_cast<uint8_t>(header.size() >> (8 * k)));
    out.insert(out.end(), header.begin(), header.end());
    const size_t data_start = out.size();
    out.resize(data_start + array.data.size() * sizeof(float));
    if (!array.data.empty())
        std::memcpy(out.data() + data_start, array.data.data(), array.data.size() * sizeof(float));
    return out;
}

void write_npy(const std::string& path, const NpyArray& array) {
    write_file_atomic(path, serialize_npy(array));
}

// ----- files ------------------------------------------------------------------------------

std::vector<uint8_t> read_file_bytes(const std::string& path, uint64_t max_bytes) {
    struct stat st;
    FileHandle file(open_for_reading(path, &st));
    const std::string prefix = "cannot read " + detail::quoted_path(path) + ": ";
    const uint64_t expected = S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
    if (expected > max_bytes)
        fail(prefix + "the file is larger than the limit of " + std::to_string(max_bytes) +
             " bytes");
    std::vector<uint8_t> bytes(static_cast<size_t>(expected));
    size_t done = read_up_to(file.get(), bytes.data(), bytes.size(), path);
    bytes.resize(done);
    // Keep reading if the file grew, or is not a regular file.
    while (true) {
        uint8_t chunk[65536];
        const size_t n = read_up_to(file.get(), chunk, sizeof chunk, path);
        if (n == 0) break;
        if (bytes.size() + n > max_bytes)
            fail(prefix + "the file is larger than the limit of " + std::to_string(max_bytes) +
                 " bytes");
        bytes.insert(bytes.end(), chunk, chunk + n);
    }
    return bytes;
}

void write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes) {
    const std::string prefix = "cannot write " + detail::quoted_path(path) + ": ";
    const std::string folder = parent_folder(path);
    struct stat st;
    if (::stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        fail(prefix + "the folder " + detail::quoted_path(folder) + " does not exist");
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) fail(prefix + "it is a directory");

    std::string temp;
    int fd = -1;
    for (int attempt = 0; attempt < 8 && fd < 0; ++attempt) {
        temp = temporary_name(path);
        fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        if (errno == EACCES || errno == EPERM)
            fail(prefix + "permission denied in the folder " + detail::quoted_path(folder));
        fail(prefix + std::strerror(errno));
    }
    try {
        FileHandle file(fd);
        write_all(file.get(), bytes, prefix);
        if (::fsync(file.get()) != 0) fail(prefix + std::strerror(errno));
        if (::close(file.release()) != 0) fail(prefix + std::strerror(errno));
        if (::rename(temp.c_str(), path.c_str()) != 0) fail(prefix + std::strerror(errno));
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
    // Make the rename itself durable; a failure here leaves a complete file, so it is ignored.
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

namespace detail {

uint64_t check_readable_file(const std::string& path) {
    struct stat st;
    FileHandle file(open_for_reading(path, &st));
    return S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 1;
}

std::vector<uint8_t> read_file_head(const std::string& path, size_t n) {
    struct stat st;
    FileHandle file(open_for_reading(path, &st));
    std::vector<uint8_t> head(n);
    head.resize(read_up_to(file.get(), head.data(), n, path));
    return head;
}

std::string quoted_path(const std::string& path) {
    return "'" + printable(path, 4096) + "'";
}

}  // namespace detail
}  // namespace ls::io
