namespace EcomFunctions.App.Platform.OpenApi;

/// <summary>The JSON body an HTTP function reads (documents <c>ReadValidatedAsync&lt;T&gt;</c> in the OpenAPI document).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequestBodyAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;
}

/// <summary>A query-string parameter an HTTP function reads.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class QueryParameterAttribute(string name, Type type, string description) : Attribute
{
    public string Name { get; } = name;

    public Type Type { get; } = type;

    public string Description { get; } = description;

    public bool Required { get; init; }
}

/// <summary>
/// An operator endpoint: the principal comes from App Service authentication (Entra ID) and must hold one of
/// <see cref="Roles"/>. The function checks it with <see cref="OperatorAuthentication.Require"/>; this attribute
/// documents it (and a test checks that every anonymous HTTP function is either public or marked this way).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OperatorEndpointAttribute(params string[] roles) : Attribute
{
    public IReadOnlyList<string> Roles { get; } = roles;
}

/// <summary>An anonymous endpoint meant for anyone (health, public review listings, the API description).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PublicEndpointAttribute : Attribute;

/// <summary>A one-line summary of what an HTTP function does, for the API description.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ApiSummaryAttribute(string summary) : Attribute
{
    public string Summary { get; } = summary;
}
