namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>
/// The token of the pipeline trial running on the current flow, for trainers that are cancelled by a token rather than
/// through their <see cref="Microsoft.ML.MLContext"/> (the HyperGradMlp trainer).
/// </summary>
/// <remarks>
/// <see cref="PipelineTrialRunner"/> sets it around each fit, which runs synchronously on the trial's own thread, so a
/// trainer built during that fit (by a <see cref="Estimators.TunableTrainer"/>'s factory) reads the trial's token.
/// Outside a trial it is <see cref="CancellationToken.None"/>.
/// </remarks>
internal static class TrialCancellation
{
    private static readonly AsyncLocal<CancellationToken> Token = new();

    /// <summary>Gets the current trial's token, or <see cref="CancellationToken.None"/>.</summary>
    public static CancellationToken Current => Token.Value;

    /// <summary>Makes <paramref name="cancellationToken"/> current until the returned scope is disposed.</summary>
    /// <param name="cancellationToken">The trial's token.</param>
    /// <returns>Restores the previous token when disposed.</returns>
    public static Scope Enter(CancellationToken cancellationToken)
    {
        CancellationToken previous = Token.Value;
        Token.Value = cancellationToken;
        return new Scope(previous);
    }

    /// <summary>Restores the previous token.</summary>
    internal readonly struct Scope(CancellationToken previous) : IDisposable
    {
        public void Dispose() => Token.Value = previous;
    }
}
