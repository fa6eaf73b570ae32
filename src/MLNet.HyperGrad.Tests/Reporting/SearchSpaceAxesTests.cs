using Microsoft.ML.SearchSpace;
using System.Text.Json.Serialization;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Reporting;

public sealed class SearchSpaceAxesTests
{
    private static readonly DateTime Noon = new(2025, 1, 31, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void LogScaleKeys_MlpSpace_AreItsLogOptionsWithTheirPrefix()
    {
        var space = new SearchSpace { [MlpTrialRunner.SearchSpaceKey] = MlpTrialRunner.CreateSearchSpace() };

        Assert.Equal(["mlp.hidden_width", "mlp.l2", "mlp.learning_rate"], SearchSpaceAxes.LogScaleKeys(space));
    }

    [Fact]
    public void StudyReport_NewLogScaleOption_GetsALogAxisWithNoOtherChange()
    {
        // A runner's options class with one more hyperparameter, declared on a log scale: nothing else is told about it.
        var space = new SearchSpace { ["net"] = new SearchSpace<OptionsWithDropoutScale>() };
        TrialRecord[] trials =
        [
            Record(0, space.SampleFromFeatureSpace([0.1, 0.2]), 0.8),
            Record(1, space.SampleFromFeatureSpace([0.9, 0.7]), 0.9),
            Record(2, space.SampleFromFeatureSpace([0.5, 0.4]), 0.85),
        ];

        ReportData data = StudyReport.Build(Study(), trials, space, new StudyOutputOptions { Task = TaskKind.Classification });
        var model = new ReportModel(data);

        Assert.True(model.Axes.Single(a => a.Key == "net.noise_scale").IsLog);
        Assert.False(model.Axes.Single(a => a.Key == "net.width").IsLog);
        Assert.Contains("Slice plot of accuracy against net.noise_scale", HtmlReport.Render(data), StringComparison.Ordinal);
    }

    private static StudyRecord Study() => new()
    {
        Id = 1,
        Name = "s",
        TaskDescription = "test",
        SearchSpaceJson = "[]",
        Direction = StudyDirection.Minimize,
        CreatedAtUtc = Noon,
    };

    private static TrialRecord Record(int number, Parameter parameter, double metric) => new()
    {
        StudyId = 1,
        Number = number,
        State = TrialState.Complete,
        ParametersJson = parameter.ToString(),
        Loss = -metric,
        Metric = metric,
        StartedAtUtc = Noon.AddMinutes(number),
        EndedAtUtc = Noon.AddMinutes(number + 1),
    };

    private sealed class OptionsWithDropoutScale
    {
        [JsonPropertyName("width")]
        [Range(1, 100)]
        public int Width { get; set; }

        [JsonPropertyName("noise_scale")]
        [Range(1e-6, 1.0, logBase: true)]
        public double NoiseScale { get; set; }
    }
}
