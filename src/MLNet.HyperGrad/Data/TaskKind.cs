namespace MLNet.HyperGrad.Data;

/// <summary>What a dataset's labels mean.</summary>
public enum TaskKind
{
    /// <summary>Labels are class indices 0 … classes-1, stored as int64.</summary>
    Classification,

    /// <summary>Labels are real-valued targets, stored as float32.</summary>
    Regression,
}
