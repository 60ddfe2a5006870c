import { HttpTransportType, type HubConnection, HubConnectionBuilder, LogLevel } from "@microsoft/signalr";

/**
 * A connection to one of the silo's hubs, as every page makes it: WebSockets straight away (no negotiate round trip),
 * reconnecting on its own with a growing pause (half a second, doubling, at most ten); the page says what to resume.
 * Signed in: the page's current token at each (re)connection.
 */
export function hubConnection(path: string, accessToken: () => string): HubConnection {
  return new HubConnectionBuilder()
    // The token rides on the URL (access_token): a browser's WebSocket cannot carry an Authorization header.
    .withUrl(path, { transport: HttpTransportType.WebSockets, skipNegotiation: true, accessTokenFactory: accessToken })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (retry) => Math.min(10_000, 500 * 2 ** retry.previousRetryCount) })
    .configureLogging(LogLevel.Warning)
    .build();
}
