using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace BorderGate.Silo.Auth;

/// <summary>
/// Counts failed sign-ins per client address in one-minute windows: past <see cref="AuthOptions.FailedSignInsPerMinute"/>
/// the address is refused (429) until its window ends, so that passwords, company keys and declaration numbers cannot be
/// guessed at speed. Successful sign-ins are not limited. Also the sign-ins' metrics.
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

    public SignInGuard(IOptions<AuthOptions> options, AuthClock clock, IMeterFactory meters)
    {
        _limit = options.Value.FailedSignInsPerMinute;
        _time = clock.Time;
        var meter = meters.Create(MeterName);
        _signIns = meter.CreateCounter<long>("bordergate.auth.sign_ins", "{sign-in}", "Sign-ins by kind (operator, company, driver) and outcome (ok, refused, throttled).");
    }

    /// <summary>How long <paramref name="client"/> must wait before trying again; null when it may try now.</summary>
    public TimeSpan? Throttled(string client)
    {
        var now = _time.GetUtcNow();
        if (_failures.TryGetValue(client, out var failures) && failures.Count(now) >= _limit)
        {
            return failures.End - now;
        }

        return null;
    }

    public void Failed(string client)
    {
        var now = _time.GetUtcNow();
        _failures.AddOrUpdate(client, _ => new Failures(now + Window, 1), (_, current) => current.Count(now) == 0 ? new Failures(now + Window, 1) : current with { Value = current.Value + 1 });
        if (_failures.Count > PruneAbove)
        {
            foreach (var (key, failures) in _failures)
            {
                if (failures.Count(now) == 0)
                {
                    _failures.TryRemove(new KeyValuePair<string, Failures>(key, failures));
                }
            }
        }
    }

    public void Count(string kind, string outcome) =>
        _signIns.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));

    private sealed record Failures(DateTimeOffset End, int Value)
    {
        public int Count(DateTimeOffset now) => now < End ? Value : 0;
    }
}
