using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.LocalHost.Functions;

public enum TriggerKind
{
    Http,
    Queue,
    Timer,
    Orchestration,
    Activity,
}

/// <summary>
/// One App function as the Functions host would see it: name, method, trigger kind and trigger attribute. Compare
/// parameters by <see cref="ParameterInfo.Position"/>: reflection may hand out different ParameterInfo instances for
/// the same parameter when several threads discover functions at once.
/// </summary>
public sealed record FunctionDescriptor(string Name, MethodInfo Method, TriggerKind Trigger, ParameterInfo TriggerParameter, Attribute TriggerAttribute)
{
    public T Attribute<T>() where T : Attribute => (T)TriggerAttribute;
}

/// <summary>
/// Finds the App's functions the way the Functions host does: every method with <see cref="FunctionAttribute"/>,
/// classified by the trigger attribute on one of its parameters. Nothing is registered by hand, so a function
/// added to the App appears here.
/// </summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<FunctionDescriptor> Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var functions = new List<FunctionDescriptor>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var function = method.GetCustomAttribute<FunctionAttribute>();
                if (function is null)
                {
                    continue;
                }

                functions.Add(Describe(function.Name, method));
            }
        }

        var duplicate = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Function name '{duplicate.Key}' is used by more than one method.");
        }

        return functions.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    private static FunctionDescriptor Describe(string name, MethodInfo method)
    {
        foreach (var parameter in method.GetParameters())
        {
            foreach (var attribute in parameter.GetCustomAttributes())
            {
                TriggerKind? kind = attribute switch
                {
                    HttpTriggerAttribute => TriggerKind.Http,
                    QueueTriggerAttribute => TriggerKind.Queue,
                    TimerTriggerAttribute => TriggerKind.Timer,
                    OrchestrationTriggerAttribute => TriggerKind.Orchestration,
                    ActivityTriggerAttribute => TriggerKind.Activity,
                    _ => null,
                };
                if (kind is { } found)
                {
                    return new FunctionDescriptor(name, method, found, parameter, attribute);
                }
            }
        }

        throw new NotSupportedException(
            $"Function '{name}' ({method.DeclaringType?.Name}.{method.Name}) has no trigger the LocalHost supports " +
            "(HttpTrigger, QueueTrigger, TimerTrigger, OrchestrationTrigger, ActivityTrigger).");
    }
}
