namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>Words of a command line the CLI prints for the user to paste into a POSIX shell.</summary>
internal static class ShellQuoting
{
    /// <summary>The word as a shell reads it back: unchanged when it holds only characters no shell treats specially, else in single quotes.</summary>
    /// <param name="word">A path or argument.</param>
    /// <returns>The word, quoted where needed (a single quote inside becomes <c>'\''</c>).</returns>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "_./:=@%+,-".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
