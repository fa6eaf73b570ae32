using System.Text.RegularExpressions;
using MLNet.HyperGrad.Tests.Outputs;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>
/// The TorchSharp calls that create a temporary <c>Scalar</c> inside TorchSharp itself, where no caller can hold it
/// (<c>square()</c> is <c>pow(2)</c>, <c>softplus</c> converts β and the threshold, <c>elu</c> its α, <c>linalg.vector_norm</c> its
/// order, <c>add(t)</c>/<c>add_(t)</c> the alpha 1, <c>addcdiv(a, b)</c>/<c>addcmul(a, b)</c> the value 1). BannedSymbols.txt makes the build reject the operators and implicit conversions; these methods take no scalar
/// argument the analyzer could see, so the library's sources are searched for them instead. Use <c>HeldScalars</c>.
/// </summary>
public sealed partial class ScalarTrapSourceTests
{
    [Fact]
    public void LibrarySources_CallNoTorchSharpMethodThatCreatesAHiddenScalar()
    {
        string root = Path.Combine(ConsumerProjectBuild.RepositoryRoot, "src", "MLNet.HyperGrad");
        Assert.True(Directory.Exists(root), $"library sources not found at {root}");
        var offenders = new List<string>();
        int files = 0;
        foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal) || relative == Path.Combine("Torch", "HeldScalars.cs"))
            {
                continue;
            }

            files++;
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].TrimStart();
                if (code.StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }

                if (HiddenScalarCall().IsMatch(code))
                {
                    offenders.Add($"{relative}:{i + 1}: {code}");
                }
            }
        }

        Assert.True(files > 100, $"only {files} source files searched under {root}");
        Assert.True(offenders.Count == 0, "TorchSharp methods that create a temporary Scalar (use HeldScalars):\n" + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData("Tensor s = g.square().sum();", true)]
    [InlineData("Tensor p = torch.nn.functional.softplus(z);", true)]
    [InlineData("Tensor e = x.elu();", true)]
    [InlineData("Tensor n = torch.linalg.vector_norm(x, 2);", true)]
    [InlineData("a.add_(b);", true)]
    [InlineData("Tensor c = a.add(b);", true)]
    [InlineData("w.addcdiv_(m, d);", true)]
    [InlineData("w.addcdiv_(m, d, value);", false)]
    [InlineData("a.add_(b, AlphaOne);", false)]
    [InlineData("Tensor s = g.Square().sum();", false)]
    [InlineData("Tensor p = HeldScalars.Softplus(z);", false)]
    public void HiddenScalarCall_Pattern_FindsTheTrapsAndNotTheHelpers(string line, bool trap) =>
        Assert.Equal(trap, HiddenScalarCall().IsMatch(line));

    [GeneratedRegex(@"\.square\(\)|\.softplus\(|\.elu\(|vector_norm\(|\.add_?\([^,()]*\)|\.addc(div|mul)_?\([^,()]*,[^,()]*\)")]
    private static partial Regex HiddenScalarCall();
}
