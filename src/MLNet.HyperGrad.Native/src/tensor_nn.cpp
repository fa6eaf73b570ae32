// Neural-network functions: softmax family, losses, linear layers. All support double backward.
#include "hg_common.h"

HG_API int hg_tensor_log_softmax(hg_tensor a, int64_t dim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::log_softmax(hg::t(a), dim));
    HG_CATCH
}

HG_API int hg_tensor_softmax(hg_tensor a, int64_t dim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::softmax(hg::t(a), dim));
    HG_CATCH
}

// reduction: 0 none, 1 mean, 2 sum (at::Reduction).
HG_API int hg_nn_cross_entropy(hg_tensor logits, hg_tensor target, int32_t reduction, double label_smoothing,
                               hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    const auto& x = hg::t(logits);
    const auto& y = hg::t(target);
    if (x.dim() != 2) throw std::invalid_argument("cross_entropy expects logits of shape [batch, classes], got " +
                                                  std::to_string(x.dim()) + " dimensions");
    if (y.scalar_type() != at::kLong)
        throw std::invalid_argument(std::string("cross_entropy expects int64 class indices as target, got ") +
                                    c10::toString(y.scalar_type()));
    *out = hg::wrap(at::cross_entropy_loss(x, y, {}, reduction, -100, label_smoothing));
    HG_CATCH
}

HG_API int hg_nn_nll_loss(hg_tensor log_probs, hg_tensor target, int32_t reduction, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::nll_loss(hg::t(log_probs), hg::t(target), {}, reduction, -100));
    HG_CATCH
}

HG_API int hg_nn_mse_loss(hg_tensor input, hg_tensor target, int32_t reduction, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::mse_loss(hg::t(input), hg::t(target), reduction));
    HG_CATCH
}

// y = x W^T + b, with W of shape [out, in]; b may be null.
HG_API int hg_nn_linear(hg_tensor x, hg_tensor weight, hg_tensor bias, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::linear(hg::t(x), hg::t(weight), hg::opt(bias)));
    HG_CATCH
}
