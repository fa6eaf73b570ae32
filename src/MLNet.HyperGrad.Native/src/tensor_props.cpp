// Tensor metadata, data export and conversions.
#include "hg_common.h"

#include <cstring>

HG_API int hg_tensor_ndim(hg_tensor a, int64_t* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::t(a).dim();
    HG_CATCH
}

HG_API int hg_tensor_shape(hg_tensor a, int64_t* out, int64_t capacity) {
    HG_TRY HG_OUT_CHECK(out);
    auto& self = hg::t(a);
    if (capacity < self.dim()) throw std::invalid_argument("shape buffer too small");
    for (int64_t i = 0; i < self.dim(); ++i) out[i] = self.size(i);
    HG_CATCH
}

HG_API int hg_tensor_numel(hg_tensor a, int64_t* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::t(a).numel();
    HG_CATCH
}

HG_API int hg_tensor_dtype(hg_tensor a, int32_t* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = static_cast<int32_t>(hg::t(a).scalar_type());
    HG_CATCH
}

HG_API int hg_tensor_device(hg_tensor a, int32_t* type, int32_t* index) {
    HG_TRY HG_OUT_CHECK(type); HG_OUT_CHECK(index);
    auto d = hg::t(a).device();
    if (d.is_cpu()) { *type = 0; *index = -1; }
    else if (d.is_cuda()) { *type = 1; *index = d.index(); }
    else throw std::runtime_error("tensor lives on an unsupported device: " + d.str());
    HG_CATCH
}

HG_API int hg_tensor_requires_grad(hg_tensor a, int32_t* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::t(a).requires_grad() ? 1 : 0;
    HG_CATCH
}

HG_API int hg_tensor_set_requires_grad(hg_tensor a, int32_t value) {
    HG_TRY
    hg::t(a).set_requires_grad(value != 0);
    HG_CATCH
}

HG_API int hg_tensor_is_leaf(hg_tensor a, int32_t* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::t(a).is_leaf() ? 1 : 0;
    HG_CATCH
}

HG_API int hg_tensor_grad(hg_tensor a, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).grad());
    HG_CATCH
}

HG_API int hg_tensor_set_grad(hg_tensor a, hg_tensor grad) {
    HG_TRY
    hg::t(a).mutable_grad() = hg::opt(grad);
    HG_CATCH
}

HG_API int hg_tensor_item(hg_tensor a, double* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::t(a).item<double>();
    HG_CATCH
}

HG_API int hg_tensor_item_long(hg_tensor a, int64_t* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::t(a).item<int64_t>();
    HG_CATCH
}

// Copies the tensor's elements (any layout, any device) into host memory of exactly nbytes.
HG_API int hg_tensor_copy_to(hg_tensor a, void* dst, int64_t nbytes) {
    HG_TRY
    auto cpu = hg::t(a).detach().to(at::kCPU).contiguous();
    int64_t size = cpu.numel() * static_cast<int64_t>(cpu.element_size());
    if (size != nbytes)
        throw std::invalid_argument("destination holds " + std::to_string(nbytes) + " bytes but the tensor has " +
                                    std::to_string(size));
    if (size > 0) {
        if (dst == nullptr) throw std::invalid_argument("null destination pointer");
        std::memcpy(dst, cpu.data_ptr(), static_cast<size_t>(size));
    }
    HG_CATCH
}

HG_API int hg_tensor_to(hg_tensor a, int32_t dtype, int32_t device_type, int32_t device_index, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).to(hg::device(device_type, device_index), hg::dtype(dtype)));
    HG_CATCH
}

HG_API int hg_tensor_detach(hg_tensor a, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).detach());
    HG_CATCH
}

HG_API int hg_tensor_clone(hg_tensor a, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).clone());
    HG_CATCH
}

HG_API int hg_tensor_contiguous(hg_tensor a, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).contiguous());
    HG_CATCH
}

HG_API int hg_tensor_alias(hg_tensor a, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a));
    HG_CATCH
}

HG_API int hg_tensor_equal(hg_tensor a, hg_tensor b, int32_t* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = at::equal(hg::t(a), hg::t(b)) ? 1 : 0;
    HG_CATCH
}

HG_API int hg_tensor_allclose(hg_tensor a, hg_tensor b, double rtol, double atol, int32_t* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = at::allclose(hg::t(a), hg::t(b), rtol, atol) ? 1 : 0;
    HG_CATCH
}
