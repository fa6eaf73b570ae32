using Microsoft.ML.Data;
using MLNet.HyperGrad.Estimators;

#pragma warning disable IDE0130 // Namespace does not match folder: pipeline extensions live in Microsoft.ML, beside ML.NET's Append, so users need no extra using.
namespace Microsoft.ML;
#pragma warning restore IDE0130

/// <summary><c>.WithHyperGrad()</c> on an ML.NET pipeline that ends in a tunable trainer, and the tuning history of the model it fits.</summary>
public static class HyperGradPipelineExtensions
{
    /// <summary>
    /// Makes a pipeline tune its last estimator when fitted: <c>Fit(data)</c> runs trials (each fits the whole
    /// pipeline with the tuner's hyperparameters and scores it with ML.NET's evaluator), then returns the
    /// pipeline fitted on all of <c>data</c> with the best of them.
    /// </summary>
    /// <typeparam name="TLastTransformer">The transformer type of the pipeline's last estimator.</typeparam>
    /// <param name="pipeline">A chain whose last estimator is an <see cref="ITunableEstimator"/>, such as <c>mlContext.MulticlassClassification.Trainers.Tunable(TunableTrainers.LightGbm)</c> or <c>HyperGradMlp()</c>.</param>
    /// <param name="configure">Changes to the default <see cref="HyperGradPipelineOptions"/>; null keeps them.</param>
    /// <returns>The tuning estimator.</returns>
    /// <exception cref="ArgumentException">The last estimator is not tunable (the message names it), or the options are invalid.</exception>
    public static HyperGradPipelineEstimator WithHyperGrad<TLastTransformer>(this EstimatorChain<TLastTransformer> pipeline, Action<HyperGradPipelineOptions>? configure = null)
        where TLastTransformer : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        if (pipeline.LastEstimator is not ITunableEstimator tunable)
        {
            string last = pipeline.LastEstimator is null ? "missing (the chain is empty)" : pipeline.LastEstimator.GetType().Name;
            throw new ArgumentException(
                $"WithHyperGrad() tunes the pipeline's last estimator, which must be an ITunableEstimator; it is {last}. "
                + "End the pipeline with a tunable trainer, such as mlContext.MulticlassClassification.Trainers.Tunable(TunableTrainers.LightGbm).",
                nameof(pipeline));
        }

        return new HyperGradPipelineEstimator(pipeline, tunable, Configure(configure));
    }

    /// <summary>Makes a lone tunable estimator tune itself when fitted (a pipeline of one estimator).</summary>
    /// <param name="estimator">The tunable estimator.</param>
    /// <param name="configure">Changes to the default <see cref="HyperGradPipelineOptions"/>; null keeps them.</param>
    /// <returns>The tuning estimator.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static HyperGradPipelineEstimator WithHyperGrad(this ITunableEstimator estimator, Action<HyperGradPipelineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return new HyperGradPipelineEstimator(estimator, estimator, Configure(configure));
    }

    /// <summary>Gets the tuning history of a model fitted by <c>.WithHyperGrad()</c> in this process.</summary>
    /// <param name="model">The model <c>Fit</c> returned.</param>
    /// <returns>Every trial, the best one and the metric; null for a model not fitted so (one loaded from a file included).</returns>
    public static PipelineTuning? GetHyperGradTuning(this ITransformer model) => HyperGradPipelineEstimator.TuningOf(model);

    private static HyperGradPipelineOptions Configure(Action<HyperGradPipelineOptions>? configure)
    {
        var options = new HyperGradPipelineOptions();
        configure?.Invoke(options);
        return options;
    }
}
