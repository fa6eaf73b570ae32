// Fused optimizer updates over a list of parameters, for the non-differentiable fast path.
// One call replaces a few dispatches per parameter; the arithmetic is the same as the composed form.
#include "hg_common.h"

#include <c10/core/GradMode.h>

// For each i, under no-grad:  g = grad_i + weight_decay * param_i;  buf_i = momentum * buf_i + g;
// param_i -= lr * buf_i.   (PyTorch's SGD with dampening 0 and nesterov off.)
HG_API int hg_optim_sgd_momentum_(const hg_tensor* params, const hg_tensor* grads, const hg_tensor* buffers,
                                  int64_t count, double lr, double momentum, double weight_decay) {
    HG_TRY
    c10::AutoGradMode no_grad(false);
    auto ps = hg::tensors(params, count);
    auto gs = hg::tensors(grads, count);
    auto bs = hg::tensors(buffers, count);
    for (int64_t i = 0; i < count; ++i) {
        auto& p = ps[static_cast<size_t>(i)];
        auto& b = bs[static_cast<size_t>(i)];
        const auto& g = gs[static_cast<size_t>(i)];
        if (p.sizes() != g.sizes() || p.sizes() != b.sizes())
            throw std::invalid_argument("sgd: parameter " + std::to_string(i) + " has shape " +
                                        c10::str(p.sizes()) + " but its gradient has " + c10::str(g.sizes()) +
                                        " and its momentum buffer " + c10::str(b.sizes()));
        b.mul_(momentum).add_(g);
        if (weight_decay != 0.0) b.add_(p, weight_decay);
        p.add_(b, -lr);
    }
    HG_CATCH
}
