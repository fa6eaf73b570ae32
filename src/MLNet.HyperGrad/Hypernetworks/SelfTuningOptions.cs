using System.Globalization;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>Settings of a self-tuning training run (<see cref="SelfTuningTrainer"/>); validated once by <see cref="Validate"/>.</summary>
/// <remarks>
/// <para>The hyperparameters tuned online are a dropout rate after each hidden layer (logit space) and an L2 coefficient per
/// affine layer (log space). Weights take <see cref="TrainSteps"/> Adam steps on training minibatches with hyperparameters
/// drawn from the perturbation distribution, then the hyperparameters' mean and perturbation scale take
/// <see cref="ValidationSteps"/> Adam steps on validation minibatches with dropout off (MacKay et al. 2019, Algorithm 1).</para>
/// <para>Defaults: the network and training of issue 12's Fashion-MNIST benchmark (784-256-256-10 ReLU, Adam 1e-3, batch
/// 128); τ as in the paper (0.001); the hyperparameter learning rate and the initial dropout chosen on that benchmark.</para>
/// </remarks>
public sealed record SelfTuningOptions
{
    /// <summary>The smallest dropout rate a run may reach (rates are clamped into [<see cref="MinDropout"/>, <see cref="MaxDropout"/>]).</summary>
    public const double MinDropout = 1e-3;

    /// <summary>The largest dropout rate a run may reach.</summary>
    public const double MaxDropout = 0.95;

    /// <summary>The smallest L2 coefficient a run may reach.</summary>
    public const double MinL2 = 1e-8;

    /// <summary>The largest L2 coefficient a run may reach.</summary>
    public const double MaxL2 = 1;

    /// <summary>Gets the hidden layer widths (ReLU); the input and output sizes come from the data.</summary>
    /// <value>The default is two layers of 256.</value>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [256, 256];

    /// <summary>Gets the training epochs (passes over the training rows by the weight steps).</summary>
    /// <value>The default is 30.</value>
    public int Epochs { get; init; } = 30;

    /// <summary>Gets the rows per training and per validation minibatch.</summary>
    /// <value>The default is 128.</value>
    public int BatchSize { get; init; } = 128;

    /// <summary>Gets Adam's learning rate on the weights (elementary, scaled and hypernetwork weights).</summary>
    /// <value>The default is 0.001.</value>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Gets Adam's learning rate on the hyperparameters' mean and log perturbation scale.</summary>
    /// <value>The default is 0.03 (the paper's 0.003 barely moved the rates in short runs; 30 epochs of 10,000 Fashion-MNIST rows give only about 450 hyperparameter steps).</value>
    public double HyperLearningRate { get; init; } = 0.03;

    /// <summary>Gets T_train: weight steps between two hyperparameter phases.</summary>
    /// <value>The default is 5.</value>
    public int TrainSteps { get; init; } = 5;

    /// <summary>Gets T_val: hyperparameter steps per phase.</summary>
    /// <value>The default is 1.</value>
    public int ValidationSteps { get; init; } = 1;

    /// <summary>Gets τ, the weight of the perturbation's entropy (Σ log σ) subtracted from the validation loss.</summary>
    /// <value>The default is 0.001 (the paper's).</value>
    public double EntropyWeight { get; init; } = 1e-3;

    /// <summary>Gets the perturbation scale σ at the start, the same for every hyperparameter, in unconstrained units (logit, log).</summary>
    /// <value>The default is 0.5.</value>
    public double InitialPerturbationScale { get; init; } = 0.5;

    /// <summary>Gets the dropout rate of every hidden layer at the start.</summary>
    /// <value>The default is 0.5 (from 0.05 the online tuning, which lowers the rates early in training, did not raise them in time to stop a 784-256-256-10 network overfitting 10,000 Fashion-MNIST rows within 30 epochs; bench/RESULTS.md).</value>
    public double InitialDropout { get; init; } = 0.5;

    /// <summary>Gets the L2 coefficient of every layer at the start (the penalty is coefficient × squared norm of the layer's weights and bias, added to the mean cross-entropy).</summary>
    /// <value>The default is 1e-4 (from 1e-6 the coefficients stayed near 1e-6, too small to matter, on issue 12's benchmark).</value>
    public double InitialL2 { get; init; } = 1e-4;

    /// <summary>Gets a value indicating whether the dropout rates are tuned (else fixed at <see cref="InitialDropout"/>).</summary>
    /// <value>The default is true.</value>
    public bool TuneDropout { get; init; } = true;

    /// <summary>Gets a value indicating whether the L2 coefficients are tuned (else fixed at <see cref="InitialL2"/>).</summary>
    /// <value>The default is true.</value>
    public bool TuneL2 { get; init; } = true;

    /// <summary>Gets the epochs at the start in which only the weights train (hyperparameters still perturbed), so that the best-response approximation fits before it is used.</summary>
    /// <value>The default is 1.</value>
    public int WarmupEpochs { get; init; } = 1;

    /// <summary>Gets the temperature of the relaxed (concrete) dropout mask; smaller is closer to Bernoulli.</summary>
    /// <value>The default is 0.1 (Gal et al. 2017's concrete dropout).</value>
    public double ConcreteTemperature { get; init; } = 0.1;

    /// <summary>Gets a value indicating whether the validation loss of the hyperparameter steps applies the relaxed dropout (its gradient then also flows through the mask); the paper evaluates it with dropout off.</summary>
    /// <value>The default is false (dropout off, as in the paper).</value>
    public bool ValidationDropout { get; init; }

    /// <summary>Gets the seed of the weight initialization, the minibatch orders, the perturbations and the dropout masks.</summary>
    /// <value>The default is 0.</value>
    public ulong Seed { get; init; }

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

        Require(HiddenLayers is not null, "HiddenLayers must not be null.");
        if (HiddenLayers is not null)
        {
            Require(HiddenLayers.Count >= 1, "HiddenLayers must name at least one hidden layer (dropout is tuned per hidden layer); got none.");
            Require(HiddenLayers.All(w => w >= 1), string.Create(CultureInfo.InvariantCulture, $"HiddenLayers must all be at least 1; got [{string.Join(", ", HiddenLayers)}]."));
        }

        Require(Epochs >= 1, string.Create(CultureInfo.InvariantCulture, $"Epochs must be at least 1; got {Epochs}."));
        Require(BatchSize >= 1, string.Create(CultureInfo.InvariantCulture, $"BatchSize must be at least 1; got {BatchSize}."));
        Require(double.IsFinite(LearningRate) && LearningRate > 0, string.Create(CultureInfo.InvariantCulture, $"LearningRate must be finite and positive; got {LearningRate}."));
        Require(double.IsFinite(HyperLearningRate) && HyperLearningRate > 0, string.Create(CultureInfo.InvariantCulture, $"HyperLearningRate must be finite and positive; got {HyperLearningRate}."));
        Require(TrainSteps >= 1, string.Create(CultureInfo.InvariantCulture, $"TrainSteps (T_train) must be at least 1; got {TrainSteps}."));
        Require(ValidationSteps >= 0, string.Create(CultureInfo.InvariantCulture, $"ValidationSteps (T_val) must be at least 0; got {ValidationSteps}."));
        Require(double.IsFinite(EntropyWeight) && EntropyWeight >= 0, string.Create(CultureInfo.InvariantCulture, $"EntropyWeight (τ) must be finite and non-negative; got {EntropyWeight}."));
        Require(double.IsFinite(InitialPerturbationScale) && InitialPerturbationScale > 0, string.Create(CultureInfo.InvariantCulture, $"InitialPerturbationScale must be finite and positive; got {InitialPerturbationScale}."));
        Require(InitialDropout is >= MinDropout and <= MaxDropout, string.Create(CultureInfo.InvariantCulture, $"InitialDropout must be in [{MinDropout}, {MaxDropout}]; got {InitialDropout}."));
        Require(InitialL2 is >= MinL2 and <= MaxL2, string.Create(CultureInfo.InvariantCulture, $"InitialL2 must be in [{MinL2}, {MaxL2}]; got {InitialL2}."));
        Require(WarmupEpochs >= 0, string.Create(CultureInfo.InvariantCulture, $"WarmupEpochs must be at least 0; got {WarmupEpochs}."));
        Require(double.IsFinite(ConcreteTemperature) && ConcreteTemperature > 0, string.Create(CultureInfo.InvariantCulture, $"ConcreteTemperature must be finite and positive; got {ConcreteTemperature}."));
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid self-tuning options: " + string.Join(" ", problems));
        }
    }
}
