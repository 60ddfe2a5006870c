import { HttpTransportType, type HubConnection, HubConnectionBuilder, LogLevel } from "@microsoft/signalr";

/**
 * A connection to one of the silo's hubs, as every page makes it: WebSockets straight away (no negotiate round trip),
 * reconnecting on its own with a growing pause (half a second, doubling, at most ten); the page says what to resume.
 */
export function hubConnection(path: string): HubConnection {
  return new HubConnectionBuilder()
    .withUrl(path, { transport: HttpTransportType.WebSockets, skipNegotiation: true })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (retry) => Math.min(10_000, 500 * 2 ** retry.previousRetryCount) })
    .configureLogging(LogLevel.Warning)
    .build();
}
