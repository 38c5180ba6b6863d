using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Publishing.Local.Functions;

/// <summary>Produces one argument of a function call from what triggered it.</summary>
internal delegate ValueTask<object?> BindArgument<in TTrigger>(TTrigger trigger, CancellationToken cancellationToken);

/// <summary>How one parameter is bound; arguments the host creates for the call (streams) are disposed after it.</summary>
internal sealed record ParameterBinding<TTrigger>(string Name, BindArgument<TTrigger> Bind, bool DisposeAfterCall = false);

/// <summary>
/// A <c>[Function]</c> method with its parameters bound, called the way the isolated worker calls it: the class
/// activated from the invocation's service scope with <see cref="ActivatorUtilities"/>, the method awaited, the
/// instance disposed afterwards if it is disposable.
/// </summary>
internal sealed class FunctionMethod<TTrigger>
{
    private readonly ParameterBinding<TTrigger>[] _parameters;
    private readonly Func<object?, Task<object?>> _awaitResult;

    public FunctionMethod(MethodInfo method, IEnumerable<ParameterBinding<TTrigger>> parameters)
    {
        ArgumentNullException.ThrowIfNull(method);
        Method = method;
        _parameters = [.. parameters];
        _awaitResult = ResultAwaiter(method.ReturnType);
    }

    public MethodInfo Method { get; }

    /// <summary>The type the function's result is awaited to (<c>void</c> when none).</summary>
    public Type ResultType => ResultTypeOf(Method.ReturnType);

    public string EntryPoint => $"{Method.DeclaringType?.FullName}.{Method.Name}";

    public async Task<object?> InvokeAsync(IServiceProvider services, TTrigger trigger, CancellationToken cancellationToken)
    {
        var declaringType = Method.DeclaringType ?? throw new InvalidOperationException($"{Method.Name} has no declaring type.");
        var instance = Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, declaringType);
        var arguments = new object?[_parameters.Length];
        try
        {
            for (var i = 0; i < _parameters.Length; i++)
            {
                arguments[i] = await _parameters[i].Bind(trigger, cancellationToken);
            }

            var returned = Method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
            return await _awaitResult(returned);
        }
        finally
        {
            for (var i = 0; i < _parameters.Length; i++)
            {
                if (_parameters[i].DisposeAfterCall)
                {
                    await DisposeAsync(arguments[i]);
                }
            }

            await DisposeAsync(instance);
        }
    }

    public static Type ResultTypeOf(Type returnType)
    {
        ArgumentNullException.ThrowIfNull(returnType);
        if (returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            return typeof(void);
        }

        return returnType.IsGenericType && (returnType.GetGenericTypeDefinition() == typeof(Task<>) || returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
            ? returnType.GetGenericArguments()[0]
            : returnType;
    }

    private static Func<object?, Task<object?>> ResultAwaiter(Type returnType)
    {
        if (returnType == typeof(Task))
        {
            return async returned =>
            {
                await NotNull(returned);
                return null;
            };
        }

        if (returnType == typeof(ValueTask))
        {
            return async returned =>
            {
                await (returned is ValueTask task ? task : throw new InvalidOperationException("The function returned no ValueTask."));
                return null;
            };
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var result = returnType.GetProperty(nameof(Task<object>.Result)) ?? throw new InvalidOperationException($"{returnType} has no Result.");
            return async returned =>
            {
                var task = NotNull(returned);
                await task;
                return result.GetValue(task);
            };
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var asTask = returnType.GetMethod(nameof(ValueTask<object>.AsTask)) ?? throw new InvalidOperationException($"{returnType} has no AsTask.");
            var result = asTask.ReturnType.GetProperty(nameof(Task<object>.Result)) ?? throw new InvalidOperationException($"{returnType} has no Result.");
            return async returned =>
            {
                var task = NotNull(asTask.Invoke(returned, null));
                await task;
                return result.GetValue(task);
            };
        }

        return returned => Task.FromResult(returned);
    }

    private static Task NotNull(object? returned) =>
        returned as Task ?? throw new InvalidOperationException("The function returned a null Task.");

    private static async ValueTask DisposeAsync(object? value)
    {
        switch (value)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
