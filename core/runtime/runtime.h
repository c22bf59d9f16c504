// Process-wide set-up of the engine: threads and the compute device.
#pragma once

#include <ATen/ATen.h>

#include <string>

namespace ls::runtime {

// Sets up the CPU side of the engine: `threads` intra-op threads (0 = every core; Debian's
// LibTorch starts with one), denormals flushed to zero, freed memory kept for reuse.
void init_threads(int threads = 0);
int thread_count();

// "auto" (CUDA when present, else the CPU), "cpu" or "cuda[:N]". Asking for CUDA where there
// is none throws std::runtime_error with a message a user can read.
at::Device pick_device(const std::string& preference);
std::string describe_device(const at::Device& device);

}  // namespace ls::runtime
