using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>The hyperparameters <see cref="MlpTrialRunner"/> tunes, read from a trial's parameter.</summary>
/// <param name="LearningRate">SGD's learning rate.</param>
/// <param name="Momentum">SGD's momentum.</param>
/// <param name="L2">The L2 coefficient (weight decay).</param>
/// <param name="HiddenWidth">Units per hidden layer.</param>
/// <param name="Depth">Number of hidden layers.</param>
/// <param name="BatchSize">Minibatch size.</param>
/// <param name="Epochs">Passes over the training data.</param>
public sealed record MlpHyperparameters(double LearningRate, double Momentum, double L2, int HiddenWidth, int Depth, int BatchSize, int Epochs)
{
    /// <summary>Reads the hyperparameters from the object a search space from <see cref="MlpTrialRunner.CreateSearchSpace"/> samples.</summary>
    /// <param name="parameter">The object with keys learning_rate, momentum, l2, hidden_width, depth, batch_size, epochs.</param>
    /// <returns>The hyperparameters.</returns>
    /// <exception cref="ArgumentException">A key is missing or a value is out of range.</exception>
    public static MlpHyperparameters From(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        double Number(string key) => parameter.ContainsKey(key)
            ? parameter[key].AsType<double>()
            : throw new ArgumentException($"The MLP trial's parameter has no \"{key}\"; it has {string.Join(", ", parameter.Keys)}.", nameof(parameter));
        int Integer(string key) => (int)Math.Round(Number(key));
        var h = new MlpHyperparameters(Number("learning_rate"), Number("momentum"), Number("l2"), Integer("hidden_width"), Integer("depth"), Integer("batch_size"), Integer("epochs"));
        if (!(h.LearningRate > 0) || h.Momentum < 0 || h.Momentum >= 1 || h.L2 < 0 || h.HiddenWidth < 1 || h.Depth < 0 || h.BatchSize < 1 || h.Epochs < 1)
        {
            throw new ArgumentException($"MLP hyperparameters out of range: {h}.", nameof(parameter));
        }

        return h;
    }
}
