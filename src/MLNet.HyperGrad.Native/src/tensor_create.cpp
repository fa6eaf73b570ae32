// Tensor creation: constants, ranges, copies of host memory, seeded random tensors.
// Random tensors are drawn on the CPU from the given generator and then moved to the device, so a
// seed gives the same numbers on every device.
#include "hg_common.h"

#define HG_DEVICE_ARGS int32_t dtype, int32_t device_type, int32_t device_index
#define HG_OPTIONS hg::options(dtype, device_type, device_index)

namespace {
at::Tensor on_device(at::Tensor cpu, int32_t device_type, int32_t device_index) {
    at::Device d = hg::device(device_type, device_index);
    return d.is_cpu() ? cpu : cpu.to(d);
}
}  // namespace

HG_API int hg_tensor_empty(const int64_t* shape, int64_t ndim, HG_DEVICE_ARGS, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::empty(hg::dims(shape, ndim), HG_OPTIONS));
    HG_CATCH
}

HG_API int hg_tensor_zeros(const int64_t* shape, int64_t ndim, HG_DEVICE_ARGS, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::zeros(hg::dims(shape, ndim), HG_OPTIONS));
    HG_CATCH
}

HG_API int hg_tensor_ones(const int64_t* shape, int64_t ndim, HG_DEVICE_ARGS, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::ones(hg::dims(shape, ndim), HG_OPTIONS));
    HG_CATCH
}

HG_API int hg_tensor_full(const int64_t* shape, int64_t ndim, HG_SCALAR_ARGS, HG_DEVICE_ARGS, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::full(hg::dims(shape, ndim), HG_SCALAR, HG_OPTIONS));
    HG_CATCH
}

HG_API int hg_tensor_arange(double start, double end, double step, HG_DEVICE_ARGS, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::arange(start, end, step, HG_OPTIONS));
    HG_CATCH
}

HG_API int hg_tensor_eye(int64_t n, HG_DEVICE_ARGS, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::eye(n, HG_OPTIONS));
    HG_CATCH
}

HG_API int hg_tensor_from_data(const void* data, const int64_t* shape, int64_t ndim, HG_DEVICE_ARGS, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    auto sizes = hg::dims(shape, ndim);
    int64_t numel = 1;
    for (auto s : sizes) {
        if (s < 0) throw std::invalid_argument("negative dimension in shape");
        numel *= s;
    }
    if (numel > 0 && data == nullptr) throw std::invalid_argument("null data pointer");
    auto cpu_options = at::TensorOptions().dtype(hg::dtype(dtype));
    at::Tensor result = at::empty(sizes, cpu_options);
    if (numel > 0) std::memcpy(result.data_ptr(), data, static_cast<size_t>(numel) * result.element_size());
    *out = hg::wrap(on_device(result, device_type, device_index));
    HG_CATCH
}

HG_API int hg_tensor_rand(const int64_t* shape, int64_t ndim, hg_generator gen, HG_DEVICE_ARGS, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    auto cpu = at::rand(hg::dims(shape, ndim), hg::generator(gen), at::TensorOptions().dtype(hg::dtype(dtype)));
    *out = hg::wrap(on_device(cpu, device_type, device_index));
    HG_CATCH
}

HG_API int hg_tensor_randn(const int64_t* shape, int64_t ndim, hg_generator gen, HG_DEVICE_ARGS, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    auto cpu = at::randn(hg::dims(shape, ndim), hg::generator(gen), at::TensorOptions().dtype(hg::dtype(dtype)));
    *out = hg::wrap(on_device(cpu, device_type, device_index));
    HG_CATCH
}

HG_API int hg_tensor_randint(int64_t low, int64_t high, const int64_t* shape, int64_t ndim, hg_generator gen,
                             HG_DEVICE_ARGS, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    auto cpu = at::randint(low, high, hg::dims(shape, ndim), hg::generator(gen),
                           at::TensorOptions().dtype(hg::dtype(dtype)));
    *out = hg::wrap(on_device(cpu, device_type, device_index));
    HG_CATCH
}

HG_API int hg_tensor_randperm(int64_t n, hg_generator gen, HG_DEVICE_ARGS, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    auto cpu = at::randperm(n, hg::generator(gen), at::TensorOptions().dtype(hg::dtype(dtype)));
    *out = hg::wrap(on_device(cpu, device_type, device_index));
    HG_CATCH
}

HG_API int hg_tensor_uniform_(hg_tensor a, double from, double to, hg_generator gen) {
    HG_TRY
    auto& self = hg::t(a);
    if (self.is_cpu()) {
        self.uniform_(from, to, hg::generator(gen));
    } else {
        self.copy_(at::empty(self.sizes(), self.options().device(at::kCPU)).uniform_(from, to, hg::generator(gen)));
    }
    HG_CATCH
}

HG_API int hg_tensor_normal_(hg_tensor a, double mean, double std, hg_generator gen) {
    HG_TRY
    auto& self = hg::t(a);
    if (self.is_cpu()) {
        self.normal_(mean, std, hg::generator(gen));
    } else {
        self.copy_(at::empty(self.sizes(), self.options().device(at::kCPU)).normal_(mean, std, hg::generator(gen)));
    }
    HG_CATCH
}
