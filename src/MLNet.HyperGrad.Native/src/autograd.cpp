// Reverse-mode autograd: torch.autograd.grad and backward, with create_graph for higher order.
#include "hg_common.h"

#include <torch/csrc/autograd/autograd.h>

// retain_graph: -1 means "same as create_graph" (PyTorch's rule); 0 false; 1 true.
// grad_outputs may be null, or hold null entries meaning "ones like the output".
// results receives n_inputs handles; an input the outputs do not depend on gets null when
// allow_unused is set, otherwise libtorch reports an error.
HG_API int hg_autograd_grad(const hg_tensor* outputs, int64_t n_outputs, const hg_tensor* inputs, int64_t n_inputs,
                            const hg_tensor* grad_outputs, int32_t retain_graph, int32_t create_graph,
                            int32_t allow_unused, hg_tensor* results) {
    HG_TRY HG_OUT_CHECK(results);
    auto outs = hg::tensors(outputs, n_outputs);
    auto ins = hg::tensors(inputs, n_inputs);
    std::vector<at::Tensor> gouts;
    if (grad_outputs != nullptr) {
        gouts.reserve(static_cast<size_t>(n_outputs));
        for (int64_t i = 0; i < n_outputs; ++i) gouts.push_back(hg::opt(grad_outputs[i]));
    }
    c10::optional<bool> retain =
        retain_graph < 0 ? c10::optional<bool>(c10::nullopt) : c10::optional<bool>(retain_graph != 0);
    auto grads = torch::autograd::grad(outs, ins, gouts, retain, create_graph != 0, allow_unused != 0);
    for (int64_t i = 0; i < n_inputs; ++i) results[i] = nullptr;
    try {
        for (int64_t i = 0; i < n_inputs; ++i) results[i] = hg::wrap(grads[static_cast<size_t>(i)]);
    } catch (...) {
        for (int64_t i = 0; i < n_inputs; ++i) {
            if (results[i] != nullptr) {
                delete static_cast<at::Tensor*>(results[i]);
                hg::count_freed();
                results[i] = nullptr;
            }
        }
        throw;
    }
    HG_CATCH
}

HG_API int hg_autograd_backward(hg_tensor output, hg_tensor grad_output, int32_t retain_graph, int32_t create_graph) {
    HG_TRY
    c10::optional<bool> retain =
        retain_graph < 0 ? c10::optional<bool>(c10::nullopt) : c10::optional<bool>(retain_graph != 0);
    torch::autograd::backward({hg::t(output)}, {hg::opt(grad_output)}, retain, create_graph != 0);
    HG_CATCH
}
