using MLNet.HyperGrad.Estimators;

#pragma warning disable IDE0130 // Namespace does not match folder: catalog extensions live in Microsoft.ML, as Microsoft.ML.LightGbm's do, so users need no extra using.
namespace Microsoft.ML;
#pragma warning restore IDE0130

/// <summary>Tunable versions of ML.NET's trainers on ML.NET's trainer catalogs, the last estimator of a pipeline that <c>.WithHyperGrad()</c> tunes.</summary>
public static class TunableTrainerCatalogExtensions
{
    /// <summary>A tunable multiclass trainer: <c>mlContext.MulticlassClassification.Trainers.Tunable(TunableTrainers.LightGbm)</c>.</summary>
    /// <param name="catalog">The multiclass trainer catalog.</param>
    /// <param name="trainer">The trainer family, one of <see cref="TunableTrainers"/>.</param>
    /// <param name="labelColumnName">The key-typed label column.</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single.</param>
    /// <param name="seed">Seeds the context the trainer is created in outside tuning (ML.NET does not expose the catalog's).</param>
    /// <returns>The tunable estimator, at AutoML's starting point until tuned or set.</returns>
    /// <exception cref="ArgumentException">The trainer does not train multiclass classification.</exception>
    public static TunableTrainerEstimator Tunable(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, TunableTrainer trainer, string labelColumnName = "Label", string featureColumnName = "Features", int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TunableTrainerEstimator(trainer, PredictionTask.MulticlassClassification, labelColumnName, featureColumnName, seed);
    }

    /// <summary>A tunable binary trainer: <c>mlContext.BinaryClassification.Trainers.Tunable(TunableTrainers.FastTree)</c>.</summary>
    /// <param name="catalog">The binary trainer catalog.</param>
    /// <param name="trainer">The trainer family, one of <see cref="TunableTrainers"/>.</param>
    /// <param name="labelColumnName">The Boolean label column.</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single.</param>
    /// <param name="seed">Seeds the context the trainer is created in outside tuning (ML.NET does not expose the catalog's).</param>
    /// <returns>The tunable estimator, at AutoML's starting point until tuned or set.</returns>
    /// <exception cref="ArgumentException">The trainer does not train binary classification.</exception>
    public static TunableTrainerEstimator Tunable(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, TunableTrainer trainer, string labelColumnName = "Label", string featureColumnName = "Features", int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TunableTrainerEstimator(trainer, PredictionTask.BinaryClassification, labelColumnName, featureColumnName, seed);
    }

    /// <summary>A tunable regression trainer: <c>mlContext.Regression.Trainers.Tunable(TunableTrainers.Sdca)</c>.</summary>
    /// <param name="catalog">The regression trainer catalog.</param>
    /// <param name="trainer">The trainer family, one of <see cref="TunableTrainers"/>.</param>
    /// <param name="labelColumnName">The Single label column.</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single.</param>
    /// <param name="seed">Seeds the context the trainer is created in outside tuning (ML.NET does not expose the catalog's).</param>
    /// <returns>The tunable estimator, at AutoML's starting point until tuned or set.</returns>
    /// <exception cref="ArgumentException">The trainer does not train regression.</exception>
    public static TunableTrainerEstimator Tunable(this RegressionCatalog.RegressionTrainers catalog, TunableTrainer trainer, string labelColumnName = "Label", string featureColumnName = "Features", int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TunableTrainerEstimator(trainer, PredictionTask.Regression, labelColumnName, featureColumnName, seed);
    }
}
