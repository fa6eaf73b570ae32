using System.Text;

namespace MLNet.HyperGrad.IO;

/// <summary>Writes a file or a folder under a temporary name and renames it into place, so a reader never sees half of it.</summary>
/// <remarks>
/// <para>A file is written to <c>.&lt;name&gt;.&lt;random&gt;.tmp</c> in the same folder, flushed to disk and renamed
/// over the old one (a rename within a folder is atomic on POSIX file systems and NTFS): a failure or a
/// kill while writing leaves the previous file as it was, never a truncated one.</para>
/// <para>A folder is written in full as <c>.&lt;name&gt;.&lt;random&gt;.tmp</c>, then swapped in with two renames:
/// the old folder aside, the new one in, then the old one deleted. A failure before the swap leaves the old
/// folder untouched; a failed second rename puts the old folder back. Only a kill between the two renames
/// leaves no folder under the name (the old one stays beside it as <c>.&lt;name&gt;.&lt;random&gt;.old</c>).</para>
/// <para>Temporary files and folders are removed when writing fails.</para>
/// </remarks>
internal static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes text as UTF-8 (without a byte-order mark), replacing the file as a unit.</summary>
    /// <param name="path">The file; its folder must exist.</param>
    /// <param name="text">The content.</param>
    /// <exception cref="IOException">The file cannot be written or renamed; the previous file is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder may not be written.</exception>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, stream => stream.Write(Utf8.GetBytes(text)));
    }

    /// <summary>Writes text through a writer (UTF-8, no byte-order mark), replacing the file as a unit.</summary>
    /// <param name="path">The file; its folder must exist.</param>
    /// <param name="write">Writes the content; if it throws, the previous file is kept and the exception propagates.</param>
    /// <exception cref="IOException">The file cannot be written or renamed; the previous file is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder may not be written.</exception>
    public static void WriteText(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8, bufferSize: 64 * 1024, leaveOpen: true);
            write(writer);
        });
    }

    /// <summary>Writes bytes through a stream, replacing the file as a unit.</summary>
    /// <param name="path">The file; its folder must exist.</param>
    /// <param name="write">Writes the content; if it throws, the previous file is kept and the exception propagates.</param>
    /// <exception cref="IOException">The file cannot be written or renamed; the previous file is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder may not be written.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string temp = TemporaryName(full, "tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            DeleteQuietly(temp);
            throw;
        }
    }

    /// <summary>Writes a folder in full under a temporary name, then swaps it in for the folder at <paramref name="path"/>.</summary>
    /// <param name="path">The folder; its parent must exist. A folder already there is replaced, with everything in it.</param>
    /// <param name="write">Fills the temporary folder it is given (which exists and is empty); if it throws, the previous folder is kept and the exception propagates.</param>
    /// <exception cref="IOException">The folder cannot be written or renamed; the previous folder is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">The parent folder may not be written.</exception>
    public static void ReplaceDirectory(string path, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string temp = TemporaryName(full, "tmp");
        string? old = null;
        try
        {
            Directory.CreateDirectory(temp);
            write(temp);
            if (Directory.Exists(full))
            {
                old = TemporaryName(full, "old");
                Directory.Move(full, old);
            }

            try
            {
                Directory.Move(temp, full);
            }
            catch when (old is not null)
            {
                Directory.Move(old, full);
                old = null;
                throw;
            }
        }
        catch
        {
            DeleteDirectoryQuietly(temp);
            throw;
        }

        DeleteDirectoryQuietly(old);
    }

    /// <summary>A name beside <paramref name="path"/> that no reader looks for: <c>.&lt;name&gt;.&lt;random&gt;.&lt;suffix&gt;</c>.</summary>
    private static string TemporaryName(string path, string suffix)
        => Path.Combine(Path.GetDirectoryName(path) ?? ".", $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.{suffix}");

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray temporary file is never read, since readers open only the final name.
        }
    }

    private static void DeleteDirectoryQuietly(string? path)
    {
        if (path is null || !Directory.Exists(path))
        {
            return;
        }

        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
