using BorderGate.Actors.Filters;
using BorderGate.Actors.Hosting;
using BorderGate.Actors.Invocation;
using BorderGate.Actors.Runtime;

namespace BorderGate.Actors.Cluster;

/// <summary>
/// Grain calls in a cluster: to the local activation when there is one (the fast path, unchanged), else to the silo the
/// directory names, else activated here (<see cref="ClusterSilo"/> explains the placement). A call that finds its grain
/// elsewhere follows it; a call to a silo that cannot be reached waits for that silo to be declared dead and then goes to
/// the grain's new activation, up to <see cref="ClusterOptions.RerouteWait"/>.
/// </summary>
internal sealed class ClusterGrainCallInvoker(ActorRuntime runtime, LocalGrainCallInvoker local, ClusterSilo cluster) : IGrainCallInvoker, IDirectGrainCallInvoker
{
    /// <summary>Follows of a moving grain before a call gives up (a grain that moves this often is being passed around).</summary>
    private const int MaxMoves = 8;

    public IGrainFactory GrainFactory => runtime.GrainFactory;

    public ValueTask<TResult> InvokeAsync<TRequest, TResult>(GrainReference target, TRequest request)
        where TRequest : struct, IGrainRequest<TResult> =>
        runtime.OutgoingFilters.Length != 0
            ? OutgoingCallContext<TRequest, TResult>.InvokeAsync(runtime.OutgoingFilters, this, target, request)
            : InvokeDirect<TRequest, TResult>(target, request);

    /// <summary>The call past the outgoing filters: to the local activation, or routed to the grain's silo.</summary>
    public ValueTask<TResult> InvokeDirect<TRequest, TResult>(GrainReference target, in TRequest request)
        where TRequest : struct, IGrainRequest<TResult>
    {
        if ((target.RuntimeTarget is ActivationData { IsInvalid: false } || runtime.Catalog.TryGet(target.GrainId, out _)) && !cluster.IsFenced)
        {
            var call = local.InvokeDirect<TRequest, TResult>(target, request);
            return call.IsCompletedSuccessfully ? call : AwaitLocalAsync<TRequest, TResult>(call, target, request);
        }

        return RouteAsync<TRequest, TResult>(target, request, moves: 0);
    }

    public void InvokeOneWay<TRequest>(GrainReference target, TRequest request)
        where TRequest : struct, IGrainRequest<VoidResult>
    {
        var call = InvokeAsync<TRequest, VoidResult>(target, request);
        if (!call.IsCompletedSuccessfully)
        {
            _ = local.ObserveOneWayAsync(call, target.GrainId, request.Method);
        }
    }

    private async ValueTask<TResult> AwaitLocalAsync<TRequest, TResult>(ValueTask<TResult> call, GrainReference target, TRequest request)
        where TRequest : struct, IGrainRequest<TResult>
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (GrainMovedException moved)
        {
            // The activation here found the grain registered elsewhere before it started.
            cluster.Remember(moved.Location);
            return await RouteAsync<TRequest, TResult>(target, request, moves: 1).ConfigureAwait(false);
        }
    }

    private async ValueTask<TResult> RouteAsync<TRequest, TResult>(GrainReference target, TRequest request, int moves)
        where TRequest : struct, IGrainRequest<TResult>
    {
        var rerouteUntil = DateTimeOffset.UtcNow + cluster.Options.RerouteWait;
        while (true)
        {
            if (cluster.IsFenced)
            {
                throw new SiloUnavailableException($"Silo {cluster.Name} was fenced off its cluster and serves no call.", cluster.Name);
            }

            if (cluster.RemoteOwner(target.GrainId) is not { } owner)
            {
                try
                {
                    return await local.InvokeDirect<TRequest, TResult>(target, request).ConfigureAwait(false);
                }
                catch (GrainMovedException moved) when (moves++ < MaxMoves)
                {
                    cluster.Remember(moved.Location);
                    continue;
                }
            }
            else
            {
                SiloUnavailableException? unreachable;
                try
                {
                    return cluster.RemoteAnswer<TResult>(owner, await cluster.SendRemote<TRequest, TResult>(owner, request).ConfigureAwait(false));
                }
                catch (GrainMovedException moved) when (moves++ < MaxMoves)
                {
                    cluster.Remember(moved.Location);
                    continue;
                }
                catch (SiloUnavailableException exception)
                {
                    unreachable = exception;
                }

                // Its silo cannot be reached: once it is declared dead, the grain is activated anew (here, or where another
                // caller put it first); if it is not declared dead in time, the call fails.
                if (!await cluster.WaitUntilDeadAsync(owner.Silo, rerouteUntil).ConfigureAwait(false))
                {
                    throw unreachable;
                }

                cluster.Forget(owner);
            }
        }
    }
}
