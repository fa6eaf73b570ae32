// Process-wide state: last error, live-handle count, threads, grad mode, devices, generators.
#include "hg_common.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/Context.h>
#include <c10/core/GradMode.h>
#include <torch/csrc/api/include/torch/version.h>

#include <cstdlib>
#include <malloc.h>

namespace {
thread_local std::string last_error;

// Training allocates and frees the same large buffers (activations, gradients) every step. glibc
// serves blocks of 128 KiB and more with mmap and returns them with munmap, so every step pays page
// faults and page zeroing (about a fifth of the CPU time in a profile of an MLP epoch). Keeping such
// blocks in the heap, and not trimming it, lets the next step reuse them. Set once when the shim is
// loaded; HYPERGRAD_KEEP_MALLOC=1 leaves glibc's defaults alone.
struct AllocatorTuning {
    AllocatorTuning() {
        const char* keep = std::getenv("HYPERGRAD_KEEP_MALLOC");
        if (keep != nullptr && keep[0] == '1') return;
        mallopt(M_MMAP_THRESHOLD, 256 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
    }
} allocator_tuning;
std::atomic<int64_t> live_tensors{0};
std::atomic<int64_t> live_generators{0};
}  // namespace

namespace hg {

int fail(const char* message) {
    try {
        last_error = message == nullptr ? "unknown error" : message;
    } catch (...) {
        // Allocation failed while storing the message: keep whatever was there.
    }
    return 1;
}

void count_created() { live_tensors.fetch_add(1, std::memory_order_relaxed); }
void count_freed() { live_tensors.fetch_sub(1, std::memory_order_relaxed); }

at::ScalarType dtype(int32_t code) {
    switch (static_cast<at::ScalarType>(code)) {
        case at::ScalarType::Byte:
        case at::ScalarType::Int:
        case at::ScalarType::Long:
        case at::ScalarType::Float:
        case at::ScalarType::Double:
        case at::ScalarType::Bool:
            return static_cast<at::ScalarType>(code);
        default:
            throw std::invalid_argument("unsupported dtype code " + std::to_string(code) +
                                        " (supported: uint8, int32, int64, float32, float64, bool)");
    }
}

at::Device device(int32_t type, int32_t index) {
    switch (type) {
        case 0:
            return at::Device(at::kCPU);
        case 1:
            if (!at::hasCUDA())
                throw std::runtime_error(
                    "CUDA device requested but this libtorch has no CUDA support or no GPU is visible "
                    "(the shim was built against a CPU-only libtorch, or no driver is loaded)");
            if (index >= static_cast<int32_t>(at::getNumGPUs()))
                throw std::runtime_error("CUDA device index " + std::to_string(index) + " out of range: " +
                                         std::to_string(at::getNumGPUs()) + " device(s) visible");
            return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index < 0 ? 0 : index));
        default:
            throw std::invalid_argument("unsupported device type code " + std::to_string(type));
    }
}

at::TensorOptions options(int32_t dtype_code, int32_t device_type, int32_t device_index) {
    return at::TensorOptions().dtype(dtype(dtype_code)).device(device(device_type, device_index));
}

std::vector<at::Tensor> tensors(const hg_tensor* handles, int64_t count) {
    if (count < 0) throw std::invalid_argument("negative tensor count");
    if (count > 0 && handles == nullptr) throw std::invalid_argument("null tensor array");
    std::vector<at::Tensor> result;
    result.reserve(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) result.push_back(t(handles[i]));
    return result;
}

c10::optional<at::Generator> generator(hg_generator g) {
    if (g == nullptr) return c10::nullopt;
    return *static_cast<at::Generator*>(g);
}

}  // namespace hg

HG_API const char* hg_last_error() { return last_error.c_str(); }

HG_API int64_t hg_live_tensor_count() { return live_tensors.load(); }

HG_API int64_t hg_live_generator_count() { return live_generators.load(); }

HG_API const char* hg_torch_version() { return TORCH_VERSION; }

HG_API int hg_tensor_free(hg_tensor h) {
    HG_TRY
    if (h == nullptr) return 0;
    delete static_cast<at::Tensor*>(h);
    hg::count_freed();
    HG_CATCH
}

HG_API int hg_set_num_threads(int32_t n) {
    HG_TRY
    if (n < 1) throw std::invalid_argument("thread count must be at least 1, got " + std::to_string(n));
    at::set_num_threads(n);
    HG_CATCH
}

HG_API int hg_get_num_threads(int32_t* out) {
    HG_TRY
    HG_OUT_CHECK(out);
    *out = at::get_num_threads();
    HG_CATCH
}

HG_API int hg_grad_is_enabled(int32_t* out) {
    HG_TRY
    HG_OUT_CHECK(out);
    *out = c10::GradMode::is_enabled() ? 1 : 0;
    HG_CATCH
}

HG_API int hg_set_grad_enabled(int32_t enabled) {
    HG_TRY
    c10::GradMode::set_enabled(enabled != 0);
    HG_CATCH
}

HG_API int hg_cuda_device_count(int32_t* out) {
    HG_TRY
    HG_OUT_CHECK(out);
    *out = at::hasCUDA() ? static_cast<int32_t>(at::getNumGPUs()) : 0;
    HG_CATCH
}

HG_API int hg_manual_seed(uint64_t seed) {
    HG_TRY
    at::manual_seed(seed);
    HG_CATCH
}

HG_API int hg_generator_new(uint64_t seed, hg_generator* out) {
    HG_TRY
    HG_OUT_CHECK(out);
    *out = new at::Generator(at::detail::createCPUGenerator(seed));
    live_generators.fetch_add(1);
    HG_CATCH
}

HG_API int hg_generator_free(hg_generator g) {
    HG_TRY
    if (g == nullptr) return 0;
    delete static_cast<at::Generator*>(g);
    live_generators.fetch_sub(1);
    HG_CATCH
}

HG_API int hg_generator_set_seed(hg_generator g, uint64_t seed) {
    HG_TRY
    if (g == nullptr) throw std::invalid_argument("null generator handle");
    auto* gen = static_cast<at::Generator*>(g);
    std::lock_guard<std::mutex> lock(gen->mutex());
    gen->set_current_seed(seed);
    HG_CATCH
}
