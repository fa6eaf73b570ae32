namespace MLNet.HyperGrad.Estimators.Mapping;

/// <summary>The names of the columns the HyperGradMlp mapping uses inside its transformer chain (all dropped at its end) and of its custom-mapping contracts.</summary>
/// <remarks>
/// A contract name is what model.zip stores for the custom mapping; each names the documented load call, so
/// that an ML.NET error which quotes the contract tells the user what to call.
/// </remarks>
internal static class MlpColumns
{
    /// <summary>The copy of the user's features column that the mapping reads.</summary>
    public const string Features = "__HyperGradMlp.Features";

    /// <summary>The mapping's fixed-size (<see cref="MulticlassMlpOutput.MaxClasses"/>) multiclass score, cut to the class count into <c>Score</c>.</summary>
    public const string PaddedScore = "__HyperGradMlp.PaddedScore";

    /// <summary>The text of the predicted class, mapped to the <c>PredictedLabel</c> key.</summary>
    public const string PredictedClass = "__HyperGradMlp.PredictedClass";

    /// <summary>The contract of the binary mapping.</summary>
    public const string BinaryContract = "HyperGradMlp.Binary.v1 (load with MLNet.HyperGrad.Estimators.HyperGradModel.Load)";

    /// <summary>The contract of the multiclass mapping.</summary>
    public const string MulticlassContract = "HyperGradMlp.Multiclass.v1 (load with MLNet.HyperGrad.Estimators.HyperGradModel.Load)";

    /// <summary>The contract of the regression mapping.</summary>
    public const string RegressionContract = "HyperGradMlp.Regression.v1 (load with MLNet.HyperGrad.Estimators.HyperGradModel.Load)";
}
