using System.Text;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// A coupon code: optional prefix + random Crockford base32 characters + one check character, canonical form
/// upper-case without separators (e.g. <c>SPRNG7KQ2M9XH4TB</c>; shown as <c>SPRN-G7KQ-2M9X-H4TB</c>).
/// </summary>
/// <remarks>
/// <para>Alphabet: Crockford base32, <c>0-9 A-Z</c> without I, L, O, U. Crockford already drops the letters that are
/// confused with digits (I, L → 1; O → 0) and U (accidental words). We keep the digits 0 and 1: on input the
/// dropped letters are read as the digits they resemble, so a shopper typing "O" for "0" or "l" for "1" still
/// gets the right code, and the alphabet keeps 32 symbols (5 random bits per character, no modulo bias).</para>
/// <para>Check character: Crockford's own check symbol is mod 37 and needs five extra symbols (<c>* ~ $ = U</c>) that
/// do not survive URLs, SMS or print well. Instead we use the Damm scheme over GF(32): with the totally
/// anti-symmetric quasigroup x∘y = 2x ⊕ y (multiplication in GF(2⁵) modulo x⁵+x²+1), the running value
/// r ← 2r ⊕ d over all characters, and the check character chosen so the whole code ends at r = 0. Because
/// x ↦ 2x and y ↦ y are bijections, every single-character substitution changes the result; because
/// (c∘x)∘y = (c∘y)∘x only when x = y, every adjacent transposition does too (so do twin errors aa→bb and jump
/// transpositions abc→cba, since 2+1 and 2²+1 are non-zero). The check character is from the same alphabet and
/// covers the prefix.</para>
/// <para>Input normalisation (<see cref="Normalize"/>): Unicode NFKC (full-width characters typed with a Chinese IME
/// become ASCII), hyphens and whitespace removed, case folded, O → 0 and I/L → 1.</para>
/// </remarks>
public sealed record CouponCode
{
    /// <summary>The 32 symbols in value order.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Shortest accepted code (a few characters plus the check character).</summary>
    public const int MinLength = 5;

    /// <summary>Longest accepted code in canonical form.</summary>
    public const int MaxLength = 40;

    private CouponCode(string value) => Value = value;

    /// <summary>The canonical form: upper-case, no separators, check character last.</summary>
    public string Value { get; }

    /// <summary>Parses what a shopper typed; field errors (field "code") when it is not a well-formed code.</summary>
    public static Result<CouponCode> Parse(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return Problem.Validation("code", "Is required.");
        }

        if (input.Length > MaxLength * 3)
        {
            return Problem.Validation("code", "Is too long.");
        }

        var canonical = Normalize(input);
        if (canonical.Length is < MinLength or > MaxLength)
        {
            return Problem.Validation("code", $"Must have {MinLength} to {MaxLength} characters.");
        }

        if (canonical.Any(c => ValueOf(c) < 0))
        {
            return Problem.Validation("code", "Contains characters that are not in coupon codes.");
        }

        return HasValidCheckCharacter(canonical)
            ? new CouponCode(canonical)
            : Problem.Validation("code", "Is not a valid code (check character mismatch; probably a typo).");
    }

    /// <summary>Canonical characters of an input; the result may still be invalid.</summary>
    public static string Normalize(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var builder = new StringBuilder(input.Length);
        foreach (var raw in input.Normalize(NormalizationForm.FormKC))
        {
            if (raw == '-' || char.IsWhiteSpace(raw))
            {
                continue;
            }

            builder.Append(char.ToUpperInvariant(raw) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                var c => c,
            });
        }

        return builder.ToString();
    }

    /// <summary>The check character for a canonical code body (prefix + random part).</summary>
    public static char CheckCharacterFor(ReadOnlySpan<char> body) => Alphabet[Double(Run(body))];

    /// <summary>Whether a canonical code (body + check character) passes the check.</summary>
    public static bool HasValidCheckCharacter(ReadOnlySpan<char> canonical) => canonical.Length >= 2 && Run(canonical) == 0;

    /// <summary>A code from a canonical body of valid characters; appends the check character.</summary>
    public static CouponCode FromBody(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Length is < MinLength - 1 or > MaxLength - 1 || body.Any(c => ValueOf(c) < 0))
        {
            throw new ArgumentException("Body must be canonical coupon code characters.", nameof(body));
        }

        return new CouponCode(body + CheckCharacterFor(body));
    }

    /// <summary>Groups of <paramref name="groupSize"/> characters joined by hyphens, for print and display.</summary>
    public string ToDisplayString(int groupSize = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groupSize, 1);
        return string.Join('-', Value.Chunk(groupSize).Select(chunk => new string(chunk)));
    }

    public override string ToString() => Value;

    /// <summary>The value of an alphabet character, or -1.</summary>
    internal static int ValueOf(char c) => c is >= '0' and <= 'Z' ? Alphabet.IndexOf(c, StringComparison.Ordinal) : -1;

    /// <summary>Multiplication by 2 in GF(32) modulo x⁵ + x² + 1.</summary>
    internal static int Double(int value)
    {
        var shifted = value << 1;
        return (shifted & 0b100000) != 0 ? shifted ^ 0b100101 : shifted;
    }

    /// <summary>The check scheme's quasigroup operation x∘y = 2x ⊕ y on symbol values 0–31 (public for verification).</summary>
    public static int Combine(int running, int digit) => Double(running) ^ digit;

    private static int Run(ReadOnlySpan<char> characters)
    {
        var running = 0;
        foreach (var c in characters)
        {
            var value = ValueOf(c);
            if (value < 0)
            {
                return -1;
            }

            running = Combine(running, value);
        }

        return running;
    }
}

/// <summary>Rules for the operator-chosen prefix of bulk codes.</summary>
public static class CouponCodePrefix
{
    /// <summary>
    /// The canonical (upper-case) prefix, or field errors (field "prefix"). Null or empty means no prefix. A prefix
    /// may only use the code alphabet: I, L, O and U are rejected rather than silently turned into 1, 1, 0, so the
    /// printed prefix is exactly what the operator asked for.
    /// </summary>
    public static Result<string> Normalize(string? prefix, int maxLength)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return string.Empty;
        }

        var upper = prefix.ToUpperInvariant();
        if (upper.Length > maxLength)
        {
            return Problem.Validation("prefix", $"At most {maxLength} characters.");
        }

        if (upper.Any(c => c is 'I' or 'L' or 'O' or 'U'))
        {
            return Problem.Validation("prefix", "May not contain I, L, O or U (read as 1, 1, 0 on input; U is excluded from codes).");
        }

        return upper.All(c => CouponCode.ValueOf(c) >= 0)
            ? upper
            : Problem.Validation("prefix", "May only contain digits and the letters A-Z except I, L, O, U.");
    }
}

/// <summary>Random codes from an injectable random source (cryptographic in production).</summary>
public sealed class CouponCodeGenerator(IRandomSource random, CouponOptions options)
{
    /// <summary>
    /// The code of one position of a bulk batch: the random characters come from HMAC-SHA256 keyed with the batch's
    /// secret over (position, attempt). As unpredictable as <see cref="Generate"/> to anyone without the secret, but
    /// reproducible, so a duplicate chunk message regenerates exactly the same codes (idempotent by insert) and the CSV
    /// can be rebuilt from the secret instead of storing every code twice. <paramref name="attempt"/> &gt; 0 picks the
    /// replacement when the first code collided with an existing one.
    /// </summary>
    public static CouponCode Derive(string prefix, ReadOnlySpan<byte> secret, int length, int position, int attempt)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 32);
        Span<byte> message = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(message, position);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(message[4..], attempt);
        Span<byte> digest = stackalloc byte[32];
        System.Security.Cryptography.HMACSHA256.HashData(secret, message, digest);
        var body = new char[prefix.Length + length];
        prefix.CopyTo(0, body, 0, prefix.Length);
        for (var i = 0; i < length; i++)
        {
            body[prefix.Length + i] = CouponCode.Alphabet[digest[i] & 31];
        }

        return CouponCode.FromBody(new string(body));
    }

    /// <summary>A new code: the canonical prefix (see <see cref="CouponCodePrefix"/>) + random characters + check.</summary>
    public CouponCode Generate(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var length = options.CodeLength;
        Span<byte> bytes = stackalloc byte[length];
        random.Fill(bytes);
        var body = new char[prefix.Length + length];
        prefix.CopyTo(0, body, 0, prefix.Length);
        for (var i = 0; i < length; i++)
        {
            // 32 symbols = 5 bits: masking a uniform byte keeps the distribution uniform.
            body[prefix.Length + i] = CouponCode.Alphabet[bytes[i] & 31];
        }

        return CouponCode.FromBody(new string(body));
    }
}
