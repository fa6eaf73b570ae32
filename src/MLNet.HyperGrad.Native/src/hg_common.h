// Shared machinery of the C ABI: error capture, handle wrapping, argument decoding.
// Every exported function is `extern "C" int hg_<object>_<verb>(...)`: 0 on success, non-zero on
// failure with the message kept in a thread-local string (hg_last_error). No C++ exception crosses
// the boundary.
#pragma once

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <atomic>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#define HG_API extern "C" __attribute__((visibility("default")))

typedef void* hg_tensor;     // owns one at::Tensor*
typedef void* hg_generator;  // owns one at::Generator*

namespace hg {

int fail(const char* message);
void count_created();
void count_freed();

inline hg_tensor wrap(at::Tensor t) {
    if (!t.defined()) return nullptr;
    auto* p = new at::Tensor(std::move(t));
    count_created();
    return p;
}

inline at::Tensor& t(hg_tensor h) {
    if (h == nullptr) throw std::invalid_argument("null tensor handle passed to the native shim");
    return *static_cast<at::Tensor*>(h);
}

inline at::Tensor opt(hg_tensor h) {
    return h == nullptr ? at::Tensor() : *static_cast<at::Tensor*>(h);
}

at::ScalarType dtype(int32_t code);
at::Device device(int32_t type, int32_t index);
at::TensorOptions options(int32_t dtype_code, int32_t device_type, int32_t device_index);
std::vector<at::Tensor> tensors(const hg_tensor* handles, int64_t count);
c10::optional<at::Generator> generator(hg_generator g);

inline at::IntArrayRef dims(const int64_t* values, int64_t count) {
    if (count < 0) throw std::invalid_argument("negative dimension count");
    if (count > 0 && values == nullptr) throw std::invalid_argument("null shape pointer");
    return at::IntArrayRef(values, static_cast<size_t>(count));
}

inline at::Scalar scalar(double d, int64_t i, int32_t is_integral) {
    return is_integral ? at::Scalar(i) : at::Scalar(d);
}

}  // namespace hg

#define HG_SCALAR_ARGS double sd, int64_t si, int32_t sk
#define HG_SCALAR hg::scalar(sd, si, sk)

#define HG_TRY try {
#define HG_CATCH                                                   \
    return 0;                                                      \
    }                                                              \
    catch (const c10::Error& e) { return hg::fail(e.what_without_backtrace()); } \
    catch (const std::exception& e) { return hg::fail(e.what()); } \
    catch (...) { return hg::fail("unknown C++ exception in libtorch"); }

#define HG_OUT_CHECK(out) \
    if ((out) == nullptr) throw std::invalid_argument("null output pointer passed to the native shim")
