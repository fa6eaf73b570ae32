// Elementwise arithmetic, comparisons, reductions and their in-place forms.
#include "hg_common.h"

#define HG_UNARY(name, expr)                                  \
    HG_API int hg_tensor_##name(hg_tensor a, hg_tensor* out) { \
        HG_TRY HG_OUT_CHECK(out);                             \
        const at::Tensor& x = hg::t(a);                       \
        *out = hg::wrap(expr);                                \
        HG_CATCH                                              \
    }

#define HG_BINARY(name, expr)                                              \
    HG_API int hg_tensor_##name(hg_tensor a, hg_tensor b, hg_tensor* out) { \
        HG_TRY HG_OUT_CHECK(out);                                          \
        const at::Tensor& x = hg::t(a);                                    \
        const at::Tensor& y = hg::t(b);                                    \
        *out = hg::wrap(expr);                                             \
        HG_CATCH                                                           \
    }

#define HG_BINARY_SCALAR(name, expr)                                                \
    HG_API int hg_tensor_##name(hg_tensor a, HG_SCALAR_ARGS, hg_tensor* out) { \
        HG_TRY HG_OUT_CHECK(out);                                                   \
        const at::Tensor& x = hg::t(a);                                             \
        at::Scalar s = HG_SCALAR;                                                   \
        *out = hg::wrap(expr);                                                      \
        HG_CATCH                                                                    \
    }

#define HG_INPLACE(name, stmt)                                 \
    HG_API int hg_tensor_##name(hg_tensor a, hg_tensor b) {    \
        HG_TRY at::Tensor& x = hg::t(a);                       \
        const at::Tensor& y = hg::t(b);                        \
        stmt;                                                  \
        HG_CATCH                                               \
    }

#define HG_INPLACE_SCALAR(name, stmt)                               \
    HG_API int hg_tensor_##name(hg_tensor a, HG_SCALAR_ARGS) { \
        HG_TRY at::Tensor& x = hg::t(a);                            \
        at::Scalar s = HG_SCALAR;                                   \
        stmt;                                                       \
        HG_CATCH                                                    \
    }

// Unary
HG_UNARY(neg, at::neg(x))
HG_UNARY(exp, at::exp(x))
HG_UNARY(log, at::log(x))
HG_UNARY(log1p, at::log1p(x))
HG_UNARY(expm1, at::expm1(x))
HG_UNARY(sqrt, at::sqrt(x))
HG_UNARY(rsqrt, at::rsqrt(x))
HG_UNARY(abs, at::abs(x))
HG_UNARY(sign, at::sign(x))
HG_UNARY(square, at::square(x))
HG_UNARY(reciprocal, at::reciprocal(x))
HG_UNARY(sin, at::sin(x))
HG_UNARY(cos, at::cos(x))
HG_UNARY(floor, at::floor(x))
HG_UNARY(ceil, at::ceil(x))
HG_UNARY(round, at::round(x))
HG_UNARY(erf, at::erf(x))
HG_UNARY(relu, at::relu(x))
HG_UNARY(tanh, at::tanh(x))
HG_UNARY(sigmoid, at::sigmoid(x))
HG_UNARY(logical_not, at::logical_not(x))
HG_UNARY(isnan, at::isnan(x))
HG_UNARY(isfinite, at::isfinite(x))

// Binary, tensor with tensor (broadcasting)
HG_BINARY(mul, at::mul(x, y))
HG_BINARY(div, at::div(x, y))
HG_BINARY(pow, at::pow(x, y))
HG_BINARY(maximum, at::maximum(x, y))
HG_BINARY(minimum, at::minimum(x, y))
HG_BINARY(floor_divide, at::div(x, y, "floor"))
HG_BINARY(remainder, at::remainder(x, y))
HG_BINARY(eq, at::eq(x, y))
HG_BINARY(ne, at::ne(x, y))
HG_BINARY(lt, at::lt(x, y))
HG_BINARY(le, at::le(x, y))
HG_BINARY(gt, at::gt(x, y))
HG_BINARY(ge, at::ge(x, y))
HG_BINARY(logical_and, at::logical_and(x, y))
HG_BINARY(logical_or, at::logical_or(x, y))
HG_BINARY(matmul, at::matmul(x, y))
HG_BINARY(mm, at::mm(x, y))
HG_BINARY(outer, at::outer(x, y))

HG_API int hg_tensor_add(hg_tensor a, hg_tensor b, HG_SCALAR_ARGS, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::add(hg::t(a), hg::t(b), HG_SCALAR));
    HG_CATCH
}

HG_API int hg_tensor_sub(hg_tensor a, hg_tensor b, HG_SCALAR_ARGS, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::sub(hg::t(a), hg::t(b), HG_SCALAR));
    HG_CATCH
}

HG_API int hg_tensor_where(hg_tensor condition, hg_tensor a, hg_tensor b, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::where(hg::t(condition), hg::t(a), hg::t(b)));
    HG_CATCH
}

HG_API int hg_tensor_addmm(hg_tensor bias, hg_tensor a, hg_tensor b, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::addmm(hg::t(bias), hg::t(a), hg::t(b)));
    HG_CATCH
}

// Binary with a scalar
HG_BINARY_SCALAR(add_scalar, at::add(x, s))
HG_BINARY_SCALAR(sub_scalar, at::sub(x, s))
HG_BINARY_SCALAR(rsub_scalar, at::rsub(x, s))
HG_BINARY_SCALAR(mul_scalar, at::mul(x, s))
HG_BINARY_SCALAR(div_scalar, at::div(x, s))
HG_BINARY_SCALAR(rdiv_scalar, at::mul(at::reciprocal(x), s))
HG_BINARY_SCALAR(pow_scalar, at::pow(x, s))
HG_BINARY_SCALAR(rpow_scalar, at::pow(s, x))
HG_BINARY_SCALAR(floor_divide_scalar, at::div(x, at::scalar_tensor(s, at::TensorOptions().dtype(s.isIntegral(false) ? at::kLong : at::kDouble).device(x.device())), "floor"))
HG_BINARY_SCALAR(remainder_scalar, at::remainder(x, s))
HG_BINARY_SCALAR(eq_scalar, at::eq(x, s))
HG_BINARY_SCALAR(ne_scalar, at::ne(x, s))
HG_BINARY_SCALAR(lt_scalar, at::lt(x, s))
HG_BINARY_SCALAR(le_scalar, at::le(x, s))
HG_BINARY_SCALAR(gt_scalar, at::gt(x, s))
HG_BINARY_SCALAR(ge_scalar, at::ge(x, s))
HG_BINARY_SCALAR(clamp_min, at::clamp_min(x, s))
HG_BINARY_SCALAR(clamp_max, at::clamp_max(x, s))

HG_API int hg_tensor_softplus(hg_tensor a, double beta, double threshold, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::softplus(hg::t(a), beta, threshold));
    HG_CATCH
}

// In place (optimizer steps; these bump the tensor's version counter as autograd expects)
HG_INPLACE(copy_, x.copy_(y))
HG_INPLACE(mul_, x.mul_(y))
HG_INPLACE(div_, x.div_(y))
HG_INPLACE_SCALAR(add_scalar_, x.add_(s))
HG_INPLACE_SCALAR(mul_scalar_, x.mul_(s))
HG_INPLACE_SCALAR(fill_, x.fill_(s))
HG_INPLACE_SCALAR(clamp_min_, x.clamp_min_(s))

HG_API int hg_tensor_add_(hg_tensor a, hg_tensor b, HG_SCALAR_ARGS) {
    HG_TRY
    hg::t(a).add_(hg::t(b), HG_SCALAR);
    HG_CATCH
}

HG_API int hg_tensor_addcmul_(hg_tensor a, hg_tensor t1, hg_tensor t2, HG_SCALAR_ARGS) {
    HG_TRY
    hg::t(a).addcmul_(hg::t(t1), hg::t(t2), HG_SCALAR);
    HG_CATCH
}

HG_API int hg_tensor_addcdiv_(hg_tensor a, hg_tensor t1, hg_tensor t2, HG_SCALAR_ARGS) {
    HG_TRY
    hg::t(a).addcdiv_(hg::t(t1), hg::t(t2), HG_SCALAR);
    HG_CATCH
}

HG_API int hg_tensor_zero_(hg_tensor a) {
    HG_TRY
    hg::t(a).zero_();
    HG_CATCH
}

// Reductions
HG_UNARY(sum_all, at::sum(x))
HG_UNARY(mean_all, at::mean(x))
HG_UNARY(max_all, at::max(x))
HG_UNARY(min_all, at::min(x))
HG_UNARY(prod_all, at::prod(x))

#define HG_REDUCE_DIMS(name, expr)                                                                       \
    HG_API int hg_tensor_##name(hg_tensor a, const int64_t* dims, int64_t ndims, int32_t keepdim, hg_tensor* out) { \
        HG_TRY HG_OUT_CHECK(out);                                                                        \
        const at::Tensor& x = hg::t(a);                                                                  \
        at::IntArrayRef d = hg::dims(dims, ndims);                                                       \
        bool k = keepdim != 0;                                                                           \
        *out = hg::wrap(expr);                                                                           \
        HG_CATCH                                                                                         \
    }

HG_REDUCE_DIMS(sum_dims, at::sum(x, d, k))
HG_REDUCE_DIMS(mean_dims, at::mean(x, d, k))
HG_REDUCE_DIMS(logsumexp, at::logsumexp(x, d, k))
HG_REDUCE_DIMS(amax, at::amax(x, d, k))
HG_REDUCE_DIMS(amin, at::amin(x, d, k))

HG_API int hg_tensor_var_dims(hg_tensor a, const int64_t* dims, int64_t ndims, int32_t unbiased, int32_t keepdim,
                              hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::var(hg::t(a), hg::dims(dims, ndims), unbiased != 0, keepdim != 0));
    HG_CATCH
}

HG_API int hg_tensor_argmax(hg_tensor a, int64_t dim, int32_t keepdim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::argmax(hg::t(a), dim, keepdim != 0));
    HG_CATCH
}

HG_API int hg_tensor_argmin(hg_tensor a, int64_t dim, int32_t keepdim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::argmin(hg::t(a), dim, keepdim != 0));
    HG_CATCH
}

HG_API int hg_tensor_cumsum(hg_tensor a, int64_t dim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::cumsum(hg::t(a), dim));
    HG_CATCH
}
