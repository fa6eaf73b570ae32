using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Outputs;

/// <summary>The files a tuning run leaves in its output folder besides the model: <c>trials.csv</c> and <c>report.html</c>.</summary>
/// <remarks>Every file is written under a temporary name and renamed into place, so a failure or a kill while writing leaves the previous file whole.</remarks>
public static class StudyOutputs
{
    /// <summary>The name of the CSV of every trial.</summary>
    public const string TrialsFileName = "trials.csv";

    /// <summary>The name of the HTML report.</summary>
    public const string ReportFileName = "report.html";

    /// <summary>Creates the output folder if needed and checks that files can be written in it.</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>Its full path.</returns>
    /// <exception cref="OutputDirectoryException">The path is a file, lies under a file, or the folder cannot be created or written; the message names the folder and the reason.</exception>
    public static string PrepareDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = Path.GetFullPath(directory);
        if (File.Exists(full))
        {
            throw new OutputDirectoryException($"the output folder \"{full}\" is a file; give a folder (it is created if missing).");
        }

        if (FileAbove(full) is { } file)
        {
            throw new OutputDirectoryException($"cannot create the output folder \"{full}\": \"{file}\" is a file, not a folder.");
        }

        try
        {
            Directory.CreateDirectory(full);
            string probe = Path.Combine(full, $".hypergrad-write-check.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return full;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputDirectoryException($"cannot write to the output folder \"{full}\": {ex.Message}", ex);
        }
    }

    /// <summary>Writes <c>trials.csv</c> and <c>report.html</c> for a study.</summary>
    /// <param name="directory">The output folder; it must exist (<see cref="PrepareDirectory"/>).</param>
    /// <param name="study">The study.</param>
    /// <param name="trials">Its trials.</param>
    /// <param name="space">The search space the trials sampled.</param>
    /// <param name="options">The task, data and tuner.</param>
    /// <returns>The full paths of the files written.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="IOException">A file could not be written; it is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder may not be written.</exception>
    public static IReadOnlyList<string> Write(string directory, StudyRecord study, IReadOnlyList<TrialRecord> trials, SearchSpace space, StudyOutputOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ReportData report = StudyReport.Build(study, trials, space, options);
        string trialsPath = Path.Combine(Path.GetFullPath(directory), TrialsFileName);
        string reportPath = Path.Combine(Path.GetFullPath(directory), ReportFileName);
        TrialsCsvWriter.Write(trialsPath, report.Trials.OrderBy(t => t.Number));
        HtmlReport.Write(reportPath, report);
        return [trialsPath, reportPath];
    }

    /// <summary>The nearest existing path above <paramref name="path"/> when it is a file (so no folder can be created below it), or null.</summary>
    private static string? FileAbove(string path)
    {
        for (string? parent = Path.GetDirectoryName(path); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                return parent;
            }

            if (Directory.Exists(parent))
            {
                return null;
            }
        }

        return null;
    }
}
