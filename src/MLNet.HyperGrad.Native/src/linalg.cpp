// Dense linear algebra for Gaussian processes and implicit differentiation.
#include "hg_common.h"

HG_API int hg_linalg_cholesky(hg_tensor a, int32_t upper, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::linalg_cholesky(hg::t(a), upper != 0));
    HG_CATCH
}

// Solves A X = B given the Cholesky factor of A.
HG_API int hg_linalg_cholesky_solve(hg_tensor b, hg_tensor factor, int32_t upper, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::cholesky_solve(hg::t(b), hg::t(factor), upper != 0));
    HG_CATCH
}

HG_API int hg_linalg_solve_triangular(hg_tensor a, hg_tensor b, int32_t upper, int32_t left, int32_t unitriangular,
                                      hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::linalg_solve_triangular(hg::t(a), hg::t(b), upper != 0, left != 0, unitriangular != 0));
    HG_CATCH
}

HG_API int hg_linalg_solve(hg_tensor a, hg_tensor b, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::linalg_solve(hg::t(a), hg::t(b)));
    HG_CATCH
}

HG_API int hg_linalg_inv(hg_tensor a, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::linalg_inv(hg::t(a)));
    HG_CATCH
}

HG_API int hg_linalg_logdet(hg_tensor a, hg_tensor* out) {
    HG_TRY HG_OUT_CHECK(out);
    *out = hg::wrap(at::logdet(hg::t(a)));
    HG_CATCH
}

// Eigen-decomposition of a symmetric matrix: eigenvalues ascending, eigenvectors as columns.
HG_API int hg_linalg_eigh(hg_tensor a, hg_tensor* values, hg_tensor* vectors) {
    HG_TRY HG_OUT_CHECK(values); HG_OUT_CHECK(vectors);
    auto result = at::linalg_eigh(hg::t(a), "L");
    *values = hg::wrap(std::get<0>(result));
    *vectors = hg::wrap(std::get<1>(result));
    HG_CATCH
}
