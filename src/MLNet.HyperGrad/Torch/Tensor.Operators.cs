namespace MLNet.HyperGrad.Torch;

public sealed partial class Tensor
{
    /// <summary>Elementwise sum.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor operator +(Tensor left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Add(right);
    }

    /// <summary>Adds a number.</summary>
    /// <param name="left">The tensor.</param>
    /// <param name="right">The number.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor operator +(Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Add(right);
    }

    /// <summary>Adds a number.</summary>
    /// <param name="left">The number.</param>
    /// <param name="right">The tensor.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor operator +(double left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(right);
        return right.Add(left);
    }

    /// <summary>Elementwise difference.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor operator -(Tensor left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Sub(right);
    }

    /// <summary>Subtracts a number.</summary>
    /// <param name="left">The tensor.</param>
    /// <param name="right">The number.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor operator -(Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Sub(right);
    }

    /// <summary>Subtracts from a number.</summary>
    /// <param name="left">The number.</param>
    /// <param name="right">The tensor.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor operator -(double left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(right);
        return right.RSub(left);
    }

    /// <summary>Elementwise negation.</summary>
    /// <param name="value">The tensor.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor operator -(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Neg();
    }

    /// <summary>Elementwise product.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor operator *(Tensor left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Mul(right);
    }

    /// <summary>Multiplies by a number.</summary>
    /// <param name="left">The tensor.</param>
    /// <param name="right">The number.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor operator *(Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Mul(right);
    }

    /// <summary>Multiplies by a number.</summary>
    /// <param name="left">The number.</param>
    /// <param name="right">The tensor.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor operator *(double left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(right);
        return right.Mul(left);
    }

    /// <summary>Elementwise division.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor operator /(Tensor left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Div(right);
    }

    /// <summary>Divides by a number.</summary>
    /// <param name="left">The tensor.</param>
    /// <param name="right">The number.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor operator /(Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Div(right);
    }

    /// <summary>Divides a number.</summary>
    /// <param name="left">The number.</param>
    /// <param name="right">The tensor.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor operator /(double left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(right);
        return right.RDiv(left);
    }
}
