namespace MLNet.HyperGrad.Storage;

/// <summary>Whether a study looks for the smallest or the largest value of its objective.</summary>
public enum StudyDirection
{
    /// <summary>Smaller is better (a loss).</summary>
    Minimize = 0,

    /// <summary>Larger is better (an accuracy); tuners still see <c>Loss = -metric</c>.</summary>
    Maximize = 1,
}
