namespace MLNet.HyperGrad.Training;

/// <summary>A model's loss (and accuracy for classification) on some data.</summary>
/// <param name="Loss">The mean loss.</param>
/// <param name="Accuracy">The fraction classified correctly; null for regression.</param>
/// <param name="Count">The number of samples.</param>
public sealed record Evaluation(double Loss, double? Accuracy, long Count);
