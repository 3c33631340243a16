using System.Security.Cryptography;
using System.Text;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Identifier rules shared by the coupon capability. Ids end up in Table Storage keys and URLs, so they are
/// restricted to printable ASCII without the characters Table keys forbid ('/', '\', '#', '?') and without '|',
/// which separates the parts of issue keys (so "claim|a|b|c" can only mean one member and one request).
/// </summary>
public static class CouponKeys
{
    public const int MaxIdLength = 64;
    public const int MaxRequestIdLength = 100;

    private const string LowerAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>Whether a caller-supplied id (definition, member, order, campaign, grant, request) is acceptable.</summary>
    public static bool IsValidId(string? id, int maxLength = MaxIdLength) =>
        !string.IsNullOrEmpty(id) && id.Length <= maxLength && id.All(c => c is > ' ' and < '\u007f' and not ('/' or '\\' or '#' or '?' or '|'));

    /// <summary>
    /// The idempotency key of a shopper's claim. Scoped to the member (not the definition), so a member reusing one
    /// Idempotency-Key for a different definition is detected as key reuse instead of silently issuing twice.
    /// </summary>
    public static string ClaimIssueKey(string memberId, string requestId) => $"claim|{memberId}|{requestId}";

    /// <summary>The idempotency key of a system grant: the grant id alone, so duplicate messages grant once.</summary>
    public static string GrantIssueKey(string grantId) => $"grant|{grantId}";

    /// <summary>
    /// A coupon id derived from its issue key: a retried issue computes the same id, so the store recognises the
    /// coupon it may already have written. 26 lowercase Crockford characters (130 bits of SHA-256).
    /// </summary>
    public static string CouponIdFor(string issueKey) => "cp" + Hash(issueKey);

    /// <summary>The id of the coupon at one position of a bulk batch chunk (stable across duplicate chunk messages).</summary>
    public static string BatchCouponId(string batchId, int chunkIndex, int position) =>
        CouponIdFor(FormattableString.Invariant($"batch|{batchId}|{chunkIndex}|{position}"));

    /// <summary>
    /// The shard probe seed of an issue: stable per issue key, so a retried issue probes the same shards in the same
    /// order and finds the receipt an interrupted attempt left; different keys spread evenly over the shards.
    /// </summary>
    public static int ShardSeed(string issueKey)
    {
        ArgumentNullException.ThrowIfNull(issueKey);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(issueKey));
        return BitConverter.ToInt32(digest, 0) & int.MaxValue;
    }

    /// <summary>A batch id derived from the operator's request id, so a retried POST finds the same batch.</summary>
    public static string BatchIdFor(string definitionId, string requestId) => "cb" + Hash($"batch|{definitionId}|{requestId}");

    /// <summary>A fresh random id with a short prefix, e.g. "cd" for definitions.</summary>
    public static string NewId(string prefix, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> bytes = stackalloc byte[20];
        random.Fill(bytes);
        var chars = new char[20];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = LowerAlphabet[bytes[i] & 31];
        }

        return prefix + new string(chars);
    }

    private static string Hash(string value)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(value));
        var chars = new char[26];
        for (var i = 0; i < chars.Length; i++)
        {
            // 5 bits per character from the digest's bit stream.
            var bit = i * 5;
            var word = (digest[bit / 8] << 8) | digest[(bit / 8) + 1];
            chars[i] = LowerAlphabet[(word >> (11 - (bit % 8))) & 31];
        }

        return new string(chars);
    }
}
