namespace EcomFunctions.Domain.Platform;

/// <summary>A response as it was first sent, replayed verbatim for a repeated Idempotency-Key.</summary>
public sealed record StoredResponse(int Status, string? ContentType, string? Body, IReadOnlyDictionary<string, string> Headers);

public enum IdempotencyState
{
    /// <summary>This caller now owns the key and must complete or release it.</summary>
    Started,

    /// <summary>An earlier request with this key finished; its response is in <see cref="IdempotencyClaim.Response"/>.</summary>
    Completed,

    /// <summary>Another request with this key is running right now.</summary>
    InProgress,
}

public sealed record IdempotencyClaim(IdempotencyState State, string RequestHash, StoredResponse? Response);

/// <summary>
/// Records Idempotency-Key usage so that the same key yields the same response (for the retention period) and
/// concurrent duplicates have one effect. Implementations make <see cref="BeginAsync"/> atomic: exactly one of
/// any number of concurrent callers with the same scope and key gets <see cref="IdempotencyState.Started"/>.
/// </summary>
public interface IIdempotencyStore
{
    /// <param name="lease">How long an in-progress claim blocks others before it is presumed abandoned (crashed owner).</param>
    Task<IdempotencyClaim> BeginAsync(string scope, string key, string requestHash, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    Task CompleteAsync(string scope, string key, StoredResponse response, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Gives the key up without a response (the operation failed retriably), so a retry runs it again.</summary>
    Task ReleaseAsync(string scope, string key, CancellationToken cancellationToken);
}
