using System.Diagnostics;
using System.Diagnostics.Metrics;
using BorderGate.Actors;
using Microsoft.Extensions.Options;

namespace BorderGate.Silo.Auth;

/// <summary>
/// Counts failed sign-ins per kind and client address in one-minute windows: past
/// <see cref="AuthOptions.FailedSignInsPerMinute"/> the address is refused (429) until its window ends, so that passwords,
/// company keys and declaration numbers cannot be guessed at speed. Attempts being checked hold a place in the allowance
/// (guesses sent all at once cannot all be checked); one that finds the allowance taken by attempts still being checked
/// waits for them (up to <see cref="BusyWait"/>), so that sign-ins that succeed are not limited, however many come at once.
/// The counts are the cluster's, kept by one <see cref="ISignInAllowanceGrain"/> per client and kind whichever silo host
/// the attempt came to. Also the sign-ins' metrics.
/// </summary>
internal sealed class SignInGuard
{
    public const string MeterName = "BorderGate.Silo.Auth";

    /// <summary>How long an attempt waits for those being checked before it is refused (429, try again in a second).</summary>
    public static readonly TimeSpan BusyWait = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan BusyPoll = TimeSpan.FromMilliseconds(20);

    private readonly IGrainFactory _grains;
    private readonly int _limit;
    private readonly TimeProvider _time;
    private readonly Counter<long> _signIns;

    public SignInGuard(IGrainFactory grains, IOptions<AuthOptions> options, AuthClock clock, IMeterFactory meters)
    {
        _grains = grains;
        _limit = options.Value.FailedSignInsPerMinute;
        _time = clock.Time;
        var meter = meters.Create(MeterName);
        _signIns = meter.CreateCounter<long>("bordergate.auth.sign_ins", "{sign-in}", "Sign-ins by kind (operator, company, driver) and outcome (ok, refused, throttled, unavailable).");
    }

    /// <summary>
    /// Takes a place in <paramref name="client"/>'s allowance before its credentials are checked, waiting for attempts
    /// being checked when they hold the rest of it; answers how long the client must wait when it is over the allowance
    /// (the attempt is refused then), else null — and the attempt must then be ended (<see cref="EndAsync"/>).
    /// </summary>
    public async Task<TimeSpan?> TryBeginAsync(string client)
    {
        var allowance = Allowance(client);
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var turn = await allowance.TryBegin(_time.GetUtcNow(), _limit).ConfigureAwait(false);
            switch (turn.Kind)
            {
                case SignInTurnKind.Admitted:
                    return null;
                case SignInTurnKind.Throttled:
                    return turn.Wait;
                case SignInTurnKind.Busy when Stopwatch.GetElapsedTime(started) >= BusyWait:
                    return TimeSpan.FromSeconds(1);
                default:
                    // Polled on real time (not the auth clock, which tests stop): the attempts being checked end within moments.
                    await Task.Delay(BusyPoll).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>The attempt was checked: a failure counts against the client until its minute ends.</summary>
    public Task EndAsync(string client, bool failed) => Allowance(client).End(_time.GetUtcNow(), failed);

    private ISignInAllowanceGrain Allowance(string client) => _grains.GetGrain<ISignInAllowanceGrain>(client);

    /// <summary>
    /// Whom the allowance is counted for: the kind of sign-in (a driver's typos do not lock the operators out) and the
    /// client's address — an IPv6 address by its /64, which one client holds whole.
    /// </summary>
    public static string KeyOf(string kind, System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return kind + "|unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            return kind + "|" + Convert.ToHexString(bytes[..8]) + "::/64";
        }

        return kind + "|" + address;
    }

    public void Count(string kind, string outcome) =>
        _signIns.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));
}
