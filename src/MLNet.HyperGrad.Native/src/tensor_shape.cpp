// Views, reshapes, indexing and joins.
#include "hg_common.h"

HG_API int hg_tensor_reshape(hg_tensor a, const int64_t* shape, int64_t ndim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).reshape(hg::dims(shape, ndim)));
    HG_CATCH
}

HG_API int hg_tensor_view(hg_tensor a, const int64_t* shape, int64_t ndim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).view(hg::dims(shape, ndim)));
    HG_CATCH
}

HG_API int hg_tensor_expand(hg_tensor a, const int64_t* shape, int64_t ndim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).expand(hg::dims(shape, ndim)));
    HG_CATCH
}

HG_API int hg_tensor_permute(hg_tensor a, const int64_t* dims, int64_t ndim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).permute(hg::dims(dims, ndim)));
    HG_CATCH
}

HG_API int hg_tensor_transpose(hg_tensor a, int64_t dim0, int64_t dim1, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).transpose(dim0, dim1));
    HG_CATCH
}

HG_API int hg_tensor_squeeze(hg_tensor a, int64_t dim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).squeeze(dim));
    HG_CATCH
}

HG_API int hg_tensor_unsqueeze(hg_tensor a, int64_t dim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).unsqueeze(dim));
    HG_CATCH
}

HG_API int hg_tensor_flatten(hg_tensor a, int64_t start_dim, int64_t end_dim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).flatten(start_dim, end_dim));
    HG_CATCH
}

HG_API int hg_tensor_narrow(hg_tensor a, int64_t dim, int64_t start, int64_t length, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).narrow(dim, start, length));
    HG_CATCH
}

HG_API int hg_tensor_slice(hg_tensor a, int64_t dim, int64_t start, int64_t end, int64_t step, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).slice(dim, start, end, step));
    HG_CATCH
}

HG_API int hg_tensor_select(hg_tensor a, int64_t dim, int64_t index, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(hg::t(a).select(dim, index));
    HG_CATCH
}

HG_API int hg_tensor_index_select(hg_tensor a, int64_t dim, hg_tensor index, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::index_select(hg::t(a), dim, hg::t(index)));
    HG_CATCH
}

HG_API int hg_tensor_gather(hg_tensor a, int64_t dim, hg_tensor index, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::gather(hg::t(a), dim, hg::t(index)));
    HG_CATCH
}

HG_API int hg_tensor_masked_select(hg_tensor a, hg_tensor mask, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::masked_select(hg::t(a), hg::t(mask)));
    HG_CATCH
}

HG_API int hg_tensor_cat(const hg_tensor* items, int64_t count, int64_t dim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::cat(hg::tensors(items, count), dim));
    HG_CATCH
}

HG_API int hg_tensor_stack(const hg_tensor* items, int64_t count, int64_t dim, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::stack(hg::tensors(items, count), dim));
    HG_CATCH
}

HG_API int hg_tensor_diag(hg_tensor a, int64_t offset, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::diag(hg::t(a), offset));
    HG_CATCH
}

HG_API int hg_tensor_diagonal(hg_tensor a, int64_t offset, int64_t dim1, int64_t dim2, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::diagonal(hg::t(a), offset, dim1, dim2));
    HG_CATCH
}

HG_API int hg_tensor_tril(hg_tensor a, int64_t diagonal, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::tril(hg::t(a), diagonal));
    HG_CATCH
}

HG_API int hg_tensor_triu(hg_tensor a, int64_t diagonal, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::triu(hg::t(a), diagonal));
    HG_CATCH
}

HG_API int hg_tensor_one_hot(hg_tensor a, int64_t num_classes, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::one_hot(hg::t(a), num_classes));
    HG_CATCH
}
