using System.Globalization;
using MLNet.HyperGrad.Models;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>Settings of <see cref="HypernetworkTuner"/>; validated once by <see cref="Validate"/>.</summary>
public sealed record HypernetworkTunerOptions
{
    /// <summary>Gets the key of the nested search space that holds the L2 option; null when the option is at the top level.</summary>
    /// <value>The default is "mlp" (<see cref="AutoML.Runners.MlpTrialRunner.SearchSpaceKey"/>).</value>
    public string? SearchSpaceKey { get; init; } = "mlp";

    /// <summary>Gets the key of the L2 option: a log-scale <see cref="SearchSpaces.UniformDoubleOption"/> (or single) whose range the hypernetwork samples.</summary>
    /// <value>The default is "l2" (the MLP runner's weight decay).</value>
    public string L2Key { get; init; } = "l2";

    /// <summary>Gets the hidden widths of the network the hypernetwork outputs weights for; null reads the space's defaults of <c>hidden_width</c> and <c>depth</c> next to the L2 option (no hidden layer when they are absent).</summary>
    /// <value>The default is null.</value>
    public IReadOnlyList<int>? HiddenSizes { get; init; }

    /// <summary>Gets the hidden nonlinearity of that network.</summary>
    /// <value>The default is <see cref="Activation.Relu"/> (the MLP runner's).</value>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Gets the tanh units of the hypernetwork.</summary>
    /// <value>The default is 8.</value>
    public int HypernetworkUnits { get; init; } = 8;

    /// <summary>Gets the most training rows (and, separately, validation rows) the hypernetwork sees: the first rows of each set.</summary>
    /// <value>The default is 10,000.</value>
    public int MaxRows { get; init; } = 10_000;

    /// <summary>Gets the training rows per draw of λ.</summary>
    /// <value>The default is 128.</value>
    public int BatchSize { get; init; } = 128;

    /// <summary>Gets whether features are standardized with the training mean and deviation first (as the MLP runner does by default).</summary>
    /// <value>The default is true.</value>
    public bool Standardize { get; init; } = true;

    /// <summary>Gets the search's settings (global or local mode, steps, learning rates); its seed is replaced by the tuner's.</summary>
    /// <value>The default is global mode with 1,000 hypernetwork steps of 4 draws and 200 steps on λ.</value>
    public HypernetworkSearchOptions Search { get; init; } = new() { TrainingSteps = 1000, HyperparameterSteps = 200 };

    /// <summary>Checks every setting and reports all problems at once.</summary>
    /// <exception cref="ArgumentException">One or more settings are out of range; the message lists each with its value.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                problems.Add(message);
            }
        }

        Require(SearchSpaceKey is null || SearchSpaceKey.Length > 0, "SearchSpaceKey must be null (top level) or a key, got an empty string.");
        Require(!string.IsNullOrEmpty(L2Key), "L2Key must be a key, got an empty one.");
        Require(HiddenSizes is null || HiddenSizes.All(h => h >= 1), string.Create(CultureInfo.InvariantCulture, $"HiddenSizes must be positive widths, got [{string.Join(", ", HiddenSizes ?? [])}]."));
        Require(Enum.IsDefined(Activation), $"Activation {(int)Activation} is not an Activation.");
        Require(HypernetworkUnits >= 1, $"HypernetworkUnits must be at least 1, got {HypernetworkUnits}.");
        Require(MaxRows >= 1, $"MaxRows must be at least 1, got {MaxRows}.");
        Require(BatchSize >= 1, $"BatchSize must be at least 1, got {BatchSize}.");
        Require(Search is not null, "Search must not be null.");
        if (Search is not null)
        {
            try
            {
                Search.Validate();
            }
            catch (ArgumentException e)
            {
                problems.Add(e.Message);
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid hypernetwork tuner options: " + string.Join(" ", problems));
        }
    }
}
