using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Outputs;

namespace MLNet.HyperGrad.Tests.Outputs;

/// <summary>A <c>hypergrad.config.json</c> written by hand with only the required fields gets the command line's defaults.</summary>
public sealed class RunConfigDefaultsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-config-defaults-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Load_ConfigWithoutTuner_GaussianProcessAsTheCommandLinesDefault()
    {
        string path = Path.Combine(directory, RunConfig.FileName);
        File.WriteAllText(path, """
            {
              "task": "classification",
              "dataset": "/data/iris.csv",
              "labelColumn": "Species",
              "study": "iris",
              "storage": "/data/study.db",
              "output": "/data/out"
            }
            """);

        RunConfig config = RunConfig.Load(path);

        // hypergrad run reads the name as a TunerKind (TuneSettings.FromConfig); --tuner's default is gp, TunerKind.GaussianProcess.
        Assert.True(Enum.TryParse(config.Tuner, ignoreCase: true, out TunerKind tuner));
        Assert.Equal(TunerKind.GaussianProcess, tuner);
        Assert.Equal(120u, config.TrainTimeSeconds);
        Assert.Equal(20, config.MaxEpochs);
    }
}
