using BorderGate.Actors;

namespace BorderGate.Silo.Auth;

/// <summary>
/// One client's sign-ins of one kind (key: <see cref="SignInGuard.KeyOf"/>), one activation for the whole cluster: every
/// silo host counts against the same allowance, so that a cluster of N silos does not allow N times the guesses. It admits
/// an attempt only while the failures of the current minute plus the attempts being checked stay within the allowance:
/// guesses sent all at once cannot all be checked, and sign-ins sent all at once that succeed (drivers behind one address)
/// wait their turn instead of being refused. Kept in memory only: the counts are a minute's, and a silo that dies takes at
/// most that minute with it. Left to the runtime's idle collection.
/// </summary>
internal interface ISignInAllowanceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Asks to check an attempt that begins at <paramref name="now"/> (the auth clock's, so that the window is real time
    /// whatever the site's clock does), under <paramref name="limit"/> failures a minute.
    /// </summary>
    Task<SignInTurn> TryBegin(DateTimeOffset now, int limit);

    /// <summary>An admitted attempt was checked: a failure counts against the client until its minute ends.</summary>
    Task End(DateTimeOffset now, bool failed);
}

/// <summary>What an attempt may do: be checked, wait for those being checked, or be refused for <see cref="Wait"/>.</summary>
internal sealed record SignInTurn(SignInTurnKind Kind, TimeSpan Wait)
{
    public static readonly SignInTurn Admitted = new(SignInTurnKind.Admitted, TimeSpan.Zero);
    public static readonly SignInTurn Busy = new(SignInTurnKind.Busy, TimeSpan.Zero);
}

internal enum SignInTurnKind
{
    Admitted,
    Busy,
    Throttled,
}

internal sealed class SignInAllowanceGrain : Grain, ISignInAllowanceGrain
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // An attempt whose end never came (its silo host died while checking it) stops holding a place after this long.
    private static readonly TimeSpan CheckLimit = TimeSpan.FromSeconds(30);

    private readonly List<DateTimeOffset> _checking = [];
    private DateTimeOffset _windowEnd;
    private int _failures;

    public Task<SignInTurn> TryBegin(DateTimeOffset now, int limit)
    {
        RollWindow(now);
        _checking.RemoveAll(started => now - started > CheckLimit);
        if (_failures >= limit)
        {
            return Task.FromResult(new SignInTurn(SignInTurnKind.Throttled, _windowEnd - now));
        }

        if (_failures + _checking.Count >= limit)
        {
            return Task.FromResult(SignInTurn.Busy);
        }

        _checking.Add(now);
        return Task.FromResult(SignInTurn.Admitted);
    }

    public Task End(DateTimeOffset now, bool failed)
    {
        if (_checking.Count > 0)
        {
            _checking.RemoveAt(0);
        }

        if (failed)
        {
            RollWindow(now);
            _failures++;
        }

        return Task.CompletedTask;
    }

    /// <summary>Once the minute is over, a new one from <paramref name="now"/> on, with no failures yet.</summary>
    private void RollWindow(DateTimeOffset now)
    {
        if (now >= _windowEnd)
        {
            _windowEnd = now + Window;
            _failures = 0;
        }
    }
}
