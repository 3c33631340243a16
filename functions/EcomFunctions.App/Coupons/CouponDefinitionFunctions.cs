using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage.Coupons;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Coupons;

/// <summary>
/// Operator API for coupon definitions (role CampaignManager): create, get, list, update while allowed (If-Match),
/// activate, retire. Every answer that carries a definition carries its version as the ETag header.
/// </summary>
public sealed class CouponDefinitionFunctions(CouponDefinitions definitions, OperatorAuthentication operators, IdempotentRequests idempotency)
{
    private const string Definitions = "coupons/definitions";

    [Function("CreateCouponDefinition")]
    [OperatorEndpoint(OperatorRoles.CampaignManager)]
    [ApiSummary("Creates a Draft coupon definition (kind, tier benefits, validity, quantity, limits, budget, stacking group, optional campaign link); optional Idempotency-Key. With ?id= the operator names it (e.g. the ids the reactivation offer table refers to); creating the same id with the same terms again answers with it, with other terms is 409.")]
    [QueryParameter("id", typeof(string), "Optional id of the new definition (letters, digits, '-', '_'; at most 64 characters); generated when absent.")]
    [RequestBody(typeof(TermsRecord))]
    [ProducesResponseType(typeof(DefinitionResponse), StatusCodes.Status201Created)]
    [ProducesResponseType(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Definitions)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (operators.Require(request, OperatorRoles.CampaignManager).Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        string? chosenId = request.Query["id"];
        if (chosenId is not null && !IsChosenId(chosenId))
        {
            return ApiResult.Problem(Problem.Validation("id", "Letters, digits, '-' and '_', at most 64 characters."), request);
        }

        var terms = await ReadTermsAsync(request, cancellationToken);
        if (terms.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        // A retried POST with the same Idempotency-Key answers with the definition it created the first time.
        return await idempotency.RunAsync(request, "coupon-definition-create", keyRequired: false, () => CouponHttp.GuardAsync(request, async () =>
        {
            var created = await definitions.CreateAsync(terms.Value!, chosenId, cancellationToken);
            return created.ToApiResult(request, d => WithETag(ApiResult.Created($"/api/{Definitions}/{d.Value.Id}", DefinitionResponse.From(d)), d.Version));
        }), cancellationToken);
    }

    [Function("GetCouponDefinition")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("A coupon definition with its inventory (allocated, issued, remaining, released); the ETag is its version.")]
    [ProducesResponseType(typeof(DefinitionResponse), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Definitions + "/{definitionId}")] HttpRequest request,
        string definitionId,
        CancellationToken cancellationToken)
    {
        if (operators.Require(request, OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover).Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        return await CouponHttp.GuardAsync(request, async () =>
        {
            var found = await definitions.GetAsync(definitionId, cancellationToken);
            if (found.Problem is { } missing)
            {
                return ApiResult.Problem(missing, request);
            }

            var inventory = (await definitions.InventoryAsync(definitionId, cancellationToken)).Value;
            return WithETag(ApiResult.Ok(DefinitionResponse.From(found.Value!, inventory)), found.Value!.Version);
        });
    }

    [Function("ListCouponDefinitions")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Coupon definitions in id order, optionally of one state, a page at a time.")]
    [QueryParameter("state", typeof(string), "draft, active, closed or retired.")]
    [QueryParameter("pageSize", typeof(int), "Definitions per page (1-200, default 50).")]
    [QueryParameter("continuationToken", typeof(string), "The token of the previous page.")]
    [ProducesResponseType(typeof(DefinitionPageResponse), StatusCodes.Status200OK)]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Definitions)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (operators.Require(request, OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover).Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var pageSize = request.QueryInt("pageSize", 50, 1, CouponDefinitions.MaxPageSize);
        if (pageSize.Problem is { } badSize)
        {
            return ApiResult.Problem(badSize, request);
        }

        CouponDefinitionState? state = null;
        var rawState = request.Query["state"].ToString();
        if (rawState.Length > 0)
        {
            if (!Enum.TryParse<CouponDefinitionState>(rawState, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(rawState, out _))
            {
                return ApiResult.Problem(Problem.Validation("state", "Must be draft, active, closed or retired."), request);
            }

            state = parsed;
        }

        var token = request.Query["continuationToken"].ToString();
        if (token.Length > 1024 || token.Any(char.IsControl))
        {
            return ApiResult.Problem(Problem.Validation("continuationToken", "Is not a token this API returned."), request);
        }

        return await CouponHttp.GuardAsync(request, async () =>
        {
            var page = await definitions.ListAsync(state, pageSize.Value, token.Length == 0 ? null : token, cancellationToken);
            return page.ToApiResult(request, p => ApiResult.Ok(new DefinitionPageResponse(
                [.. p.Items.Select(d => DefinitionResponse.From(d, version: null))],
                p.ContinuationToken)));
        });
    }

    /// <summary>New terms, under the "update while unused" rule; If-Match makes it conditional (412 when stale).</summary>
    [Function("UpdateCouponDefinition")]
    [OperatorEndpoint(OperatorRoles.CampaignManager)]
    [ApiSummary("Replaces the terms while allowed (a Draft freely; an Active one may be renamed, extended or raised); If-Match with the ETag makes it conditional.")]
    [RequestBody(typeof(TermsRecord))]
    [ProducesResponseType(typeof(DefinitionResponse), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Definitions + "/{definitionId}")] HttpRequest request,
        string definitionId,
        CancellationToken cancellationToken)
    {
        if (operators.Require(request, OperatorRoles.CampaignManager).Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var ifMatch = EntityVersion.FromIfMatch(request);
        if (ifMatch.Problem is { } unmatched)
        {
            return ApiResult.Problem(unmatched, request);
        }

        var terms = await ReadTermsAsync(request, cancellationToken);
        if (terms.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        return await CouponHttp.GuardAsync(request, async () =>
            Respond(request, await definitions.ReviseAsync(definitionId, terms.Value!, ifMatch.Value, cancellationToken)));
    }

    [Function("ActivateCouponDefinition")]
    [OperatorEndpoint(OperatorRoles.CampaignManager)]
    [ApiSummary("Allocates the sharded inventory and makes the definition Active (claims start); idempotent; optional If-Match.")]
    [ProducesResponseType(typeof(DefinitionResponse), StatusCodes.Status200OK)]
    public Task<IActionResult> Activate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Definitions + "/{definitionId}/activate")] HttpRequest request,
        string definitionId,
        CancellationToken cancellationToken) =>
        ChangeAsync(request, definitionId, (version, ct) => definitions.ActivateAsync(definitionId, version, ct), cancellationToken);

    [Function("RetireCouponDefinition")]
    [OperatorEndpoint(OperatorRoles.CampaignManager)]
    [ApiSummary("Retires the definition: no more issues, and issued coupons can no longer be redeemed; idempotent; optional If-Match.")]
    [ProducesResponseType(typeof(DefinitionResponse), StatusCodes.Status200OK)]
    public Task<IActionResult> Retire(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Definitions + "/{definitionId}/retire")] HttpRequest request,
        string definitionId,
        CancellationToken cancellationToken) =>
        ChangeAsync(request, definitionId, (version, ct) => definitions.RetireAsync(definitionId, version, ct), cancellationToken);

    private async Task<IActionResult> ChangeAsync(
        HttpRequest request,
        string definitionId,
        Func<string?, CancellationToken, Task<Result<Versioned<CouponDefinition>>>> change,
        CancellationToken cancellationToken)
    {
        if (operators.Require(request, OperatorRoles.CampaignManager).Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var ifMatch = EntityVersion.FromIfMatch(request);
        if (ifMatch.Problem is { } unmatched)
        {
            return ApiResult.Problem(unmatched, request);
        }

        return await CouponHttp.GuardAsync(request, async () => Respond(request, await change(ifMatch.Value, cancellationToken)));
    }

    private static bool IsChosenId(string id) =>
        id.Length is > 0 and <= 64 && CouponKeys.IsValidId(id) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The terms in the body: JSON shape errors, then the parts a benefit or validity cannot be built without (400).</summary>
    private static async Task<Result<CouponTerms>> ReadTermsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var input = await request.ReadValidatedAsync<TermsRecord>(cancellationToken);
        return input.Problem is { } invalid ? invalid : input.Value!.ToTerms();
    }

    private static ApiResult Respond(HttpRequest request, Result<Versioned<CouponDefinition>> result) =>
        result.ToApiResult(request, d => WithETag(ApiResult.Ok(DefinitionResponse.From(d)), d.Version));

    private static ApiResult WithETag(ApiResult result, string version) => result.WithHeader("ETag", EntityVersion.Header(version));
}
