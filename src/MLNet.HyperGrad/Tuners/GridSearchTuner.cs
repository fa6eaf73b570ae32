using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Tuners;

/// <summary>Proposes every point of a grid over the search space once, then reports itself exhausted.</summary>
/// <remarks>
/// Integer and choice options contribute each of their values (the centre of each bin of the unit
/// cube); continuous options contribute <c>stepsPerContinuousDimension</c> evenly spaced values from
/// their minimum to their maximum (on the log scale for log options). The grid is the product of the
/// options' values, except under a <see cref="ConditionalSearchSpace"/>: there it is the branches' own
/// grids one after the other (its size is their sum), each with the selector on its branch and the
/// inactive branches at their defaults, so no point differs only in slots its trial does not use. Points are visited in
/// row-major order, or, when a seed is given, in the order of a seeded affine permutation of the
/// indices (<c>i ↦ (a i + b) mod n</c> with <c>a</c> coprime to <c>n</c>), which needs no memory however
/// large the grid. A grid point whose result has been
/// received (also through the replay of a resumed study, or from another worker of a shared study) is never proposed
/// again; a result at a point off the grid visits nothing.
/// Several workers: each proposal moves on to the next grid point whether or not earlier ones have been updated, so
/// concurrent proposals are distinct grid points; results are accepted in any order, and a tuner rebuilt from storage skips
/// every point with a stored result (two workers' own tuners may still propose the same point: the study's storage then
/// keeps the first and asks again, see <see cref="ITuner"/>).
/// </remarks>
public sealed class GridSearchTuner : IFiniteTuner
{
    private readonly SearchSpace searchSpace;
    private readonly GridNode grid;
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
        grid = GridNode.For(searchSpace, stepsPerContinuousDimension);
        size = grid.Count;
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

    /// <summary>Gets the number of points in the grid (with a conditional space, the sum of its branches' grids).</summary>
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
        long index = grid.IndexOf(features, 0);

        // Only a result at the grid point itself visits it: a trial elsewhere (a study's start point at the space's
        // defaults, another worker's trial of another tuner) leaves its nearest grid point to be run.
        if (searchSpace.SampleFromFeatureSpace(Point(index)).Equals(result.TrialSettings.Parameter))
        {
            visited.Add(index);
        }
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
        double[] point = new double[grid.Dim];
        grid.Fill(index, point, 0);
        return point;
    }
}
