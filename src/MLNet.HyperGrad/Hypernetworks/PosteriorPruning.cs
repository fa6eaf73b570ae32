using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>Pruning by the learned posterior: keep the network parameters with the largest signal-to-noise ratio |μ|/σ, zero the rest of the means.</summary>
/// <remarks>Graves (2011) and Grebenkova, Bakhteev and Strijov (2021): a parameter whose posterior mean is small next to its standard
/// deviation carries little information. The ranking is global over every parameter tensor given (weights and biases).</remarks>
public static class PosteriorPruning
{
    /// <summary>The posterior means with all but the top <paramref name="fractionKept"/> of parameters by |μ|/σ set to zero.</summary>
    /// <param name="means">The means μ, any shapes, float64.</param>
    /// <param name="logSigmas">log σ, one per mean, same shapes.</param>
    /// <param name="fractionKept">The fraction of parameters kept, in (0, 1]; at least one parameter is kept.</param>
    /// <returns>New tensors of the means' shapes (no grad), in the caller's dispose scope.</returns>
    /// <exception cref="ArgumentException">The lists differ in length or shapes, or are empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1].</exception>
    public static Tensor[] Prune(IReadOnlyList<Tensor> means, IReadOnlyList<Tensor> logSigmas, double fractionKept)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(logSigmas);
        if (!(fractionKept > 0 && fractionKept <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fractionKept), fractionKept, "The fraction of parameters kept must be in (0, 1].");
        }

        if (means.Count == 0 || means.Count != logSigmas.Count || means.Where((m, i) => !m.shape.SequenceEqual(logSigmas[i].shape)).Any())
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Give one log σ per mean, of the same shape; got {means.Count} means and {logSigmas.Count} log σ."), nameof(logSigmas));
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor[] ratio = [.. means.Select((m, i) => m.detach().abs() / logSigmas[i].detach().exp())];
        Tensor all = torch.cat([.. ratio.Select(r => r.reshape(-1))]);
        long total = all.numel();
        long kept = Math.Max(1, (long)Math.Round(fractionKept * total));
        // The kept-th largest ratio is the threshold (ties at it are kept too).
        double threshold = all.topk((int)kept).values.min().item<double>();
        return [.. means.Select((m, i) => (m.detach() * ratio[i].IsAtLeast(threshold).to(m.dtype)).MoveToOuterDisposeScope())];
    }

    /// <summary>The fraction of entries that are not zero.</summary>
    /// <param name="tensors">The tensors.</param>
    /// <returns>Non-zero entries over all entries.</returns>
    public static double NonZeroFraction(IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var scope = torch.NewDisposeScope();
        long nonZero = tensors.Sum(t => t.count_nonzero().item<long>());
        long total = tensors.Sum(t => t.numel());
        return total == 0 ? 0 : (double)nonZero / total;
    }
}
