using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tuners;

/// <summary>
/// A portfolio of whole tuners: each trial, one member proposes, chosen by a Hedge bandit on the improvements that each
/// member's proposals made; every member learns from every result.
/// </summary>
/// <remarks>
/// <para>GP-Hedge (Hoffman, Brochu and de Freitas 2011) chooses among acquisition functions by gains measured on the model;
/// whole tuners have no shared model, so the gains here are observed, and only the chosen member's, as in Exp3 (Auer et
/// al. 2002): member k is chosen with probability p_k = (1 − γ) softmax(η G)_k + γ / K; when its trial finishes with a
/// loss below the best finite loss observed before it (or is the first finite one), its gain G_k grows by 1 / p_k (the
/// importance-weighted reward), otherwise by 0. γ = <see cref="Exploration"/>, η = <see cref="LearningRate"/>. The choice
/// of trial k is drawn from the study seed and k, so the same seed and results give the same proposals.</para>
/// <para>The default members are <see cref="GaussianProcessTuner"/> (a GP fit per proposal, tens of milliseconds) and
/// <see cref="LearnedBlackBoxTuner"/> (microseconds): the portfolio spends the GP's cost only on the trials it chooses
/// it for, and learns which of the two improves this study. Every member gets <see cref="Update"/> for every trial,
/// including the trials another member proposed, which every tuner of this library accepts. Through
/// <see cref="ITunerTrialAttributes"/> a trial records which member proposed it (<see cref="MemberAttribute"/>) beside that
/// member's own attributes.</para>
/// <para>Several workers: the member chosen for a trial handles its pending state as that member does (the GP's constant
/// liar, the learned tuner's trial-seeded noise); a trial pending with one member is unknown to the others until its
/// <see cref="Update"/>. Results are accepted in any order; a result for a trial this portfolio did not propose updates
/// every member and no member's gains.</para>
/// </remarks>
public sealed class PortfolioTuner : ITuner, ITunerTrialAttributes
{
    /// <summary>The trial attribute that says which member proposed the trial, as an index into <see cref="MemberNames"/>: <c>portfolio.member</c>.</summary>
    public const string MemberAttribute = "portfolio.member";

    /// <summary>The uniform share γ of the choice probabilities.</summary>
    public const double Exploration = 0.2;

    /// <summary>The learning rate η of the exponential weights.</summary>
    public const double LearningRate = 0.5;

    private readonly (string Name, ITuner Tuner)[] members;
    private readonly int seed;
    private readonly double[] gains;
    private readonly Dictionary<int, (int Member, double Probability)> proposedBy = [];
    private readonly List<int> choices = [];
    private double best = double.PositiveInfinity;

    /// <summary>Creates the default portfolio: <see cref="GaussianProcessTuner"/> ("gp") and <see cref="LearnedBlackBoxTuner"/> ("learned"), both with this seed.</summary>
    /// <param name="searchSpace">The space to search.</param>
    /// <param name="seed">The seed; the same seed and results give the same proposals.</param>
    public PortfolioTuner(SearchSpace searchSpace, int seed = 0)
        : this([("gp", new GaussianProcessTuner(searchSpace, seed)), ("learned", new LearnedBlackBoxTuner(searchSpace, seed))], seed)
    {
    }

    /// <summary>Creates a portfolio of given tuners over one search space.</summary>
    /// <param name="members">Two or more named tuners over the same search space; names distinct and not empty.</param>
    /// <param name="seed">The seed of the choices.</param>
    /// <exception cref="ArgumentException">Fewer than two members, a null tuner, or an empty or repeated name.</exception>
    public PortfolioTuner(IReadOnlyList<(string Name, ITuner Tuner)> members, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count < 2)
        {
            throw new ArgumentException($"A portfolio needs at least two tuners; got {members.Count}.", nameof(members));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < members.Count; i++)
        {
            if (members[i].Tuner is null || string.IsNullOrEmpty(members[i].Name) || !names.Add(members[i].Name))
            {
                throw new ArgumentException($"Portfolio member {i} must be a tuner with a distinct, non-empty name; got name \"{members[i].Name}\" and {(members[i].Tuner is null ? "no tuner" : "a tuner")}.", nameof(members));
            }
        }

        this.members = [.. members];
        this.seed = seed;
        gains = new double[members.Count];
    }

    /// <summary>Gets the members' names, in order.</summary>
    public IReadOnlyList<string> MemberNames => [.. members.Select(m => m.Name)];

    /// <summary>Gets the index of the member chosen for each proposal, in order.</summary>
    public IReadOnlyList<int> Choices => choices;

    /// <summary>Gets the members' current choice probabilities.</summary>
    public IReadOnlyList<double> Probabilities => ComputeProbabilities();

    /// <inheritdoc />
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        double[] p = ComputeProbabilities();
        double u = new Random(SeedMixer.Mix(seed, settings.TrialId) ^ 0x5A5A5A5A).NextDouble();
        int chosen = p.Length - 1;
        double cumulative = 0;
        for (int k = 0; k < p.Length; k++)
        {
            cumulative += p[k];
            if (u < cumulative)
            {
                chosen = k;
                break;
            }
        }

        Parameter parameter = members[chosen].Tuner.Propose(settings);
        proposedBy[settings.TrialId] = (chosen, p[chosen]);
        choices.Add(chosen);
        return parameter;
    }

    /// <inheritdoc />
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach ((_, ITuner tuner) in members)
        {
            tuner.Update(result);
        }

        bool finite = !result.IsFailed && double.IsFinite(result.Loss) && result.Loss != double.MaxValue;
        bool improved = finite && result.Loss < best;
        if (proposedBy.Remove(result.TrialSettings.TrialId, out (int Member, double Probability) source) && improved)
        {
            gains[source.Member] += 1 / source.Probability;
        }

        if (improved)
        {
            best = result.Loss;
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> ProposalAttributes(int trialId)
    {
        if (!proposedBy.TryGetValue(trialId, out (int Member, double Probability) source))
        {
            return new Dictionary<string, double>();
        }

        var attributes = new Dictionary<string, double>(StringComparer.Ordinal);
        if (members[source.Member].Tuner is ITunerTrialAttributes inner)
        {
            foreach ((string key, double value) in inner.ProposalAttributes(trialId))
            {
                attributes[key] = value;
            }
        }

        attributes[MemberAttribute] = source.Member;
        return attributes;
    }

    private double[] ComputeProbabilities()
    {
        int k = gains.Length;
        double max = gains.Max();
        double[] p = [.. gains.Select(g => Math.Exp(LearningRate * (g - max)))];
        double sum = p.Sum();
        for (int i = 0; i < k; i++)
        {
            p[i] = ((1 - Exploration) * p[i] / sum) + (Exploration / k);
        }

        return p;
    }
}
