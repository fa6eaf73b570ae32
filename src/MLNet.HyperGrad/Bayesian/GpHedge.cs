using System.Globalization;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>The GP-Hedge portfolio: learns which acquisition to trust from the posterior at the points each one nominated.</summary>
/// <remarks>
/// Hoffman, Brochu, de Freitas (2011), "Portfolio allocation for Bayesian optimization", algorithm 2 (Hedge):
/// each round every acquisition nominates its maximizer; one nominee is drawn with probability
/// <c>softmax(η·g)</c> over the gains <c>g</c>; once the model has been refitted with the new observation, each
/// gain grows by the reward of its own nominee, the negated posterior mean there (minimization, standardized
/// units), as scikit-optimize's <c>gp_hedge</c> does. <c>η = 1</c> by default. Seeded: the draws come from the
/// generator given. Not thread-safe (the tuner calls it serially).
/// </remarks>
public sealed class GpHedge
{
    private readonly double[] gains;
    private readonly List<int> choices = [];

    /// <summary>Creates a portfolio.</summary>
    /// <param name="names">The acquisitions' names, at least one.</param>
    /// <param name="eta">The learning rate η &gt; 0.</param>
    /// <exception cref="ArgumentException">No name, or η not positive and finite.</exception>
    public GpHedge(IReadOnlyList<string> names, double eta = 1.0)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            throw new ArgumentException("A portfolio needs at least one acquisition; got none.", nameof(names));
        }

        if (!(eta > 0) || !double.IsFinite(eta))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Eta must be positive and finite, got {eta}."), nameof(eta));
        }

        Names = [.. names];
        Eta = eta;
        gains = new double[names.Count];
    }

    /// <summary>Gets the acquisitions' names, in the order of <see cref="Gains"/>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Gets the learning rate η.</summary>
    public double Eta { get; }

    /// <summary>Gets the accumulated gains, one per acquisition.</summary>
    public IReadOnlyList<double> Gains => gains;

    /// <summary>Gets the index of the acquisition chosen at each round, in order (for reports).</summary>
    public IReadOnlyList<int> Choices => choices;

    /// <summary>The current choice probabilities, <c>softmax(η·g)</c>.</summary>
    /// <returns>One probability per acquisition, summing to 1.</returns>
    public double[] Probabilities()
    {
        double max = gains.Max();
        double[] p = [.. gains.Select(g => Math.Exp(Eta * (g - max)))];
        double sum = p.Sum();
        return [.. p.Select(v => v / sum)];
    }

    /// <summary>Draws the acquisition whose nominee is evaluated this round, and records the choice.</summary>
    /// <param name="random">The seeded generator.</param>
    /// <returns>The index of the chosen acquisition.</returns>
    public int Choose(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double[] p = Probabilities();
        double u = random.NextDouble();
        int chosen = p.Length - 1;
        double cumulative = 0;
        for (int i = 0; i < p.Length; i++)
        {
            cumulative += p[i];
            if (u < cumulative)
            {
                chosen = i;
                break;
            }
        }

        choices.Add(chosen);
        return chosen;
    }

    /// <summary>Adds each acquisition's reward to its gain.</summary>
    /// <param name="rewards">One finite reward per acquisition: the negated posterior mean at its last nominee.</param>
    /// <exception cref="ArgumentException">The count differs from the number of acquisitions, or a reward is not finite.</exception>
    public void Reward(IReadOnlyList<double> rewards)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        if (rewards.Count != gains.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected {gains.Length} rewards (one per acquisition); got {rewards.Count}."), nameof(rewards));
        }

        for (int i = 0; i < rewards.Count; i++)
        {
            if (!double.IsFinite(rewards[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Reward {i} ({Names[i]}) is {rewards[i]}; rewards must be finite."), nameof(rewards));
            }
        }

        for (int i = 0; i < rewards.Count; i++)
        {
            gains[i] += rewards[i];
        }
    }
}
