namespace MLNet.HyperGrad.Estimators;

/// <summary>The kind of prediction an ML.NET trainer makes, as ML.NET's catalogs split them.</summary>
public enum PredictionTask
{
    /// <summary>Two classes (<c>mlContext.BinaryClassification</c>): a Boolean label; outputs <c>Score</c>, <c>PredictedLabel</c> and, when calibrated, <c>Probability</c>.</summary>
    BinaryClassification,

    /// <summary>Two or more classes (<c>mlContext.MulticlassClassification</c>): a key-typed label; outputs a <c>Score</c> vector and a key <c>PredictedLabel</c>.</summary>
    MulticlassClassification,

    /// <summary>A real-valued target (<c>mlContext.Regression</c>): a Single label; outputs a scalar <c>Score</c>.</summary>
    Regression,
}
