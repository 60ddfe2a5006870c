using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace BorderGate.Silo.Auth;

/// <summary>
/// Counts failed sign-ins per kind and client address in one-minute windows: past
/// <see cref="AuthOptions.FailedSignInsPerMinute"/> the address is refused (429) until its window ends, so that passwords,
/// company keys and declaration numbers cannot be guessed at speed. An attempt counts from its start (many sent at once
/// cannot all pass) and is taken back when it succeeds, so successful sign-ins are not limited. Also the sign-ins' metrics.
/// </summary>
internal sealed class SignInGuard
{
    public const string MeterName = "BorderGate.Silo.Auth";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);
    private readonly int _limit;
    private readonly TimeProvider _time;
    private readonly Counter<long> _signIns;
    private DateTimeOffset _nextPrune;

    public SignInGuard(IOptions<AuthOptions> options, AuthClock clock, IMeterFactory meters)
    {
        _limit = options.Value.FailedSignInsPerMinute;
        _time = clock.Time;
        var meter = meters.Create(MeterName);
        _signIns = meter.CreateCounter<long>("bordergate.auth.sign_ins", "{sign-in}", "Sign-ins by kind (operator, company, driver) and outcome (ok, refused, throttled).");
    }

    /// <summary>
    /// Counts a sign-in attempt from <paramref name="client"/> before its credentials are checked, so that attempts sent
    /// all at once are counted as they come, not after each check; answers how long it must wait when it is over the
    /// allowance (the attempt is refused then), else null. A successful attempt is taken back (<see cref="Succeeded"/>).
    /// </summary>
    public TimeSpan? TryBegin(string client)
    {
        var now = _time.GetUtcNow();
        var attempts = _failures.AddOrUpdate(
            client,
            static (_, end) => new Failures(end, 1),
            static (_, current, end) => current.End <= end - Window ? new Failures(end, 1) : current with { Value = current.Value + 1 },
            now + Window);
        Prune(now);
        return attempts.Value > _limit ? attempts.End - now : null;
    }

    /// <summary>The attempt succeeded: it does not count against the address.</summary>
    public void Succeeded(string client)
    {
        var now = _time.GetUtcNow();
        while (_failures.TryGetValue(client, out var current) && current.Count(now) > 0)
        {
            if (_failures.TryUpdate(client, current with { Value = current.Value - 1 }, current))
            {
                return;
            }
        }
    }

    /// <summary>Past <see cref="PruneAbove"/> addresses, forgets those whose minute is over (at most every ten seconds).</summary>
    private void Prune(DateTimeOffset now)
    {
        if (_failures.Count <= PruneAbove || now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + TimeSpan.FromSeconds(10);
        foreach (var (key, failures) in _failures)
        {
            if (failures.Count(now) == 0)
            {
                _failures.TryRemove(new KeyValuePair<string, Failures>(key, failures));
            }
        }
    }

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

    private sealed record Failures(DateTimeOffset End, int Value)
    {
        public int Count(DateTimeOffset now) => now < End ? Value : 0;
    }
}
