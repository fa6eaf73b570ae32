using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using MLNet.HyperGrad.Estimators.Mapping;
using MLNet.HyperGrad.Models;

namespace MLNet.HyperGrad.Estimators;

/// <summary>Saves and loads ML.NET models that contain HyperGradMlp transformers: one model.zip holding the whole pipeline and the networks' weights.</summary>
/// <remarks>
/// <para>ML.NET keeps <c>ModelSaveContext</c>'s writers internal to its own assemblies (dotnet/machinelearning
/// #4911, #6839), so a third-party transformer can save only a custom-mapping contract name. <see cref="Save"/>
/// therefore calls <c>mlContext.Model.Save</c> (which writes the pipeline, with each network as a custom mapping)
/// and adds one zip entry per network (<see cref="WeightsEntryPrefix"/>0000, 0001, … in save order).
/// <see cref="Load"/> reads those entries, then calls <c>mlContext.Model.Load</c>, whose mapping factories
/// take the networks in the same order.</para>
/// <para>A plain <c>mlContext.Model.Save</c> of such a model throws (naming <see cref="Save"/>). A plain
/// <c>mlContext.Model.Load</c> of such a file fails inside our mapping factory with a message naming
/// <see cref="Load"/>. ML.NET registers our assembly itself from the saved contract's assembly name; if this
/// assembly cannot be found at all, ML.NET fails before our code runs, with an error naming the assembly
/// MLNet.HyperGrad, and the contract names in the file read "(load with MLNet.HyperGrad.Estimators.HyperGradModel.Load)".</para>
/// <para>A model returned by <see cref="Load"/> predicts; it is ML.NET's chain without the HyperGradMlp wrapper, so
/// save the original model again rather than a loaded one.</para>
/// </remarks>
public static class HyperGradModel
{
    /// <summary>The prefix of the zip entries that hold the networks.</summary>
    public const string WeightsEntryPrefix = "HyperGrad/Mlp";

    /// <summary>The networks of each model <see cref="Load"/> returned, so that saving that model again stores them.</summary>
    private static readonly ConditionalWeakTable<ITransformer, IReadOnlyList<MlpNetwork>> Loaded = new();

    /// <summary>Saves a model (any ML.NET transformer, with or without HyperGradMlp transformers) to one model.zip.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="model">The model.</param>
    /// <param name="inputSchema">The schema of the model's input, as for <c>mlContext.Model.Save</c>; may be null.</param>
    /// <param name="filePath">The zip file to write (replaced if it exists).</param>
    public static void Save(MLContext mlContext, ITransformer model, DataViewSchema? inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        var networks = new List<MlpNetwork>();
        using (MlpNetworkSlots.BeginSave(networks))
        {
            mlContext.Model.Save(model, inputSchema, filePath);
        }

        if (networks.Count == 0 && Loaded.TryGetValue(model, out IReadOnlyList<MlpNetwork>? loaded))
        {
            networks.AddRange(loaded);
        }

        if (networks.Count == 0)
        {
            return;
        }

        using ZipArchive zip = ZipFile.Open(filePath, ZipArchiveMode.Update);
        for (int i = 0; i < networks.Count; i++)
        {
            ZipArchiveEntry entry = zip.CreateEntry(EntryName(i), CompressionLevel.Optimal);
            using Stream stream = entry.Open();
            networks[i].Write(stream);
        }
    }

    /// <summary>Loads a model saved by <see cref="Save"/> (or any model.zip ML.NET can load).</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="filePath">The zip file.</param>
    /// <param name="inputSchema">The model's input schema, as saved.</param>
    /// <returns>The model, ready to transform or to build a prediction engine.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelFormatException">A stored network is unreadable, or the networks and the pipeline's mappings do not match in number or task.</exception>
    public static ITransformer Load(MLContext mlContext, string filePath, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        if (!File.Exists(filePath))
        {
            throw new FileNotFoundException($"The model file {filePath} does not exist.", filePath);
        }

        var read = new List<MlpNetwork>();
        using (ZipArchive zip = ZipFile.OpenRead(filePath))
        {
            foreach (ZipArchiveEntry entry in zip.Entries.Where(e => e.FullName.StartsWith(WeightsEntryPrefix, StringComparison.Ordinal)).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                using Stream stream = entry.Open();
                read.Add(MlpNetwork.Read(stream, filePath + "!" + entry.FullName));
            }
        }

        int stored = read.Count;
        var networks = new Queue<MlpNetwork>(read);
        ITransformer model;
        using (MlpNetworkSlots.BeginLoad(networks))
        {
            model = mlContext.Model.Load(filePath, out inputSchema);
        }

        if (networks.Count != 0)
        {
            throw new ModelFormatException(filePath, string.Create(CultureInfo.InvariantCulture, $"it stores {stored} HyperGradMlp networks but its pipeline uses only {stored - networks.Count}."));
        }

        Loaded.AddOrUpdate(model, read);
        return model;
    }

    private static string EntryName(int index) => WeightsEntryPrefix + index.ToString("D4", CultureInfo.InvariantCulture);
}
