namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>Marks a property or field of a <see cref="SearchSpace{T}"/> class whose type is itself a class with option attributes; it becomes a nested <see cref="SearchSpace"/>.</summary>
/// <remarks>
/// The member's type needs a public parameterless constructor. Its options sit under the member's
/// key (key paths <c>Member.Inner</c>), and <see cref="Parameter.AsType{T}"/> builds the nested
/// object. A member without any option attribute is ignored, nested class or not.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false, AllowMultiple = false)]
public sealed class NestOptionAttribute : Attribute
{
}
