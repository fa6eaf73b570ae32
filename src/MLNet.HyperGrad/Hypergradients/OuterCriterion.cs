namespace MLNet.HyperGrad.Hypergradients;

/// <summary>The outer criterion an <see cref="MlpInnerProblem"/> differentiates on its validation set.</summary>
public enum OuterCriterion
{
    /// <summary>The mean cross-entropy of the validation rows (the default).</summary>
    ValidationLoss,

    /// <summary>
    /// The validation error. The 0-1 error (the fraction of rows whose arg-max class is wrong) is piecewise
    /// constant, so the differentiated criterion is its smooth surrogate, the expected error of the softmax
    /// classifier, mean_i (1 − p_i[y_i]); the 0-1 error itself is reported by
    /// <see cref="MlpInnerProblem.ValidationErrorRate"/>.
    /// </summary>
    ValidationError,
}
