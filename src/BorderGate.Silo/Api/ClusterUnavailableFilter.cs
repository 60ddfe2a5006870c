using BorderGate.Actors;

namespace BorderGate.Silo.Api;

/// <summary>
/// An API request that failed for the cluster's moment, not for anything in it. A silo shed the call as overloaded
/// (nothing ran): 503 with Retry-After. A silo could not be reached while the cluster settles a failover: 503 with
/// Retry-After too — a read may simply be repeated, a change may have been done before the node failed, which the
/// answer says. An answer came too late (the work may still be done): 504, no Retry-After, the same warning for a change.
/// As problem details, so that the control room, the drivers' phones and the companies' systems know what to do, instead
/// of a 500 for a broken request. Any other failure goes on to the host's usual handling.
/// </summary>
internal sealed partial class ClusterUnavailableFilter(ILogger<ClusterUnavailableFilter> logger) : IEndpointFilter
{
    private const string MayHaveRun = " If you were changing something, it may have been done: check before you repeat it.";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (Describe(exception, context.HttpContext.Request.Method) is { } answer && !context.HttpContext.Response.HasStarted)
        {
            var http = context.HttpContext;

            // Debug: under a flood this is every shed request; the transport's shed counter and the server's request
            // metrics (by status) carry the rates.
            LogUnavailable(logger, http.Request.Method, http.Request.Path, answer.Status, exception.GetType().Name, exception.Message);
            if (answer.RetryAfterSeconds is { } seconds)
            {
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return TypedResults.Problem(statusCode: answer.Status, title: answer.Title, detail: answer.Detail);
        }
    }

    private static (int Status, string Title, string Detail, int? RetryAfterSeconds)? Describe(Exception exception, string method)
    {
        var change = !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method));
        return exception switch
        {
            SiloOverloadedException => (StatusCodes.Status503ServiceUnavailable, "Busy",
                "The crossing's system is taking more requests than it can serve just now and did not do this one: try again in a moment.", 1),
            SiloUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Briefly unavailable",
                "Part of the crossing's system is being moved to another node: try again in a few seconds." + (change ? MayHaveRun : string.Empty), 2),
            GrainCallTimeoutException => (StatusCodes.Status504GatewayTimeout, "No answer in time",
                "The crossing's system did not answer in time." + (change ? MayHaveRun : " Try again in a few seconds."), null),
            _ => null,
        };
    }

    [LoggerMessage(4301, LogLevel.Debug, "{Method} {Path} answered {Status}: {Kind}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, int status, string kind, string reason);
}
