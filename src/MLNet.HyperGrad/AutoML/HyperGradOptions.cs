namespace MLNet.HyperGrad.AutoML;

/// <summary>Settings of <see cref="HyperGradExperimentExtensions.WithHyperGrad"/>, the one entry point to MLNet.HyperGrad's tuners.</summary>
public sealed class HyperGradOptions
{
    /// <summary>Gets or sets which tuner to use.</summary>
    /// <value>The default is <see cref="TunerKind.Random"/>.</value>
    public TunerKind Tuner { get; set; } = TunerKind.Random;

    /// <summary>Gets or sets the number of grid values per continuous dimension for <see cref="TunerKind.Grid"/>.</summary>
    /// <value>The default is 5.</value>
    public int GridStepsPerContinuousDimension { get; set; } = 5;

    /// <summary>Checks the settings and reports every problem at once.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Tuner))
        {
            problems.Add($"Tuner {(int)Tuner} is not a known tuner.");
        }

        if (GridStepsPerContinuousDimension < 2)
        {
            problems.Add($"GridStepsPerContinuousDimension must be at least 2, got {GridStepsPerContinuousDimension}.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid HyperGrad options: " + string.Join(" ", problems));
        }
    }
}
