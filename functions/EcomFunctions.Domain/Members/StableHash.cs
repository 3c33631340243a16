using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace EcomFunctions.Domain.Members;

/// <summary>
/// A hash that is the same in every process, machine and .NET version (string.GetHashCode is randomised per
/// process): the first 8 bytes of SHA-256 over "purpose \n salt \n value".
/// </summary>
public static class StableHash
{
    public static ulong Of(string purpose, string salt, string value)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(value);
        var text = $"{purpose}\n{salt}\n{value}";
        var maxBytes = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> buffer = maxBytes <= 512 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(text, buffer);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer[..length], hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }
}

/// <summary>
/// The control group of the win-back run: a member is held out when the stable hash of their id (with the
/// configured salt) falls in the first <c>share</c> of 10 000 buckets. Same member, same answer, every run and
/// every process, until the salt changes.
/// </summary>
public static class Holdout
{
    public const int Buckets = 10_000;

    public static int Bucket(string memberId, string salt) => (int)(StableHash.Of("holdout", salt, memberId) % Buckets);

    public static bool IsHeldOut(string memberId, decimal share, string salt) =>
        Bucket(memberId, salt) < (int)decimal.Round(share * Buckets, MidpointRounding.AwayFromZero);
}

/// <summary>
/// Member partitions: a stable hash bucket of the member id, used as the storage partition of member rows and
/// their contact history, and as the unit of fan-out (one activity call processes one page of one partition,
/// 100–1 000 members). Names are "p000".."p{count-1}".
/// </summary>
public static class MemberPartitions
{
    public static string Of(string memberId, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        return Name((int)(StableHash.Of("partition", "", memberId) % (ulong)partitionCount));
    }

    public static IReadOnlyList<string> All(int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        return Enumerable.Range(0, partitionCount).Select(Name).ToArray();
    }

    private static string Name(int index) => $"p{index:D3}";
}
