using System.Net;
using BorderGate.Actors.Hosting;

namespace BorderGate.Silo.Hosting;

/// <summary>The page a browser sees at the silo's root: it says the node is up, and leads to the control room.</summary>
internal static class UpPage
{
    public static string Render(ActorRuntime runtime, SiloStatus status) => $$"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>BorderGate silo</title>
        <style>body{font-family:system-ui,sans-serif;margin:3rem;color:#123}code{background:#eef;padding:.1rem .3rem}</style></head>
        <body>
        <h1>BorderGate silo is up</h1>
        <p id="status">{{WebUtility.HtmlEncode(SiloStatus.Describe(runtime, status))}}</p>
        <p><a href="/control-room/">Control room (live map)</a></p>
        <p>Health: <a href="/health"><code>/health</code></a> · liveness: <a href="/alive"><code>/alive</code></a></p>
        </body>
        </html>
        """;
}
