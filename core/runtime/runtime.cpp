#include "runtime/runtime.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>

#include <malloc.h>

#include <limits>
#include <stdexcept>
#include <thread>

namespace ls::runtime {

void init_threads(int threads) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(threads);
    // Denormal floats are thousands of times slower on x86 and change nothing visible: a
    // network whose activations decay into them (seen with stylegan2-ada's fixture) ran 30x
    // slower without this.
    at::globalContext().setFlushDenormal(true);
    // glibc returns every large block (activations are tens to hundreds of MB) to the system
    // with munmap and faults it back in page by page on the next allocation: measured here,
    // that was 40 % of the system time of a batch of 8 at 256 px. Keeping freed memory in the
    // heap made it 2.9x faster (517 -> 173 ms per image). The process keeps its peak memory.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
}

int thread_count() {
    return at::get_num_threads();
}

at::Device pick_device(const std::string& preference) {
    if (preference.empty() || preference == "auto") {
        return at::hasCUDA() ? at::Device(at::kCUDA, 0) : at::Device(at::kCPU);
    }
    if (preference == "cpu") return at::kCPU;
    if (preference.rfind("cuda", 0) == 0) {
        if (!at::hasCUDA()) {
            throw std::runtime_error(
                "no CUDA device is available (this build of LibTorch or "
                "this machine has none): use --device cpu");
        }
        return at::Device(preference);
    }
    throw std::runtime_error("unknown device '" + preference + "': use auto, cpu or cuda");
}

std::string describe_device(const at::Device& device) {
    if (device.is_cpu()) return "cpu (" + std::to_string(thread_count()) + " threads)";
    return device.str();
}

}  // namespace ls::runtime
