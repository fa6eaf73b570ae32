using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>Classification criteria on logits shared by the inner problems.</summary>
internal static class ClassificationCriteria
{
    /// <summary>The expected 0-1 error of the softmax classifier, mean_i (1 − softmax(z_i)[y_i]), a differentiable scalar.</summary>
    /// <param name="logits">Shape [rows, classes].</param>
    /// <param name="labels">Shape [rows], int64 class indices.</param>
    public static Tensor ExpectedError(Tensor logits, Tensor labels)
    {
        Tensor p = torch.nn.functional.softmax(logits, 1).gather(1, labels.unsqueeze(1));
        return HeldScalars.Subtract(1.0, p.mean());
    }

    /// <summary>The fraction of rows whose arg-max class differs from the label (ties go to the lowest index).</summary>
    /// <param name="logits">Shape [rows, classes].</param>
    /// <param name="labels">Shape [rows], int64 class indices.</param>
    public static double ErrorRate(Tensor logits, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        long[] predicted = TensorData.ToArray<long>(logits.argmax(1));
        long[] truth = TensorData.ToArray<long>(labels.to(ScalarType.Int64));
        int wrong = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            wrong += predicted[i] == truth[i] ? 0 : 1;
        }

        return truth.Length == 0 ? 0 : (double)wrong / truth.Length;
    }

    /// <summary>A classification set as float64 features and its labels, both detached from every dispose scope (the caller disposes them).</summary>
    public static (Tensor X, Tensor Y) ToFloat64(TabularDataset set)
    {
        using TensorDataset tensors = set.ToTensors();
        Tensor x = tensors.Features.to(ScalarType.Float64).DetachFromDisposeScope();
        Tensor y = tensors.Labels.clone().DetachFromDisposeScope();
        return (x, y);
    }

    /// <summary>The rows of inner step <paramref name="step"/>: t·B … t·B + B − 1 modulo the row count; all rows when step is null or B covers them.</summary>
    public static (Tensor X, Tensor Y) Batch(Tensor x, Tensor y, int batchSize, int? step)
    {
        long rows = x.shape[0];
        if (step is not int t || batchSize >= rows)
        {
            return (x, y);
        }

        long start = (long)t * batchSize % rows;
        if (start + batchSize <= rows)
        {
            return (x.narrow(0, start, batchSize), y.narrow(0, start, batchSize));
        }

        // Scalars created and disposed here, not implicit temporaries (HeldScalars' remarks: the scalar trap).
        using Scalar first = start.ToScalar();
        using Scalar end = (start + batchSize).ToScalar();
        using Scalar modulus = rows.ToScalar();
        using Tensor positions = torch.arange(first, end, ScalarType.Int64);
        Tensor index = positions.remainder(modulus);
        return (x.index_select(0, index), y.index_select(0, index));
    }
}
