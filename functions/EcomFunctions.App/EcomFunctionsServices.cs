using EcomFunctions.App.Campaigns;
using EcomFunctions.App.Members;
using EcomFunctions.App.Platform;
using EcomFunctions.App.Reviews;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.App;

/// <summary>
/// The App's whole service registration. Both hosts call it: the Functions worker (Program.cs) and the
/// LocalHost, so a function resolves the same services wherever it runs. Each capability adds one line here.
/// </summary>
public static class EcomFunctionsServices
{
    public static IServiceCollection AddEcomFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPlatform(configuration);
        services.AddMembers(configuration);
        services.AddCampaigns(configuration);
        services.AddReviews(configuration);
        services.AddCoupons(configuration);
        return services;
    }
}
