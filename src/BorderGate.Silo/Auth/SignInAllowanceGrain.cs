using BorderGate.Actors;

namespace BorderGate.Silo.Auth;

/// <summary>
/// One client's failed sign-ins of one kind in the current minute (key: <see cref="SignInGuard.KeyOf"/>), one activation
/// for the whole cluster: every silo host counts against the same allowance, so that a cluster of N silos does not allow N
/// times the guesses. Kept in memory only: the count is a minute's, and a silo that dies takes at most that minute with it.
/// Left to the runtime's idle collection (not deactivated once the count is back to zero: in a cluster each activation is a
/// directory row, and a shift's phones signing in one after another from one address would write one each).
/// </summary>
internal interface ISignInAllowanceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Counts an attempt that begins at <paramref name="now"/> (the auth clock's, so that the window is real time whatever
    /// the site's clock does); answers how long the client must wait when it is over <paramref name="limit"/> failures a
    /// minute (the attempt is refused then), else null.
    /// </summary>
    Task<TimeSpan?> TryBegin(DateTimeOffset now, int limit);

    /// <summary>The attempt begun at <paramref name="now"/> succeeded: it does not count against the client.</summary>
    Task Succeeded(DateTimeOffset now);
}

internal sealed class SignInAllowanceGrain : Grain, ISignInAllowanceGrain
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private DateTimeOffset _windowEnd;
    private int _attempts;

    public Task<TimeSpan?> TryBegin(DateTimeOffset now, int limit)
    {
        if (now >= _windowEnd)
        {
            // A new minute from this attempt on.
            _windowEnd = now + Window;
            _attempts = 0;
        }

        _attempts++;
        return Task.FromResult<TimeSpan?>(_attempts > limit ? _windowEnd - now : null);
    }

    public Task Succeeded(DateTimeOffset now)
    {
        if (now < _windowEnd && _attempts > 0)
        {
            _attempts--;
        }

        return Task.CompletedTask;
    }
}
