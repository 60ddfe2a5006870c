using System.Runtime.CompilerServices;

namespace BorderGate.Actors.Invocation;

/// <summary>Conversions between the task shapes of grain methods, used by generated code. Completed tasks allocate nothing.</summary>
public static class GrainInvokeHelpers
{
    public static ValueTask<VoidResult> FromTask(Task task) =>
        task.IsCompletedSuccessfully ? default : new ValueTask<VoidResult>(AwaitVoid(task));

    public static ValueTask<VoidResult> FromValueTask(ValueTask task) =>
        task.IsCompletedSuccessfully ? default : new ValueTask<VoidResult>(AwaitVoid(task.AsTask()));

    public static ValueTask<T> FromTask<T>(Task<T> task) => new(task);

    public static Task ToTask(ValueTask<VoidResult> task) =>
        task.IsCompletedSuccessfully ? Task.CompletedTask : task.AsTask();

    public static ValueTask ToValueTask(ValueTask<VoidResult> task) =>
        task.IsCompletedSuccessfully ? default : new ValueTask(task.AsTask());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Task<T> ToTask<T>(ValueTask<T> task) => task.AsTask();

    private static async Task<VoidResult> AwaitVoid(Task task)
    {
        await task.ConfigureAwait(false);
        return default;
    }

    /// <summary>A call's result as an object (a remote caller's answer is encoded from it).</summary>
    public static async ValueTask<object?> Box<T>(ValueTask<T> task) => await task.ConfigureAwait(false);

    /// <summary><c>typeof(T)</c> for any type the generator writes, nullable reference types included (which <c>typeof</c> refuses).</summary>
    public static Type TypeOf<T>() => typeof(T);
}
