#include "store/install.h"

#include <curl/curl.h>
#include <sys/file.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>

#include "io/npy.h"
#include "store/sha256.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace ls::store {

namespace {

using Kind = DownloadError::Kind;

// ----- the transfer ------------------------------------------------------------------------

struct Transfer {
    CURL* curl = nullptr;
    FILE* out = nullptr;
    const DownloadOptions* options = nullptr;
    uint64_t start = 0;        // bytes already in the .part when the request was sent
    uint64_t known_size = 0;   // from the catalogue, 0 when unknown
    uint64_t range_start = 0;  // from the last response's Content-Range
    bool got_range = false;
    bool checked_status = false;
    bool cancelled = false;
    bool bad_range = false;  // a 206 for another range than asked: the .part cannot be trusted
    bool no_space = false;
    uint64_t free_bytes = 0, needed_bytes = 0;
    fs::path folder;
    fs::path part;
    std::string etag, last_modified;  // of the last response, for If-Range on a later resume
    Progress progress;
};

// The .part's validator (the server's strong ETag or Last-Modified) lives beside it, so that a
// resume asks "If-Range": a file that changed on the server since is then sent whole instead
// of being glued onto the old bytes.
fs::path validator_path(const fs::path& part) {
    return fs::path(part.string() + ".validator");
}

std::string read_validator(const fs::path& part) {
    std::error_code ec;
    if (!fs::is_regular_file(validator_path(part), ec)) return {};
    const std::vector<uint8_t> b = io::read_file_bytes(validator_path(part).string(), 4096);
    return std::string(b.begin(), b.end());
}

// Best effort: without a stored validator a resume simply goes without If-Range.
void write_validator(const Transfer& t) {
    const bool strong_etag = !t.etag.empty() && t.etag.rfind("W/", 0) != 0;
    const std::string v = strong_etag ? t.etag : t.last_modified;
    std::error_code ec;
    if (v.empty()) return void(fs::remove(validator_path(t.part), ec));
    try {
        io::write_file_atomic(validator_path(t.part).string(),
                              std::vector<uint8_t>(v.begin(), v.end()));
    } catch (const std::exception&) {
    }
}

void remove_part(const fs::path& part) {
    std::error_code ec;
    fs::remove(part, ec);
    fs::remove(validator_path(part), ec);
}

// The value of header `name` (lower case) in `line`, or "" when the line is another header.
std::string header_value(const std::string& line, const std::string& name) {
    if (line.size() <= name.size() + 1 || line[name.size()] != ':') return {};
    for (size_t i = 0; i < name.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return {};
    const auto begin = line.find_first_not_of(" \t", name.size() + 1);
    const auto end = line.find_last_not_of(" \t\r\n");
    return begin == std::string::npos || end < begin ? "" : line.substr(begin, end - begin + 1);
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::string line(data, size * count);
    // Headers of every response arrive here (redirects too): keep the last response's.
    if (line.rfind("HTTP/", 0) == 0) {
        t->got_range = false;
        t->etag.clear();
        t->last_modified.clear();
    }
    if (auto v = header_value(line, "etag"); !v.empty()) t->etag = v;
    if (auto v = header_value(line, "last-modified"); !v.empty()) t->last_modified = v;
    unsigned long long first = 0;
    if (sscanf(line.c_str(), "%*[Cc]ontent-%*[Rr]ange: bytes %llu-", &first) == 1) {
        t->range_start = first;
        t->got_range = true;
    }
    return size * count;
}

// Refuses a body that cannot fit on the disk, before writing any of it.
bool room_for_body(CURL* curl, Transfer* t) {
    curl_off_t length = -1;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    std::error_code ec;
    const auto space = fs::space(t->folder, ec);
    if (length <= 0 || ec) return true;
    t->needed_bytes = static_cast<uint64_t>(length);
    t->free_bytes = static_cast<uint64_t>(space.available);
    t->no_space = t->needed_bytes > t->free_bytes;
    return !t->no_space;
}

// On the first bytes of the body: a server that ignored the Range request sends the whole
// file (200), so the .part starts again from zero.
bool check_status(CURL* curl, Transfer* t) {
    t->checked_status = true;
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    if (!room_for_body(curl, t)) return false;
    write_validator(*t);
    if (t->start == 0) return true;
    if (code == 206) {
        if (t->got_range && t->range_start == t->start) return true;
        t->bad_range = true;
        return false;
    }
    if (fflush(t->out) != 0 || ftruncate(fileno(t->out), 0) != 0 || fseek(t->out, 0, SEEK_SET) != 0)
        return false;
    t->start = 0;
    t->progress.resumed = false;
    return true;
}

struct EasyHandle {
    CURL* curl;
    EasyHandle() : curl(curl_easy_init()) {}
    ~EasyHandle() { curl_easy_cleanup(curl); }
};

size_t on_data(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    if (!t->checked_status && !check_status(t->curl, t)) return 0;
    return fwrite(data, 1, size * count, t->out);
}

int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(user);
    t->progress.received = t->start + static_cast<uint64_t>(now);
    t->progress.total = total > 0 ? t->start + static_cast<uint64_t>(total) : t->known_size;
    if (t->options->progress && !t->options->progress(t->progress)) {
        t->cancelled = true;
        return 1;
    }
    return 0;
}

std::string host_of(const std::string& url) {
    const auto scheme = url.find("://");
    const auto begin = scheme == std::string::npos ? 0 : scheme + 3;
    return url.substr(begin, url.find('/', begin) - begin);
}

std::string size_text(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return buf;
}

void configure(CURL* curl, const std::string& url, Transfer* t, const DownloadOptions& o) {
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);  // NGC answers with a redirect
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "latent-studio");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, o.connect_timeout_s);
    // A stalled connection (no byte for stall_timeout_s) ends as an interrupted download.
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, o.stall_timeout_s);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, t);
    if (t->start > 0) {
        const std::string range = std::to_string(t->start) + "-";
        curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());  // curl copies the string
    }
}

std::string offline_message(const std::string& url, const char* why) {
    return "cannot reach " + host_of(url) + " (" + why + "): you may be offline. Download " + url +
           " with a browser, then import the file (latent-studio-cli models import FILE)";
}

// Maps a failed transfer to the error the user sees. The .part stays for a resume.
[[noreturn]] void transfer_failed(CURLcode rc, CURL* curl, const Transfer& t,
                                  const std::string& url, const char* detail) {
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    const bool nothing = t.progress.received <= t.start && !t.checked_status;
    if (t.cancelled)
        throw DownloadError(Kind::Cancelled, "download cancelled after " +
                                                 size_text(t.progress.received) +
                                                 "; run it again to resume");
    if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
        rc == CURLE_COULDNT_RESOLVE_PROXY || (rc == CURLE_OPERATION_TIMEDOUT && nothing))
        throw DownloadError(Kind::Offline, offline_message(url, detail));
    if (rc == CURLE_HTTP_RETURNED_ERROR)
        throw DownloadError(Kind::Http,
                            "the server answered HTTP " + std::to_string(code) + " for " + url);
    if (t.bad_range)
        throw DownloadError(Kind::Refused, "the server sent another part of the file than asked");
    if (t.no_space)
        throw DownloadError(Kind::Io, "not enough disk space in '" + t.folder.string() +
                                          "': the download needs " + size_text(t.needed_bytes) +
                                          ", " + size_text(t.free_bytes) + " are free");
    if (rc == CURLE_WRITE_ERROR)
        throw DownloadError(Kind::Io, "cannot write the download (disk full?)");
    throw DownloadError(Kind::Interrupted, "the download stopped after " +
                                               size_text(t.progress.received) + " (" + detail +
                                               "); run the same command again to resume");
}

void ensure_curl() {
    static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (init != CURLE_OK) throw DownloadError(Kind::Io, "cannot initialise libcurl");
}

uint64_t file_size_or_zero(const fs::path& p) {
    std::error_code ec;
    const auto n = fs::file_size(p, ec);
    return ec ? 0 : static_cast<uint64_t>(n);
}

// Streams `url` onto the end of `part`. Returns normally when the server sent the whole
// (rest of the) file; a 416 on a resume means the .part may already be complete.
void fetch(const std::string& url, const fs::path& part, FILE* out, uint64_t known_size,
           const DownloadOptions& options) {
    ensure_curl();
    Transfer t;
    t.options = &options;
    t.start = file_size_or_zero(part);
    t.known_size = known_size;
    t.folder = part.parent_path();
    t.part = part;
    t.progress = {t.start, known_size, t.start > 0};
    t.out = out;
    EasyHandle h;
    if (!h.curl) throw DownloadError(Kind::Io, "cannot start libcurl");
    char detail[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h.curl, CURLOPT_ERRORBUFFER, detail);
    configure(h.curl, url, &t, options);
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(nullptr, &curl_slist_free_all);
    if (const std::string v = read_validator(part); t.start > 0 && !v.empty()) {
        headers.reset(curl_slist_append(nullptr, ("If-Range: " + v).c_str()));
        curl_easy_setopt(h.curl, CURLOPT_HTTPHEADER, headers.get());
    }
    t.curl = h.curl;
    const CURLcode rc = curl_easy_perform(h.curl);
    const bool flushed = std::fflush(t.out) == 0;
    if (rc == CURLE_OK && !flushed) throw DownloadError(Kind::Io, "cannot write the download");
    if (rc == CURLE_OK) return;
    long code = 0;
    curl_easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, &code);
    if (rc == CURLE_HTTP_RETURNED_ERROR && code == 416 && t.start > 0) return;
    // Nothing to resume from an empty file, nor from one the server mixed up.
    if (t.bad_range || file_size_or_zero(part) == 0) remove_part(part);
    transfer_failed(rc, h.curl, t, url, *detail ? detail : curl_easy_strerror(rc));
}

// The .part, opened for appending and locked: a second download of the same model (another
// window, another terminal) is refused instead of appending to the same file.
class PartFile {
  public:
    explicit PartFile(const fs::path& path) : file_(std::fopen(path.c_str(), "ab")) {
        if (!file_) throw DownloadError(Kind::Io, "cannot write '" + path.string() + "'");
        if (flock(fileno(file_), LOCK_EX | LOCK_NB) != 0) {
            std::fclose(file_);
            throw DownloadError(Kind::Busy,
                                "'" + path.string() + "' is being downloaded by another process");
        }
    }
    ~PartFile() { std::fclose(file_); }
    PartFile(const PartFile&) = delete;
    PartFile& operator=(const PartFile&) = delete;
    FILE* get() const { return file_; }

  private:
    FILE* file_;
};

// ----- installing --------------------------------------------------------------------------

std::string now_utc() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void write_manifest(const fs::path& path, const json& manifest) {
    const std::string text = manifest.dump(2) + "\n";
    io::write_file_atomic(path.string(), std::vector<uint8_t>(text.begin(), text.end()));
}

// A hidden folder beside the final one, where the model is put together before the rename.
class Staging {
  public:
    Staging(const fs::path& models_dir, const std::string& name)
        : path_(models_dir / ("." + name + ".installing-" + std::to_string(getpid()))) {
        std::error_code ec;
        fs::remove_all(path_, ec);
        if (!fs::create_directory(path_, ec))
            throw DownloadError(Kind::Io,
                                "cannot create '" + path_.string() + "': " + ec.message());
    }
    ~Staging() {
        std::error_code ec;
        if (!done_) fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }
    // Renames the folder into place; it is then no longer removed.
    void commit(const fs::path& final_folder) {
        std::error_code ec;
        fs::rename(path_, final_folder, ec);
        if (ec) {
            throw DownloadError(Kind::Io,
                                "cannot install '" + final_folder.string() + "': " + ec.message());
        }
        done_ = true;
    }

  private:
    fs::path path_;
    bool done_ = false;
};

fs::path prepare_models_dir(const std::string& models_dir, const std::string& name) {
    std::error_code ec;
    fs::create_directories(models_dir, ec);
    if (!fs::is_directory(models_dir, ec))
        throw DownloadError(Kind::Io, "cannot create the model folder '" + models_dir + "'");
    const fs::path folder = fs::absolute(fs::path(models_dir) / name);
    if (fs::exists(fs::symlink_status(folder, ec)))
        throw DownloadError(Kind::Exists, "a model \"" + name + "\" is installed already ('" +
                                              folder.string() + "'); remove it first");
    return folder;
}

void trial_load(const DownloadOptions& o, const fs::path& file, const std::string& what) {
    try {
        o.trial_load(file.string());
    } catch (const std::exception& e) {
        // LibTorch's errors carry a backtrace after the first line.
        std::string why = e.what();
        why = why.substr(0, why.find('\n'));
        throw DownloadError(Kind::Refused, what + " is not a model Latent Studio can load (" + why +
                                               "); nothing was installed");
    }
}

// Size and checksum against the catalogue. A file that fails is deleted: resuming it would
// only append to bad bytes.
void verify(const fs::path& part, const CatalogEntry& entry, const std::string& sha) {
    const uint64_t got = file_size_or_zero(part);
    if (entry.size && got != *entry.size) {
        remove_part(part);
        throw DownloadError(Kind::Refused, "the download has " + std::to_string(got) +
                                               " bytes, the catalogue says " +
                                               std::to_string(*entry.size) + "; it was deleted");
    }
    if (entry.sha256 && sha != *entry.sha256) {
        remove_part(part);
        throw DownloadError(Kind::Refused, "the download's SHA-256 is " + sha +
                                               ", the catalogue says " + *entry.sha256 +
                                               "; it was deleted");
    }
}

json download_manifest(const CatalogEntry& e, const std::string& sha, uint64_t bytes) {
    return {{"format", "latent-studio-model-manifest"},
            {"format_version", 1},
            {"name", e.title},
            {"description", e.description},
            {"alignment", e.alignment},
            {"generator",
             {{"file", e.file},
              {"format", e.format},
              {"resolution", e.resolution},
              {"source_url", e.url},
              {"sha256", sha},
              {"size", bytes}}},
            {"licence", e.licence},
            {"licence_url", e.licence_url},
            {"source",
             {{"catalog_name", e.name},
              {"url", e.url},
              {"published", e.source},
              {"installed_at", now_utc()}}}};
}

// Verifies a complete .part and installs it as `folder`.
InstallResult install_part(const CatalogEntry& entry, const DownloadOptions& options,
                           const fs::path& part, const fs::path& folder) {
    const std::string sha = sha256_file(part.string());
    verify(part, entry, sha);
    Staging staging(options.models_dir, entry.name);
    const fs::path file = staging.path() / entry.file;
    std::error_code ec;
    fs::rename(part, file, ec);
    if (ec) throw DownloadError(Kind::Io, "cannot move the download: " + ec.message());
    remove_part(part);  // its validator
    // From here a failure deletes the bytes with the staging folder. The transfer was
    // complete (curl checks the server's Content-Length), so a file that does not load is a
    // bad file, not a short one: resuming it could not help.
    trial_load(options, file, "the downloaded file");
    InstallResult r;
    r.bytes = file_size_or_zero(file);
    r.sha256 = sha;
    write_manifest(staging.path() / "manifest.json", download_manifest(entry, sha, r.bytes));
    staging.commit(folder);
    r.folder = folder.string();
    r.manifest = (folder / "manifest.json").string();
    r.file = (folder / entry.file).string();
    return r;
}

// The folder name of an import, after checking what can be checked without reading the file.
std::string import_name(const std::string& file, const fs::path& source, const ImportOptions& o) {
    std::error_code ec;
    if (!fs::is_regular_file(source, ec))
        throw DownloadError(Kind::Refused, "'" + file + "' is not a file");
    const std::string ext = source.extension().string();
    if (ext != ".pt" && ext != ".pth" && ext != ".pkl" && ext != ".safetensors")
        throw DownloadError(Kind::Refused,
                            "'" + file + "' is not a model file (.pt, .pth, .pkl or .safetensors)");
    const std::string name = o.name.empty() ? source.stem().string() : o.name;
    if (!valid_model_name(name))
        throw DownloadError(Kind::Refused, "\"" + name +
                                               "\" cannot name a model folder (use letters, "
                                               "digits, '.', '_' and '-')");
    if (o.alignment != "ffhq" && o.alignment != "portrait" && o.alignment != "centre")
        throw DownloadError(Kind::Refused,
                            "alignment '" + o.alignment + "': use ffhq, portrait or centre");
    return name;
}

json import_manifest(const std::string& name, const fs::path& source, const ImportOptions& o,
                     const std::string& sha, uint64_t bytes) {
    return {
        {"format", "latent-studio-model-manifest"},
        {"format_version", 1},
        {"name", name},
        {"alignment", o.alignment},
        {"generator", {{"file", source.filename().string()}, {"sha256", sha}, {"size", bytes}}},
        {"source",
         {{"imported_from", source.string()}, {"linked", o.link}, {"installed_at", now_utc()}}}};
}

}  // namespace

std::string partial_path(const CatalogEntry& entry, const std::string& models_dir) {
    return (fs::path(models_dir) / (entry.name + ".part")).string();
}

InstallResult download_model(const CatalogEntry& entry, const DownloadOptions& options) {
    if (!options.trial_load) throw std::invalid_argument("download_model needs a trial load");
    if (!entry.loadable) {
        throw DownloadError(Kind::Unsupported,
                            "\"" + entry.name + "\" is a " + entry.format +
                                " file, which Latent Studio cannot read; convert it (see the "
                                "catalogue's description) and import the result");
    }
    const fs::path folder = prepare_models_dir(options.models_dir, entry.name);
    const fs::path part = fs::absolute(partial_path(entry, options.models_dir));
    if (entry.size && file_size_or_zero(part) > *entry.size) remove_part(part);  // not ours
    const PartFile out(part);  // locked until the function returns
    const uint64_t have = file_size_or_zero(part);
    const bool resumed = have > 0;
    if (!entry.size || have < *entry.size)
        fetch(entry.url, part, out.get(), entry.size.value_or(0), options);
    InstallResult r = install_part(entry, options, part, folder);
    r.resumed = resumed;
    return r;
}

InstallResult import_model(const std::string& file, const ImportOptions& options) {
    if (!options.trial_load) throw std::invalid_argument("import_model needs a trial load");
    const fs::path source = fs::absolute(file);
    const std::string name = import_name(file, source, options);
    const fs::path folder = prepare_models_dir(options.models_dir, name);
    DownloadOptions trial;
    trial.trial_load = options.trial_load;
    trial_load(trial, source, "'" + file + "'");

    Staging staging(options.models_dir, name);
    const fs::path target = staging.path() / source.filename();
    std::error_code ec;
    if (options.link)
        fs::create_symlink(fs::canonical(source), target, ec);
    else
        fs::copy_file(source, target, ec);
    if (ec) throw DownloadError(Kind::Io, "cannot put the file in place: " + ec.message());
    InstallResult r;
    r.sha256 = sha256_file(target.string());
    r.bytes = file_size_or_zero(target);
    write_manifest(staging.path() / "manifest.json",
                   import_manifest(name, source, options, r.sha256, r.bytes));
    staging.commit(folder);
    r.folder = folder.string();
    r.manifest = (folder / "manifest.json").string();
    r.file = (folder / source.filename()).string();
    return r;
}

}  // namespace ls::store
