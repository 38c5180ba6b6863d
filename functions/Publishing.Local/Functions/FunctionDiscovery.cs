using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;
using Microsoft.Extensions.Configuration;
using Publishing.Local.BlobTriggers;
using Publishing.Local.Configuration;
using Publishing.Storage;

namespace Publishing.Local.Functions;

/// <summary>
/// Finds the <c>[Function]</c> methods of the function assemblies and works out, once at start-up, how to call
/// each: the same information the worker SDK writes to functions.metadata, plus the parameter bindings. What the
/// local host cannot serve faithfully (another trigger type, an input or output binding, a parameter it cannot
/// bind) stops it from starting, with every such problem listed, rather than failing at the first request.
/// </summary>
internal static class FunctionDiscovery
{
    /// <summary>The functions of the public classes of <paramref name="assemblies"/>, as the worker SDK finds them.</summary>
    public static FunctionCatalog Discover(IEnumerable<Assembly> assemblies, IConfiguration configuration, string routePrefix)
    {
        ArgumentNullException.ThrowIfNull(assemblies);
        return Discover(assemblies.Distinct().SelectMany(a => a.GetExportedTypes()), configuration, routePrefix);
    }

    public static FunctionCatalog Discover(IEnumerable<Type> types, IConfiguration configuration, string routePrefix)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        var http = new List<HttpFunction>();
        var blobs = new List<BlobTriggerFunction>();
        foreach (var method in FunctionMethods(types))
        {
            var name = method.GetCustomAttribute<FunctionAttribute>()?.Name ?? method.Name;
            var where = $"Function '{name}' ({method.DeclaringType?.FullName}.{method.Name})";
            try
            {
                var triggers = method.GetParameters().Where(p => p.GetCustomAttribute<TriggerBindingAttribute>() is not null).ToList();
                if (triggers.Count != 1)
                {
                    throw new NotSupportedException($"has {triggers.Count} trigger parameters; a function has exactly one.");
                }

                var trigger = triggers[0];
                switch (trigger.GetCustomAttribute<TriggerBindingAttribute>())
                {
                    case HttpTriggerAttribute attribute:
                        http.Add(HttpFunctionOf(name, method, trigger, attribute, routePrefix));
                        break;
                    case BlobTriggerAttribute attribute:
                        blobs.Add(BlobTriggerFunctionOf(name, method, trigger, attribute, configuration));
                        break;
                    case { } other:
                        throw new NotSupportedException($"has a {other.GetType().Name}; the local host runs HTTP and Event Grid blob triggers only. Extend Publishing.Local (Functions/FunctionDiscovery.cs) to serve it.");
                }
            }
            catch (Exception e) when (e is NotSupportedException or FormatException or InvalidOperationException)
            {
                problems.Add($"{where} {e.Message}");
            }
        }

        foreach (var duplicate in http.Select(f => f.Name).Concat(blobs.Select(f => f.Name))
                     .GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"Function name '{duplicate.Key}' is used {duplicate.Count()} times; function names are unique in an app.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                "The local host cannot serve the function app as it is:" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }

        return new FunctionCatalog(routePrefix, http, blobs);
    }

    private static IEnumerable<MethodInfo> FunctionMethods(IEnumerable<Type> types) =>
        types
            .Where(t => t.IsClass)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .OrderBy(m => m.DeclaringType?.FullName, StringComparer.Ordinal)
            .ThenBy(m => m.Name, StringComparer.Ordinal);

    private static HttpFunction HttpFunctionOf(
        string name, MethodInfo method, ParameterInfo trigger, HttpTriggerAttribute attribute, string routePrefix)
    {
        if (trigger.ParameterType != typeof(HttpRequest))
        {
            throw new NotSupportedException(
                $"binds its HTTP trigger to {trigger.ParameterType.Name}; the local host binds HttpRequest (the ASP.NET Core integration).");
        }

        var resultType = FunctionMethod<HttpContext>.ResultTypeOf(method.ReturnType);
        if (resultType != typeof(void) && !typeof(IActionResult).IsAssignableFrom(resultType))
        {
            throw new NotSupportedException(
                $"returns {resultType.Name}; with the ASP.NET Core integration the local host executes IActionResult (or nothing, for a function that writes the response itself).");
        }

        RejectOutputBindings(method);
        var route = attribute.Route ?? name;
        var pattern = string.Join('/', new[] { routePrefix.Trim('/'), route.Trim('/') }.Where(s => s.Length > 0));
        RoutePattern parsed;
        try
        {
            parsed = RoutePatternFactory.Parse(pattern);
        }
        catch (RoutePatternException e)
        {
            throw new FormatException($"has the route '{route}', which is not a valid route template: {e.Message}", e);
        }

        // Parameters are matched by position: reflection may hand out distinct ParameterInfo objects for one
        // parameter when hosts are built concurrently (as the tests do).
        var parameters = method.GetParameters().Select(p => p.Position == trigger.Position
            ? new ParameterBinding<HttpContext>(p.Name ?? "request", (context, _) => ValueTask.FromResult<object?>(context.Request))
            : HttpParameter(p, parsed, route)).ToList();
        return new HttpFunction
        {
            Name = name,
            Methods = attribute.Methods?.Select(m => m.ToLowerInvariant()).ToArray() ?? [],
            Route = route,
            RoutePattern = pattern,
            AuthorizationLevel = attribute.AuthLevel,
            Method = new FunctionMethod<HttpContext>(method, parameters),
        };
    }

    private static ParameterBinding<HttpContext> HttpParameter(ParameterInfo parameter, RoutePattern route, string routeText)
    {
        RejectBindingAttribute(parameter);
        var name = parameter.Name ?? string.Empty;
        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return new(name, (context, _) => ValueTask.FromResult<object?>(context.RequestAborted));
        }

        if (route.GetParameter(name) is null)
        {
            throw new NotSupportedException(
                $"has the parameter '{name}' ({parameter.ParameterType.Name}), which is neither the trigger, a CancellationToken, nor a value of the route '{routeText}'.");
        }

        var convert = Converter(parameter);
        return new(name, (context, _) =>
        {
            var raw = context.GetRouteValue(name)?.ToString();
            return ValueTask.FromResult(raw is null ? DefaultOf(parameter) : convert(raw));
        });
    }

    /// <summary>Turns a route value into the parameter's type, as the Functions host binds route values by name.</summary>
    private static Func<string, object?> Converter(ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        if (type == typeof(string))
        {
            return raw => raw;
        }

        var converter = TypeDescriptor.GetConverter(type);
        if (!converter.CanConvertFrom(typeof(string)))
        {
            throw new NotSupportedException($"has the route parameter '{parameter.Name}' of type {type.Name}, which cannot be converted from text.");
        }

        return raw =>
        {
            try
            {
                return converter.ConvertFromInvariantString(raw);
            }
            catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException or OverflowException)
            {
                throw new RouteValueException(parameter.Name ?? string.Empty, raw, type, e);
            }
        };
    }

    private static object? DefaultOf(ParameterInfo parameter) =>
        parameter.HasDefaultValue ? parameter.DefaultValue
        : parameter.ParameterType.IsValueType && Nullable.GetUnderlyingType(parameter.ParameterType) is null ? Activator.CreateInstance(parameter.ParameterType)
        : null;

    private static BlobTriggerFunction BlobTriggerFunctionOf(
        string name, MethodInfo method, ParameterInfo trigger, BlobTriggerAttribute attribute, IConfiguration configuration)
    {
        if (attribute.Source != BlobTriggerSource.EventGrid)
        {
            throw new NotSupportedException(
                $"uses a {attribute.Source} blob trigger; the local host runs Event Grid-sourced blob triggers only, as the Flex Consumption plan does (Source = BlobTriggerSource.EventGrid).");
        }

        if (FunctionMethod<BlobTriggerInvocation>.ResultTypeOf(method.ReturnType) != typeof(void))
        {
            throw new NotSupportedException("returns a value; a blob-triggered function's return value would be an output binding, which the local host does not support.");
        }

        RejectOutputBindings(method);
        var pattern = BlobPathPattern.Parse(AppSettingReferences.Resolve(attribute.BlobPath, configuration));
        var parameters = method.GetParameters().Select(p => p.Position == trigger.Position ? BlobTriggerParameter(p) : BlobParameter(p, pattern)).ToList();
        return new BlobTriggerFunction
        {
            Name = name,
            Path = attribute.BlobPath,
            Source = attribute.Source,
            Connection = string.IsNullOrEmpty(attribute.Connection) ? StorageConnection.Name : attribute.Connection,
            Pattern = pattern,
            Method = new FunctionMethod<BlobTriggerInvocation>(method, parameters),
        };
    }

    private static ParameterBinding<BlobTriggerInvocation> BlobTriggerParameter(ParameterInfo parameter)
    {
        var name = parameter.Name ?? string.Empty;
        var type = parameter.ParameterType;
        if (type == typeof(BlobClient) || type == typeof(BlobBaseClient))
        {
            return new(name, (invocation, _) => ValueTask.FromResult<object?>(invocation.Blob));
        }

        if (type == typeof(BlockBlobClient))
        {
            return new(name, (invocation, _) => ValueTask.FromResult<object?>(
                invocation.Blob.GetParentBlobContainerClient().GetBlockBlobClient(invocation.Blob.Name)));
        }

        if (type == typeof(Stream))
        {
            return new(name, async (invocation, cancellationToken) => await invocation.Blob.OpenReadAsync(cancellationToken: cancellationToken), DisposeAfterCall: true);
        }

        throw new NotSupportedException(
            $"binds its blob trigger to {type.Name}; the local host binds BlobClient, BlockBlobClient, BlobBaseClient or a read-only Stream (bind to a client so a file's size can be checked before it is read).");
    }

    private static ParameterBinding<BlobTriggerInvocation> BlobParameter(ParameterInfo parameter, BlobPathPattern pattern)
    {
        RejectBindingAttribute(parameter);
        var name = parameter.Name ?? string.Empty;
        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return new(name, (_, cancellationToken) => ValueTask.FromResult<object?>(cancellationToken));
        }

        var bound = pattern.Parameters.Append("blobTrigger").FirstOrDefault(p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase));
        if (bound is null || parameter.ParameterType != typeof(string))
        {
            throw new NotSupportedException(
                $"has the parameter '{name}' ({parameter.ParameterType.Name}); besides the trigger and a CancellationToken the local host binds strings named after the path's placeholders ({string.Join(", ", pattern.Parameters.Append("blobTrigger"))}).");
        }

        return new(name, (invocation, _) => ValueTask.FromResult<object?>(invocation.BindingData[bound]));
    }

    private static void RejectBindingAttribute(ParameterInfo parameter)
    {
        if (parameter.GetCustomAttributes().FirstOrDefault(a => a is BindingAttribute) is { } binding)
        {
            throw new NotSupportedException(
                $"has a {binding.GetType().Name} on '{parameter.Name}'; the local host supports no input or output bindings besides the trigger.");
        }
    }

    private static void RejectOutputBindings(MethodInfo method)
    {
        if (method.ReturnParameter.GetCustomAttributes().Concat(method.GetCustomAttributes()).FirstOrDefault(a => a is OutputBindingAttribute) is { } output)
        {
            throw new NotSupportedException($"has an output binding ({output.GetType().Name}), which the local host does not support.");
        }
    }
}

/// <summary>A route value that does not convert to its parameter's type: the caller's mistake, answered with 400.</summary>
internal sealed class RouteValueException(string parameter, string value, Type type, Exception inner)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"The route value '{parameter}' ('{value}') is not a valid {type.Name}."), inner);
