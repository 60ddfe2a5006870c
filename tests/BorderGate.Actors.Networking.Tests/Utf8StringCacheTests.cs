using System.Text;
using BorderGate.Actors.Networking;

namespace BorderGate.Actors.Networking.Tests;

/// <summary>The frame reader's cache of repeating strings: the same bytes give the same string, others their own.</summary>
public sealed class Utf8StringCacheTests
{
    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Fact]
    public void SameBytes_GiveTheSameStringInstance()
    {
        var cache = new Utf8StringCache(16, s_strict);
        var first = cache.Get("IPingGrain.Ping(Int32)"u8);
        var second = cache.Get("IPingGrain.Ping(Int32)"u8.ToArray());

        Assert.Equal("IPingGrain.Ping(Int32)", first);
        Assert.Same(first, second);
    }

    /// <summary>A slot holds one string at a time: a thousand keys through two slots each come back as themselves.</summary>
    [Fact]
    public void CollidingStrings_EachComeBackAsThemselves()
    {
        var cache = new Utf8StringCache(2, s_strict);
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 1000; i++)
            {
                var key = $"truck/29C{i:D5}-{round}";
                Assert.Equal(key, cache.Get(Encoding.UTF8.GetBytes(key)));
            }
        }
    }

    [Fact]
    public void NonAsciiAndLongStrings_AreDecoded_InvalidBytesRefused()
    {
        var cache = new Utf8StringCache(8, s_strict);
        Assert.Equal("桂A12345", cache.Get(Encoding.UTF8.GetBytes("桂A12345")));
        var longKey = new string('k', 500);
        Assert.Equal(longKey, cache.Get(Encoding.UTF8.GetBytes(longKey)));
        Assert.NotSame(cache.Get(Encoding.UTF8.GetBytes(longKey)), cache.Get(Encoding.UTF8.GetBytes(longKey)));
        Assert.Throws<DecoderFallbackException>(() => cache.Get([0x61, 0xFF, 0x62]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Utf8StringCache(3, s_strict));
    }
}
