namespace MLNet.HyperGrad.Storage;

/// <summary>A value that a running trial reported at one step, such as the validation loss after an epoch.</summary>
/// <param name="Step">The step, from 0 (for example the epoch index).</param>
/// <param name="Value">The value at that step; NaN and infinities are kept as they are.</param>
public readonly record struct IntermediateValue(int Step, double Value);
