namespace EcomFunctions.Domain.Platform;

/// <summary>
/// Why an expected operation did not succeed. Each kind maps to one HTTP status (see the App's problem-details
/// mapping) and to one queue action (dead-letter for <see cref="ProblemKind.Validation"/>, retry for
/// <see cref="ProblemKind.Unavailable"/>).
/// </summary>
public enum ProblemKind
{
    Validation,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    Gone,
    PreconditionFailed,
    TooLarge,
    UnsupportedMediaType,
    Unprocessable,
    Locked,
    TooManyRequests,
    Unavailable,
}

/// <summary>An expected failure: a kind, a short title, a human-readable detail and optional field errors.</summary>
public sealed record Problem(
    ProblemKind Kind,
    string Title,
    string? Detail = null,
    IReadOnlyDictionary<string, string[]>? Errors = null,
    string? Code = null)
{
    public static Problem Validation(IReadOnlyDictionary<string, string[]> errors, string? detail = null) =>
        new(ProblemKind.Validation, "One or more fields are invalid.", detail, errors, "validation");

    public static Problem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] }, message);

    public static Problem NotFound(string what) => new(ProblemKind.NotFound, "Not found.", what, Code: "not-found");

    public static Problem Conflict(string code, string detail) => new(ProblemKind.Conflict, "Conflict.", detail, Code: code);

    public static Problem Forbidden(string detail) => new(ProblemKind.Forbidden, "Forbidden.", detail, Code: "forbidden");

    public static Problem Unauthorized(string detail) => new(ProblemKind.Unauthorized, "Unauthorized.", detail, Code: "unauthorized");

    public static Problem Locked(string code, string detail) => new(ProblemKind.Locked, "Locked.", detail, Code: code);

    public static Problem Gone(string code, string detail) => new(ProblemKind.Gone, "Gone.", detail, Code: code);

    public static Problem PreconditionFailed(string detail) =>
        new(ProblemKind.PreconditionFailed, "Precondition failed.", detail, Code: "precondition-failed");

    public static Problem Unavailable(string detail) =>
        new(ProblemKind.Unavailable, "Temporarily unavailable; retry.", detail, Code: "unavailable");
}

/// <summary>A value or the <see cref="Problem"/> that prevented it. Expected failures travel as values, not exceptions.</summary>
public readonly record struct Result<T>
{
    private Result(T? value, Problem? problem)
    {
        Value = value;
        Problem = problem;
    }

    public T? Value { get; }

    public Problem? Problem { get; }

    public bool IsSuccess => Problem is null;

    public static Result<T> Success(T value) => new(value, null);

    public static Result<T> Failure(Problem problem) => new(default, problem ?? throw new ArgumentNullException(nameof(problem)));

    public static implicit operator Result<T>(T value) => Success(value);

    public static implicit operator Result<T>(Problem problem) => Failure(problem);

    public Result<TOut> Map<TOut>(Func<T, TOut> map) => Problem is null ? Result<TOut>.Success(map(Value!)) : Result<TOut>.Failure(Problem);

    public T GetValueOrThrow() => Problem is null ? Value! : throw new InvalidOperationException($"{Problem.Kind}: {Problem.Detail}");
}
