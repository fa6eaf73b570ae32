namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>How a slot of the unit cube decodes to a hyperparameter value.</summary>
public enum FeatureDimensionKind
{
    /// <summary>A real value, linear or log scale; the decoding is smooth, so the slot is differentiable.</summary>
    Continuous = 0,

    /// <summary>An integer from equal-width bins (floor); piecewise constant, so not differentiable.</summary>
    Integer = 1,

    /// <summary>One of a list of choices from equal-width bins; piecewise constant and unordered, so not differentiable.</summary>
    Categorical = 2,
}
