using System.Globalization;
using System.Reflection;
using System.Security;
using System.Text;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.IO;

namespace MLNet.HyperGrad.Outputs;

/// <summary>
/// Writes a C# console project that consumes a saved model, as ML.NET Model Builder does: <c>ModelInput</c> and
/// <c>ModelOutput</c> classes from the data's columns (<c>[LoadColumn]</c> and <c>[ColumnName]</c> attributes), a
/// <c>Predict</c> call, and a program that prints one prediction per row of a CSV laid out like the training file.
/// </summary>
/// <remarks>
/// <para>The project references the MLNet.HyperGrad package (which brings Microsoft.ML, LightGBM and FastTree) from a
/// local folder named in its <c>nuget.config</c>, beside the machine's other package sources, until the package is on
/// a public feed: fill the folder with <c>dotnet pack src/MLNet.HyperGrad -c Release -o &lt;folder&gt;</c>. A model that
/// holds HyperGrad's MLP also needs libtorch (<see cref="ConsumerProjectOptions.NeedsLibTorch"/>); the package's
/// build step that makes TorchSharp loadable on older Linux runs in the consumer's build too.</para>
/// <para>The folder gets empty <c>Directory.Build.props</c>, <c>Directory.Build.targets</c> and
/// <c>Directory.Packages.props</c> files, so that a repository the output folder lies in does not impose its build
/// settings (central package versions, analyzers) on the project.</para>
/// <para>The model is expected to take the raw columns and to output <c>PredictedLabel</c> as the class name
/// (classification) or <c>Score</c> (regression).</para>
/// </remarks>
public static class ConsumerProjectWriter
{
    /// <summary>Gets this library's version, as its package is packed by default (<c>1.0.0</c> unless set at build time).</summary>
    public static string LibraryVersion { get; } = ReadLibraryVersion();

    /// <summary>A project name for a study: its name as a C# identifier (capitalized, other characters as underscores) followed by <c>.ConsoleApp</c>.</summary>
    /// <param name="studyName">The study's name, such as <c>classification-iris</c>.</param>
    /// <returns>A name such as <c>Classification_iris.ConsoleApp</c>.</returns>
    public static string ProjectNameFor(string studyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyName);
        return CSharpNames.Property(studyName, []) + ".ConsoleApp";
    }

    /// <summary>Writes the project.</summary>
    /// <param name="directory">The project folder; created if missing, files in it replaced.</param>
    /// <param name="schema">The data's columns, label included, as fitted on the training file.</param>
    /// <param name="options">The project's name, model, package source and CSV layout.</param>
    /// <returns>The path of the <c>.csproj</c> file.</returns>
    /// <exception cref="ArgumentException">The project name is not a C# identifier (dots allowed), or the package source is empty.</exception>
    /// <exception cref="IOException">A file could not be written.</exception>
    public static string Write(string directory, TabularSchema schema, ConsumerProjectOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ProjectName.Split('.').Any(part => CSharpNames.Identifier(part) != part))
        {
            throw new ArgumentException($"The project name \"{options.ProjectName}\" must be C# identifiers joined by dots (letters, digits, underscores; not starting with a digit).", nameof(options));
        }

        ArgumentException.ThrowIfNullOrEmpty(options.PackageSource, nameof(options));
        string folder = Path.GetFullPath(directory);
        Directory.CreateDirectory(folder);
        string project = Path.Combine(folder, options.ProjectName + ".csproj");
        AtomicFile.WriteAllText(project, ProjectFile(options));
        AtomicFile.WriteAllText(Path.Combine(folder, "nuget.config"), NuGetConfig(options));
        const string Stop = "<!-- Stops MSBuild's search for this file in the folders above: their build settings are not this project's. -->\n<Project />\n";
        AtomicFile.WriteAllText(Path.Combine(folder, "Directory.Build.props"), Stop);
        AtomicFile.WriteAllText(Path.Combine(folder, "Directory.Build.targets"), Stop);
        AtomicFile.WriteAllText(Path.Combine(folder, "Directory.Packages.props"), Stop);
        (string Name, string Property, string Type, int Index)[] columns = Columns(schema);
        AtomicFile.WriteAllText(Path.Combine(folder, "ModelInput.cs"), ModelInput(options, columns));
        AtomicFile.WriteAllText(Path.Combine(folder, "ModelOutput.cs"), ModelOutput(options, schema.Task));
        AtomicFile.WriteAllText(Path.Combine(folder, "Program.cs"), Program(options, schema.Task));
        return project;
    }

    /// <summary>The columns the model reads, in file order: CSV name, C# property, C# type and 0-based position.</summary>
    private static (string Name, string Property, string Type, int Index)[] Columns(TabularSchema schema)
    {
        var used = new HashSet<string>(StringComparer.Ordinal) { "ModelInput" };
        var all = schema.Columns.Select(c => (c.Name, Type: c.Kind == ColumnKind.Numeric ? "float" : "string", Index: c.SourceIndex))
            .Append((Name: schema.LabelColumn, Type: schema.Task == TaskKind.Regression ? "float" : "string", Index: schema.LabelIndex))
            .OrderBy(c => c.Index);
        return [.. all.Select(c => (c.Name, CSharpNames.Property(c.Name, used), c.Type, c.Index))];
    }

    private static string ProjectFile(ConsumerProjectOptions options)
    {
        string torch = options.NeedsLibTorch
            ? "\n    <!-- The model holds HyperGrad's MLP, which runs on libtorch (this one: CPU, Linux x64). -->\n    <PackageReference Include=\"libtorch-cpu-linux-x64\" Version=\"2.10.0\" />"
            : string.Empty;
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">

              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net{Environment.Version.Major}.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RootNamespace>{options.ProjectName}</RootNamespace>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>

              <ItemGroup>
                <!-- From the folder named in nuget.config: dotnet pack src/MLNet.HyperGrad -c Release -o <that folder>. It brings Microsoft.ML, LightGBM and FastTree. -->
                <PackageReference Include="MLNet.HyperGrad" Version="{SecurityElement.Escape(options.PackageVersion)}" />{torch}
              </ItemGroup>

              <ItemGroup>
                <None Include="{SecurityElement.Escape(options.ModelPath)}" Link="model.zip" CopyToOutputDirectory="PreserveNewest" />
              </ItemGroup>

            </Project>

            """;
    }

    private static string NuGetConfig(ConsumerProjectOptions options) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <!-- The MLNet.HyperGrad package until it is on a public feed; the machine's other sources stay. -->
            <add key="hypergrad-local" value="{SecurityElement.Escape(Path.GetFullPath(options.PackageSource))}" />
          </packageSources>
        </configuration>

        """;

    private static string ModelInput(ConsumerProjectOptions options, (string Name, string Property, string Type, int Index)[] columns)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $$"""
            using Microsoft.ML.Data;

            namespace {{options.ProjectName}};

            /// <summary>One row of the data, as the model reads it: each property is a CSV column (LoadColumn: its 0-based position).</summary>
            public sealed class ModelInput
            {
            """);
        text.Append('\n');
        foreach ((string name, string property, string type, int index) in columns)
        {
            string initial = type == "string" ? " = string.Empty;" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"""
                    [LoadColumn({index})]
                    [ColumnName({CSharpNames.Literal(name)})]
                    public {type} {property} {"{"} get; set; {"}"}{initial}


                """);
        }

        return text.ToString().TrimEnd() + "\n}\n";
    }

    private static string ModelOutput(ConsumerProjectOptions options, TaskKind task)
    {
        string members = task == TaskKind.Classification
            ? """
                  /// <summary>Gets or sets the predicted class, as named in the training data.</summary>
                  [ColumnName("PredictedLabel")]
                  public string PredictedLabel { get; set; } = string.Empty;

                  /// <summary>Gets or sets the model's score per class.</summary>
                  [ColumnName("Score")]
                  public float[] Score { get; set; } = [];
              """
            : """
                  /// <summary>Gets or sets the predicted value.</summary>
                  [ColumnName("Score")]
                  public float Score { get; set; }
              """;
        return $$"""
            using Microsoft.ML.Data;

            namespace {{options.ProjectName}};

            /// <summary>What the model predicts for a row.</summary>
            public sealed class ModelOutput
            {
            {{members}}
            }

            """;
    }

    private static string Program(ConsumerProjectOptions options, TaskKind task)
    {
        string print = task == TaskKind.Classification
            ? "prediction.PredictedLabel"
            : "prediction.Score.ToString(\"R\", CultureInfo.InvariantCulture)";
        string delimiter = options.Delimiter switch { '\t' => "'\\t'", '\'' => "'\\''", '\\' => "'\\\\'", char c => $"'{c}'" };
        return $$"""
            using System.Globalization;
            using Microsoft.ML;

            namespace {{options.ProjectName}};

            /// <summary>Loads model.zip and prints one prediction per row of a CSV laid out like the training file.</summary>
            public static class Program
            {
                private static readonly Lazy<PredictionEngine<ModelInput, ModelOutput>> Engine = new(CreateEngine);

                /// <summary>Predicts one row.</summary>
                /// <param name="input">The row's columns.</param>
                /// <returns>The prediction.</returns>
                public static ModelOutput Predict(ModelInput input) => Engine.Value.Predict(input);

                /// <summary>Usage: dotnet run -- data.csv</summary>
                public static int Main(string[] args)
                {
                    if (args.Length != 1 || !File.Exists(args[0]))
                    {
                        Console.Error.WriteLine("usage: {{options.ProjectName}} <data.csv>  (a CSV laid out like the training file; prints one prediction per row)");
                        return 2;
                    }

                    var mlContext = new MLContext();
                    IDataView rows = mlContext.Data.LoadFromTextFile<ModelInput>(args[0], separatorChar: {{delimiter}}, hasHeader: {{(options.HasHeader ? "true" : "false")}}, allowQuoting: true, trimWhitespace: true);
                    foreach (ModelInput row in mlContext.Data.CreateEnumerable<ModelInput>(rows, reuseRowObject: false))
                    {
                        ModelOutput prediction = Predict(row);
                        Console.WriteLine({{print}});
                    }

                    return 0;
                }

                private static PredictionEngine<ModelInput, ModelOutput> CreateEngine()
                {
                    var mlContext = new MLContext();
                    string modelPath = Path.Combine(AppContext.BaseDirectory, "model.zip");
                    ITransformer model = {{options.LoadExpression}};
                    return mlContext.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);
                }
            }

            """;
    }

    private static string ReadLibraryVersion()
    {
        string? informational = typeof(ConsumerProjectWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational is null ? "1.0.0" : informational.Split('+')[0];
    }
}
