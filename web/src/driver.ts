import type { HubConnection } from "@microsoft/signalr";
import type { TruckStatus } from "./contracts";
import { isRefused, Session } from "./auth";
import { hubConnection } from "./hub";
import { fill, languages, pickLanguage, texts, type Language } from "./i18n";
import { timeSpanMinutes } from "./time-span";

interface DriverStatus {
  plate: string;
  tripId: string;
  status: TruckStatus;
  queuePosition: number | null;
  expectedWait: string | null;
  laneId: string | null;
  inspectionBayId: string | null;
  nextStepCode: string;
  nextStep: string;
  waitingReason: string | null;
  window: { start: string; end: string } | null;
}

let language: Language = pickLanguage(location.search, navigator.languages);
let current: DriverStatus | null = null;
let connection: "live" | "reconnecting" | "offline" = "offline";
let timeZone = "Asia/Ho_Chi_Minh";

const byId = (id: string): HTMLElement => document.getElementById(id)!;

function minutes(timeSpan: string | null): string {
  const total = timeSpanMinutes(timeSpan);
  return total === null ? "–" : fill(texts[language].minutes, { n: String(total) });
}

function clock(at: string | undefined): string {
  return at ? new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit", timeZone }).format(new Date(at)) : "";
}

function render(): void {
  const t = texts[language];
  document.documentElement.lang = language;
  document.title = t.title;
  for (const node of document.querySelectorAll<HTMLElement>("[data-text]")) {
    node.textContent = t[node.dataset.text as keyof typeof t] as string;
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>("#languages button")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === language));
  }
  byId("connection").dataset.state = connection;
  byId("connection").textContent = connection === "live" ? t.live : connection === "reconnecting" ? t.reconnecting : t.offline;
  if (!current) {
    return;
  }
  byId("truck").hidden = false;
  byId("truck-plate").textContent = current.plate;
  const status = byId("status");
  status.textContent = t.status[current.status];
  status.dataset.status = current.status;
  const next = byId("next-step");
  next.dataset.code = current.nextStepCode;
  next.textContent = fill(t.next[current.nextStepCode] ?? current.nextStep, {
    lane: current.laneId ?? "",
    bay: current.inspectionBayId ?? "",
    start: clock(current.window?.start),
    end: clock(current.window?.end),
  });
  byId("queue-position").textContent = current.queuePosition?.toString() ?? "–";
  byId("expected-wait").textContent = minutes(current.expectedWait);
  byId("lane").textContent = current.laneId ?? "–";
  byId("why").textContent = current.waitingReason ?? "–";
}

function showError(message: string | null): void {
  const error = byId("error");
  error.hidden = message === null;
  error.textContent = message ?? "";
}

// The phone keeps its token (one truck, one trip) across visits, until it expires or the driver signs out.
const session = new Session(localStorage, "bordergate.driver");
let hub: HubConnection | null = null;

/** Signs in for the truck with its plate and declaration number, then follows it. */
async function signIn(plate: string, declaration: string): Promise<void> {
  const result = await session.signIn("/api/auth/driver", { plate, declaration });
  if (isRefused(result)) {
    current = null;
    byId("truck").hidden = true;
    showError(result.status === 429 ? fill(texts[language].tooManyTries, { n: String(result.retryAfterSeconds ?? 60) }) : texts[language].notFound);
    return;
  }
  await follow();
}

async function signOut(): Promise<void> {
  session.signOut();
  await hub?.stop();
  hub = null;
  current = null;
  byId("truck").hidden = true;
  byId("find").hidden = false;
  render();
}

async function follow(): Promise<void> {
  await hub?.stop();
  const connection_ = hubConnection("/hubs/driver", () => session.token);
  hub = connection_;
  const follows = (): Promise<DriverStatus> => connection_.invoke<DriverStatus>("Follow");
  connection_.on("Status", (status: DriverStatus) => {
    current = status;
    render();
  });
  connection_.onreconnecting(() => {
    connection = "reconnecting";
    render();
  });
  connection_.onreconnected(async () => {
    current = await follows();
    connection = "live";
    render();
  });
  connection_.onclose(() => {
    connection = "offline";
    render();
    if (hub === connection_ && !session.current) {
      // The token ran out: the driver signs in again.
      void signOut();
    }
  });
  try {
    await connection_.start();
    current = await follows();
  } catch {
    // The token no longer opens this truck (the trip ended and another began, or it expired): sign in again.
    await connection_.stop();
    session.signOut();
    current = null;
    byId("truck").hidden = true;
    byId("find").hidden = false;
    showError(texts[language].notFound);
    return;
  }
  showError(null);
  byId("find").hidden = true;
  connection = "live";
  render();
}

async function main(): Promise<void> {
  for (const button of document.querySelectorAll<HTMLButtonElement>("#languages button")) {
    button.addEventListener("click", () => {
      if ((languages as string[]).includes(button.dataset.lang ?? "")) {
        language = button.dataset.lang as Language;
        const url = new URL(location.href);
        url.searchParams.set("lang", language);
        history.replaceState(null, "", url);
        render();
        if (!byId("error").hidden) {
          showError(texts[language].notFound);
        }
      }
    });
  }
  render();
  try {
    const site = (await (await fetch("/api/crossing/site")).json()) as { timeZone?: string };
    timeZone = site.timeZone ?? timeZone;
  } catch {
    // The site's time zone stays the default.
  }

  const form = byId("find") as HTMLFormElement;
  const params = new URLSearchParams(location.search);
  (byId("plate") as HTMLInputElement).value = params.get("plate") ?? "";
  (byId("declaration") as HTMLInputElement).value = params.get("declaration") ?? "";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const plate = (byId("plate") as HTMLInputElement).value.trim();
    const declaration = (byId("declaration") as HTMLInputElement).value.trim();
    void signIn(plate, declaration);
  });
  byId("sign-out").addEventListener("click", () => void signOut());
  if (params.get("plate") && params.get("declaration")) {
    // A link with both (the QR code on a declaration's printout): sign in with them, and keep them out of the address bar.
    const url = new URL(location.href);
    url.searchParams.delete("plate");
    url.searchParams.delete("declaration");
    history.replaceState(null, "", url);
    await signIn(params.get("plate")!, params.get("declaration")!);
  } else if (session.current) {
    await follow();
  }
}

void main();
