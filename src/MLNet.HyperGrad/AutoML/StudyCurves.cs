using MLNet.HyperGrad.Pruning;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.AutoML;

/// <summary>The experiment's in-memory copy of every trial's reported values and state, which its pruner reads; thread-safe.</summary>
internal sealed class StudyCurves
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<int, (TrialState State, SortedList<int, double> Values)> trials = [];

    /// <summary>Seeds the curves with the trials an earlier run of the study stored.</summary>
    public StudyCurves(IEnumerable<TrialRecord> previous)
    {
        foreach (TrialRecord record in previous)
        {
            var values = new SortedList<int, double>();
            foreach (IntermediateValue v in record.IntermediateValues)
            {
                values[v.Step] = v.Value;
            }

            trials[record.Number] = (record.State, values);
        }
    }

    /// <summary>Records a trial that starts running.</summary>
    public void Start(int number)
    {
        lock (gate)
        {
            trials[number] = (TrialState.Running, []);
        }
    }

    /// <summary>Records a value a trial reported (replacing one at the same step).</summary>
    public void Report(int number, int step, double value)
    {
        lock (gate)
        {
            if (!trials.TryGetValue(number, out var trial))
            {
                trial = (TrialState.Running, []);
                trials[number] = trial;
            }

            trial.Values[step] = value;
        }
    }

    /// <summary>Records how a trial ended; a complete one's curve is filled from its result when it reported none.</summary>
    public void Finish(int number, TrialState state, IReadOnlyList<double>? curve = null)
    {
        lock (gate)
        {
            SortedList<int, double> values = trials.TryGetValue(number, out var trial) ? trial.Values : [];
            if (values.Count == 0 && curve is not null)
            {
                for (int i = 0; i < curve.Count; i++)
                {
                    values[i + 1] = curve[i];
                }
            }

            trials[number] = (state, values);
        }
    }

    /// <summary>The judged trial and a snapshot of every trial, in number order.</summary>
    public (PrunerTrial Trial, IReadOnlyList<PrunerTrial> All) Snapshot(int number, int finalStep)
    {
        lock (gate)
        {
            var all = trials.Select(kv => new PrunerTrial(kv.Key, kv.Value.State, [.. kv.Value.Values.Select(v => new IntermediateValue(v.Key, v.Value))], kv.Key == number ? finalStep : null)).ToList();
            PrunerTrial trial = all.FirstOrDefault(t => t.Number == number) ?? new PrunerTrial(number, TrialState.Running, [], finalStep);
            return (trial, all);
        }
    }
}
