using MLNet.HyperGrad.Estimators;

// The catalog extensions live in namespace Microsoft.ML, as Microsoft.ML.LightGbm's do, so that users need no extra using.
#pragma warning disable IDE0130 // Namespace does not match folder structure
namespace Microsoft.ML;
#pragma warning restore IDE0130

/// <summary>The HyperGradMlp trainer on ML.NET's trainer catalogs: <c>mlContext.MulticlassClassification.Trainers.HyperGradMlp()</c> and likewise for binary classification and regression.</summary>
/// <remarks>Each method returns a <see cref="HyperGradMlpTrainer"/>; see <see cref="HyperGradMlpOptions"/> for the defaults and <see cref="HyperGradModel"/> for saving.</remarks>
public static class HyperGradMlpExtensions
{
    /// <summary>Creates a HyperGradMlp trainer for multiclass classification (label: a key; outputs Score, a vector of class probabilities, and PredictedLabel, a key).</summary>
    /// <param name="catalog">The multiclass trainer catalog.</param>
    /// <param name="labelColumnName">The label column, a key (use MapValueToKey).</param>
    /// <param name="featureColumnName">The features column, a known-size vector of Single.</param>
    /// <param name="hiddenWidth">Units per hidden layer; 128 by default.</param>
    /// <param name="depth">Hidden layers; 2 by default.</param>
    /// <param name="epochs">Passes over the data; 20 by default.</param>
    /// <param name="learningRate">SGD's learning rate; 0.05 by default.</param>
    /// <param name="seed">The seed of weights and minibatch order; 0 by default.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentException">An argument is invalid; all problems are listed.</exception>
    public static HyperGradMlpTrainer HyperGradMlp(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        int hiddenWidth = 128,
        int depth = 2,
        int epochs = 20,
        double learningRate = 0.05,
        int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new HyperGradMlpTrainer(PredictionTask.MulticlassClassification, Options(labelColumnName, featureColumnName, hiddenWidth, depth, epochs, learningRate, seed));
    }

    /// <summary>Creates a HyperGradMlp trainer for multiclass classification from options.</summary>
    /// <param name="catalog">The multiclass trainer catalog.</param>
    /// <param name="options">The options (copied).</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentException">An option is invalid; all problems are listed.</exception>
    public static HyperGradMlpTrainer HyperGradMlp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, HyperGradMlpOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new HyperGradMlpTrainer(PredictionTask.MulticlassClassification, options);
    }

    /// <summary>Creates a HyperGradMlp trainer for binary classification (label: Boolean; outputs Score, the log-odds, Probability and PredictedLabel, Boolean).</summary>
    /// <param name="catalog">The binary trainer catalog.</param>
    /// <param name="labelColumnName">The label column, Boolean.</param>
    /// <param name="featureColumnName">The features column, a known-size vector of Single.</param>
    /// <param name="hiddenWidth">Units per hidden layer; 128 by default.</param>
    /// <param name="depth">Hidden layers; 2 by default.</param>
    /// <param name="epochs">Passes over the data; 20 by default.</param>
    /// <param name="learningRate">SGD's learning rate; 0.05 by default.</param>
    /// <param name="seed">The seed of weights and minibatch order; 0 by default.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentException">An argument is invalid; all problems are listed.</exception>
    public static HyperGradMlpTrainer HyperGradMlp(
        this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        int hiddenWidth = 128,
        int depth = 2,
        int epochs = 20,
        double learningRate = 0.05,
        int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new HyperGradMlpTrainer(PredictionTask.BinaryClassification, Options(labelColumnName, featureColumnName, hiddenWidth, depth, epochs, learningRate, seed));
    }

    /// <summary>Creates a HyperGradMlp trainer for binary classification from options.</summary>
    /// <param name="catalog">The binary trainer catalog.</param>
    /// <param name="options">The options (copied).</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentException">An option is invalid; all problems are listed.</exception>
    public static HyperGradMlpTrainer HyperGradMlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, HyperGradMlpOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new HyperGradMlpTrainer(PredictionTask.BinaryClassification, options);
    }

    /// <summary>Creates a HyperGradMlp trainer for regression (label: Single; outputs Score).</summary>
    /// <param name="catalog">The regression trainer catalog.</param>
    /// <param name="labelColumnName">The label column, Single.</param>
    /// <param name="featureColumnName">The features column, a known-size vector of Single.</param>
    /// <param name="hiddenWidth">Units per hidden layer; 128 by default.</param>
    /// <param name="depth">Hidden layers; 2 by default.</param>
    /// <param name="epochs">Passes over the data; 20 by default.</param>
    /// <param name="learningRate">SGD's learning rate; 0.05 by default.</param>
    /// <param name="seed">The seed of weights and minibatch order; 0 by default.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentException">An argument is invalid; all problems are listed.</exception>
    public static HyperGradMlpTrainer HyperGradMlp(
        this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        int hiddenWidth = 128,
        int depth = 2,
        int epochs = 20,
        double learningRate = 0.05,
        int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new HyperGradMlpTrainer(PredictionTask.Regression, Options(labelColumnName, featureColumnName, hiddenWidth, depth, epochs, learningRate, seed));
    }

    /// <summary>Creates a HyperGradMlp trainer for regression from options.</summary>
    /// <param name="catalog">The regression trainer catalog.</param>
    /// <param name="options">The options (copied).</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentException">An option is invalid; all problems are listed.</exception>
    public static HyperGradMlpTrainer HyperGradMlp(this RegressionCatalog.RegressionTrainers catalog, HyperGradMlpOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new HyperGradMlpTrainer(PredictionTask.Regression, options);
    }

    private static HyperGradMlpOptions Options(string labelColumnName, string featureColumnName, int hiddenWidth, int depth, int epochs, double learningRate, int seed) => new()
    {
        LabelColumnName = labelColumnName,
        FeatureColumnName = featureColumnName,
        HiddenWidth = hiddenWidth,
        Depth = depth,
        Epochs = epochs,
        LearningRate = learningRate,
        Seed = seed,
    };
}
