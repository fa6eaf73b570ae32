namespace MLNet.HyperGrad.Outputs;

/// <summary>How <see cref="ConsumerProjectWriter"/> writes a console project that consumes a saved model.</summary>
public sealed record ConsumerProjectOptions
{
    /// <summary>Gets the project's name, also its root namespace; a C# identifier.</summary>
    /// <value>The default is <c>HyperGradModel.ConsoleApp</c>.</value>
    public string ProjectName { get; init; } = "HyperGradModel.ConsoleApp";

    /// <summary>Gets the model file, relative to the project folder or absolute; copied next to the program when it builds.</summary>
    /// <value>The default is <c>../model.zip</c> (the project sits in the run's output folder, beside the model).</value>
    public string ModelPath { get; init; } = "../model.zip";

    /// <summary>Gets the folder that holds the MLNet.HyperGrad package (<c>dotnet pack src/MLNet.HyperGrad -o &lt;folder&gt;</c>), named in the project's <c>nuget.config</c>.</summary>
    public required string PackageSource { get; init; }

    /// <summary>Gets the version of the MLNet.HyperGrad package to reference.</summary>
    /// <value>The default is this library's own version (<see cref="ConsumerProjectWriter.LibraryVersion"/>).</value>
    public string PackageVersion { get; init; } = ConsumerProjectWriter.LibraryVersion;

    /// <summary>Gets a value indicating whether the model holds HyperGrad's MLP, which runs on libtorch: the project then references <c>libtorch-cpu-linux-x64</c>.</summary>
    /// <value>The default is false.</value>
    public bool NeedsLibTorch { get; init; }

    /// <summary>Gets the C# expression that loads the model, with <c>mlContext</c> (an MLContext) and <c>modelPath</c> in scope, giving an ITransformer.</summary>
    /// <value>The default is <c>MLNet.HyperGrad.Estimators.HyperGradModel.Load(mlContext, modelPath, out _)</c>, which loads any model.zip, with or without HyperGrad's MLP.</value>
    public string LoadExpression { get; init; } = "MLNet.HyperGrad.Estimators.HyperGradModel.Load(mlContext, modelPath, out _)";

    /// <summary>Gets the character between the CSV's fields.</summary>
    /// <value>The default is a comma.</value>
    public char Delimiter { get; init; } = ',';

    /// <summary>Gets a value indicating whether the CSV's first line names its columns.</summary>
    /// <value>The default is true.</value>
    public bool HasHeader { get; init; } = true;
}
