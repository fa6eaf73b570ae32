using MLNet.HyperGrad.Build;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>
/// The ELF logic of the loader patch, on TorchSharp's original libLibTorchSharp.so: it weakens exactly
/// the missing, known-safe GLIBCXX_3.4.32 requirement, leaves a file that already loads untouched, and
/// refuses anything else with a clear <see cref="InvalidDataException"/>.
/// </summary>
public sealed class ElfVersionNeedsTests
{
    private static readonly string[] Safe = [LibTorchSharpFiles.SafeVersion];

    [Fact]
    public void Read_Original_ListsTheStrongLibStdCxxRequirements()
    {
        List<ElfVersionNeeds.Requirement> needs = ElfVersionNeeds.Read(LibTorchSharpFiles.Original(), "original");
        ElfVersionNeeds.Requirement glibcxx = Assert.Single(needs, r => r.Version == LibTorchSharpFiles.SafeVersion);
        Assert.Equal(LibTorchSharpFiles.Provider, glibcxx.Library);
        Assert.False(glibcxx.IsWeak);
        Assert.Contains(needs, r => r.Library == "libc.so.6" && r.Version.StartsWith("GLIBC_", StringComparison.Ordinal));
        Assert.True(needs.Count(r => r.Library == LibTorchSharpFiles.Provider) > 10);
    }

    [Fact]
    public void Patch_ProviderLacksOnlyTheSafeVersion_WeakensExactlyThatRequirement()
    {
        byte[] original = LibTorchSharpFiles.Original();
        byte[] elf = LibTorchSharpFiles.Original();
        byte[] provider = LibTorchSharpFiles.ProviderDefining(LibStdCxxVersions(original).Where(v => v != LibTorchSharpFiles.SafeVersion));

        List<string> weakened = ElfVersionNeeds.Patch(elf, "libLibTorchSharp.so", LibTorchSharpFiles.Provider, provider, "provider", Safe);

        Assert.Equal([LibTorchSharpFiles.SafeVersion], weakened);
        AssertOnlyChange(original, elf, LibTorchSharpFiles.SafeVersion);
        int[] changedBytes = Enumerable.Range(0, elf.Length).Where(i => elf[i] != original[i]).ToArray();
        Assert.Single(changedBytes);
    }

    [Fact]
    public void Patch_ProviderDefinesEverything_LeavesTheFileByteIdentical()
    {
        byte[] original = LibTorchSharpFiles.Original();
        byte[] elf = LibTorchSharpFiles.Original();
        byte[] provider = LibTorchSharpFiles.ProviderDefining(LibStdCxxVersions(original));
        Assert.True(ElfVersionNeeds.Defines(provider, LibTorchSharpFiles.SafeVersion));

        Assert.Empty(ElfVersionNeeds.Patch(elf, "libLibTorchSharp.so", LibTorchSharpFiles.Provider, provider, "provider", Safe));
        Assert.Equal(original, elf);
    }

    [Fact]
    public void Patch_WithThisMachinesLibStdCxx_WeakensOnlyWhatItLacks()
    {
        byte[] original = LibTorchSharpFiles.Original();
        byte[] elf = LibTorchSharpFiles.Original();
        byte[] system = File.ReadAllBytes(LibTorchSharpFiles.SystemLibStdCxx);

        List<string> weakened = ElfVersionNeeds.Patch(elf, "libLibTorchSharp.so", LibTorchSharpFiles.Provider, system, LibTorchSharpFiles.SystemLibStdCxx, Safe);

        if (ElfVersionNeeds.Defines(system, LibTorchSharpFiles.SafeVersion))
        {
            Assert.Empty(weakened);
            Assert.Equal(original, elf);
        }
        else
        {
            Assert.Equal([LibTorchSharpFiles.SafeVersion], weakened);
            AssertOnlyChange(original, elf, LibTorchSharpFiles.SafeVersion);
        }
    }

    [Fact]
    public void Patch_Twice_SecondRunChangesNothing()
    {
        byte[] elf = LibTorchSharpFiles.Original();
        byte[] provider = LibTorchSharpFiles.ProviderDefining(LibStdCxxVersions(elf).Where(v => v != LibTorchSharpFiles.SafeVersion));
        Assert.Single(ElfVersionNeeds.Patch(elf, "first", LibTorchSharpFiles.Provider, provider, "provider", Safe));
        byte[] once = (byte[])elf.Clone();

        Assert.Empty(ElfVersionNeeds.Patch(elf, "second", LibTorchSharpFiles.Provider, provider, "provider", Safe));
        Assert.Equal(once, elf);
    }

    [Fact]
    public void Patch_MissingVersionNotKnownToBeSafe_ThrowsNamingItAndChangesNothing()
    {
        byte[] elf = LibTorchSharpFiles.Original();
        byte[] provider = LibTorchSharpFiles.ProviderDefining(LibStdCxxVersions(elf).Where(v => v is not (LibTorchSharpFiles.SafeVersion or "GLIBCXX_3.4.30")));

        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Patch(elf, "libLibTorchSharp.so", LibTorchSharpFiles.Provider, provider, "/some/libstdc++.so.6", Safe));

        Assert.Contains("needs GLIBCXX_3.4.30 from libstdc++.so.6", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/some/libstdc++.so.6 does not define", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Install a newer libstdc++.so.6", ex.Message, StringComparison.Ordinal);
        Assert.Equal(LibTorchSharpFiles.Original(), elf);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    public void Read_TooShortForAnElfHeader_ThrowsInvalidData(int length)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(new byte[length], "tiny.so"));
        Assert.Equal("tiny.so is not an ELF file.", ex.Message);
    }

    [Fact]
    public void Read_Garbage_ThrowsInvalidDataSayingItIsNotElf()
    {
        byte[] garbage = new byte[4096];
        new Random(1).NextBytes(garbage);
        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(garbage, "garbage.so"));
        Assert.Equal("garbage.so is not an ELF file.", ex.Message);
    }

    [Fact]
    public void Read_ThirtyTwoBitElf_ThrowsInvalidDataNamingTheClass()
    {
        byte[] elf = LibTorchSharpFiles.Original();
        elf[4] = 1;
        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(elf, "x86.so"));
        Assert.Contains("not a 64-bit little-endian ELF file (class 1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    [InlineData(300_000)]
    public void Read_TruncatedFile_ThrowsInvalidDataSayingSo(int length)
    {
        byte[] truncated = LibTorchSharpFiles.Original()[..length];
        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(truncated, "cut.so"));
        Assert.StartsWith("cut.so", ex.Message, StringComparison.Ordinal);
        Assert.Contains("outside the file", ex.Message, StringComparison.Ordinal);
    }

    public enum Corruption
    {
        SectionOffsetBeyondInt32,
        StringTableLinkMissing,
        LibraryNameOffsetBeyondFile,
        AuxiliaryOffsetBeyondFile,
    }

    [Theory]
    [InlineData(Corruption.SectionOffsetBeyondInt32, "outside the file")]
    [InlineData(Corruption.StringTableLinkMissing, "links to a missing string table")]
    [InlineData(Corruption.LibraryNameOffsetBeyondFile, "outside the file")]
    [InlineData(Corruption.AuxiliaryOffsetBeyondFile, "outside the file")]
    public void Patch_CorruptVersionNeeds_ThrowsInvalidDataNamingTheFile(Corruption corruption, string expected)
    {
        byte[] elf = LibTorchSharpFiles.Original();
        int sectionTable = (int)BitConverter.ToInt64(elf, 0x28);
        int entrySize = BitConverter.ToUInt16(elf, 0x3A);
        int count = BitConverter.ToUInt16(elf, 0x3C);
        int header = Enumerable.Range(0, count).Select(i => sectionTable + (i * entrySize)).Single(h => BitConverter.ToUInt32(elf, h + 4) == 0x6ffffffe);
        int needs = (int)BitConverter.ToInt64(elf, header + 0x18);
        switch (corruption)
        {
            case Corruption.SectionOffsetBeyondInt32:
                BitConverter.GetBytes(0x1_0000_0000L).CopyTo(elf, header + 0x18);
                break;
            case Corruption.StringTableLinkMissing:
                BitConverter.GetBytes((uint)count + 5).CopyTo(elf, header + 0x28);
                break;
            case Corruption.LibraryNameOffsetBeyondFile:
                BitConverter.GetBytes(0x1000_0000u).CopyTo(elf, needs + 4);
                break;
            case Corruption.AuxiliaryOffsetBeyondFile:
                BitConverter.GetBytes(0x1000_0000u).CopyTo(elf, needs + 8);
                break;
        }

        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Patch(elf, "bad.so", LibTorchSharpFiles.Provider, [], "provider", Safe));
        Assert.StartsWith("bad.so", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<string> LibStdCxxVersions(byte[] elf) =>
        ElfVersionNeeds.Read(elf, "original").Where(r => r.Library == LibTorchSharpFiles.Provider).Select(r => r.Version);

    /// <summary>Asserts that every requirement is as in the original except <paramref name="weakened"/>, which became weak.</summary>
    internal static void AssertOnlyChange(byte[] original, byte[] patched, string weakened)
    {
        List<ElfVersionNeeds.Requirement> before = ElfVersionNeeds.Read(original, "original");
        List<ElfVersionNeeds.Requirement> after = ElfVersionNeeds.Read(patched, "patched");
        Assert.Equal(before.Count, after.Count);
        for (int i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i].Library, after[i].Library);
            Assert.Equal(before[i].Version, after[i].Version);
            if (before[i].Version == weakened && before[i].Library == LibTorchSharpFiles.Provider)
            {
                Assert.False(before[i].IsWeak);
                Assert.True(after[i].IsWeak, $"{weakened} is not weak");
                Assert.Equal(before[i].Flags | ElfVersionNeeds.WeakFlag, after[i].Flags);
            }
            else
            {
                Assert.Equal(before[i].Flags, after[i].Flags);
            }
        }
    }
}
