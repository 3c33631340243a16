namespace EcomFunctions.App.Platform;

/// <summary>The store's own settings (section <c>Store</c>).</summary>
public sealed class StoreOptions
{
    /// <summary>IANA time zone for store-local days and schedules (DESIGN §3 default).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

/// <summary>Operator authentication (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>
    /// Accept the <c>X-Dev-Principal</c> header as the operator (local development and tests only). In Azure this
    /// must be false: App Service authentication supplies <c>X-MS-CLIENT-PRINCIPAL</c> and strips forged copies.
    /// </summary>
    public bool AllowDevelopmentPrincipal { get; set; }
}

/// <summary>HTTP input limits (section <c>Http</c>).</summary>
public sealed class HttpOptions
{
    /// <summary>Largest JSON body accepted; larger requests get 413.</summary>
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>Idempotency-Key handling (section <c>Idempotency</c>).</summary>
public sealed class IdempotencyOptions
{
    /// <summary>How long a key's response is replayed.</summary>
    public int RetentionHours { get; set; } = 24;

    /// <summary>How long a duplicate waits for the first request with its key to finish before answering 409.</summary>
    public int WaitForInProgressSeconds { get; set; } = 10;

    /// <summary>After this long an in-progress key is presumed abandoned by a crashed request and can be taken over.</summary>
    public int LeaseSeconds { get; set; } = 60;
}
