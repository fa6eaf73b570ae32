namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>An <see cref="IProgress{T}"/> that calls its handler at once on the reporting thread.</summary>
/// <typeparam name="T">The progress value.</typeparam>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
