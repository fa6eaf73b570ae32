using System.Reflection;
using Microsoft.ML;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>Cancels an <see cref="MLContext"/>'s running work from a <see cref="CancellationToken"/>.</summary>
/// <remarks>
/// ML.NET 6.0 keeps <c>MLContext.CancelExecution()</c> internal (AutoML reaches it as a friend assembly), and its
/// trainers check the context as they train. We call it through reflection, bound once; if a later ML.NET
/// removes it, <see cref="IsSupported"/> is false and a trial is cancelled only between fits.
/// </remarks>
internal static class MLContextCancellation
{
    private static readonly Action<MLContext>? Cancel = Bind();

    /// <summary>Gets a value indicating whether ML.NET's internal cancellation was found.</summary>
    public static bool IsSupported => Cancel is not null;

    /// <summary>Cancels the context's work when the token is cancelled.</summary>
    /// <param name="mlContext">The trial's context.</param>
    /// <param name="cancellationToken">The trial's token.</param>
    /// <returns>The registration, to dispose when the trial ends.</returns>
    public static CancellationTokenRegistration Register(MLContext mlContext, CancellationToken cancellationToken) =>
        Cancel is { } cancel ? cancellationToken.Register(() => cancel(mlContext)) : default;

    private static Action<MLContext>? Bind()
    {
        MethodInfo? method = typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, Type.EmptyTypes);
        return method is null ? null : method.CreateDelegate<Action<MLContext>>();
    }
}
