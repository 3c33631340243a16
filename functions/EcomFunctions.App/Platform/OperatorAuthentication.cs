using System.Text;
using System.Text.Json;
using EcomFunctions.Domain.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Platform;

/// <summary>
/// Who the operator is. In Azure, App Service authentication (Entra ID) validates the token and passes the principal
/// in <c>X-MS-CLIENT-PRINCIPAL</c> (base64 JSON of claims); clients cannot forge it because the platform strips
/// incoming copies. Locally, with <see cref="AuthOptions.AllowDevelopmentPrincipal"/>, a development header
/// <c>X-Dev-Principal: alice; roles=CampaignManager,CampaignApprover; name=Alice</c> stands in for it.
/// </summary>
public sealed class OperatorAuthentication(IOptions<AuthOptions> options)
{
    public const string ClientPrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    public const string DevelopmentPrincipalHeader = "X-Dev-Principal";

    private const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    /// <summary>The operator, provided they hold at least one of <paramref name="anyOfRoles"/> (401 / 403 otherwise).</summary>
    public Result<OperatorPrincipal> Require(HttpRequest request, params string[] anyOfRoles)
    {
        ArgumentNullException.ThrowIfNull(anyOfRoles);
        var principal = Authenticate(request);
        if (!principal.IsSuccess)
        {
            return principal;
        }

        return anyOfRoles.Length == 0 || anyOfRoles.Any(principal.Value!.IsInRole)
            ? principal
            : Problem.Forbidden($"This operation requires the role {string.Join(" or ", anyOfRoles)}.");
    }

    public Result<OperatorPrincipal> Authenticate(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var platform = request.Headers[ClientPrincipalHeader].ToString();
        if (!string.IsNullOrEmpty(platform))
        {
            return FromClientPrincipal(platform, request.Headers["X-MS-CLIENT-PRINCIPAL-ID"].ToString(), request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"].ToString());
        }

        var development = request.Headers[DevelopmentPrincipalHeader].ToString();
        if (options.Value.AllowDevelopmentPrincipal && !string.IsNullOrWhiteSpace(development))
        {
            return FromDevelopmentHeader(development);
        }

        return Problem.Unauthorized("Sign in as an operator.");
    }

    public static Result<OperatorPrincipal> FromDevelopmentHeader(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var parts = header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0].Contains('=', StringComparison.Ordinal))
        {
            return Problem.Unauthorized($"{DevelopmentPrincipalHeader} must start with the operator id.");
        }

        var roles = new HashSet<string>(StringComparer.Ordinal);
        var name = parts[0];
        foreach (var part in parts.Skip(1))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length == 2 && pair[0].Equals("roles", StringComparison.OrdinalIgnoreCase))
            {
                roles.UnionWith(pair[1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            }
            else if (pair.Length == 2 && pair[0].Equals("name", StringComparison.OrdinalIgnoreCase))
            {
                name = pair[1];
            }
        }

        return new OperatorPrincipal(parts[0], name, roles);
    }

    private static Result<OperatorPrincipal> FromClientPrincipal(string encoded, string idHeader, string nameHeader)
    {
        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(encoded)));
            var root = document.RootElement;
            var roleType = root.TryGetProperty("role_typ", out var rt) ? rt.GetString() : "roles";
            var nameType = root.TryGetProperty("name_typ", out var nt) ? nt.GetString() : "name";
            var roles = new HashSet<string>(StringComparer.Ordinal);
            string? id = null, name = null;
            if (root.TryGetProperty("claims", out var claims))
            {
                foreach (var claim in claims.EnumerateArray())
                {
                    var type = claim.GetProperty("typ").GetString();
                    var value = claim.GetProperty("val").GetString() ?? string.Empty;
                    if (type == roleType || type == "roles")
                    {
                        roles.Add(value);
                    }
                    else if (type is ObjectIdClaim or "oid")
                    {
                        id = value;
                    }
                    else if (type == nameType)
                    {
                        name = value;
                    }
                }
            }

            id ??= string.IsNullOrEmpty(idHeader) ? null : idHeader;
            name ??= string.IsNullOrEmpty(nameHeader) ? id : nameHeader;
            return id is null ? Problem.Unauthorized("The signed-in principal has no object id.") : new OperatorPrincipal(id, name ?? id, roles);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return Problem.Unauthorized("The client principal header is malformed.");
        }
    }
}
