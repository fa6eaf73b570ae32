using System.Globalization;
using System.Security.Cryptography;

namespace MLNet.HyperGrad.Data;

/// <summary>What identifies a data file for a study: its name, size and content hash (SHA-256, read as a stream).</summary>
public static class DataFingerprint
{
    /// <summary>The fingerprint of a file, as parts of a study's identity (<see cref="AutoML.HyperGradExperiment.SetStudyIdentity"/>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="prefix">Names the file's role in the keys, for example "data" or "validation data".</param>
    /// <returns>"{prefix} file" (the file name), "{prefix} size" (bytes) and "{prefix} SHA-256" (lower-case hex).</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyDictionary<string, string> OfFile(string path, string prefix = "data")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using FileStream stream = File.OpenRead(path);
        string hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [$"{prefix} file"] = Path.GetFileName(path),
            [$"{prefix} size"] = stream.Length.ToString(CultureInfo.InvariantCulture) + " bytes",
            [$"{prefix} SHA-256"] = hash,
        };
    }
}
