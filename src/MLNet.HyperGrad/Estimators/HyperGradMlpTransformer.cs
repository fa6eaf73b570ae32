using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Estimators.Mapping;
using MLNet.HyperGrad.Training;

namespace MLNet.HyperGrad.Estimators;

/// <summary>A trained HyperGradMlp network as an ML.NET transformer: adds <c>Score</c>, <c>PredictedLabel</c> and (binary) <c>Probability</c>.</summary>
/// <remarks>
/// <para>Inside it is an ML.NET transformer chain: the features column copied, a custom mapping that runs the
/// network row by row (managed code, no native tensor), and for multiclass ML.NET's DropSlots and
/// MapValueToKey, which give <c>Score</c> its class count and <c>PredictedLabel</c> the label's key values
/// as text. Rows with a missing or non-finite feature get NaN scores.</para>
/// <para>Save a model containing it with <see cref="HyperGradModel.Save"/> and load it with
/// <see cref="HyperGradModel.Load"/>: a plain <c>mlContext.Model.Save</c> throws, because ML.NET offers third
/// parties no way to write weights into model.zip. A loaded model is ML.NET's chain, without this wrapper.</para>
/// </remarks>
public sealed class HyperGradMlpTransformer : ITransformer
{
    private readonly ITransformer inner;

    internal HyperGradMlpTransformer(MlpNetwork network, ITransformer inner, IReadOnlyList<EpochReport> trainingCurve, int trainingRows)
    {
        Network = network;
        this.inner = inner;
        TrainingCurve = trainingCurve;
        TrainingRows = trainingRows;
    }

    /// <summary>Gets the task the network was trained for.</summary>
    public PredictionTask Task => Network.Task;

    /// <summary>Gets the input, hidden and output sizes of the network.</summary>
    public IReadOnlyList<int> LayerSizes => Network.LayerSizes;

    /// <summary>Gets one report per training epoch (mean training loss, seconds).</summary>
    public IReadOnlyList<EpochReport> TrainingCurve { get; }

    /// <summary>Gets the number of rows the network was trained on (rows with a missing label or feature are skipped).</summary>
    public int TrainingRows { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => inner.IsRowToRowMapper;

    internal MlpNetwork Network { get; }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inner.GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => inner.GetRowToRowMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => inner.Transform(input);

    /// <summary>Saves the inner ML.NET chain and hands the network to the running <see cref="HyperGradModel.Save"/>.</summary>
    /// <param name="ctx">ML.NET's save context.</param>
    /// <exception cref="InvalidOperationException">Called by a plain <c>mlContext.Model.Save</c>; the message names <see cref="HyperGradModel.Save"/>.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        MlpNetworkSlots.AddSaved(Network);
        inner.Save(ctx);
    }
}
