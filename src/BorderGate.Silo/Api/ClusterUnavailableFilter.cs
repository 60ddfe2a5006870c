using BorderGate.Actors;

namespace BorderGate.Silo.Api;

/// <summary>
/// An API request that failed for the cluster's moment, not for anything in it: a silo shed the call (overloaded), a silo
/// could not be reached while the cluster settles a failover, or an answer came too late. Answered 503 with Retry-After, as
/// problem details, so that the control room, the drivers' phones and the companies' systems try again in a moment instead
/// of taking a 500 for a broken request. Any other failure goes on to the host's usual handling.
/// </summary>
internal sealed partial class ClusterUnavailableFilter(ILogger<ClusterUnavailableFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (Describe(exception) is { } answer && !context.HttpContext.Response.HasStarted)
        {
            var http = context.HttpContext;
            LogUnavailable(logger, http.Request.Method, http.Request.Path, exception.GetType().Name, exception.Message);
            http.Response.Headers.RetryAfter = answer.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: answer.Title, detail: answer.Detail);
        }
    }

    private static (string Title, string Detail, int RetryAfterSeconds)? Describe(Exception exception) => exception switch
    {
        SiloOverloadedException => ("Busy", "The crossing's system is taking more requests than it can serve just now: try again in a moment.", 1),
        SiloUnavailableException => ("Briefly unavailable", "Part of the crossing's system is being moved to another node: try again in a few seconds.", 2),
        GrainCallTimeoutException => ("No answer in time", "The crossing's system did not answer in time: try again in a few seconds.", 2),
        _ => null,
    };

    [LoggerMessage(4301, LogLevel.Warning, "{Method} {Path} answered 503: {Kind}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string kind, string reason);
}
