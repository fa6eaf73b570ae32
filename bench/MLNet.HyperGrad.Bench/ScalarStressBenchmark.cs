using System.Diagnostics;
using System.Globalization;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Reproducer of the TorchSharp Scalar-finalization crash (issue 11, H35): worker threads run many small tensor ops that take
/// a <see cref="Scalar"/> (number arithmetic, tensor + tensor, clamp) while other threads force garbage collections; each
/// result is checked against the same arithmetic in C#.
/// </summary>
/// <remarks>
/// Paths: <c>operators</c> = TorchSharp's operators with .NET numbers (<c>1.0 + √5·r</c>, <c>a + b</c>, <c>clamp_min(1e-9)</c>):
/// each creates a temporary Scalar whose finalizer can free it while libtorch reads it, so this path crashes the process
/// (libtorch's <c>toDouble</c> check) or, rarely, computes with a wrong number (exit 3); <c>held</c> = the same arithmetic
/// through <see cref="HeldScalars"/>; <c>library</c> = <see cref="Matern52Kernel.Correlation"/>, the library path where the
/// crash was seen. Exit 0: no crash and every value right for the whole run.
/// </remarks>
internal static class ScalarStressBenchmark
{
    private static readonly double Sqrt5 = Math.Sqrt(5.0);

    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        double seconds = options.TryGetValue("--seconds", out string? s) ? double.Parse(s, CultureInfo.InvariantCulture) : 60;
        string path = options.TryGetValue("--path", out string? p) ? p : "library";
        int workers = CsvLoadBenchmark.Int(options, "--threads", 2);
        int collectors = CsvLoadBenchmark.Int(options, "--collectors", 1);
        if (path is not ("operators" or "held" or "library"))
        {
            Console.Error.WriteLine($"--path must be operators, held or library; got \"{path}\"");
            return 2;
        }

        torch.set_num_threads(1);
        Console.WriteLine($"scalar-stress: path {path}, {workers} worker threads, {collectors} collector threads, {seconds} s");
        using var stop = new CancellationTokenSource();
        long iterations = 0;
        long wrong = 0;
        string? firstWrong = null;
        var threads = new List<Thread>();
        for (int w = 0; w < workers; w++)
        {
            int worker = w;
            threads.Add(new Thread(() =>
            {
                double[] r2 = [.. Enumerable.Range(0, 16).Select(i => (0.05 * (i + worker)) + 0.01)];
                double[] expected = Expected(path, r2);
                using torch.Tensor input = torch.tensor(r2, torch.float64);
                while (!stop.IsCancellationRequested)
                {
                    double[] got;
                    using (torch.NewDisposeScope())
                    {
                        got = Compute(path, input).data<double>().ToArray();
                    }

                    for (int i = 0; i < got.Length; i++)
                    {
                        if (Math.Abs(got[i] - expected[i]) > 1e-9 * (1 + Math.Abs(expected[i])))
                        {
                            if (Interlocked.Increment(ref wrong) == 1)
                            {
                                firstWrong = string.Create(CultureInfo.InvariantCulture, $"element {i}: expected {expected[i]}, got {got[i]}");
                            }

                            break;
                        }
                    }

                    Interlocked.Increment(ref iterations);
                }
            }));
        }

        for (int c = 0; c < collectors; c++)
        {
            threads.Add(new Thread(() =>
            {
                var keep = new List<byte[]>();
                while (!stop.IsCancellationRequested)
                {
                    for (int i = 0; i < 64; i++)
                    {
                        keep.Add(new byte[256]);
                    }

                    if (keep.Count > 4096)
                    {
                        keep.Clear();
                    }

                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
            }));
        }

        var clock = Stopwatch.StartNew();
        foreach (Thread t in threads)
        {
            t.Start();
        }

        while (clock.Elapsed.TotalSeconds < seconds)
        {
            Thread.Sleep(1000);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {clock.Elapsed.TotalSeconds:F0} s: {Interlocked.Read(ref iterations)} iterations, {Interlocked.Read(ref wrong)} wrong"));
        }

        stop.Cancel();
        foreach (Thread t in threads)
        {
            t.Join();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scalar-stress {path}: {iterations} iterations in {clock.Elapsed.TotalSeconds:F1} s, {wrong} wrong{(firstWrong is null ? string.Empty : " (first: " + firstWrong + ")")}, no crash"));
        return wrong == 0 ? 0 : 3;
    }

    /// <summary>The per-element result of each path, computed in C#.</summary>
    private static double[] Expected(string path, double[] r2) => path == "library"
        ? [.. r2.Select(v => Matern52Kernel.Instance.CorrelationAndSlope(v).Value)]
        : [.. r2.Select(v => Math.Max((1.0 + (Sqrt5 * Math.Sqrt(v)) + ((5.0 / 3.0) * v)) * Math.Exp(-Sqrt5 * Math.Sqrt(v)) + v - 0.25, 1e-9))];

    private static torch.Tensor Compute(string path, torch.Tensor r2)
    {
        switch (path)
        {
            case "library":
                return Matern52Kernel.Instance.Correlation(r2);
            case "operators":
            {
                torch.Tensor r = r2.sqrt();
                torch.Tensor e = (-Sqrt5 * r).exp();
                torch.Tensor value = (1.0 + (Sqrt5 * r) + ((5.0 / 3.0) * r2)) * e;
                return ((value + r2) - 0.25).clamp_min(1e-9);
            }

            default:
            {
                torch.Tensor r = r2.sqrt();
                torch.Tensor e = r.Times(-Sqrt5).exp();
                torch.Tensor value = r.Times(Sqrt5).Plus(1.0).Plus(r2.Times(5.0 / 3.0)) * e;
                return value.Plus(r2).Minus(0.25).ClampMinimum(1e-9);
            }
        }
    }
}
