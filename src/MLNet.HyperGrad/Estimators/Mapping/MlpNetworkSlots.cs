using MLNet.HyperGrad.Models;

namespace MLNet.HyperGrad.Estimators.Mapping;

/// <summary>
/// Hands networks between <see cref="HyperGradModel"/> and ML.NET's save and load, which give third-party code
/// no place for weights: during <see cref="HyperGradModel.Save"/> every HyperGradMlp transformer ML.NET saves
/// adds its network here, in save order; during <see cref="HyperGradModel.Load"/> the mapping factories take
/// the networks read from model.zip in the same order (ML.NET loads a chain in the order it saved it).
/// </summary>
/// <remarks>The slots are async-local: concurrent saves and loads on different threads do not mix.</remarks>
internal static class MlpNetworkSlots
{
    private static readonly AsyncLocal<List<MlpNetwork>?> Saving = new();
    private static readonly AsyncLocal<Queue<MlpNetwork>?> Loading = new();

    /// <summary>Starts collecting the networks of a save.</summary>
    /// <param name="collected">Receives the networks in save order.</param>
    /// <returns>Ends the collection.</returns>
    public static IDisposable BeginSave(List<MlpNetwork> collected)
    {
        List<MlpNetwork>? previous = Saving.Value;
        Saving.Value = collected;
        return new Restore(() => Saving.Value = previous);
    }

    /// <summary>Makes networks available to the mapping factories of a load.</summary>
    /// <param name="networks">The networks in save order; the factories dequeue them.</param>
    /// <returns>Ends the load.</returns>
    public static IDisposable BeginLoad(Queue<MlpNetwork> networks)
    {
        Queue<MlpNetwork>? previous = Loading.Value;
        Loading.Value = networks;
        return new Restore(() => Loading.Value = previous);
    }

    /// <summary>Adds a network being saved.</summary>
    /// <param name="network">The network.</param>
    /// <exception cref="InvalidOperationException">No <see cref="HyperGradModel.Save"/> is running: a plain <c>mlContext.Model.Save</c> cannot store the weights.</exception>
    public static void AddSaved(MlpNetwork network)
    {
        List<MlpNetwork> collected = Saving.Value ?? throw new InvalidOperationException(
            "A model with a HyperGradMlp transformer must be saved with MLNet.HyperGrad.Estimators.HyperGradModel.Save(mlContext, model, inputSchema, path): " +
            "mlContext.Model.Save alone cannot store the network's weights (ML.NET keeps ModelSaveContext internal to its own assemblies). " +
            "Load the file with HyperGradModel.Load(mlContext, path, out inputSchema).");
        collected.Add(network);
    }

    /// <summary>Takes the next network of a load, for a mapping factory.</summary>
    /// <param name="task">The task of the factory asking.</param>
    /// <returns>The network.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="HyperGradModel.Load"/> is running (a plain <c>mlContext.Model.Load</c>).</exception>
    /// <exception cref="ModelFormatException">The file has fewer networks than HyperGradMlp mappings, or one of another task.</exception>
    public static MlpNetwork Take(PredictionTask task)
    {
        Queue<MlpNetwork> pending = Loading.Value ?? throw new InvalidOperationException(
            "This model contains a HyperGradMlp network whose weights are stored beside the ML.NET pipeline in model.zip; " +
            "load it with MLNet.HyperGrad.Estimators.HyperGradModel.Load(mlContext, path, out inputSchema) instead of mlContext.Model.Load.");
        if (!pending.TryDequeue(out MlpNetwork? network))
        {
            throw new ModelFormatException("model.zip has more HyperGradMlp mappings than stored networks (entries " + HyperGradModel.WeightsEntryPrefix + "*).");
        }

        if (network.Task != task)
        {
            throw new ModelFormatException($"model.zip's next stored HyperGradMlp network is for {network.Task}, but the pipeline's mapping at that place is for {task}.");
        }

        return network;
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
