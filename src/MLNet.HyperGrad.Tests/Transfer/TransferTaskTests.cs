using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.Tests.Transfer;

public sealed class TransferTaskTests
{
    public static TheoryData<double[][], double[], string, string> Invalid => new()
    {
        { [[0.5]], [1.0], "inputs", "at least 2 points" },
        { [[0.5], [0.6]], [1.0], "losses", "2 inputs but 1 losses" },
        { [[0.5], [0.6, 0.1]], [1.0, 2.0], "inputs", "input 1 has 2 values; expected 1" },
        { [[0.5], [double.NaN]], [1.0, 2.0], "inputs", "input 1, dimension 0 is NaN" },
        { [[0.5], [1.5]], [1.0, 2.0], "inputs", "input 1, dimension 0 is 1.5" },
        { [[0.5], [0.6]], [1.0, double.PositiveInfinity], "losses", "loss 1 is Infinity" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Constructor_InvalidData_ThrowsNamingTheArgument(double[][] inputs, double[] losses, string parameter, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => new TransferTask("t", inputs, losses));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ValidData_CopiesTheInputs()
    {
        double[] row = [0.1, 0.2];
        var task = new TransferTask("t", [row, [0.3, 0.4]], [1, 2]) { MetaFeatures = new Dictionary<string, double> { ["rows"] = 100 } };
        row[0] = 0.9;
        Assert.Equal(0.1, task.Inputs[0][0]);
        Assert.Equal(2, task.Dimension);
        Assert.Equal(100, task.MetaFeatures!["rows"]);
    }
}
