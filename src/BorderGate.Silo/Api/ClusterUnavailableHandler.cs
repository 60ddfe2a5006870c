using BorderGate.Actors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace BorderGate.Silo.Api;

/// <summary>
/// A request that failed for the cluster's moment, not for anything in it: a silo shed the call (overloaded), a silo could
/// not be reached while the cluster settles a failover, or an answer came too late. Answered 503 with Retry-After, as
/// problem details, so that the control room, the drivers' phones and the companies' systems try again in a moment
/// instead of taking a 500 for a broken request. Anything else is left to the default handling.
/// </summary>
internal sealed partial class ClusterUnavailableHandler(IProblemDetailsService problems, ILogger<ClusterUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (title, detail, retryAfter) = exception switch
        {
            SiloOverloadedException => ("Busy", "The crossing's system is taking more requests than it can serve just now: try again in a moment.", 1),
            SiloUnavailableException => ("Briefly unavailable", "Part of the crossing's system is being moved to another node: try again in a few seconds.", 2),
            GrainCallTimeoutException => ("No answer in time", "The crossing's system did not answer in time: try again in a few seconds.", 2),
            _ => (null, null, 0),
        };
        if (title is null || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(4301, LogLevel.Warning, "{Method} {Path} answered 503: {Kind}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string kind, string reason);
}
