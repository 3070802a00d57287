using System;
using System.IO;

namespace Sluice.Verification;

/// <summary>
/// Finds source files on disk from a test or tool, in both local builds (where <c>[CallerFilePath]</c> is the
/// real path) and CI builds (<c>ContinuousIntegrationBuild</c> maps every source path to <c>/_/…</c>, which
/// does not exist on disk). The repository root is the nearest folder above the running assembly that holds
/// <c>Sluice.slnx</c>.
/// </summary>
public static class SourceTree
{
    private const string MappedPrefix = "/_/";
    private const string SolutionFile = "Sluice.slnx";

    /// <summary>The repository root: the nearest ancestor of the running assembly's folder holding <c>Sluice.slnx</c>.</summary>
    /// <exception cref="DirectoryNotFoundException">No ancestor holds the solution file (the assembly was copied out of the repository).</exception>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException(
                $"No folder above {AppContext.BaseDirectory} holds {SolutionFile}; run the tests from a checkout of the repository.");
        }
    }

    /// <summary>
    /// The on-disk path of a compiler-recorded source path: unchanged when it exists, otherwise (a path mapped
    /// to <c>/_/</c> by a CI build) the same relative path under <see cref="Root"/>.
    /// </summary>
    /// <param name="compiledPath">A path from <c>[CallerFilePath]</c> or a PDB.</param>
    public static string Locate(string compiledPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(compiledPath);
        if (File.Exists(compiledPath) || Directory.Exists(compiledPath))
        {
            return compiledPath;
        }

        return compiledPath.StartsWith(MappedPrefix, StringComparison.Ordinal)
            ? Path.Combine(Root, compiledPath[MappedPrefix.Length..])
            : compiledPath;
    }

    /// <summary>
    /// An ordering override (<c>File:line=Order</c>, for <see cref="CheckerOptions.Weaken"/>) for the first line
    /// after <paramref name="anchor"/> whose trimmed text is <paramref name="statement"/>, in a file of the library
    /// (<c>src/Channels</c>). Found by text, so edits elsewhere in the file do not move it.
    /// </summary>
    /// <param name="file">The file under <c>src/Channels</c>, e.g. <c>Mpsc/Ring.cs</c>.</param>
    /// <param name="anchor">Text on a line before the site, usually the member's signature.</param>
    /// <param name="statement">The site's whole line, trimmed.</param>
    /// <param name="order">The ordering to apply there.</param>
    /// <exception cref="InvalidOperationException">The anchor, or the statement within 40 lines after it, is not in the file.</exception>
    public static string OrderingOverride(string file, string anchor, string statement, string order)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "src", "Channels", file));
        var start = Array.FindIndex(lines, l => l.Contains(anchor, StringComparison.Ordinal));
        if (start < 0)
            throw new InvalidOperationException($"\"{anchor}\" is not in src/Channels/{file}; update the test's site.");
        var at = Array.FindIndex(lines, start, l => l.Trim() == statement);
        if (at <= start || at >= start + 40)
            throw new InvalidOperationException($"\"{statement}\" is not within 40 lines after \"{anchor}\" in src/Channels/{file}; update the test's site.");
        return $"{file}:{at + 1}={order}";
    }
}
