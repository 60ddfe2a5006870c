using System.Diagnostics;

namespace BorderGate.Actors.Networking.Tests;

/// <summary>Waits on a condition with a timeout instead of sleeping a fixed time.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > (timeout ?? TimeSpan.FromSeconds(10)))
            {
                Assert.Fail("The condition did not become true in time.");
            }

            await Task.Delay(10);
        }
    }
}
