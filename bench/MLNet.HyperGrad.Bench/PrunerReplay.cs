using System.Globalization;
using MLNet.HyperGrad.Pruning;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Replays a pruner over recorded full learning curves as a sequential study would ask it: trial after trial, after each
/// epoch but the last, with every earlier trial finished as the pruner left it (complete with its whole curve, or
/// pruned with the epochs it trained). Deterministic training makes this what the experiment itself decides on the
/// run that recorded the curves; the pruning tests and the <c>pruning-cost</c> benchmark use it.
/// </summary>
internal static class PrunerReplay
{
    /// <summary>One decision of a replay.</summary>
    /// <param name="Trial">The judged trial.</param>
    /// <param name="Epoch">The epoch after which it was judged.</param>
    /// <param name="Prune">The decision.</param>
    internal sealed record Decision(int Trial, int Epoch, bool Prune);

    /// <summary>Reads curves written by <c>pruning --curves FILE</c> (CSV <c>trial,epoch,value</c>, epochs from 1).</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The curves, by trial number.</returns>
    public static SortedDictionary<int, double[]> ReadCurves(string path)
    {
        var points = new SortedDictionary<int, SortedList<int, double>>();
        foreach (string line in File.ReadLines(path).Skip(1).Where(l => l.Length > 0))
        {
            string[] cells = line.Split(',');
            if (cells.Length != 3)
            {
                throw new InvalidDataException($"{path}: expected trial,epoch,value, found \"{line}\".");
            }

            int trial = int.Parse(cells[0], CultureInfo.InvariantCulture);
            if (!points.TryGetValue(trial, out SortedList<int, double>? curve))
            {
                curve = [];
                points[trial] = curve;
            }

            curve[int.Parse(cells[1], CultureInfo.InvariantCulture)] = double.Parse(cells[2], CultureInfo.InvariantCulture);
        }

        return new SortedDictionary<int, double[]>(points.ToDictionary(p => p.Key, p => p.Value.Values.ToArray()));
    }

    /// <summary>Replays <paramref name="pruner"/> over the curves; returns every decision, in the order asked.</summary>
    /// <param name="pruner">The pruner (a fresh one per replay when it keeps state).</param>
    /// <param name="curves">Full curves by trial number, all of the same length (the final step).</param>
    public static List<Decision> Run(IPruner pruner, SortedDictionary<int, double[]> curves)
    {
        var decisions = new List<Decision>();
        var finished = new List<PrunerTrial>();
        foreach ((int number, double[] curve) in curves)
        {
            int finalStep = curve.Length;
            int trained = finalStep;
            for (int epoch = 1; epoch < finalStep; epoch++)
            {
                var trial = new PrunerTrial(number, TrialState.Running, Values(curve, epoch), finalStep);
                bool prune = pruner.ShouldPrune(trial, [.. finished, trial]);
                decisions.Add(new Decision(number, epoch, prune));
                if (prune)
                {
                    trained = epoch;
                    break;
                }
            }

            finished.Add(new PrunerTrial(number, trained < finalStep ? TrialState.Pruned : TrialState.Complete, Values(curve, trained)));
        }

        return decisions;
    }

    private static IntermediateValue[] Values(double[] curve, int epochs) => [.. curve.Take(epochs).Select((v, i) => new IntermediateValue(i + 1, v))];
}
