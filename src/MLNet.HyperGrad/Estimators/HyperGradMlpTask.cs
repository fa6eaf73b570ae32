namespace MLNet.HyperGrad.Estimators;

/// <summary>The ML.NET task a <see cref="HyperGradMlpTrainer"/> trains for; it fixes the label type and the output columns.</summary>
public enum HyperGradMlpTask
{
    /// <summary>Binary classification: a Boolean label; outputs <c>Score</c> (log-odds, Single), <c>Probability</c> (Single) and <c>PredictedLabel</c> (Boolean).</summary>
    BinaryClassification,

    /// <summary>Multiclass classification: a key-typed label; outputs <c>Score</c> (class probabilities, a known-size vector of Single) and <c>PredictedLabel</c> (a key).</summary>
    MulticlassClassification,

    /// <summary>Regression: a Single label; outputs <c>Score</c> (Single).</summary>
    Regression,
}
