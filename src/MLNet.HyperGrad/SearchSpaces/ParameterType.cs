namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>The kind of a <see cref="Parameter"/> node; each kind is a JSON token.</summary>
public enum ParameterType
{
    /// <summary>A whole number held as a 64-bit integer (JSON number without fraction or exponent).</summary>
    Integer = 0,

    /// <summary>A finite floating-point number held as a <see cref="double"/> (JSON number written with a fraction or exponent).</summary>
    Number = 1,

    /// <summary>A Boolean (JSON <c>true</c> or <c>false</c>).</summary>
    Bool = 2,

    /// <summary>A string (JSON string); enums are stored by member name.</summary>
    String = 3,

    /// <summary>A map from string keys to parameters, kept in ordinal key order (JSON object).</summary>
    Object = 4,

    /// <summary>An ordered list of parameters (JSON array).</summary>
    Array = 5,
}
