namespace MLNet.HyperGrad.AutoML;

/// <summary>
/// The one order in which trials rank, best first: smaller loss, then (on a tie, common when a small
/// validation set gives several trials the same accuracy) smaller final validation loss, then smaller
/// trial number. NaN never wins: a NaN loss ranks last, and a NaN validation loss loses a tie.
/// </summary>
/// <remarks>The experiment picks its best result with it, and the outputs rank stored trials with it.</remarks>
public static class TrialOrder
{
    /// <summary>Compares two trials.</summary>
    /// <param name="loss">The first trial's loss.</param>
    /// <param name="validationLoss">The first trial's final validation loss (cross-entropy or MSE), or NaN when unknown.</param>
    /// <param name="number">The first trial's number.</param>
    /// <param name="otherLoss">The second trial's loss.</param>
    /// <param name="otherValidationLoss">The second trial's final validation loss, or NaN.</param>
    /// <param name="otherNumber">The second trial's number.</param>
    /// <returns>Negative when the first trial ranks before the second, positive when after, 0 when they are the same trial.</returns>
    public static int Compare(double loss, double validationLoss, int number, double otherLoss, double otherValidationLoss, int otherNumber)
    {
        int byLoss = CompareNaNLast(loss, otherLoss);
        if (byLoss != 0)
        {
            return byLoss;
        }

        int byValidationLoss = CompareNaNLast(validationLoss, otherValidationLoss);
        return byValidationLoss != 0 ? byValidationLoss : number.CompareTo(otherNumber);
    }

    /// <summary>The final validation loss a result carries: the last value of its learning curve, or NaN.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The last validation loss, or NaN when the result has no curve.</returns>
    public static double ValidationLoss(TrialResult result) =>
        result is LearningCurveTrialResult { ValidationLossCurve: [.., double last] } ? last : double.NaN;

    private static int CompareNaNLast(double a, double b) => (double.IsNaN(a), double.IsNaN(b)) switch
    {
        (true, true) => 0,
        (true, false) => 1,
        (false, true) => -1,
        _ => a.CompareTo(b),
    };
}
