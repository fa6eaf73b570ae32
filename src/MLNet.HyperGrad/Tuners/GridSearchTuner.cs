using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Tuners;

/// <summary>Proposes every point of a grid over the search space once, then reports itself exhausted.</summary>
/// <remarks>
/// Integer and choice options contribute each of their values (the centre of each bin of the unit
/// cube); continuous options contribute <c>stepsPerContinuousDimension</c> evenly spaced values from
/// their minimum to their maximum (on the log scale for log options). Points are visited in
/// row-major order, or, when a seed is given, in the order of a seeded affine permutation of the
/// indices (<c>i ↦ (a i + b) mod n</c> with <c>a</c> coprime to <c>n</c>), which needs no memory however
/// large the grid. A point whose result has been
/// received (also through the replay of a resumed study) is never proposed again.
/// </remarks>
public sealed class GridSearchTuner : IFiniteTuner
{
    private readonly SearchSpace searchSpace;
    private readonly double[][] axes;
    private readonly long size;
    private readonly long stride = 1;
    private readonly long offset;
    private readonly HashSet<long> visited = [];
    private long cursor;

    /// <summary>Creates a grid-search tuner.</summary>
    /// <param name="searchSpace">The space.</param>
    /// <param name="stepsPerContinuousDimension">Values per continuous dimension, at least 2; 5 by default.</param>
    /// <param name="seed">If set, visit the grid in a random order drawn from this seed.</param>
    /// <exception cref="ArgumentException">Fewer than 2 steps.</exception>
    public GridSearchTuner(SearchSpace searchSpace, int stepsPerContinuousDimension = 5, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        if (stepsPerContinuousDimension < 2)
        {
            throw new ArgumentException($"A grid needs at least 2 steps per continuous dimension; got {stepsPerContinuousDimension}.", nameof(stepsPerContinuousDimension));
        }

        this.searchSpace = searchSpace;
        int?[] levels = searchSpace.Step;
        axes = new double[levels.Length][];
        size = 1;
        for (int d = 0; d < levels.Length; d++)
        {
            int count = levels[d] ?? stepsPerContinuousDimension;
            axes[d] = levels[d] is int k
                ? Enumerable.Range(0, k).Select(j => (j + 0.5) / k).ToArray()
                : Enumerable.Range(0, count).Select(j => (double)j / (count - 1)).ToArray();
            size = size > long.MaxValue / count ? long.MaxValue : size * count;
        }

        if (seed is int s && size > 1)
        {
            var random = new Random(s);
            offset = random.NextInt64(size);
            stride = random.NextInt64(1, size);
            while (Gcd(stride, size) != 1)
            {
                stride = (stride % (size - 1)) + 1;
            }
        }
    }

    /// <summary>Gets the number of points in the grid.</summary>
    public long Size => size;

    /// <inheritdoc />
    public bool IsExhausted
    {
        get
        {
            SkipVisited();
            return cursor >= size;
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Every point has been proposed.</exception>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        SkipVisited();
        if (cursor >= size)
        {
            throw new InvalidOperationException($"The grid of {size} points is exhausted.");
        }

        long index = PointAt(cursor++);
        visited.Add(index);
        return searchSpace.SampleFromFeatureSpace(Point(index));
    }

    /// <inheritdoc />
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        double[] features = searchSpace.MappingToFeatureSpace(result.TrialSettings.Parameter);
        long index = 0;
        for (int d = 0; d < axes.Length; d++)
        {
            int nearest = 0;
            for (int j = 1; j < axes[d].Length; j++)
            {
                if (Math.Abs(axes[d][j] - features[d]) < Math.Abs(axes[d][nearest] - features[d]))
                {
                    nearest = j;
                }
            }

            index = (index * axes[d].Length) + nearest;
        }

        visited.Add(index);
    }

    private void SkipVisited()
    {
        while (cursor < size && visited.Contains(PointAt(cursor)))
        {
            cursor++;
        }
    }

    private long PointAt(long position) => (long)((((UInt128)(ulong)stride * (ulong)position) + (ulong)offset) % (ulong)size);

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private double[] Point(long index)
    {
        double[] point = new double[axes.Length];
        for (int d = axes.Length - 1; d >= 0; d--)
        {
            int n = axes[d].Length;
            point[d] = axes[d][index % n];
            index /= n;
        }

        return point;
    }
}
