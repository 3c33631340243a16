using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

public enum PersonalField
{
    Name = 0,
    Email = 1,
    Phone = 2,
}

/// <summary>
/// Plaintext personal data on its way in (storefront sync) or out (message delivery). Deliberately a class
/// with a redacting <see cref="ToString"/>, not a record, so it cannot end up in a log line by accident.
/// </summary>
public sealed class PersonalDetails
{
    public static PersonalDetails None { get; } = new();

    public string? Name { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public override string ToString() => "PersonalDetails(redacted)";
}

/// <summary>
/// Personal data as stored: AES-GCM ciphertexts (<c>{keyId}:{base64url(nonce|ciphertext|tag)}</c>) plus keyed
/// lookup hashes of the normalised e-mail and phone. <see cref="ToString"/> is redacted: hashes are linkable.
/// </summary>
public sealed class ProtectedPersonalData
{
    public static ProtectedPersonalData None { get; } = new();

    public string? EncryptedName { get; init; }

    public string? EncryptedEmail { get; init; }

    public string? EmailLookup { get; init; }

    public string? EncryptedPhone { get; init; }

    public string? PhoneLookup { get; init; }

    public bool HasEmail => EncryptedEmail is not null;

    public bool HasPhone => EncryptedPhone is not null;

    public bool IsEmpty => EncryptedName is null && EncryptedEmail is null && EncryptedPhone is null;

    public override string ToString() => "ProtectedPersonalData(redacted)";
}

/// <summary>
/// Keys for <see cref="ContactProtector"/> (section "ContactProtection"; values from Key Vault references in
/// Azure). <see cref="Keys"/> maps key id → base64 256-bit AES key; new data is written under
/// <see cref="ActiveKeyId"/>, older ids stay listed until a re-protect pass has rewritten everything.
/// </summary>
public sealed class ContactProtectionOptions
{
    public const string SectionName = "ContactProtection";

    public string ActiveKeyId { get; set; } = "";

    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>Base64 HMAC-SHA256 key (≥ 32 bytes) for the e-mail/phone lookup hashes; separate from the AES keys.</summary>
    public string LookupKey { get; set; } = "";

    /// <summary>Country calling code assumed for phone numbers given without one (86: mainland China).</summary>
    public string DefaultCountryCallingCode { get; set; } = "86";

    public override string ToString() => "ContactProtectionOptions(redacted)";

    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        errors.AddIf(!Keys.ContainsKey(ActiveKeyId), nameof(ActiveKeyId), "Must name one of Keys.");
        foreach (var (id, key) in Keys)
        {
            errors.AddIf(!MemberIds.IsValidKey(id, 32) || id.Contains(':', StringComparison.Ordinal), $"{nameof(Keys)}.{id}",
                "Key ids are 1–32 letters, digits, - _ .");
            errors.AddIf(DecodedLength(key) != 32, $"{nameof(Keys)}.{id}", "Must be a base64 256-bit key.");
        }

        errors.AddIf(DecodedLength(LookupKey) < 32, nameof(LookupKey), "Must be base64 of at least 32 bytes.");
        errors.AddIf(DefaultCountryCallingCode.Length is < 1 or > 3 || !DefaultCountryCallingCode.All(char.IsAsciiDigit),
            nameof(DefaultCountryCallingCode), "1–3 digits.");
        return errors;
    }

    private static int DecodedLength(string? base64)
    {
        if (string.IsNullOrEmpty(base64))
        {
            return 0;
        }

        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? written : 0;
    }
}

/// <summary>
/// Encrypts personal data at rest with AES-256-GCM and computes HMAC-SHA256 lookup hashes. Each ciphertext
/// names its key id so keys rotate without a flag day, and is bound (associated data) to the member id and
/// the field, so a ciphertext copied onto another member or field fails authentication instead of decrypting.
/// Thread-safe: one <see cref="AesGcm"/> is created per call (instances are not meant to be shared).
/// </summary>
public sealed class ContactProtector
{
    public const int MaxNameLength = 100;

    public const int MaxEmailLength = 254;

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const char KeySeparator = ':';

    private readonly Dictionary<string, byte[]> keys;
    private readonly byte[] lookupKey;
    private readonly string countryCode;

    public ContactProtector(ContactProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (!errors.IsEmpty)
        {
            var detail = string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));
            throw new ArgumentException($"Invalid contact protection configuration: {detail}", nameof(options));
        }

        keys = options.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value), StringComparer.Ordinal);
        ActiveKeyId = options.ActiveKeyId;
        lookupKey = Convert.FromBase64String(options.LookupKey);
        countryCode = options.DefaultCountryCallingCode;
    }

    public string ActiveKeyId { get; }

    public override string ToString() => $"ContactProtector(active key {ActiveKeyId})";

    public string Protect(string plaintext, string memberId, PersonalField field)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(memberId);
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(keys[ActiveKeyId], TagSize))
        {
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), AssociatedData(memberId, field));
        }

        return ActiveKeyId + KeySeparator + Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>Decrypts; throws <see cref="CryptographicException"/> for a tampered value, wrong member/field or unknown key.</summary>
    public string Unprotect(string protectedValue, string memberId, PersonalField field)
    {
        ArgumentNullException.ThrowIfNull(protectedValue);
        ArgumentNullException.ThrowIfNull(memberId);
        var separator = protectedValue.IndexOf(KeySeparator, StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw new CryptographicException("Not a protected value.");
        }

        var keyId = protectedValue[..separator];
        if (!keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException($"Unknown key id '{keyId}'.");
        }

        byte[] sealedBytes;
        try
        {
            sealedBytes = Base64Url.DecodeFromChars(protectedValue.AsSpan(separator + 1));
        }
        catch (FormatException e)
        {
            throw new CryptographicException("Not a protected value.", e);
        }

        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Protected value is truncated.");
        }

        var cipherLength = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[cipherLength];
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, cipherLength),
                sealedBytes.AsSpan(NonceSize + cipherLength), plain, AssociatedData(memberId, field));
        }

        return Encoding.UTF8.GetString(plain);
    }

    public bool TryUnprotect(string protectedValue, string memberId, PersonalField field, out string plaintext)
    {
        try
        {
            plaintext = Unprotect(protectedValue, memberId, field);
            return true;
        }
        catch (CryptographicException)
        {
            plaintext = "";
            return false;
        }
    }

    /// <summary>The key id a protected value was written under.</summary>
    public static string KeyIdOf(string protectedValue)
    {
        ArgumentNullException.ThrowIfNull(protectedValue);
        var separator = protectedValue.IndexOf(KeySeparator, StringComparison.Ordinal);
        return separator <= 0 ? "" : protectedValue[..separator];
    }

    public bool NeedsReprotect(ProtectedPersonalData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new[] { data.EncryptedName, data.EncryptedEmail, data.EncryptedPhone }
            .Any(v => v is not null && KeyIdOf(v) != ActiveKeyId);
    }

    /// <summary>
    /// Protects a member's personal data: e-mail and phone are validated and normalised first (phone stored in
    /// its E.164 form so senders can use it directly); empty values mean "none".
    /// </summary>
    public Result<ProtectedPersonalData> Protect(string memberId, PersonalDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var errors = new FieldErrors();
        var name = details.Name?.Trim();
        errors.AddIf(name is { Length: > MaxNameLength }, "name", $"At most {MaxNameLength} characters.");
        string? email = null;
        if (!string.IsNullOrWhiteSpace(details.Email) && !TryNormalizeEmail(details.Email, out email))
        {
            errors.Add("email", "Not an e-mail address.");
        }

        string? phone = null;
        if (!string.IsNullOrWhiteSpace(details.Phone) && !TryNormalizePhone(details.Phone, out phone))
        {
            errors.Add("phone", "Not a phone number (8–15 digits with the country code, optionally written +country code).");
        }

        if (errors.ToProblem() is { } problem)
        {
            return problem;
        }

        return new ProtectedPersonalData
        {
            EncryptedName = string.IsNullOrEmpty(name) ? null : Protect(name, memberId, PersonalField.Name),
            EncryptedEmail = email is null ? null : Protect(email, memberId, PersonalField.Email),
            EmailLookup = email is null ? null : Lookup(PersonalField.Email, email),
            EncryptedPhone = phone is null ? null : Protect(phone, memberId, PersonalField.Phone),
            PhoneLookup = phone is null ? null : Lookup(PersonalField.Phone, phone),
        };
    }

    public PersonalDetails Unprotect(string memberId, ProtectedPersonalData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new PersonalDetails
        {
            Name = data.EncryptedName is null ? null : Unprotect(data.EncryptedName, memberId, PersonalField.Name),
            Email = data.EncryptedEmail is null ? null : Unprotect(data.EncryptedEmail, memberId, PersonalField.Email),
            Phone = data.EncryptedPhone is null ? null : Unprotect(data.EncryptedPhone, memberId, PersonalField.Phone),
        };
    }

    /// <summary>Rewrites data under the active key and the current lookup key (the key-rotation pass).</summary>
    public ProtectedPersonalData Reprotect(string memberId, ProtectedPersonalData data) =>
        Protect(memberId, Unprotect(memberId, data)).GetValueOrThrow();

    /// <summary>Lookup hash of an e-mail address as typed by someone (normalised first); null when it is not an address.</summary>
    public string? EmailLookup(string? email) =>
        TryNormalizeEmail(email, out var normalized) ? Lookup(PersonalField.Email, normalized) : null;

    /// <summary>Lookup hash of a phone number in any common notation; null when it is not a phone number.</summary>
    public string? PhoneLookup(string? phone) =>
        TryNormalizePhone(phone, out var normalized) ? Lookup(PersonalField.Phone, normalized) : null;

    /// <summary>E-mail normal form: Unicode NFKC, trimmed, lower-case; must look like local@domain.tld.</summary>
    public static bool TryNormalizeEmail(string? raw, out string normalized)
    {
        normalized = "";
        if (string.IsNullOrWhiteSpace(raw))
        {
            return false;
        }

        // Lower-casing is the documented normal form of the lookup (addresses are matched case-insensitively);
        // CA1308's upper-case advice is about round-tripping, not about this.
#pragma warning disable CA1308
        var candidate = raw.Normalize(NormalizationForm.FormKC).Trim().ToLowerInvariant();
#pragma warning restore CA1308
        var at = candidate.IndexOf('@', StringComparison.Ordinal);
        if (candidate.Length > MaxEmailLength || at < 1 || at != candidate.LastIndexOf('@')
            || at > 64 || candidate.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        var domain = candidate.AsSpan(at + 1);
        var dot = domain.LastIndexOf('.');
        if (dot < 1 || dot == domain.Length - 1 || domain.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        normalized = candidate;
        return true;
    }

    /// <summary>
    /// Phone normal form, E.164-ish "+{country}{number}": separators (space - . ( ) /) removed; "+" or "00" starts an
    /// international number; otherwise a national number (one leading trunk 0 dropped) gets the default country
    /// code. 8–15 digits in total (country code included).
    /// </summary>
    public bool TryNormalizePhone(string? raw, out string normalized)
    {
        normalized = "";
        if (string.IsNullOrWhiteSpace(raw))
        {
            return false;
        }

        var text = raw.Normalize(NormalizationForm.FormKC).Trim();
        var digits = new StringBuilder(text.Length + 3);
        var international = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '+' && i == 0)
            {
                international = true;
            }
            else if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')' or '/' or '\u00A0'))
            {
                return false;
            }
        }

        var number = digits.ToString();
        if (!international && number.StartsWith("00", StringComparison.Ordinal))
        {
            international = true;
            number = number[2..];
        }
        else if (!international)
        {
            number = countryCode + (number.StartsWith('0') ? number[1..] : number);
        }

        if (number.Length is < 8 or > 15 || number[0] == '0')
        {
            return false;
        }

        normalized = "+" + number;
        return true;
    }

    private string Lookup(PersonalField field, string normalized)
    {
        // The field is part of the hashed text so an e-mail hash can never equal a phone hash.
        var hash = HMACSHA256.HashData(lookupKey, Encoding.UTF8.GetBytes($"{field}\n{normalized}"));
        return Base64Url.EncodeToString(hash);
    }

    private static byte[] AssociatedData(string memberId, PersonalField field) =>
        Encoding.UTF8.GetBytes($"ecom-member\n{memberId}\n{field}");
}
