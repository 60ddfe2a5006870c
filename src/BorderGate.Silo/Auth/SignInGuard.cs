using BorderGate.Actors;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace BorderGate.Silo.Auth;

/// <summary>
/// Counts failed sign-ins per kind and client address in one-minute windows: past
/// <see cref="AuthOptions.FailedSignInsPerMinute"/> the address is refused (429) until its window ends, so that passwords,
/// company keys and declaration numbers cannot be guessed at speed. An attempt counts from its start (many sent at once
/// cannot all pass) and is taken back when it succeeds, so successful sign-ins are not limited. The count is the
/// cluster's, kept by one <see cref="ISignInAllowanceGrain"/> per client and kind whichever silo host the attempt came to.
/// Also the sign-ins' metrics.
/// </summary>
internal sealed class SignInGuard
{
    public const string MeterName = "BorderGate.Silo.Auth";

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
    /// Counts a sign-in attempt from <paramref name="client"/> before its credentials are checked, so that attempts sent
    /// all at once are counted as they come, not after each check; answers how long it must wait when it is over the
    /// allowance (the attempt is refused then), else null. A successful attempt is taken back (<see cref="SucceededAsync"/>).
    /// </summary>
    public Task<TimeSpan?> TryBeginAsync(string client) => Allowance(client).TryBegin(_time.GetUtcNow(), _limit);

    /// <summary>The attempt succeeded: it does not count against the address.</summary>
    public Task SucceededAsync(string client) => Allowance(client).Succeeded(_time.GetUtcNow());

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
