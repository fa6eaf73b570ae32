using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.LoadCheck;

// Usage: LoadCheck hypergrad|plain <model.zip> <data.csv> <feature count> text|float
// Reads a CSV with a header: <feature count> numeric columns ("Measurements"), then the label ("Target", text or float);
// loads the model with HyperGradModel.Load (hypergrad) or mlContext.Model.Load (plain), and prints PredictionDump's lines.
// Exit codes: 0 printed, 2 bad arguments, 3 the load or prediction failed (the exception goes to stderr).
if (args.Length != 5 || args[0] is not ("hypergrad" or "plain") || !int.TryParse(args[3], out int featureCount) || args[4] is not ("text" or "float"))
{
    Console.Error.WriteLine("usage: LoadCheck hypergrad|plain <model.zip> <data.csv> <feature count> text|float");
    return 2;
}

try
{
    var ml = new MLContext(seed: 0);
    IDataView data = ml.Data.CreateTextLoader(
        [
            new TextLoader.Column("Measurements", DataKind.Single, 0, featureCount - 1),
            new TextLoader.Column("Target", args[4] == "text" ? DataKind.String : DataKind.Single, featureCount),
        ],
        separatorChar: ',',
        hasHeader: true).Load(args[2]);
    ITransformer model = args[0] == "hypergrad" ? LoadWithHyperGrad(ml, args[1]) : LoadPlain(ml, args[1]);
    foreach (string line in PredictionDump.Lines(model.Transform(data)))
    {
        Console.WriteLine(line);
    }

    return 0;
}
#pragma warning disable CA1031 // The check reports any failure of a load to its caller, the test.
catch (Exception ex)
#pragma warning restore CA1031
{
    Console.Error.WriteLine(ex.ToString());
    return 3;
}

// Separate methods, so that the plain path runs without MLNet.HyperGrad.dll being loaded by this program.
[MethodImpl(MethodImplOptions.NoInlining)]
static ITransformer LoadWithHyperGrad(MLContext ml, string path) => MLNet.HyperGrad.Estimators.HyperGradModel.Load(ml, path, out _);

[MethodImpl(MethodImplOptions.NoInlining)]
static ITransformer LoadPlain(MLContext ml, string path) => ml.Model.Load(path, out _);
