using System.Globalization;
using System.Text.RegularExpressions;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>
/// The setup times the worker processes of a run reported (their <c>setup took X s of --train-time ...</c> lines: reading the data
/// and loading libtorch, which each worker does itself), for the run's messages.
/// </summary>
internal sealed partial class WorkerSetups
{
    private readonly List<TimeSpan> setups = [];
    private readonly Lock gate = new();

    /// <summary>Gets the number of setups recorded.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return setups.Count;
            }
        }
    }

    /// <summary>Gets the longest setup recorded; zero when none was.</summary>
    public TimeSpan Longest
    {
        get
        {
            lock (gate)
            {
                return setups.Count == 0 ? TimeSpan.Zero : setups.Max();
            }
        }
    }

    /// <summary>Gets the shortest setup recorded; zero when none was.</summary>
    public TimeSpan Shortest
    {
        get
        {
            lock (gate)
            {
                return setups.Count == 0 ? TimeSpan.Zero : setups.Min();
            }
        }
    }

    /// <summary>Records the setup a worker's output line reports, if it is a setup line.</summary>
    /// <param name="line">A line of a worker's standard output.</param>
    /// <returns>Whether the line was a setup line.</returns>
    public bool TryRecord(string line)
    {
        Match match = SetupLine().Match(line);
        if (!match.Success)
        {
            return false;
        }

        var seconds = TimeSpan.FromSeconds(double.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture));
        lock (gate)
        {
            setups.Add(seconds);
        }

        return true;
    }

    [GeneratedRegex(@"^setup took (?<seconds>[0-9]+(\.[0-9]+)?) s of --train-time ")]
    private static partial Regex SetupLine();
}
