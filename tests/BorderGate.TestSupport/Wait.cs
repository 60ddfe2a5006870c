namespace BorderGate.TestSupport;

/// <summary>Waits on conditions with a deadline instead of sleeping a fixed time.</summary>
public static class Wait
{
    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntil(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? pollInterval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(20);
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition().ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception exception)
            {
                last = exception;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting until {what}.", last);
            }

            await Task.Delay(interval).ConfigureAwait(false);
        }
    }

    /// <summary>Polls a synchronous <paramref name="condition"/> until it holds.</summary>
    public static Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? pollInterval = null) =>
        WaitUntil(() => Task.FromResult(condition()), timeout, what, pollInterval);
}
