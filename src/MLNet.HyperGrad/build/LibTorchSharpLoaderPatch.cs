// Compiled twice: by MSBuild's RoslynCodeTaskFactory into the PatchLibTorchSharp task (see
// MLNet.HyperGrad.targets) and into the test project (HYPERGRAD_TESTS) to test the ELF logic alone.
// It must stay one self-contained file with no dependency beyond the BCL and MSBuild's task API.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace MLNet.HyperGrad.Build
{
    /// <summary>
    /// Marks version requirements of an ELF64 shared library as weak (VER_FLG_WEAK in .gnu.version_r),
    /// so the dynamic loader accepts a libstdc++ that lacks them. Only versions listed as safe are
    /// weakened: TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32 for one symbol
    /// (std::ios_base_library_init) that it never calls.
    /// </summary>
    public static class ElfVersionNeeds
    {
        /// <summary>The flag of a Vernaux entry that makes a missing version acceptable.</summary>
        public const ushort WeakFlag = 0x2;

        private const uint SectionTypeVersionNeed = 0x6ffffffe;

        /// <summary>One version a library requires from another.</summary>
        public sealed class Requirement
        {
            internal Requirement(string library, string version, ushort flags, int flagsOffset)
            {
                Library = library;
                Version = version;
                Flags = flags;
                FlagsOffset = flagsOffset;
            }

            /// <summary>The providing library's soname, such as libstdc++.so.6.</summary>
            public string Library { get; }

            /// <summary>The version name, such as GLIBCXX_3.4.32.</summary>
            public string Version { get; }

            /// <summary>The entry's flags.</summary>
            public ushort Flags { get; }

            /// <summary>True if the requirement is already weak.</summary>
            public bool IsWeak => (Flags & WeakFlag) != 0;

            internal int FlagsOffset { get; }
        }

        /// <summary>Reads every version requirement of an ELF64 little-endian file.</summary>
        /// <exception cref="InvalidDataException">The bytes are not an ELF64 little-endian shared library with a .gnu.version_r section.</exception>
        public static List<Requirement> Read(byte[] elf, string fileName)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            {
                throw new InvalidDataException(fileName + " is not an ELF file.");
            }

            if (elf[4] != 2 || elf[5] != 1)
            {
                throw new InvalidDataException(fileName + " is not a 64-bit little-endian ELF file (class " + elf[4] + ", data " + elf[5] + ").");
            }

            long sectionTable = ReadInt64(elf, 0x28, fileName);
            int entrySize = ReadUInt16(elf, 0x3A, fileName);
            int count = ReadUInt16(elf, 0x3C, fileName);
            if (entrySize < 64 || sectionTable <= 0 || sectionTable + ((long)entrySize * count) > elf.Length)
            {
                throw new InvalidDataException(fileName + ": the section header table lies outside the file.");
            }

            for (int i = 0; i < count; i++)
            {
                int header = checked((int)(sectionTable + ((long)i * entrySize)));
                if (ReadUInt32(elf, header + 4, fileName) != SectionTypeVersionNeed)
                {
                    continue;
                }

                int offset = ReadOffset(elf, header + 0x18, fileName);
                int link = (int)ReadUInt32(elf, header + 0x28, fileName);
                int needCount = (int)ReadUInt32(elf, header + 0x2C, fileName);
                if (link >= count)
                {
                    throw new InvalidDataException(fileName + ": .gnu.version_r links to a missing string table.");
                }

                int strings = ReadOffset(elf, sectionTable + ((long)link * entrySize) + 0x18, fileName);
                return ReadNeeds(elf, offset, needCount, strings, fileName);
            }

            throw new InvalidDataException(fileName + " has no .gnu.version_r section (no symbol version requirements).");
        }

        /// <summary>Marks the named requirements weak, in place.</summary>
        /// <returns>How many entries changed (0 when all were weak already).</returns>
        public static int MarkWeak(byte[] elf, IEnumerable<Requirement> requirements)
        {
            int changed = 0;
            foreach (Requirement r in requirements)
            {
                if (r.IsWeak)
                {
                    continue;
                }

                ushort flags = (ushort)(r.Flags | WeakFlag);
                elf[r.FlagsOffset] = (byte)flags;
                elf[r.FlagsOffset + 1] = (byte)(flags >> 8);
                changed++;
            }

            return changed;
        }

        /// <summary>True if a library's bytes define a version name (it appears in its dynamic string table).</summary>
        public static bool Defines(byte[] library, string version)
        {
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            for (int i = 1; i + needle.Length <= library.Length; i++)
            {
                if (library[i - 1] != 0 || library[i] != needle[0])
                {
                    continue;
                }

                int k = 1;
                while (k < needle.Length && library[i + k] == needle[k])
                {
                    k++;
                }

                if (k == needle.Length)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Decides and applies the patch: the strong requirements on <paramref name="providerSoname"/>
        /// that <paramref name="provider"/> lacks are weakened if all of them are in <paramref name="safeToWeaken"/>.
        /// </summary>
        /// <returns>The versions weakened now (empty when the file already loads).</returns>
        /// <exception cref="InvalidDataException">The file is not what was expected, or a missing version is not known to be safe.</exception>
        public static List<string> Patch(byte[] elf, string fileName, string providerSoname, byte[] provider, string providerPath, ICollection<string> safeToWeaken)
        {
            List<Requirement> missing = Read(elf, fileName)
                .Where(r => r.Library == providerSoname && !r.IsWeak && !Defines(provider, r.Version))
                .ToList();
            List<string> unsafeVersions = missing.Select(r => r.Version).Where(v => !safeToWeaken.Contains(v)).ToList();
            if (unsafeVersions.Count > 0)
            {
                throw new InvalidDataException(
                    fileName + " needs " + string.Join(", ", unsafeVersions) + " from " + providerSoname + ", which " + providerPath +
                    " does not define; only " + string.Join(", ", safeToWeaken) + " is known to be unused and safe to weaken. " +
                    "Install a newer " + providerSoname + " (GCC 13 or later) on this machine.");
            }

            MarkWeak(elf, missing);
            return missing.Select(r => r.Version).ToList();
        }

        private static List<Requirement> ReadNeeds(byte[] elf, int offset, int needCount, int strings, string fileName)
        {
            var result = new List<Requirement>();
            int need = offset;
            for (int i = 0; i < needCount; i++)
            {
                int auxCount = ReadUInt16(elf, need + 2, fileName);
                string library = ReadString(elf, strings + (int)ReadUInt32(elf, need + 4, fileName), fileName);
                int aux = need + (int)ReadUInt32(elf, need + 8, fileName);
                for (int j = 0; j < auxCount; j++)
                {
                    ushort flags = ReadUInt16(elf, aux + 4, fileName);
                    string version = ReadString(elf, strings + (int)ReadUInt32(elf, aux + 8, fileName), fileName);
                    result.Add(new Requirement(library, version, flags, aux + 4));
                    int nextAux = (int)ReadUInt32(elf, aux + 12, fileName);
                    if (nextAux == 0)
                    {
                        break;
                    }

                    aux += nextAux;
                }

                int next = (int)ReadUInt32(elf, need + 12, fileName);
                if (next == 0)
                {
                    break;
                }

                need += next;
            }

            return result;
        }

        private static void CheckRange(byte[] elf, long offset, int size, string fileName)
        {
            if (offset < 0 || offset + size > elf.Length)
            {
                throw new InvalidDataException(fileName + ": offset " + offset + " lies outside the file (" + elf.Length + " bytes); the file is truncated or not an ELF shared library.");
            }
        }

        private static ushort ReadUInt16(byte[] b, long o, string f)
        {
            CheckRange(b, o, 2, f);
            return (ushort)(b[o] | (b[o + 1] << 8));
        }

        private static uint ReadUInt32(byte[] b, long o, string f)
        {
            CheckRange(b, o, 4, f);
            return (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));
        }

        private static long ReadInt64(byte[] b, long o, string f) => (long)(ReadUInt32(b, o, f) | ((ulong)ReadUInt32(b, o + 4, f) << 32));

        /// <summary>Reads a 64-bit file offset and checks that it lies inside the file.</summary>
        private static int ReadOffset(byte[] b, long o, string f)
        {
            long offset = ReadInt64(b, o, f);
            CheckRange(b, offset, 1, f);
            return (int)offset;
        }

        private static string ReadString(byte[] b, int o, string f)
        {
            CheckRange(b, o, 1, f);
            int end = Array.IndexOf(b, (byte)0, o);
            if (end < 0)
            {
                throw new InvalidDataException(f + ": an unterminated string at offset " + o + ".");
            }

            return Encoding.ASCII.GetString(b, o, end - o);
        }
    }

    /// <summary>Finds the libstdc++ the dynamic loader would use on this machine.</summary>
    public static class SystemLibraries
    {
        private static readonly char[] PathListSeparator = { ':' };

        /// <summary>The first existing path of a soname in the loader's usual folders, or null.</summary>
        public static string? Find(string soname)
        {
            string[] folders =
            {
                "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                "/lib64", "/usr/lib64", "/lib", "/usr/lib",
            };
            string? fromEnvironment = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            IEnumerable<string> candidates = (fromEnvironment ?? string.Empty)
                .Split(PathListSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Concat(folders);
            foreach (string folder in candidates)
            {
                string path = Path.Combine(folder, soname);
                if (File.Exists(path))
                {
                    return path;
                }
            }

            return null;
        }
    }

#if !HYPERGRAD_TESTS
    /// <summary>
    /// The MSBuild task: patches every libLibTorchSharp.so under a folder (a build or publish output)
    /// when this machine's libstdc++ lacks a version it needs that is known to be unused.
    /// </summary>
    public sealed class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        /// <summary>The output folder.</summary>
        [Microsoft.Build.Framework.Required]
        public string Folder { get; set; } = string.Empty;

        /// <summary>Semicolon-separated versions that may be weakened.</summary>
        public string SafeVersions { get; set; } = "GLIBCXX_3.4.32";

        /// <inheritdoc />
        public override bool Execute()
        {
            if (!Directory.Exists(Folder))
            {
                return true;
            }

            string[] files = Directory.GetFiles(Folder, "libLibTorchSharp.so", SearchOption.AllDirectories);
            if (files.Length == 0)
            {
                return true;
            }

            string? libstdcxx = SystemLibraries.Find("libstdc++.so.6");
            if (libstdcxx is null)
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "PatchLibTorchSharp: no system libstdc++.so.6 found; nothing to check.");
                return true;
            }

            byte[] provider = File.ReadAllBytes(libstdcxx);
            var safe = new HashSet<string>(SafeVersions.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
            foreach (string file in files)
            {
                byte[] elf = File.ReadAllBytes(file);
                List<string> weakened;
                try
                {
                    weakened = ElfVersionNeeds.Patch(elf, file, "libstdc++.so.6", provider, libstdcxx, safe);
                }
                catch (InvalidDataException e)
                {
                    Log.LogError("MLNet.HyperGrad could not make TorchSharp loadable on this machine: " + e.Message);
                    return false;
                }

                if (weakened.Count == 0)
                {
                    continue;
                }

                // Write a new file and rename it over the old one: the NuGet cache's copy (or any
                // hard link to it) is never modified.
                string temporary = file + ".hypergrad-patch";
                File.WriteAllBytes(temporary, elf);
                File.Delete(file);
                File.Move(temporary, file);
                Log.LogMessage(
                    Microsoft.Build.Framework.MessageImportance.Normal,
                    "PatchLibTorchSharp: marked " + string.Join(", ", weakened) + " weak in " + file + " (" + libstdcxx + " lacks it; the symbol that needs it is never called).");
            }

            return true;
        }
    }
#endif
}
