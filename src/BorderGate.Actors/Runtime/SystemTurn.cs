namespace BorderGate.Actors.Runtime;

/// <summary>A turn the runtime starts itself: activation, deactivation, a timer tick, a stream delivery.</summary>
internal sealed class SystemTurn : TurnItem
{
    private readonly Func<CancellationToken, Task> _work;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _keepsAlive;
    private readonly CancellationToken _cancellationToken;

    public SystemTurn(Func<CancellationToken, Task> work, TurnKind kind, bool keepsAlive, CancellationToken cancellationToken = default)
    {
        _work = work;
        _keepsAlive = keepsAlive;
        _cancellationToken = cancellationToken;
        Kind = kind;
    }

    /// <summary>Completes when the turn has run (or faults with what it threw).</summary>
    public Task Completion => _completion.Task;

    public override bool KeepsAlive => _keepsAlive;

    public override void Start(ActivationData activation, TurnContext turn)
    {
        Task task;
        try
        {
            task = _work(_cancellationToken);
        }
        catch (Exception exception)
        {
            task = Task.FromException(exception);
        }

        if (task.IsCompleted)
        {
            Finish(activation, turn, task);
        }
        else
        {
            task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().UnsafeOnCompleted(() => Finish(activation, turn, task));
        }
    }

    public override void Abandon(ActivationData activation, Exception? failure)
    {
        if (failure is null)
        {
            _completion.TrySetCanceled();
        }
        else
        {
            _completion.TrySetException(failure);
        }
    }

    private void Finish(ActivationData activation, TurnContext turn, Task task)
    {
        if (task.IsCompletedSuccessfully)
        {
            _completion.TrySetResult();
        }
        else if (task.IsCanceled)
        {
            _completion.TrySetCanceled();
        }
        else
        {
            _completion.TrySetException(task.Exception!.InnerExceptions);
        }

        activation.CompleteTurn(turn, _keepsAlive);
    }
}
