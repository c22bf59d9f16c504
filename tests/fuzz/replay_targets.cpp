// The three fuzz targets in one program: each defines LLVMFuzzerTestOneInput, so each is
// compiled here under its own name. The sources are the very files libFuzzer builds.
#include <cstddef>
#include <cstdint>

#define LLVMFuzzerTestOneInput ls_fuzz_torch_file
#include "fuzz_torch_file.cpp"
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerTestOneInput ls_fuzz_pickle
#include "fuzz_pickle.cpp"
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerTestOneInput ls_fuzz_npy
#include "fuzz_npy.cpp"
#undef LLVMFuzzerTestOneInput
