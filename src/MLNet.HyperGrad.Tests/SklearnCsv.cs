using System.Diagnostics;

namespace MLNet.HyperGrad.Tests;

/// <summary>Exports scikit-learn's real data sets (python3-sklearn, /usr/bin/python3) to CSV files for tests.</summary>
internal static class SklearnCsv
{
    private const string Exporter = """
        import csv, sys
        from sklearn import datasets
        name, path = sys.argv[1], sys.argv[2]
        d = getattr(datasets, "load_" + name)()
        label = "target"
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow([n.replace(" ", "_") for n in d.feature_names] + [label])
            names = getattr(d, "target_names", None)
            for row, t in zip(d.data, d.target):
                y = names[t] if names is not None and name != "diabetes" else repr(float(t))
                w.writerow([repr(float(v)) for v in row] + [y])
        """;

    /// <summary>Writes load_<paramref name="name"/>() as CSV with a header and a last column "target".</summary>
    public static string Export(string name, string directory)
    {
        string path = Path.Combine(directory, name + ".csv");
        RunPython(Exporter, name, path);
        return path;
    }

    /// <summary>Runs a Python script with scikit-learn available and fails the test with its errors if it fails.</summary>
    public static void RunPython(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process python = Process.Start(start) ?? throw new InvalidOperationException("Could not start /usr/bin/python3.");
        string errors = python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, "Exporting with scikit-learn failed (is python3-sklearn installed?): " + errors);
    }
}
