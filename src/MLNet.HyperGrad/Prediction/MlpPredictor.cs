using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;

using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Prediction;

/// <summary>
/// Predicts with a <see cref="TrainedModel"/>: the consumption API of a model that the
/// <c>hypergrad</c> command saved, like the code ML.NET Model Builder generates.
/// </summary>
/// <remarks>
/// <para>
/// Typical use:
/// <code>
/// using MlpPredictor predictor = MlpPredictor.Load("out/model");
/// IReadOnlyList&lt;MlpPrediction&gt; predictions = predictor.PredictCsv("new-rows.csv");
/// Console.WriteLine(predictions[0].ClassName);
/// </code>
/// </para>
/// <para>
/// The predictor holds the weights as float32 CPU tensors (native memory: dispose it). Features go
/// in as the model's <see cref="TrainedModel.Schema"/> encodes them, before standardization (or as
/// raw features, Fashion-MNIST pixels divided by 255, when the model has no schema); the predictor
/// applies <see cref="TrainedModel.Standardizer"/> itself, then runs the network with autograd off,
/// each batch of at most 1,024 rows inside its own TorchSharp dispose scope, so no native tensor
/// outlives a call. Outputs are bit for bit those of <see cref="Mlp.Forward"/> on the same rows with
/// the same weights (batches of the same rows).
/// </para>
/// <para>
/// Calls are serialized by a lock, so one predictor may be shared between threads. No call awaits.
/// </para>
/// </remarks>
public sealed class MlpPredictor : IDisposable
{
    private const int BatchRows = 1024;

    private readonly Mlp mlp;
    private readonly ParameterSet weights;
    private readonly Lock gate = new();
    private bool disposed;

    /// <summary>Creates a predictor for a model, copying its weights into tensors.</summary>
    /// <param name="model">The model.</param>
    public MlpPredictor(TrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        mlp = model.CreateMlp();
        weights = model.CreateParameters(torch.CPU);
    }

    /// <summary>Gets the model this predictor runs.</summary>
    public TrainedModel Model { get; }

    /// <summary>Loads a model saved by <see cref="TrainedModel.Save"/> and creates a predictor for it.</summary>
    /// <param name="directory">The directory holding <c>model.json</c> and <c>weights.bin</c>.</param>
    /// <returns>The predictor; dispose it.</returns>
    /// <exception cref="ModelFormatException">A file is missing or invalid; the message names it (see <see cref="TrainedModel.Load"/>).</exception>
    public static MlpPredictor Load(string directory) => new(TrainedModel.Load(directory));

    /// <summary>Predicts one row.</summary>
    /// <param name="features">The row's <see cref="TrainedModel.InputSize"/> features, encoded but not standardized; finite.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentException">The row has another number of features than the model, or a non-finite value.</exception>
    /// <exception cref="ObjectDisposedException">The predictor was disposed.</exception>
    public MlpPrediction Predict(ReadOnlySpan<float> features)
    {
        if (features.Length != Model.InputSize)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The model takes {Model.InputSize} features per row; the row has {features.Length}."), nameof(features));
        }

        for (int j = 0; j < features.Length; j++)
        {
            if (!float.IsFinite(features[j]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Feature {j} (\"{Model.FeatureNames[j]}\") is {features[j]}; features must be finite."), nameof(features));
            }
        }

        return PredictRows(features, 1)[0];
    }

    /// <summary>Predicts every row of a dataset; its labels, if any, are not used.</summary>
    /// <param name="data">
    /// Rows encoded like the training data but not standardized: for a CSV model, read with
    /// <see cref="CsvReader.Read(string, CsvReadOptions, TabularSchema)"/> and the model's schema.
    /// </param>
    /// <returns>One prediction per row, in order.</returns>
    /// <exception cref="ArgumentException">The dataset has another number of features than the model, or other feature names.</exception>
    /// <exception cref="ObjectDisposedException">The predictor was disposed.</exception>
    public IReadOnlyList<MlpPrediction> Predict(TabularDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFeatures(data.FeatureNames, nameof(data));
        return PredictRows(data.Features, data.Rows);
    }

    /// <summary>Predicts every row of a CSV file, encoding it with the model's schema; the label column is not needed.</summary>
    /// <param name="path">The CSV file, comma-separated.</param>
    /// <param name="hasHeader">
    /// Whether the first record names the columns (the default). With a header, columns are found by
    /// name, in any order, and the label column is ignored if present. Without one, the file must be
    /// laid out like the training file with the label column removed.
    /// </param>
    /// <returns>One prediction per data row, in file order.</returns>
    /// <remarks>
    /// A missing value is an error (<see cref="MissingValuePolicy.Error"/>); use
    /// <see cref="PredictCsv(string, CsvReadOptions, bool)"/> to impute it. The label column is never
    /// read, so it cannot be used for accuracy here: to score a labelled file, read it with
    /// <see cref="CsvReader.Read(string, CsvReadOptions, TabularSchema)"/> and call <see cref="Predict(TabularDataset)"/>.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The model has no CSV schema (it was trained on features given directly, such as IDX images).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">The file is malformed or does not fit the schema; the message names file, line, column and value.</exception>
    /// <exception cref="ObjectDisposedException">The predictor was disposed.</exception>
    public IReadOnlyList<MlpPrediction> PredictCsv(string path, bool hasHeader = true) =>
        PredictCsv(path, new CsvReadOptions { HasHeader = hasHeader }, labelColumnPresent: false);

    /// <summary>Predicts every row of a CSV file with explicit reading options; the label column is not needed.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="options">
    /// <see cref="CsvReadOptions.HasHeader"/>, <see cref="CsvReadOptions.Delimiter"/> and
    /// <see cref="CsvReadOptions.MissingValuePolicy"/> are used: <see cref="MissingValuePolicy.Error"/>
    /// or <see cref="MissingValuePolicy.Impute"/> (with the training means and modes); dropping rows is
    /// refused so that predictions stay aligned with the file's rows.
    /// </param>
    /// <param name="labelColumnPresent">
    /// For a file without a header: whether the label column is still at its training position (it is
    /// then skipped) rather than removed. Files with a header ignore the label column by name.
    /// </param>
    /// <returns>One prediction per data row, in file order.</returns>
    /// <exception cref="ArgumentException">The options are invalid or ask to drop rows.</exception>
    /// <exception cref="InvalidOperationException">The model has no CSV schema.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">The file is malformed or does not fit the schema.</exception>
    /// <exception cref="ObjectDisposedException">The predictor was disposed.</exception>
    public IReadOnlyList<MlpPrediction> PredictCsv(string path, CsvReadOptions options, bool labelColumnPresent = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MissingValuePolicy == MissingValuePolicy.DropRow)
        {
            throw new ArgumentException(
                "MissingValuePolicy.DropRow would leave fewer predictions than rows; use Error or Impute, or read the file with CsvReader.ReadFeatures, whose Lines map rows to the file.",
                nameof(options));
        }

        TabularSchema schema = Model.Schema ?? throw new InvalidOperationException(
            "The model has no CSV schema: it was trained on features given directly (such as Fashion-MNIST pixels). Predict rows with Predict instead.");
        ObjectDisposedException.ThrowIf(disposed, this);
        CsvFeatures features = CsvReader.ReadFeatures(path, options, schema, labelColumnPresent);
        return PredictRows(features.Features, features.Rows);
    }

    /// <summary>Frees the weight tensors. Safe to call twice; waits for a running prediction.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (!disposed)
            {
                disposed = true;
                weights.Dispose();
            }
        }
    }

    private void CheckFeatures(IReadOnlyList<string> names, string parameter)
    {
        IReadOnlyList<string> expected = Model.FeatureNames;
        if (names.Count != expected.Count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The model takes {expected.Count} features per row; the data has {names.Count}."), parameter);
        }

        for (int j = 0; j < names.Count; j++)
        {
            if (!string.Equals(names[j], expected[j], StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Feature {j} of the data is \"{names[j]}\" but the model's is \"{expected[j]}\"; encode the data with the model's schema."),
                    parameter);
            }
        }
    }

    /// <summary>Standardizes, runs the network in batches and wraps the outputs.</summary>
    /// <param name="features">Rows × InputSize encoded, unstandardized, finite features, row-major.</param>
    /// <param name="rows">The number of rows.</param>
    private MlpPrediction[] PredictRows(ReadOnlySpan<float> features, int rows)
    {
        int d = Model.InputSize;
        int k = Model.OutputSize;
        bool classification = Model.Task == TaskKind.Classification;
        var results = new MlpPrediction[rows];
        float[] input = new float[Math.Min(rows, BatchRows) * d];
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            for (int start = 0; start < rows; start += BatchRows)
            {
                int count = Math.Min(BatchRows, rows - start);
                ReadOnlySpan<float> chunk = features.Slice(start * d, count * d);
                Span<float> x = input.AsSpan(0, count * d);
                if (Model.Standardizer is { } standardizer)
                {
                    standardizer.Apply(chunk, x);
                }
                else
                {
                    chunk.CopyTo(x);
                }

                float[] outputs;
                float[]? probabilities = null;
                using (torch.no_grad())
                using (torch.NewDisposeScope())
                {
                    Tensor batch = TensorData.FromSpan<float>(x, [count, d], torch.CPU);
                    Tensor y = mlp.Forward(weights, batch);
                    outputs = TensorData.ToArray<float>(y);
                    if (classification)
                    {
                        probabilities = TensorData.ToArray<float>(torch.nn.functional.softmax(y, 1));
                    }
                }

                for (int r = 0; r < count; r++)
                {
                    float[] o = outputs.AsSpan(r * k, k).ToArray();
                    if (classification)
                    {
                        int best = 0;
                        for (int c = 1; c < k; c++)
                        {
                            if (o[c] > o[best])
                            {
                                best = c;
                            }
                        }

                        results[start + r] = new MlpPrediction(o, probabilities.AsSpan(r * k, k).ToArray(), Model.ClassNames[best], best);
                    }
                    else
                    {
                        results[start + r] = new MlpPrediction(o, null, null, 0);
                    }
                }
            }
        }

        return results;
    }
}
