namespace MLNet.HyperGrad.AutoML;

/// <summary>The tuners <see cref="HyperGradExperimentExtensions.WithHyperGrad"/> can select.</summary>
public enum TunerKind
{
    /// <summary>Random search (<see cref="Tuners.RandomSearchTuner"/>).</summary>
    Random,

    /// <summary>Grid search (<see cref="Tuners.GridSearchTuner"/>), visited in a seeded random order.</summary>
    Grid,

    /// <summary>Gradient-based tuning of hyperparameter tensors (<see cref="Tuners.HyperGradientTuner"/>): each trial returns a hypergradient, the next is an outer Adam step; integer and choice options go to random search.</summary>
    HyperGradient,

    /// <summary>Bayesian optimization with a Gaussian process and log expected improvement (<see cref="Tuners.GaussianProcessTuner"/>), after 10 Sobol trials.</summary>
    GaussianProcess,

    /// <summary>
    /// Bayesian optimization with a Gaussian-process prior pre-trained on earlier studies (<see cref="Transfer.MetaGaussianProcessTuner"/>,
    /// HyperBO): needs <see cref="HyperGradOptions.TransferFrom(Storage.IStudyStorage, Transfer.StudyFilter)"/>, which also selects it.
    /// </summary>
    MetaGaussianProcess,

    /// <summary>
    /// The learned black-box tuner (<see cref="Tuners.LearnedBlackBoxTuner"/>, Chen et al. 2017): an LSTM shipped with the
    /// library, meta-trained on Gaussian-process functions, proposes each next trial from the results so far, in microseconds.
    /// </summary>
    Learned,

    /// <summary>
    /// A portfolio of whole tuners (<see cref="Tuners.PortfolioTuner"/>): each trial, a Hedge bandit on observed
    /// improvements chooses whether the Gaussian-process tuner or the learned tuner proposes.
    /// </summary>
    Portfolio,

    /// <summary>
    /// Self-Tuning Networks (<see cref="Hypernetworks.SelfTuningTuner"/>, MacKay et al. 2019): one trial is one training run that tunes
    /// the dropout rate of every hidden layer and the L2 coefficient of every layer online; the tuner chooses where each run starts.
    /// </summary>
    SelfTuning,

    /// <summary>
    /// The L2 coefficient chosen through a best-response hypernetwork trained on the experiment's data when the run starts
    /// (<see cref="Hypernetworks.HypernetworkTuner"/>, Lorraine and Duvenaud 2018); every other option is random search.
    /// Needs the data of <see cref="HyperGradExperiment.SetDataset"/> and a log-scale L2 option (the MLP runner's space has one).
    /// </summary>
    Hypernetwork,
}
